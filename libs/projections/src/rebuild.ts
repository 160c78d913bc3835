import type { EventStore } from '@parcours/event-store';
import type { AnyProjection, Upcaster } from './projection';
import type { ReadStore } from './read-store';
import { ProjectionRunner, type RunnerProgress } from './runner';

export interface RebuildProgress extends RunnerProgress {
  /** The head of the log when the rebuild started: what "done" means. */
  head: bigint;
}

export interface RebuildResult {
  /** The generation each projection was built into, now served. */
  generations: Map<string, string>;
  /** Events of the log read (once, for every projection). */
  events: number;
  head: bigint;
}

/**
 * Builds projections again from the start of the log, in one pass for all of them: each into a new
 * generation beside the served one (reads go on using it), bulk-written, which takes its place once
 * caught up.
 */
export async function rebuildProjections(
  store: EventStore,
  readStore: ReadStore,
  projections: AnyProjection[],
  options: { upcast?: Upcaster; onProgress?: (progress: RebuildProgress) => void } = {},
): Promise<RebuildResult> {
  const head = await store.headPosition();
  let events = 0;
  const runner = ProjectionRunner.forRebuild(store, readStore, projections, {
    ...(options.upcast ? { upcast: options.upcast } : {}),
    onBatch: (progress) => {
      events = progress.events;
      options.onProgress?.({ ...progress, head });
    },
  });
  try {
    await runner.catchUp();
  } finally {
    await runner.stop();
  }
  return { generations: runner.generations(), events, head };
}
