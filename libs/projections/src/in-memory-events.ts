import type {
  EventStore,
  EventSubscription,
  RecordedEvent,
  SubscribeToAllOptions,
  SubscriptionMessage,
} from '@parcours/event-store';
import type { AnyProjection, Upcaster } from './projection';
import { ReadStore } from './read-store';
import { ProjectionRunner } from './runner';

/**
 * The little of an event store the runner needs to apply events held in memory (a projection spec, an
 * as-of replay): events in memory, read and followed by the real
 * runner (a catch-up subscription that then waits for more).
 */
export class EventsInMemory {
  private readonly waiting = new Set<() => void>();
  private closed = false;
  constructor(readonly events: RecordedEvent[] = []) {}

  readonly kind = 'sqlite' as const;

  add(event: RecordedEvent): void {
    this.events.push(event);
    for (const wake of [...this.waiting]) wake();
  }

  headPosition(): Promise<bigint> {
    return Promise.resolve(this.events.at(-1)?.position ?? 0n);
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): EventSubscription {
    const control = { stopped: false };
    const iterator = this.follow(options, control);
    return {
      [Symbol.asyncIterator]: () => iterator,
      close: () => {
        control.stopped = true;
        for (const wake of [...this.waiting]) wake();
        return Promise.resolve();
      },
    };
  }

  private async *follow(
    options: SubscribeToAllOptions,
    control: { stopped: boolean },
  ): AsyncGenerator<SubscriptionMessage> {
    const types =
      options.filter && 'eventTypes' in options.filter ? new Set(options.filter.eventTypes) : null;
    let after = options.after ?? 0n;
    while (!control.stopped && !this.closed) {
      for (const event of this.events) {
        if (event.position <= after) continue;
        after = event.position;
        if (!types || types.has(event.type)) yield { kind: 'event', event };
      }
      yield { kind: 'caught-up', position: after };
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiting.delete(wake);
          resolve();
        };
        this.waiting.add(wake);
      });
    }
  }

  close(): Promise<void> {
    this.closed = true;
    for (const wake of [...this.waiting]) wake();
    return Promise.resolve();
  }
}

export const asStore = (events: EventsInMemory) => events as unknown as EventStore;

/**
 * `projections` applied to `events` in a read store of their own, in memory (its caller closes it): how an
 * as-of replay shapes what was known then exactly as the live read model shapes what is known now.
 */
export async function projectInMemory(
  projections: AnyProjection[],
  events: RecordedEvent[],
  upcast?: Upcaster,
): Promise<ReadStore> {
  const readStore = new ReadStore(':memory:');
  const runner = ProjectionRunner.forRebuild(
    asStore(new EventsInMemory([...events].sort((a, b) => (a.position < b.position ? -1 : 1)))),
    readStore,
    projections,
    upcast ? { upcast } : {},
  );
  try {
    await runner.catchUp();
    return readStore;
  } catch (error) {
    readStore.close();
    throw error;
  } finally {
    await runner.stop();
  }
}
