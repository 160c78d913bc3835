/**
 * The read models rebuilt from the log equal the ones built live, on 100 000 generated events (the
 * benchmark's generator: a year of a large CPTS, every event type it makes, corrections and voidings
 * included): the projection engine follows the store live while the events are appended, then every read
 * model is rebuilt in one pass into another read store, and each one's checksum must be the same.
 *
 * What a larger log (the benchmark's 1 M events) would add, the engine's limits are lowered to reach here:
 * the live runner keeps few rows in memory (rows leave memory and are read back from the file, as on a
 * large CPTS), and a second rebuild reads the log in several batches with the same small memory (rows
 * carried from one batch to the next).
 */
import { crossCapabilityProjections } from '@parcours/cross-capability';
import { capabilityProjections, upcast } from '@parcours/domain';
import { SqliteEventStore } from '@parcours/event-store';
import { ProjectionRunner, ReadStore, rebuildProjections } from '@parcours/projections';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAll, generateLog } from '../bench/projections-data';

const EVENTS = 100_000;
/** Rows each table keeps in memory: well under the rows of the larger tables of this log. */
const CACHE_ROWS = 1_000;

describe('a rebuild of 100 000 generated events', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'parcours-rebuild-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives every read model the checksum it has when built live', async () => {
    const projections = [...capabilityProjections, ...crossCapabilityProjections];
    const store = new SqliteEventStore({ path: join(dir, 'events.db'), synchronous: 'NORMAL' });
    const live = new ReadStore(join(dir, 'live.db'));
    const rebuilt = new ReadStore(join(dir, 'rebuilt.db'));
    const batched = new ReadStore(join(dir, 'batched.db'));
    try {
      const runner = new ProjectionRunner(store, live, projections, { upcast, liveCacheRows: CACHE_ROWS });
      await runner.catchUp();
      const log = generateLog(EVENTS);
      const appended = log.drafts.length; // the generator's log of this size: up to EVENTS
      expect(appended).toBeGreaterThan(EVENTS * 0.9);
      await appendAll(store, log.drafts, () => undefined);
      const head = await store.headPosition();
      expect(Number(head)).toBe(appended);
      expect(await runner.waitFor(head, 240_000)).toBe(true);
      const statuses = await runner.status();
      await runner.stop();
      expect(statuses.every((s) => s.state === 'running')).toBe(true);

      const result = await rebuildProjections(store, rebuilt, projections, { upcast });
      expect(result.events).toBeGreaterThan(0);
      for (const projection of projections) {
        expect({ [projection.name]: rebuilt.checksum(projection.name) }).toEqual({
          [projection.name]: live.checksum(projection.name),
        });
      }

      // Again in batches of a fifth of the log, each table keeping few rows in memory.
      const batches: number[] = [];
      const inBatches = ProjectionRunner.forRebuild(store, batched, projections, {
        upcast,
        catchUpBatch: EVENTS / 5,
        buildCacheRows: CACHE_ROWS,
        onBatch: ({ events }) => batches.push(events),
      });
      try {
        await inBatches.catchUp();
      } finally {
        await inBatches.stop();
      }
      expect(batches.length).toBeGreaterThanOrEqual(5);
      for (const projection of projections) {
        expect({ [projection.name]: batched.checksum(projection.name) }).toEqual({
          [projection.name]: live.checksum(projection.name),
        });
      }
    } finally {
      await store.close();
      live.close();
      rebuilt.close();
      batched.close();
    }
  }, 600_000);
});
