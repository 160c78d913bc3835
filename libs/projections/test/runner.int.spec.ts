import type Database from 'better-sqlite3';
import { SqliteEventStore, type EventStore, type RecordedEvent } from '@parcours/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProjectionRunner, ReadStore, rebuildProjection, type Projection, type TableNamer } from '../src';

const metadata = {
  cptsId: 'cpts-x',
  actor: { id: 'a', role: 'coordinator' as const },
  correlationId: 'c',
  causationId: 'c',
  source: 'api' as const,
};
const append = (store: EventStore, stream: string, type: string, data: Record<string, unknown> = {}) =>
  store.append(stream, [{ type, data, metadata }]);

/** Records each event it sees once (event id is the key: a second application would fail the insert). */
function ledger(name: string, version = 1, poison?: (event: RecordedEvent) => boolean): Projection {
  return {
    name,
    version,
    open(db: Database.Database, table: TableNamer) {
      db.exec(
        `CREATE TABLE IF NOT EXISTS ${table('seen')} (event_id TEXT PRIMARY KEY, type TEXT NOT NULL, position INTEGER NOT NULL) STRICT`,
      );
      const insert = db.prepare(`INSERT INTO ${table('seen')} VALUES (?, ?, ?)`);
      return {
        apply(event) {
          if (poison?.(event)) throw new Error(`cannot apply ${event.type}`);
          insert.run(event.metadata.eventId, event.type, Number(event.position));
        },
      };
    },
  };
}

const rows = (read: ReadStore, name: string) =>
  read.db
    .prepare(`SELECT type FROM ${read.tables(name)('seen')} ORDER BY position`)
    .all()
    .map((r) => (r as { type: string }).type);

describe('projection runner', () => {
  let dir: string;
  let store: SqliteEventStore;
  let read: ReadStore;
  let runner: ProjectionRunner | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'parcours-proj-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db'), pollIntervalMs: 20 });
    read = new ReadStore(join(dir, 'read.db'));
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await store.close();
    read.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('catches up, then follows live events, each applied once, with its checkpoint', async () => {
    for (let i = 0; i < 1200; i += 1) await append(store, `s-${i % 7}`, 'Past');
    runner = new ProjectionRunner(store, read, [ledger('ledger')]);
    runner.start();
    expect(await runner.waitFor(1200n, 10_000)).toBe(true);
    const { position } = await append(store, 's-1', 'Live');
    expect(await runner.waitFor(position, 5000)).toBe(true);
    expect(rows(read, 'ledger')).toHaveLength(1201);
    expect(rows(read, 'ledger').at(-1)).toBe('Live');
    expect(read.active('ledger')?.position).toBe('1201');
    const [status] = await runner.status();
    expect(status).toMatchObject({ name: 'ledger', state: 'running', lag: 0, position: 1201n });
  });

  it('a failing event stops that projection only, reported with the event; after a fix it resumes, skipping and repeating nothing', async () => {
    await append(store, 's', 'Fine');
    await append(store, 's', 'Fine');
    const { position: poisonAt } = await append(store, 's', 'Poison');
    await append(store, 's', 'Fine');
    const poisoned = ledger('fragile', 1, (e) => e.type === 'Poison');
    runner = new ProjectionRunner(store, read, [poisoned, ledger('sturdy')]);
    runner.start();
    expect(await runner.waitFor(4n, 1000)).toBe(false); // the fragile one never gets there
    const status = Object.fromEntries((await runner.status()).map((s) => [s.name, s]));
    expect(status.sturdy.state).toBe('running');
    expect(status.fragile).toMatchObject({
      state: 'failed',
      position: poisonAt - 1n,
      error: { position: poisonAt.toString() },
    });
    expect(status.fragile.error?.message).toMatch(/cannot apply Poison/);
    const [poisonEvent] = await store.readAll({ after: poisonAt - 1n, maxCount: 1 });
    expect(status.fragile.error?.eventId).toBe(poisonEvent.metadata.eventId);
    await runner.stop();

    // Nothing is served yet for the fragile projection: its first build never caught up.
    expect(() => read.tables('fragile')).toThrow(/being built/);

    runner = new ProjectionRunner(store, read, [ledger('fragile')]); // the fix
    runner.start();
    expect(await runner.waitFor(4n, 5000)).toBe(true);
    expect(rows(read, 'fragile')).toEqual(['Fine', 'Fine', 'Poison', 'Fine']);
  });

  it('builds a new version beside the one served, and switches when it has caught up', async () => {
    for (let i = 0; i < 10; i += 1) await append(store, 's', 'E');
    runner = new ProjectionRunner(store, read, [ledger('versioned', 1)]);
    runner.start();
    await runner.waitFor(10n, 5000);
    await runner.stop();
    const v1 = read.active('versioned')!.generation;

    runner = new ProjectionRunner(store, read, [ledger('versioned', 2)]);
    runner.start();
    expect(await runner.waitFor(10n, 5000)).toBe(true);
    const active = read.active('versioned')!;
    expect(active.version).toBe(2);
    expect(active.generation).not.toBe(v1);
    expect(rows(read, 'versioned')).toHaveLength(10);
    const leftovers = read.db
      .prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'p_versioned_${v1}%'`)
      .all();
    expect(leftovers).toEqual([]);
  });

  it('a rebuild from zero gives the same rows as the live build (same checksum), and the live runner follows it', async () => {
    for (let i = 0; i < 50; i += 1) await append(store, `s-${i % 3}`, `T${i % 4}`);
    runner = new ProjectionRunner(store, read, [ledger('checked')]);
    runner.start();
    await runner.waitFor(50n, 5000);
    const live = read.checksum('checked');
    const progress: bigint[] = [];
    const rebuilt = await rebuildProjection(store, read, ledger('checked'), (p) => progress.push(p.position));
    expect(rebuilt.events).toBe(50);
    expect(rebuilt.checksum).toBe(live);
    expect(progress.at(-1)).toBe(50n);
    expect(read.active('checked')!.generation).toBe(rebuilt.generation);

    const { position } = await append(store, 's-9', 'After');
    expect(await runner.waitFor(position, 5000)).toBe(true);
    expect(rows(read, 'checked').at(-1)).toBe('After');
  });

  it('waitFor answers false when the position is not reached in time', async () => {
    runner = new ProjectionRunner(store, read, [ledger('idle')]);
    runner.start();
    expect(await runner.waitFor(99n, 300)).toBe(false);
  });
});
