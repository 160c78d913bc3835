import type { DomainEvent } from '../shared/decider';

/** `events.md`, Members — stream `member-<cptsId>.<memberId>`. */

export const PROFESSIONS = [
  'medecin-generaliste',
  'medecin-specialiste',
  'pharmacien',
  'infirmier',
  'infirmier-pratique-avancee',
  'masseur-kinesitherapeute',
  'sage-femme',
  'chirurgien-dentiste',
  'orthophoniste',
  'orthoptiste',
  'pedicure-podologue',
  'ergotherapeute',
  'psychomotricien',
  'dieteticien',
  'psychologue',
  'assistant-social',
  'coordinateur',
  'autre',
] as const;
export type Profession = (typeof PROFESSIONS)[number];

export const STRUCTURE_KINDS = [
  'msp',
  'cds',
  'esp',
  'cabinet',
  'pharmacie',
  'hopital',
  'clinique',
  'ehpad',
  'ssiad',
  'had',
  'dac',
  'autre',
] as const;
export const PRACTICE_MODES = ['liberal', 'salarie'] as const;
export const ACTIVITIES = [
  'reunion',
  'groupe-de-travail',
  'rcp',
  'formation',
  'action-prevention',
  'autre',
] as const;

export interface MemberJoined {
  displayName: string;
  profession: Profession;
  rpps?: string;
  structure?: { kind: (typeof STRUCTURE_KINDS)[number]; name: string; finess?: string };
  mode: (typeof PRACTICE_MODES)[number];
  joinedOn: string;
  sasParticipant: boolean;
}
export interface MemberLeft {
  leftOn: string;
}
export interface ParticipationRecorded {
  activity: (typeof ACTIVITIES)[number];
  on: string;
  hours: number;
}
export interface InternHosted {
  profession: Profession;
  from: string;
  to: string;
}

export type MemberEvent =
  | DomainEvent<'MemberJoined', MemberJoined>
  | DomainEvent<'MemberLeft', MemberLeft>
  | DomainEvent<'ParticipationRecorded', ParticipationRecorded>
  | DomainEvent<'InternHosted', InternHosted>;
