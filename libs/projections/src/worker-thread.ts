import { EventStoreDbEventStore, type EventStore } from '@parcours/event-store';
import type { AppConfig } from '@parcours/platform';
import { join } from 'node:path';
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import type { AnyProjection, Upcaster } from './projection';
import { ReadStore } from './read-store';
import { rebuildProjections } from './rebuild';
import { ProjectionRunner } from './runner';
import type {
  FromProjectionWorker,
  FromRebuildWorker,
  ProjectionWorkerData,
  ToProjectionWorker,
} from './worker-host';

const STATUS_EVERY_MS = 250;
/**
 * How long a rebuilding thread waits for the read store's write lock: the other threads hold it while they
 * write a batch, or build a large table's indexes once caught up (seconds, not the usual 5 s).
 */
const REBUILD_BUSY_TIMEOUT_MS = 10 * 60_000;

/**
 * The body of a projection thread (the app's worker script calls it with the code it knows): its own
 * connections to the event store and the read store, the runner on the projections the API registered,
 * and every commit's positions, statuses and log lines sent back to the API's thread.
 */
export function runProjectionThread(options: {
  catalogue: AnyProjection[];
  upcast?: Upcaster;
  openStore: (config: Partial<AppConfig>) => EventStore;
}): void {
  const port = parentPort;
  if (!port) throw new Error('runProjectionThread runs in a worker thread');
  const send = (message: FromProjectionWorker) => port.postMessage(message);
  const data = workerData as ProjectionWorkerData;
  const projections = data.projections.map((name) => {
    const found = options.catalogue.find((p) => p.name === name);
    if (!found) throw new Error(`projection ${name} is not in the projection thread's catalogue`);
    return found;
  });
  if (data.task === 'rebuild') {
    void rebuildThread(port, data, projections, options);
    return;
  }
  const store = options.openStore(data.config);
  const readStore = new ReadStore(join(data.config.DATA_DIR!, 'read.db'));
  const runner = new ProjectionRunner(store, readStore, projections, {
    ...(options.upcast ? { upcast: options.upcast } : {}),
    logger: {
      log: (message) => send({ kind: 'log', level: 'log', message }),
      warn: (message) => send({ kind: 'log', level: 'warn', message }),
      error: (message) => send({ kind: 'log', level: 'error', message }),
    },
    onCommit: (positions) =>
      send({ kind: 'commit', positions: [...positions].map(([name, p]) => [name, p.toString()]) }),
  });
  const report = async () => {
    const statuses = await runner.status();
    send({
      kind: 'status',
      statuses: statuses.map((s) => ({ ...s, position: s.position.toString() })),
      lag: runner.liveLag(),
      ...(store instanceof EventStoreDbEventStore ? { foreignEvents: store.foreignEvents } : {}),
    });
  };
  const timer = setInterval(() => void report(), STATUS_EVERY_MS);
  runner.start();
  void report();
  port.on('message', (message: ToProjectionWorker) => {
    if (message.kind !== 'stop') return;
    clearInterval(timer);
    void (async () => {
      await runner.stop();
      await store.close();
      readStore.close();
      send({ kind: 'stopped' });
      port.close();
    })();
  });
}

/** One thread of a rebuild: its projections built from the start of the log, written beside the others'. */
async function rebuildThread(
  port: MessagePort,
  data: ProjectionWorkerData,
  projections: AnyProjection[],
  options: { upcast?: Upcaster; openStore: (config: Partial<AppConfig>) => EventStore },
): Promise<void> {
  const send = (message: FromRebuildWorker) => port.postMessage(message);
  let store: EventStore | undefined;
  let readStore: ReadStore | undefined;
  try {
    store = options.openStore(data.config);
    readStore = new ReadStore(join(data.config.DATA_DIR!, 'read.db'), {
      busyTimeoutMs: REBUILD_BUSY_TIMEOUT_MS,
    });
    const result = await rebuildProjections(store, readStore, projections, {
      ...(options.upcast ? { upcast: options.upcast } : {}),
      onProgress: (progress) =>
        send({ kind: 'progress', position: progress.position.toString(), events: progress.events }),
    });
    send({ kind: 'rebuilt', generations: [...result.generations], events: result.events });
  } catch (error) {
    send({ kind: 'failed', message: (error as Error)?.message ?? String(error) });
  } finally {
    await store?.close().catch(() => undefined);
    readStore?.close();
    port.close();
  }
}
