import type { DomainEvent } from '../shared/decider';

/** `events.md`, Prevention and support actions — stream `action-<cptsId>.<actionId>`. */

export interface PreventionActionHeld {
  theme: string;
  heldOn: string;
  /** People reached by the action (`prevention.actions`, breakdown `personnes`). */
  participants: number;
  /** Members of the CPTS who ran it. */
  memberIds: string[];
}
export interface TrainingHeld {
  theme: string;
  heldOn: string;
  attendeeMemberIds: string[];
}

export type ActionEvent =
  DomainEvent<'PreventionActionHeld', PreventionActionHeld> | DomainEvent<'TrainingHeld', TrainingHeld>;
