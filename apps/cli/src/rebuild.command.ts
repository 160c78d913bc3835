import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import type { AppConfig } from '@parcours/platform';
import { ProjectionRegistry, Projections, ReadStore } from '@parcours/projections';
import { availableParallelism } from 'node:os';
import { SingleBar } from 'cli-progress';
import { withApplication } from './cli-context';

export class UnknownProjectionError extends Error {}

const formatRate = (perSecond: number): string => Math.round(perSecond).toLocaleString('en-US');

/** Threads a rebuild is spread over by default: the cores, up to four (past that, the write lock binds). */
export const defaultRebuildThreads = (): number => Math.max(1, Math.min(4, availableParallelism()));

/**
 * `rebuild [--projection name] [--threads n]`: every read model (or one) built again from the start of
 * the log, each into a new generation of tables which replaces the served one only once complete. The read
 * models are spread over worker threads, each reading the log once for its share. Progress (positions,
 * events/s, ETA) on stderr; each one's checksum on stdout.
 */
export async function rebuild(
  config: AppConfig,
  only?: string,
  threads = defaultRebuildThreads(),
): Promise<void> {
  await withApplication(config, async (app) => {
    const store = app.get<EventStore>(EVENT_STORE);
    const readStore = app.get(ReadStore);
    const projections = app.get(ProjectionRegistry).all();
    const selected = only === undefined ? projections : projections.filter((p) => p.name === only);
    if (selected.length === 0) {
      throw new UnknownProjectionError(
        `unknown projection ${only}; known: ${projections.map((p) => p.name).join(', ')}`,
      );
    }
    const head = Number(await store.headPosition());
    const bar = new SingleBar({
      format:
        'rebuild |{bar}| {percentage}% | {value}/{total} positions | {rate} events/s | ETA {eta_formatted}',
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 20,
    });
    bar.start(Math.max(head, 1), 0, { rate: '0' });
    const started = process.hrtime.bigint();
    const result = await app.get(Projections).rebuild(selected, {
      threads,
      onProgress: (progress) => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        bar.update(Math.min(Number(progress.position), head), {
          rate: formatRate(Number(progress.position) / Math.max(seconds, 1e-3)),
        });
      },
    });
    bar.update(Math.max(head, 1));
    bar.stop();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const width = Math.max(...selected.map((p) => p.name.length));
    const lines = selected.map(
      (projection) =>
        `${projection.name.padEnd(width)}  v${projection.version}  checksum ${readStore
          .checksum(projection.name, result.generations.get(projection.name))
          .slice(0, 16)}`,
    );
    lines.push(
      `${selected.length} read models, ${head} log positions (${result.events} events read, once per thread, ${result.threads} thread${result.threads === 1 ? '' : 's'}) in ${seconds.toFixed(1)} s: ${formatRate(head / Math.max(seconds, 1e-3))} events/s`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

/** `projections status`: what each read model has applied, from the read store's checkpoints. */
export async function projectionsStatus(config: AppConfig): Promise<void> {
  await withApplication(config, async (app) => {
    const store = app.get<EventStore>(EVENT_STORE);
    const readStore = app.get(ReadStore);
    const head = await store.headPosition();
    const lines = app
      .get(ProjectionRegistry)
      .all()
      .map((projection) => {
        const active = readStore.active(projection.name);
        const position = BigInt(active?.position ?? '0');
        const state = !active
          ? 'not built'
          : active.version !== projection.version
            ? `serving v${active.version}, v${projection.version} to build`
            : 'built';
        return `${projection.name}\tv${projection.version}\tposition ${position}\tlag ${store.kind === 'sqlite' ? String(head - position) : '?'}\t${state}`;
      });
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}
