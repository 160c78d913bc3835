import type { EventStore } from '@parcours/event-store';
import type { AppConfig } from '@parcours/platform';
import { Worker } from 'node:worker_threads';
import type { AnyProjection, Upcaster } from './projection';
import type { ReadStore } from './read-store';
import { ProjectionRunner, type RunnerLogger, type RunnerProgress } from './runner';
import type { FromRebuildWorker, ProjectionWorkerData } from './worker-host';

export interface RebuildProgress extends RunnerProgress {
  /** The head of the log when the rebuild started: what "done" means. */
  head: bigint;
}

export interface RebuildResult {
  /** The generation each projection was built into, now served. */
  generations: Map<string, string>;
  /** Events of the log read: once for every projection, by each thread the rebuild was spread over. */
  events: number;
  head: bigint;
  /** Threads the rebuild was spread over (1: this one). */
  threads: number;
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
  return { generations: runner.generations(), events, head, threads: 1 };
}

/**
 * Projections in `threads` groups of about the same rebuild cost (the costliest first, each to the
 * lightest group so far), no group empty.
 */
export function spreadOverThreads(projections: AnyProjection[], threads: number): AnyProjection[][] {
  const count = Math.max(1, Math.min(Math.trunc(threads), projections.length));
  const groups = Array.from({ length: count }, () => ({ cost: 0, projections: [] as AnyProjection[] }));
  const costOf = (projection: AnyProjection) => projection.rebuildCost ?? 1;
  const byCost = [...projections].sort((a, b) => costOf(b) - costOf(a) || a.name.localeCompare(b.name));
  for (const projection of byCost) {
    const lightest = groups.reduce((min, group) => (group.cost < min.cost ? group : min));
    lightest.projections.push(projection);
    lightest.cost += costOf(projection);
  }
  return groups.map((group) => group.projections).filter((group) => group.length > 0);
}

export interface ThreadedRebuildOptions {
  /** The compiled projection thread script (it knows every projection's code). */
  script: string;
  /** The settings the threads open the stores with (DATA_DIR, event store). */
  config: Partial<AppConfig>;
  threads: number;
  logger?: RunnerLogger;
  onProgress?: (progress: RebuildProgress) => void;
}

/**
 * A rebuild spread over worker threads, each reading the log once for its share of the projections
 * (`spreadOverThreads`) and writing its generations into the same read store; each generation is served as
 * soon as its thread has caught up. Progress is the slowest thread's. If one thread fails, the others are
 * stopped and the rebuild rejects with its error; generations already served stay served.
 */
export async function rebuildInThreads(
  store: EventStore,
  projections: AnyProjection[],
  options: ThreadedRebuildOptions,
): Promise<RebuildResult> {
  const head = await store.headPosition();
  const groups = spreadOverThreads(projections, options.threads);
  const positions = groups.map(() => 0n);
  const events = groups.map(() => 0);
  const generations = new Map<string, string>();
  const workers: Worker[] = [];
  const finished = groups.map(
    (group, index) =>
      new Promise<void>((resolve, reject) => {
        const data: ProjectionWorkerData = {
          config: options.config,
          projections: group.map((p) => p.name),
          task: 'rebuild',
        };
        const worker = new Worker(options.script, { workerData: data });
        workers.push(worker);
        let outcome: 'rebuilt' | Error | undefined;
        worker.on('message', (message: FromRebuildWorker) => {
          switch (message.kind) {
            case 'progress': {
              positions[index] = BigInt(message.position);
              events[index] = message.events;
              const slowest = positions.reduce((min, p) => (p < min ? p : min));
              options.onProgress?.({ position: slowest, events: sum(events), head });
              return;
            }
            case 'rebuilt':
              for (const [name, generation] of message.generations) generations.set(name, generation);
              events[index] = message.events;
              outcome = 'rebuilt';
              return;
            case 'failed':
              outcome = new Error(message.message);
              return;
            case 'log':
              options.logger?.[message.level](message.message);
              return;
          }
        });
        worker.on('error', (error) => {
          outcome ??= error;
        });
        worker.on('exit', (code) => {
          if (outcome === 'rebuilt') resolve();
          else reject(outcome ?? new Error(`rebuild thread exited (code ${code}) before it finished`));
        });
      }),
  );
  let failure: Error | undefined;
  await Promise.all(
    finished.map((done) =>
      done.catch(async (error: unknown) => {
        if (failure !== undefined) return; // a thread stopped because another one failed
        failure = error instanceof Error ? error : new Error(String(error));
        // The others stop too (their unfinished generations are left unserved).
        await Promise.all(workers.map((worker) => worker.terminate()));
      }),
    ),
  );
  if (failure !== undefined) throw failure;
  return { generations, events: sum(events), head, threads: groups.length };
}

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
