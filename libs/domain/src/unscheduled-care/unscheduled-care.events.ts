import type { DomainEvent } from '../shared/decider';

/** `events.md`, Unscheduled care (soins non programmés) — stream `snp-<cptsId>.<requestId>`. */

export const UNSCHEDULED_CARE_CHANNELS = ['telephone', 'pharmacie', 'sas', 'plateforme', 'autre'] as const;
export type UnscheduledCareChannel = (typeof UNSCHEDULED_CARE_CHANNELS)[number];

export interface UnscheduledCareRequested {
  receivedAt: string;
  channel: UnscheduledCareChannel;
  motive: string;
  patientId?: string;
  /** Came through the Service d’accès aux soins (counted by `acces.sas.rdv`). */
  viaSas: boolean;
}
export interface UnscheduledCareOriented {
  toMemberId: string;
  appointmentAt: string;
}
/** The request ends without an appointment. */
export interface UnscheduledCareClosed {
  closedAt: string;
  reason: string;
}

export type UnscheduledCareEvent =
  | DomainEvent<'UnscheduledCareRequested', UnscheduledCareRequested>
  | DomainEvent<'UnscheduledCareOriented', UnscheduledCareOriented>
  | DomainEvent<'UnscheduledCareClosed', UnscheduledCareClosed>;
