import type { SealedIdentity } from '@parcours/crypto';
import type { DomainEvent } from '../shared/decider';

/** `events.md`, Patients — stream `patient-<cptsId>.<patientId>`. */

export const PATIENT_SEXES = ['F', 'M', 'X'] as const;
export type PatientSex = (typeof PATIENT_SEXES)[number];

export const CONSENT_SCOPES = ['partage-medecin-traitant', 'resultat-test', 'dossier-partage'] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

export const CONSENT_DECISIONS = ['accord', 'refus', 'retrait'] as const;
export type ConsentDecision = (typeof CONSENT_DECISIONS)[number];

export const MEDECIN_TRAITANT_SEARCH_PRIORITIES = ['ald', 'plus-de-70-ans', 'precarite', 'aucune'] as const;
export type MedecinTraitantSearchPriority = (typeof MEDECIN_TRAITANT_SEARCH_PRIORITIES)[number];

/**
 * The personal data of a patient. It never reaches the event store in clear: `PatientRegistered` carries
 * it sealed with the patient's own key (`@parcours/crypto`), and destroying that key erases it.
 */
export interface PatientIdentity {
  familyName: string;
  givenName: string;
  /** `YYYY-MM-DD` */
  birthDate: string;
  /** INS (NIR-based), 13 or 15 characters. */
  ins?: string;
}

export interface PatientRegistered {
  identity: SealedIdentity;
  sex: PatientSex;
  birthYear: number;
  /** INSEE code of the commune of residence. */
  commune?: string;
  ald: boolean;
  /** CSS/AME beneficiary. */
  precarious: boolean;
  hasMedecinTraitant: boolean;
}
export interface MedecinTraitantSearchRegistered {
  registeredOn: string;
  /** A memberId, or `patient` when the patient asked. */
  requestedBy: string;
  priority: MedecinTraitantSearchPriority;
}
export interface MedecinTraitantAssigned {
  memberId: string;
  assignedOn: string;
}
export interface ConsentRecorded {
  scope: ConsentScope;
  decision: ConsentDecision;
  on: string;
}
export interface ProfessionalAccessBlocked {
  memberId: string;
  on: string;
}
export interface ProfessionalAccessUnblocked {
  memberId: string;
  on: string;
}
export interface PharmacienCorrespondantDesignated {
  memberId: string;
  on: string;
}
export interface PatientIdentityErased {
  on: string;
  reason: string;
}
/**
 * A misspelt name, a wrong birth date, an INS qualified later: the identity replaced, sealed with the
 * patient's own key as at registration. The birth year stays in clear beside it, as at registration.
 */
export interface PatientIdentityCorrected {
  identity: SealedIdentity;
  birthYear: number;
  reason: string;
}
export interface PatientStatusUpdated {
  effectiveOn: string;
  ald?: boolean;
  precarious?: boolean;
}

export const MEDECIN_TRAITANT_SEARCH_CLOSURE_REASONS = [
  'injoignable',
  'refus-patient',
  'mt-trouve-hors-cpts',
  'demenagement',
  'deces',
  'autre',
] as const;

/** The search ends without an assignment. */
export interface MedecinTraitantSearchClosed {
  closedOn: string;
  reason: (typeof MEDECIN_TRAITANT_SEARCH_CLOSURE_REASONS)[number];
}

/** What a member does in the patient's care circle (cercle de soins), beside their profession. */
export const CARE_TEAM_ROLES = [
  'referent-parcours',
  'soins-infirmiers',
  'reeducation',
  'suivi-specialise',
  'dispensation',
  'sage-femme',
  'coordination',
  'autre',
] as const;
export type CareTeamRole = (typeof CARE_TEAM_ROLES)[number];

/**
 * A member joins the patient's care circle (équipe de soins, CSP L1110-12) from a date: the health data
 * of the patient may be shared with them while they are in it. The médecin traitant and the pharmacien
 * correspondant are in it through their own events.
 */
export interface CareTeamMemberAdded {
  memberId: string;
  role: CareTeamRole;
  /** `YYYY-MM-DD` */
  from: string;
}
/** A member leaves the care circle on a date (the day still counts). */
export interface CareTeamMemberRemoved {
  memberId: string;
  /** `YYYY-MM-DD` */
  to: string;
  reason: string;
}

export type PatientEvent =
  | DomainEvent<'PatientRegistered', PatientRegistered>
  | DomainEvent<'MedecinTraitantSearchRegistered', MedecinTraitantSearchRegistered>
  | DomainEvent<'MedecinTraitantAssigned', MedecinTraitantAssigned>
  | DomainEvent<'ConsentRecorded', ConsentRecorded>
  | DomainEvent<'ProfessionalAccessBlocked', ProfessionalAccessBlocked>
  | DomainEvent<'ProfessionalAccessUnblocked', ProfessionalAccessUnblocked>
  | DomainEvent<'PharmacienCorrespondantDesignated', PharmacienCorrespondantDesignated>
  | DomainEvent<'PatientIdentityErased', PatientIdentityErased>
  | DomainEvent<'PatientIdentityCorrected', PatientIdentityCorrected>
  | DomainEvent<'PatientStatusUpdated', PatientStatusUpdated>
  | DomainEvent<'MedecinTraitantSearchClosed', MedecinTraitantSearchClosed>
  | DomainEvent<'CareTeamMemberAdded', CareTeamMemberAdded>
  | DomainEvent<'CareTeamMemberRemoved', CareTeamMemberRemoved>;
