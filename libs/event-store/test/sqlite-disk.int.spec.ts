/**
 * The store's file refuses writes — its disk is full (SQLite's `max_page_count` caps the file as a full
 * disk would), or read-only (`query_only`, SQLite's own read-only refusal) — and then takes them again:
 * appends fail with a StoreUnavailableError that says why, nothing is half-written, reads go on,
 * `writeFailure()` says why and turns back to null by itself, and the chain goes on where it was.
 * (`test/faults/disk.e2e.spec.ts` fills a real file system under the running API.)
 */
import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, StoreUnavailableError, verifyChain } from '../src';
import { newEvent } from './event-store.contract';

/** The store's own connection: the refusal has to come from the file the store writes. */
const connectionOf = (store: SqliteEventStore): Database.Database =>
  (store as unknown as { db: Database.Database }).db;

const big = (n: number) => newEvent('Big', { n, text: 'x'.repeat(2000) });

describe.each([true, false])('SQLite store whose disk refuses writes (groupCommit=%s)', (groupCommit) => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parcours-disk-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db'), groupCommit });
    await store.append('s-1', [big(0), big(1)]);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function expectRefused(reason: 'disk-full' | 'read-only'): Promise<void> {
    const head = await store.headPosition();
    // Several appends in one tick (one group commit) and one with several events: all refused whole.
    const results = await Promise.allSettled([
      store.append('s-1', [big(2)], { expectedRevision: 1 }),
      store.append('s-2', [big(3), big(4), big(5)]),
    ]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as StoreUnavailableError;
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error.reason).toBe(reason);
      expect(error.retryAfterSeconds).toBe(30);
    }
    expect(await store.headPosition()).toBe(head);
    expect((await store.readStream('s-1')).map((e) => e.revision)).toEqual([0, 1]);
    expect(await store.readStream('s-2')).toEqual([]);
    expect(store.writeFailure()).toMatchObject({ reason });
  }

  async function expectRecovered(): Promise<void> {
    // The probe runs at most once a second: without any append, the failure clears by itself.
    const deadline = Date.now() + 5000;
    while (store.writeFailure() !== null) {
      if (Date.now() > deadline) throw new Error(`still failing: ${JSON.stringify(store.writeFailure())}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await store.append('s-1', [big(6)], { expectedRevision: 1 });
    await store.append('s-2', [big(7)], { expectedRevision: 'no_stream' });
    const events = await store.readStream('s-1');
    expect(events.map((e) => e.revision)).toEqual([0, 1, 2]);
    expect(verifyChain('s-1', events)).toBeNull();
    expect(await store.readAll()).toHaveLength(4);
  }

  it('full: refused with disk-full, nothing written, reads go on; works again once there is room', async () => {
    const db = connectionOf(store);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    await expectRefused('disk-full');
    db.pragma(`max_page_count = ${pages + 1000}`);
    await expectRecovered();
  });

  it('read-only: refused with read-only, nothing written, reads go on; works again once writable', async () => {
    const db = connectionOf(store);
    db.pragma('query_only = ON');
    await expectRefused('read-only');
    db.pragma('query_only = OFF');
    await expectRecovered();
  });
});
