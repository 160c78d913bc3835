/** What the SQLite adapter promises beyond the shared contract: group commit isolation, schema guard, tamper evidence. */
import Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  IdempotencyConflictError,
  SqliteEventStore,
  StoreUnavailableError,
  verifyChain,
  WrongExpectedRevisionError,
} from '../src';
import { WriterThread, writerThreadScript } from '../src/sqlite/writer-thread';
import { newEvent } from './event-store.contract';

/** Every way the store writes: [groupCommit, writerThread]. */
const MODES = [
  [true, false],
  [false, false],
  [true, true],
  [false, true],
];

describe('SQLite adapter', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'parcours-sqlite-'));
    path = join(dir, 'events.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each(MODES)(
    'with groupCommit=%s, writerThread=%s, one refused append does not undo the others of the same tick',
    async (groupCommit, writerThread) => {
      const store = new SqliteEventStore({ path, groupCommit, writerThread });
      try {
        await store.append('s-2', [newEvent('Existing')]);
        // Issued in the same tick: with group commit they share one transaction.
        const [a, b, c] = await Promise.allSettled([
          store.append('s-1', [newEvent('A')], { expectedRevision: 'no_stream' }),
          store.append('s-2', [newEvent('B')], { expectedRevision: 'no_stream' }),
          store.append('s-3', [newEvent('C'), newEvent('C')]),
        ]);
        expect(a.status).toBe('fulfilled');
        expect(b.status === 'rejected' && b.reason instanceof WrongExpectedRevisionError).toBe(true);
        expect(c.status).toBe('fulfilled');
        expect((await store.readStream('s-1')).map((e) => e.type)).toEqual(['A']);
        expect((await store.readStream('s-2')).map((e) => e.type)).toEqual(['Existing']);
        expect((await store.readStream('s-3')).map((e) => e.type)).toEqual(['C', 'C']);
        const all = await store.readAll();
        expect(all.map((e) => e.position)).toEqual([1n, 2n, 3n, 4n]);
      } finally {
        await store.close();
      }
    },
  );

  it.each(MODES)(
    'with groupCommit=%s, writerThread=%s, sees the appends another connection made to the same file (no stale tail)',
    async (groupCommit, writerThread) => {
      const mine = new SqliteEventStore({ path, groupCommit, writerThread });
      const other = new SqliteEventStore({ path, groupCommit });
      try {
        // `mine` remembers the stream at revision 0 after its own append…
        await mine.append('s-1', [newEvent('A')], { expectedRevision: 'no_stream' });
        await other.append('s-1', [newEvent('B')], { expectedRevision: 0 });
        // …and must not take 0 for the current revision now, nor chain to event A.
        await expect(mine.append('s-1', [newEvent('C')], { expectedRevision: 0 })).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        await mine.append('s-1', [newEvent('C')], { expectedRevision: 1 });
        await other.append('s-1', [newEvent('D')], { expectedRevision: 2 });
        await mine.append('s-1', [newEvent('E')], { expectedRevision: 3 });
        const events = await other.readStream('s-1');
        expect(events.map((e) => e.type)).toEqual(['A', 'B', 'C', 'D', 'E']);
        expect(verifyChain('s-1', events)).toBeNull();
      } finally {
        await mine.close();
        await other.close();
      }
    },
  );

  it.each([false, true])(
    'writerThread=%s: replays an append whose ids are stored, and refuses ids stored elsewhere, in the same batch too',
    async (writerThread) => {
      const store = new SqliteEventStore({ path, writerThread });
      try {
        const event = newEvent('A');
        const [first, again, elsewhere] = await Promise.allSettled([
          store.append('s-1', [event], { expectedRevision: 'no_stream' }),
          store.append('s-1', [event], { expectedRevision: 'no_stream' }),
          store.append('s-2', [event]),
        ]);
        expect(first).toMatchObject({ status: 'fulfilled', value: { revision: 0, replayed: false } });
        expect(again).toMatchObject({ status: 'fulfilled', value: { revision: 0, replayed: true } });
        expect(elsewhere.status === 'rejected' && elsewhere.reason).toBeInstanceOf(IdempotencyConflictError);
        expect((elsewhere as PromiseRejectedResult).reason).toMatchObject({
          streamId: 's-2',
          eventIds: [event.eventId],
          message: 'Stream s-2: these event ids are stored already in another place',
        });
        expect(await store.headPosition()).toBe(1n);
      } finally {
        await store.close();
      }
    },
  );

  describe('with a writer thread', () => {
    const threadOf = (store: SqliteEventStore): Worker =>
      (store as unknown as { writer: { worker: Worker } }).writer.worker;
    /** The stream holds exactly these events, once each, and its hash chain holds. */
    const expectWhole = async (store: SqliteEventStore, types: string[]) => {
      const events = await store.readStream('s-1');
      expect(events.map((e) => e.type)).toEqual(types);
      expect(verifyChain('s-1', events)).toBeNull();
    };

    it('if the thread dies, an append it had not answered may be sent again: it lands exactly once', async () => {
      const store = new SqliteEventStore({ path, writerThread: true });
      try {
        await store.append('s-1', [newEvent('A')]);
        const event = newEvent('B');
        const inFlight = store.append('s-1', [event]);
        await new Promise((resolve) => setImmediate(resolve)); // the batch is handed to the thread
        await threadOf(store).terminate();
        const outcome = await inFlight.then(
          () => 'written',
          (error: unknown) => error,
        );
        if (outcome !== 'written') expect(outcome).toBeInstanceOf(StoreUnavailableError);
        // Sent again with the same event id, as a client retrying does: a new thread writes or replays it.
        await store.append('s-1', [event]);
        await expectWhole(store, ['A', 'B']);
      } finally {
        await store.close();
      }
    });

    it('a thread that cannot start is refused as unavailable, naming what SQLite said', async () => {
      // A file without the store's tables: the thread's statements cannot be prepared.
      const writer = new WriterThread(writerThreadScript()!, { path, synchronous: 'NORMAL' });
      const refused = await writer.probe().then(
        () => null,
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(StoreUnavailableError);
      expect((refused as Error).message).toBe(
        "the event store's writer thread stopped: SQLITE_ERROR: no such table: events",
      );
      await writer.close();
    });

    it('closes when the thread dies while closing: its connection went with it', async () => {
      const store = new SqliteEventStore({ path, writerThread: true });
      await store.append('s-1', [newEvent('A')]); // the thread is running
      const writer = (store as unknown as { writer: WriterThread }).writer;
      const dying = threadOf(store).terminate();
      await expect(writer.close()).resolves.toBeUndefined();
      await dying;
      await store.close();
      // A new thread takes the file over.
      const again = new SqliteEventStore({ path, writerThread: true });
      try {
        await again.append('s-1', [newEvent('B')]);
        await expectWhole(again, ['A', 'B']);
      } finally {
        await again.close();
      }
    });
  });

  it('lets the rest of the process run during a long catch-up (an API must still answer)', async () => {
    const store = new SqliteEventStore({ path });
    try {
      for (let i = 0; i < 10; i += 1) {
        await store.append(
          `s-${i}`,
          Array.from({ length: 500 }, () => newEvent('Bulk')),
        );
      }
      let timerRuns = 0;
      const timer = setInterval(() => (timerRuns += 1), 0);
      let seen = 0;
      const subscription = store.subscribeToAll();
      for await (const message of subscription) {
        if (message.kind === 'event') seen += 1;
        if (message.kind === 'caught-up') break;
      }
      clearInterval(timer);
      expect(seen).toBe(5000);
      expect(timerRuns).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  describe('asking a stream for what follows its end (answered from memory while nobody else writes)', () => {
    const types = (events: Array<{ type: string }>) => events.map((e) => e.type);

    it('sees what another process appended since, to a stream it read to its end or found empty', async () => {
      const store = new SqliteEventStore({ path });
      const other = new SqliteEventStore({ path });
      try {
        await store.append('s-1', [newEvent('A'), newEvent('B')]);
        expect(types(await store.readStream('s-1'))).toEqual(['A', 'B']);
        expect(await store.readStream('s-1', { fromRevision: 2 })).toEqual([]);
        expect(await store.readStream('s-2')).toEqual([]);
        await other.append('s-1', [newEvent('C')], { expectedRevision: 1 });
        await other.append('s-2', [newEvent('D')], { expectedRevision: 'no_stream' });
        expect(types(await store.readStream('s-1', { fromRevision: 2 }))).toEqual(['C']);
        expect(types(await store.readStream('s-2'))).toEqual(['D']);
        expect(types(await store.readStream('s-2', { fromRevision: 0 }))).toEqual(['D']);
      } finally {
        await other.close();
        await store.close();
      }
    });

    it('sees its own appends, and still reads what lies before a stream’s known end', async () => {
      const store = new SqliteEventStore({ path });
      try {
        expect(await store.readStream('s-1', { fromRevision: 0 })).toEqual([]);
        await store.append('s-1', [newEvent('A'), newEvent('B')], { expectedRevision: 'no_stream' });
        expect(types(await store.readStream('s-1', { fromRevision: 0 }))).toEqual(['A', 'B']);
        expect(await store.readStream('s-1', { fromRevision: 2 })).toEqual([]);
        await store.append('s-1', [newEvent('C')], { expectedRevision: 1 });
        expect(types(await store.readStream('s-1', { fromRevision: 2 }))).toEqual(['C']);
        expect(types(await store.readStream('s-1', { fromRevision: 1, maxCount: 1 }))).toEqual(['B']);
        // A read cut short by maxCount says nothing of where the stream ends.
        expect(types(await store.readStream('s-1', { fromRevision: 1 }))).toEqual(['B', 'C']);
      } finally {
        await store.close();
      }
    });
  });

  it('keeps the log in WAL mode, so readers never block the writer', async () => {
    const store = new SqliteEventStore({ path });
    await store.close();
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('refuses to open a store written by a newer version of Parcours, rather than misreading it', async () => {
    const store = new SqliteEventStore({ path });
    await store.close();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    expect(() => new SqliteEventStore({ path })).toThrow(StoreUnavailableError);
  });

  describe('tampering with the file is visible in the hash chain', () => {
    async function seed(): Promise<void> {
      const store = new SqliteEventStore({ path });
      await store.append(
        'pathway-cpts-x.1',
        [0, 1, 2, 3].map((n) => newEvent('Step', { n })),
      );
      await store.close();
    }
    async function check(): Promise<ReturnType<typeof verifyChain>> {
      const store = new SqliteEventStore({ path });
      try {
        return verifyChain('pathway-cpts-x.1', await store.readStream('pathway-cpts-x.1'));
      } finally {
        await store.close();
      }
    }
    function tamper(sql: string): void {
      const db = new Database(path);
      db.exec(sql);
      db.close();
    }

    it('an intact stream verifies', async () => {
      await seed();
      expect(await check()).toBeNull();
    });

    it('an edited event', async () => {
      await seed();
      tamper(`UPDATE events SET data = '{"n":42}' WHERE revision = 2`);
      expect(await check()).toMatchObject({ revision: 2, problem: 'hash-mismatch' });
    });

    it('an edited envelope (who did it)', async () => {
      await seed();
      tamper(
        `UPDATE events SET metadata = json_set(metadata, '$.actor.id', 'someone-else') WHERE revision = 1`,
      );
      expect(await check()).toMatchObject({ revision: 1, problem: 'hash-mismatch' });
    });

    it('a deleted event', async () => {
      await seed();
      tamper(`DELETE FROM events WHERE revision = 1`);
      expect(await check()).toMatchObject({ revision: 2, problem: 'revision-gap' });
    });

    it('two events swapped', async () => {
      await seed();
      tamper(`UPDATE events SET revision = -1 WHERE revision = 1;
              UPDATE events SET revision = 1 WHERE revision = 2;
              UPDATE events SET revision = 2 WHERE revision = -1;`);
      expect(await check()).toMatchObject({ revision: 1, problem: 'prev-hash-mismatch' });
    });
  });
});
