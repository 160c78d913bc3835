import type { DomainEvent, Evolver, StoredEvent } from './decider';
import { fold } from './decider';
import { RuleViolation } from './errors';

/**
 * Given/when/then for deciders (Emmett's style): given past events, when a decision runs on their state,
 * then these events — or this broken rule.
 */
export function decider<S, E extends DomainEvent>(evolver: Evolver<S, E>) {
  return {
    given: (...events: E[]) => ({
      when: (decide: (state: S) => E[]) => {
        const run = () =>
          decide(
            fold(
              evolver,
              events.map((event, revision) => stored(event, revision)),
            ),
          );
        return {
          then: (expected: E[]) => expect(run()).toEqual(expected),
          thenBreaks: (rule: string, path?: string) => {
            let error: unknown;
            try {
              run();
            } catch (e) {
              error = e;
            }
            expect(error).toBeInstanceOf(RuleViolation);
            expect((error as RuleViolation).rule).toBe(rule);
            if (path !== undefined) expect((error as RuleViolation).path).toBe(path);
            const { fr, en } = (error as RuleViolation).messages;
            expect(fr.length > 0 && en.length > 0 && fr !== en).toBe(true);
          },
        };
      },
    }),
  };
}

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
