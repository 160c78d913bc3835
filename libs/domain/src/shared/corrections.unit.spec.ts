import { effectiveEvents, type CorrectionEvent } from './corrections';
import type { DomainEvent } from './decider';
import { stored } from './testing';

type Noted = DomainEvent<'Noted', { n: number; note?: string }>;
const noted = (n: number): Noted => ({ type: 'Noted', data: { n } });
const history = (...events: Array<Noted | CorrectionEvent>) => events.map((event, i) => stored(event, i));
const numbers = (events: Array<{ data: object }>) => events.map((event) => event.data);

describe('the stream as it now stands', () => {
  it('merges each correction into its target, in order, and keeps stream order', () => {
    const events = history(
      noted(1),
      noted(2),
      { type: 'EntryCorrected', data: { targetEventId: 'event-1', reason: 'x', correction: { n: 20 } } },
      { type: 'EntryCorrected', data: { targetEventId: 'event-1', reason: 'x', correction: { note: 'b' } } },
      noted(3),
    );
    expect(numbers(effectiveEvents(events))).toEqual([{ n: 1 }, { n: 20, note: 'b' }, { n: 3 }]);
    expect(effectiveEvents(events).map((e) => e.context.eventId)).toEqual(['event-0', 'event-1', 'event-4']);
  });

  it('leaves a voided entry out, and ignores what targets an entry it does not hold', () => {
    const events = history(
      noted(1),
      noted(2),
      { type: 'EntryVoided', data: { targetEventId: 'event-1', reason: 'x' } },
      { type: 'EntryCorrected', data: { targetEventId: 'event-1', reason: 'x', correction: { n: 9 } } },
      { type: 'EntryCorrected', data: { targetEventId: 'nope', reason: 'x', correction: { n: 9 } } },
    );
    expect(numbers(effectiveEvents(events))).toEqual([{ n: 1 }]);
  });

  it('voids the whole record when its first event is voided', () => {
    const events = history(noted(1), noted(2), {
      type: 'EntryVoided',
      data: { targetEventId: 'event-0', reason: 'x' },
    });
    expect(effectiveEvents(events)).toEqual([]);
  });
});
