import type { DomainEvent } from '../shared/decider';

/** `events.md`, Pathways — stream `pathway-<cptsId>.<pathwayId>`. */

export const PATHWAY_KINDS = [
  'sortie-hospitalisation',
  'insuffisance-cardiaque',
  'osteoporose',
  'bpco',
  'diabete',
  'tnd',
  'polymedication',
  'personne-agee',
  'cas-complexe',
  'autre',
] as const;
export const URGENCIES = ['jour-meme', '24h', 'programmee'] as const;
export const CHANNELS = ['messagerie-securisee', 'telephone', 'courrier', 'plateforme'] as const;
export const FOLLOW_UP_KINDS = ['consultation', 'visite-domicile', 'appel'] as const;
export const TEST_RESULTS = ['positif', 'negatif', 'invalide'] as const;
export const APPLICATION_OUTCOMES = [
  'conseil',
  'dispensation',
  'orientation-medecin',
  'orientation-urgences',
] as const;
export const CLOSURE_OUTCOMES = [
  'termine',
  'deces',
  'demenagement',
  'hospitalisation',
  'perdu-de-vue',
  'autre',
] as const;

export interface PathwayOpened {
  patientId: string;
  kind: (typeof PATHWAY_KINDS)[number];
  openedAt: string;
  reason?: string;
}
export interface PatientReferred {
  referralId: string;
  fromMemberId: string;
  to: { memberId?: string; profession?: string; structure?: string };
  reason: string;
  urgency: (typeof URGENCIES)[number];
  referredAt: string;
  channel?: (typeof CHANNELS)[number];
}
export interface ReferralAccepted {
  referralId: string;
  acceptedAt: string;
  appointmentAt?: string;
}
export interface ReferralDeclined {
  referralId: string;
  declinedAt: string;
  reason: string;
}
export interface ReferralCompleted {
  referralId: string;
  completedAt: string;
}
export interface DischargeNotified {
  dischargeId: string;
  hospital: { name: string; finess?: string };
  ward?: string;
  admittedAt?: string;
  dischargeAt: string;
  notifiedAt: string;
  treatmentChanged: boolean;
  complex: boolean;
  needs: string[];
  pharmacistMemberId?: string;
  gpMemberId?: string;
}
export interface MedicationReconciliationSent {
  dischargeId: string;
  toMemberId: string;
  sentAt: string;
}
export interface FollowUpCompleted {
  dischargeId?: string;
  byMemberId: string;
  at: string;
  kind: (typeof FOLLOW_UP_KINDS)[number];
}
export interface ProtocolApplied {
  applicationId: string;
  protocolCode: string;
  protocolVersion: number;
  byMemberId: string;
  appliedAt: string;
  eligibility: { eligible: boolean; answers: Record<string, unknown> };
  test?: { kind: string; result: (typeof TEST_RESULTS)[number] };
  outcome: (typeof APPLICATION_OUTCOMES)[number];
  mtInformedAt?: string;
}
export interface PathwayClosed {
  closedAt: string;
  outcome: (typeof CLOSURE_OUTCOMES)[number];
}
export interface PathwayReopened {
  reopenedAt: string;
  reason: string;
}
export type PathwayEvent =
  | DomainEvent<'PathwayOpened', PathwayOpened>
  | DomainEvent<'PatientReferred', PatientReferred>
  | DomainEvent<'ReferralAccepted', ReferralAccepted>
  | DomainEvent<'ReferralDeclined', ReferralDeclined>
  | DomainEvent<'ReferralCompleted', ReferralCompleted>
  | DomainEvent<'DischargeNotified', DischargeNotified>
  | DomainEvent<'MedicationReconciliationSent', MedicationReconciliationSent>
  | DomainEvent<'FollowUpCompleted', FollowUpCompleted>
  | DomainEvent<'ProtocolApplied', ProtocolApplied>
  | DomainEvent<'PathwayClosed', PathwayClosed>
  | DomainEvent<'PathwayReopened', PathwayReopened>;

export type PathwayEventType = PathwayEvent['type'];

/** The business time of each entry type: the field that says when the thing happened. */
export const BUSINESS_TIME_FIELD: Record<PathwayEventType, string> = {
  PathwayOpened: 'openedAt',
  PatientReferred: 'referredAt',
  ReferralAccepted: 'acceptedAt',
  ReferralDeclined: 'declinedAt',
  ReferralCompleted: 'completedAt',
  DischargeNotified: 'dischargeAt',
  MedicationReconciliationSent: 'sentAt',
  FollowUpCompleted: 'at',
  ProtocolApplied: 'appliedAt',
  PathwayClosed: 'closedAt',
  PathwayReopened: 'reopenedAt',
};
