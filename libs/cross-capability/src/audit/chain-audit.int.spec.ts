import { SqliteEventStore, type NewEvent } from '@parcours/event-store';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditStream, inventoryLog, streamOwner, streamsOfCpts, verifyCpts } from './chain-audit';

const event = (cptsId: string, type: string, data: Record<string, unknown> = {}): NewEvent => ({
  type,
  data,
  metadata: {
    cptsId,
    actor: { id: 'tester', role: 'coordinator' },
    correlationId: 'c',
    causationId: 'c',
    source: 'cli',
  },
});

describe('chain audit on a SQLite store', () => {
  let dir: string;
  let path: string;

  /** Two CPTS whose ids share a prefix (`abc`, `abc-def`), a few streams each, interleaved in the log. */
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parcours-audit-'));
    path = join(dir, 'events.db');
    const store = new SqliteEventStore({ path });
    await store.append('cpts-abc', [event('abc', 'CptsRegistered', { population: 1 })]);
    await store.append('cpts-abc-def', [event('abc-def', 'CptsRegistered', { population: 2 })]);
    for (let i = 0; i < 4; i += 1) {
      await store.append('pathway-abc.p1', [event('abc', `Step${i}`, { i })]);
      await store.append('pathway-abc-def.p1', [event('abc-def', `Step${i}`, { i })]);
    }
    await store.append('member-abc.m1', [event('abc', 'MemberJoined')]);
    await store.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `sql` on the closed store's file, then audits with a fresh store. */
  async function tamper(sql: (db: Database.Database) => void) {
    const db = new Database(path);
    db.transaction(() => sql(db))();
    db.close();
    const store = new SqliteEventStore({ path });
    try {
      return {
        abc: await verifyCpts(store, 'abc'),
        other: await verifyCpts(store, 'abc-def'),
        log: await inventoryLog(store),
      };
    } finally {
      await store.close();
    }
  }

  it('names the streams of one CPTS only, despite a shared prefix', async () => {
    const store = new SqliteEventStore({ path });
    try {
      expect((await streamsOfCpts(store, 'abc')).sort()).toEqual([
        'cpts-abc',
        'member-abc.m1',
        'pathway-abc.p1',
      ]);
      expect(await verifyCpts(store, 'abc')).toEqual({ ok: true, streams: 3, events: 6, broken: [] });
      const log = await inventoryLog(store);
      expect(log.gaps).toEqual([]);
      expect([...log.streamsByCpts.keys()].sort()).toEqual(['abc', 'abc-def']);
    } finally {
      await store.close();
    }
  });

  it('finds an edited event (its content no longer matches its hash)', async () => {
    const { abc, other } = await tamper((db) =>
      db
        .prepare(`UPDATE events SET data = '{"i":99}' WHERE stream_id = 'pathway-abc.p1' AND revision = 2`)
        .run(),
    );
    expect(abc.ok).toBe(false);
    expect(abc.broken).toEqual([
      expect.objectContaining({ streamId: 'pathway-abc.p1', revision: 2, problem: 'hash-mismatch' }),
    ]);
    expect(other.ok).toBe(true);
  });

  it('finds an edited event whose hash was recomputed: the next one no longer chains to it', async () => {
    const { abc } = await tamper((db) =>
      db
        .prepare(
          `UPDATE events SET metadata = json_set(metadata, '$.hash', 'ff') WHERE stream_id = 'pathway-abc.p1' AND revision = 1`,
        )
        .run(),
    );
    expect(abc.broken.map((b) => [b.revision, b.problem])).toEqual([[1, 'hash-mismatch']]);
  });

  it('finds a removed event: a revision gap in its stream, a position gap in the log', async () => {
    const { abc, log } = await tamper((db) =>
      db.prepare(`DELETE FROM events WHERE stream_id = 'pathway-abc.p1' AND revision = 1`).run(),
    );
    expect(abc.broken).toEqual([
      expect.objectContaining({ streamId: 'pathway-abc.p1', revision: 2, problem: 'revision-gap' }),
    ]);
    expect(log.gaps).toHaveLength(1);
    expect(log.gaps[0].missing).toBe(1);
  });

  it('finds the removed last event of a stream through the hole it leaves in the global positions', async () => {
    const { abc, log } = await tamper((db) =>
      db.prepare(`DELETE FROM events WHERE stream_id = 'pathway-abc.p1' AND revision = 3`).run(),
    );
    // The stream's own chain is whole: nothing after the removed event to notice it.
    expect(abc.ok).toBe(true);
    expect(log.gaps).toEqual([expect.objectContaining({ missing: 1 })]);
  });

  it('finds two events whose revisions were swapped', async () => {
    const { abc } = await tamper((db) => {
      const swap = db.prepare(
        `UPDATE events SET revision = ? WHERE stream_id = 'pathway-abc.p1' AND revision = ?`,
      );
      swap.run(-1, 1);
      swap.run(1, 2);
      swap.run(2, -1);
    });
    expect(abc.broken.map((b) => [b.streamId, b.revision, b.problem])).toEqual([
      ['pathway-abc.p1', 1, 'prev-hash-mismatch'],
      ['pathway-abc.p1', 2, 'out-of-order'],
    ]);
  });

  it('finds two events whose global positions were swapped, though their chain still holds', async () => {
    const { abc } = await tamper((db) => {
      const positionOf = (revision: number) =>
        (
          db
            .prepare(`SELECT position FROM events WHERE stream_id = 'pathway-abc.p1' AND revision = ?`)
            .get(revision) as { position: number }
        ).position;
      const [p1, p2] = [positionOf(1), positionOf(2)];
      const move = db.prepare('UPDATE events SET position = ? WHERE position = ?');
      move.run(-1, p1);
      move.run(p1, p2);
      move.run(p2, -1);
    });
    expect(abc.broken).toEqual([
      expect.objectContaining({ streamId: 'pathway-abc.p1', revision: 2, problem: 'out-of-order' }),
    ]);
  });

  it('finds an event moved to another stream (it chains from another genesis)', async () => {
    const { abc } = await tamper((db) =>
      db
        .prepare(
          `UPDATE events SET stream_id = 'member-abc.m1', revision = 1 WHERE stream_id = 'pathway-abc.p1' AND revision = 3`,
        )
        .run(),
    );
    expect(abc.broken.map((b) => [b.streamId, b.revision, b.problem])).toEqual([
      ['member-abc.m1', 1, 'prev-hash-mismatch'],
      ['member-abc.m1', 1, 'out-of-order'], // and it was written before the event it now follows
    ]);
  });

  it('reads stream names as events.md writes them', () => {
    expect(streamOwner('cpts-abc-def')).toBe('abc-def');
    expect(streamOwner('pathway-abc.0193')).toBe('abc');
    expect(streamOwner('cpts-abc.x')).toBeNull();
    expect(streamOwner('pathway-abc')).toBeNull();
    expect(streamOwner('other-abc.x')).toBeNull();
    expect(streamOwner('nonsense')).toBeNull();
    expect(auditStream('cpts-abc', [])).toEqual([]);
  });
});
