/** Helpers for the tests that drive an EventStoreDB adapter's subscriptions and calls. */
import type { RecordedEvent, SubscriptionMessage } from '../src';

/** Settles with the outcome, or 'still pending' after `ms`: a hang fails the test instead of timing it out. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still pending'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still pending'>((resolve) => {
    timer = setTimeout(() => resolve('still pending'), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** What a call failed with ('resolved' if it did not). */
export const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => error,
  );

/** Takes events from a subscription until `count` have come (caught-up messages are not counted). */
export async function take(
  iterator: AsyncIterator<SubscriptionMessage>,
  count: number,
  timeoutMs = 15_000,
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (events.length < count) {
    const next = await within(iterator.next(), Math.max(0, deadline - Date.now()));
    if (next === 'still pending') throw new Error(`subscription gave ${events.length} of ${count} events`);
    if (next.done) throw new Error(`subscription ended after ${events.length} of ${count} events`);
    if (next.value.kind === 'event') events.push(next.value.event);
  }
  return events;
}
