/**
 * The read models rebuilt from the log equal the ones built live, on 100 000 generated events (the
 * benchmark's generator: a year of a large CPTS, corrections and voidings included): the projection engine
 * follows the store live while the events are appended, then every read model is rebuilt in one pass into
 * another read store, and each one's checksum must be the same.
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
    try {
      const runner = new ProjectionRunner(store, live, projections, { upcast });
      await runner.catchUp();
      await appendAll(store, generateLog(EVENTS).drafts, () => undefined);
      const head = await store.headPosition();
      expect(Number(head)).toBe(EVENTS);
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
    } finally {
      await store.close();
      live.close();
      rebuilt.close();
    }
  }, 600_000);
});
