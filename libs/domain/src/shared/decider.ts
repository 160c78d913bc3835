/**
 * The shape of every capability's domain code: events as `{ type, data }` with stable string types,
 * a state folded from them by a pure `evolve`, and pure `decide` functions that turn a command and the
 * state into new events or a `RuleViolation`. No NestJS, no I/O: the command runner does the loading
 * and appending around them.
 */

export interface DomainEvent<T extends string = string, D extends object = object> {
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
