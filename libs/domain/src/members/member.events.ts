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

/**
 * Where the member is told of notifications by e-mail. Personal data: kept out of the logs and of the
 * pseudonymised feed; corrected and voided like any entry.
 */
export interface MemberEmailRecorded {
  email: string;
}

/** A local time of day in Paris, `HH:MM`. */
export type LocalTime = string;

/**
 * How the member wants to be told: the inbox always; e-mail and webhooks each on or off; quiet hours
 * (Paris time, `from` to `to`, across midnight when `to` is earlier) during which e-mails wait. The last
 * one recorded is in force: setting them again is how they change.
 */
export interface NotificationPreferencesSet {
  email: boolean;
  webhook: boolean;
  quietHours?: { from: LocalTime; to: LocalTime };
}

export type MemberEvent =
  | DomainEvent<'MemberJoined', MemberJoined>
  | DomainEvent<'MemberLeft', MemberLeft>
  | DomainEvent<'ParticipationRecorded', ParticipationRecorded>
  | DomainEvent<'InternHosted', InternHosted>
  | DomainEvent<'MemberEmailRecorded', MemberEmailRecorded>
  | DomainEvent<'NotificationPreferencesSet', NotificationPreferencesSet>;
