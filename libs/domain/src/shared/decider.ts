/**
 * The shape of every capability's domain code, after Emmett's deciders:
 *
 * - a **command** is what a user asks (`ReferPatient`), an **event** what was accepted (`PatientReferred`):
 *   two different types, each a `{ type, data }` with a stable string type;
 * - a small **typed state** is folded from the stream's events by a pure `evolve` (referrals by id,
 *   discharges by id…, never raw entries);
 * - a pure **decide** takes the command, the state, the facts it needs from other streams and the
 *   decision's context (clock, actor, id source), assigns the ids, and returns the events — or throws the
 *   rule the command breaks (`RuleViolation`).
 *
 * No NestJS, no I/O: the command runner loads and appends around them.
 */

export interface DomainEvent<T extends string = string, D extends object = object> {
  type: T;
  data: D;
}

/** What a user asks; the decider answers it with events or a broken rule. */
export interface Command<T extends string = string, D extends object = object> {
  type: T;
  data: D;
}

/** What `evolve` sees of a stored event besides its data: who, when, and its id (for corrections). */
export interface EventContext {
  eventId: string;
  /** When it was recorded (server clock), ISO 8601. */
  recordedAt: string;
  actorId: string;
  revision: number;
}

export type StoredEvent<E extends DomainEvent = DomainEvent> = E & { context: EventContext };

export interface Evolver<S, E extends DomainEvent = DomainEvent> {
  initialState: () => S;
  evolve: (state: S, event: StoredEvent<E>) => S;
}

export function fold<S, E extends DomainEvent>(evolver: Evolver<S, E>, events: Array<StoredEvent<E>>): S {
  return events.reduce(evolver.evolve, evolver.initialState());
}

/**
 * The context of one decision: the server's clock, who asks, and where the ids of what the command creates
 * come from (stable under an Idempotency-Key, and within the command: asking twice for a purpose gives the
 * same id, so a decision taken again after a conflict creates the same referral).
 */
export interface Decision {
  now: Date;
  actor: { id: string; role: string };
  newId: (purpose: string) => string;
}
