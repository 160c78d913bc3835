import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import type { AppConfig } from '@parcours/platform';
import { ProjectionRegistry, ReadStore, rebuildProjection } from '@parcours/projections';
import { MultiBar, Presets } from 'cli-progress';
import { withApplication } from './cli-context';

export class UnknownProjectionError extends Error {}

/**
 * `rebuild [--projection name]`: every read model (or one) built again from the start of the log into a
 * new generation of tables, which replaces the served one only once complete. Progress and ETA on stderr.
 */
export async function rebuild(config: AppConfig, only?: string): Promise<void> {
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
    const bars = new MultiBar(
      {
        format: '{name} |{bar}| {percentage}% | {value}/{total} positions | ETA {eta_formatted}',
        stream: process.stderr,
        hideCursor: true,
        etaBuffer: 50,
      },
      Presets.shades_classic,
    );
    const width = Math.max(...selected.map((p) => p.name.length));
    const results: string[] = [];
    for (const projection of selected) {
      const bar = bars.create(Math.max(head, 1), 0, { name: projection.name.padEnd(width) });
      const started = process.hrtime.bigint();
      const result = await rebuildProjection(store, readStore, projection, (progress) =>
        bar.update(Math.min(Number(progress.position), head)),
      );
      bar.update(Math.max(head, 1));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      results.push(
        `${projection.name.padEnd(width)}  v${projection.version}  ${result.events} events  ${seconds.toFixed(1)} s  ${Math.round(result.events / Math.max(seconds, 1e-3))} events/s  checksum ${result.checksum.slice(0, 16)}`,
      );
    }
    bars.stop();
    process.stdout.write(`${results.join('\n')}\n`);
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
