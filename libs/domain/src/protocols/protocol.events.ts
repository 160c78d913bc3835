import type { Profession } from '../members/member.events';
import type { DomainEvent } from '../shared/decider';

/** `events.md`, Protocols — stream `protocol-<cptsId>.<code>`. */

export const PROTOCOL_KINDS = ['cooperation-nationale', 'pluriprofessionnel-local'] as const;
export type ProtocolKind = (typeof PROTOCOL_KINDS)[number];

/** The patient sexes of `PatientRegistered`. */
export const PROTOCOL_SEXES = ['F', 'M', 'X'] as const;

/** Who may delegate under a cooperation protocol: the doctors of the member professions. */
export const DELEGATING_PROFESSIONS: readonly Profession[] = ['medecin-generaliste', 'medecin-specialiste'];

/** A protocol code: a lower-case slug, also the last part of its stream id. */
export const PROTOCOL_CODE_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const PROTOCOL_CODE_MAX_LENGTH = 80;

export interface ProtocolEligibility {
  sex?: (typeof PROTOCOL_SEXES)[number];
  /** Inclusive: the patient is at least this many whole months old. */
  minAgeMonths?: number;
  /** Inclusive: the patient is at most this many whole months old ("16 to 25 years" → 311). */
  maxAgeMonths?: number;
  exclusions: Array<{ code: string; label: string }>;
}

export interface ProtocolPublished {
  code: string;
  /** Integer, strictly increasing per code. */
  version: number;
  title: string;
  kind: ProtocolKind;
  eligibility: ProtocolEligibility;
  /** Tests the protocol relies on (e.g. `bandelette-urinaire`, `trod-angine`). */
  tests: string[];
  /** Who may apply it. */
  professions: Profession[];
  requiresMtInformation: boolean;
  effectiveFrom: string;
}
export interface ProtocolAdherentRegistered {
  memberId: string;
  delegatingDoctorMemberId: string;
  trainedOn: string;
  signedOn: string;
}
export interface ProtocolRetired {
  /** The last day the protocol is in force. */
  effectiveTo: string;
}

export type ProtocolEvent =
  | DomainEvent<'ProtocolPublished', ProtocolPublished>
  | DomainEvent<'ProtocolAdherentRegistered', ProtocolAdherentRegistered>
  | DomainEvent<'ProtocolRetired', ProtocolRetired>;
