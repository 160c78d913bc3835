import type { CorrectEntry, CorrectionEvent, VoidEntry } from './corrections';
import { stateOf } from './command-runner';
import type { Decision, DomainEvent, Evolver, StoredEvent } from './decider';
import { RuleViolation } from './errors';

/**
 * Given/when/then for deciders (Emmett's style): given past events (corrections and voidings included),
 * when a decision runs on their state — and, for a correction, on the stream's history — then these
 * events, or this broken rule.
 */
export function decider<S, E extends DomainEvent>(evolver: Evolver<S, E>) {
  return {
    given: (...events: Array<E | CorrectionEvent>) => ({
      when: (
        decide: (
          state: S,
          history: Array<StoredEvent<E | CorrectionEvent>>,
        ) => Array<E | CorrectionEvent> | E[],
      ) => {
        const run = () => {
          const history = events.map((event, revision) => stored(event, revision));
          return decide(stateOf(evolver, history), history);
        };
        return {
          then: (expected: Array<E | CorrectionEvent>) => expect(run()).toEqual(expected),
          /** Returns the violation, for what else a test checks of it (its messages, its extensions). */
          thenBreaks: (rule: string, path?: string): RuleViolation => {
            let error: unknown;
            try {
              run();
            } catch (e) {
              error = e;
            }
            expect(error).toBeInstanceOf(RuleViolation);
            // The message in the comparison says which rule broke instead, when another one did.
            expect((error as RuleViolation).message).toMatch(new RegExp(`^${rule}: `));
            if (path !== undefined) expect((error as RuleViolation).path).toBe(path);
            const { fr, en } = (error as RuleViolation).messages;
            expect(fr.length > 0 && en.length > 0 && fr !== en).toBe(true);
            return error as RuleViolation;
          },
        };
      },
    }),
  };
}

/** Given events get the ids `event-0`, `event-1`… in the order given. */
export function stored<E extends DomainEvent>(
  event: E,
  revision = 0,
  eventId = `event-${revision}`,
): StoredEvent<E> {
  return {
    ...event,
    context: { eventId, recordedAt: '2026-01-01T00:00:00.000Z', actorId: 'tester', revision },
  };
}

/** A decision at `now` by a coordinator, whose new ids are `<purpose>-new`. */
export function decisionAt(now: Date, actor = { id: 'coordinator-1', role: 'coordinator' }): Decision {
  return { now, actor, newId: (purpose) => `${purpose}-new` };
}

/** The command that corrects `targetEventId` with `correction`, or voids it without one. */
export const changeOf = (
  targetEventId: string,
  correction?: Record<string, unknown>,
): CorrectEntry | VoidEntry =>
  correction === undefined
    ? { type: 'VoidEntry', data: { targetEventId, reason: 'Erreur' } }
    : { type: 'CorrectEntry', data: { targetEventId, reason: 'Erreur', correction } };

/** The id of the last event given. */
export const lastOf = (history: ReadonlyArray<StoredEvent<DomainEvent>>): string =>
  history[history.length - 1].context.eventId;
