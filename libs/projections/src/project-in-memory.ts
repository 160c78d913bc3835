import type { RecordedEvent } from '@parcours/event-store';
import type { AnyProjection, Upcaster } from './projection';
import { ReadStore } from './read-store';
import { ProjectionApplier } from './runner';

/**
 * `projections` applied to `events` in a read store of their own, in memory (its caller closes it): how an
 * as-of replay shapes what was known then exactly as the live read model shapes what is known now. The
 * engine's core as a rebuild runs it — one batch into fresh generations, then caught up — without the
 * runner around it: the events are already in hand, so there is no log to follow.
 */
export function projectInMemory(
  projections: AnyProjection[],
  events: readonly RecordedEvent[],
  upcast?: Upcaster,
): ReadStore {
  const readStore = new ReadStore(':memory:');
  try {
    const ordered = [...events].sort((a, b) =>
      a.position < b.position ? -1 : a.position > b.position ? 1 : 0,
    );
    const batch = upcast ? ordered.map(upcast) : ordered;
    const applier = new ProjectionApplier(readStore, projections, {}, true);
    applier.apply(batch, batch.at(-1)?.position ?? 0n);
    applier.caughtUp();
    const failed = [...applier.slots.values()].find((slot) => slot.state === 'failed');
    if (failed)
      throw new Error(`projection ${failed.projection.name} failed: ${failed.error?.message ?? ''}`);
    return readStore;
  } catch (error) {
    readStore.close();
    throw error;
  }
}
