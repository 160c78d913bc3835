import type { DomainEvent } from '../shared/decider';
import type { Profession } from '../members/member.events';

/** `events.md`, RCP — stream `rcp-<cptsId>.<rcpId>`. */

export const RCP_FORMATS = ['presentiel', 'visio', 'mixte'] as const;
export type RcpFormat = (typeof RCP_FORMATS)[number];

/** A member of this CPTS (its profession is the member's), or an external professional named here. */
export type RcpParticipant = { memberId: string } | { name: string; profession: Profession };

export interface RcpCase {
  pathwayId: string;
  decisions: string[];
  /** When the case is to be discussed again (the worklist's `rcp.revue`). */
  reviewOn?: string;
}

export interface RcpHeld {
  convenedBy: string;
  heldAt: string;
  durationMinutes: number;
  complex: boolean;
  format: RcpFormat;
  participants: RcpParticipant[];
  patientPresent: boolean;
  familyPresent: boolean;
  cases: RcpCase[];
}

export type RcpEvent = DomainEvent<'RcpHeld', RcpHeld>;
