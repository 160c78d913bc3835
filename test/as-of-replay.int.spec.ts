/**
 * An as-of replay of a pathway up to now gives exactly its live view, for every pathway of some 10 000
 * generated events (the benchmark's generator: referrals answered or declined, discharges with their
 * reconciliations and follow-ups, RCPs, closings, corrections and voidings). The live view is read from the
 * read model the engine built following the store; the replay applies the same projection in memory to
 * the pathway's stream and the RCPs that discussed it. They must agree field for field.
 */
import { PATHWAY_VIEW, PathwayViewQueries, pathwayViewProjection, upcast } from '@parcours/domain';
import { SqliteEventStore } from '@parcours/event-store';
import { ProjectionRunner, ReadStore } from '@parcours/projections';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAll, generateLog } from '../bench/projections-data';

const EVENTS = 10_000;

describe('as-of replays of some 10 000 generated events', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'parcours-as-of-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('give every pathway, replayed up to now, its live view', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'events.db'), synchronous: 'NORMAL' });
    const readStore = new ReadStore(join(dir, 'read.db'));
    try {
      await appendAll(store, generateLog(EVENTS).drafts, () => undefined);
      const runner = new ProjectionRunner(store, readStore, [pathwayViewProjection], { upcast });
      await runner.catchUp();
      expect(await runner.waitFor(await store.headPosition(), 120_000)).toBe(true);
      await runner.stop();

      const table = readStore.tables(PATHWAY_VIEW);
      const pathways = readStore
        .prepare<[], { cpts_id: string; pathway_id: string; status: string }>(
          `SELECT cpts_id, pathway_id, status FROM "${table('pathways')}" ORDER BY pathway_id`,
        )
        .all();
      // The log is varied enough to say something: closed pathways, and pathways an RCP discussed.
      expect(pathways.length).toBeGreaterThan(500);
      expect(pathways.filter((p) => p.status === 'closed').length).toBeGreaterThan(10);
      const discussed = readStore
        .prepare<[], { n: number }>(`SELECT count(DISTINCT pathway_id) AS n FROM "${table('rcp_index')}"`)
        .get();
      expect(discussed?.n).toBeGreaterThan(10);

      const queries = new PathwayViewQueries(readStore);
      const future = Date.now() + 3_600_000;
      const differing: string[] = [];
      for (const { cpts_id, pathway_id } of pathways) {
        const live = await queries.view(store, cpts_id, pathway_id);
        const replayed = await queries.asOf(store, cpts_id, pathway_id, future);
        expect(live).not.toBeNull();
        if (JSON.stringify(replayed) !== JSON.stringify(live)) differing.push(pathway_id);
      }
      expect(differing).toEqual([]);
    } finally {
      readStore.close();
      await store.close();
    }
  }, 240_000);
});
