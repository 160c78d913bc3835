/**
 * The projection runner on EventStoreDB, through the real client and the wire-level SIMULATOR of an
 * EventStoreDB 24.10 server (libs/event-store/test/esdb-simulator — a simulation, not a real server):
 * what a store outage and a shared server's foreign events do to projections.
 */
import type Database from 'better-sqlite3';
import { EventStoreDbEventStore } from '@parcours/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EsdbSimulator } from '../../event-store/test/esdb-simulator/simulator';
import { ProjectionRunner, ReadStore, type Projection, type TableNamer } from '../src';

const metadata = {
  cptsId: 'cpts-x',
  actor: { id: 'a', role: 'coordinator' as const },
  correlationId: 'c',
  causationId: 'c',
  source: 'api' as const,
};

const ledger: Projection = {
  name: 'ledger',
  version: 1,
  open(db: Database.Database, table: TableNamer) {
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${table('seen')} (event_id TEXT PRIMARY KEY, type TEXT NOT NULL) STRICT`,
    );
    const insert = db.prepare(`INSERT INTO ${table('seen')} VALUES (?, ?)`);
    return { apply: (event) => void insert.run(event.metadata.eventId, event.type) };
  },
};

async function eventually<T>(
  probe: () => Promise<T> | T,
  accept: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('projection runner on the EventStoreDB wire simulator (a SIMULATION, not a real server)', () => {
  let dir: string;
  let simulator: EsdbSimulator;
  let store: EventStoreDbEventStore;
  let read: ReadStore;
  let runner: ProjectionRunner;
  const rows = () =>
    read.db
      .prepare(`SELECT type FROM ${read.tables('ledger')('seen')} ORDER BY rowid`)
      .all()
      .map((r) => (r as { type: string }).type);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parcours-proj-esdb-'));
    simulator = await EsdbSimulator.start();
    store = new EventStoreDbEventStore(simulator.connectionString());
    read = new ReadStore(join(dir, 'read.db'));
    runner = new ProjectionRunner(store, read, [ledger]);
  });
  afterEach(async () => {
    await runner.stop();
    await store.close();
    await simulator.stop();
    read.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a node that is not ready makes the projection stalled with the reason, then it resumes: nothing lost or doubled', async () => {
    await store.append('p-1', [{ type: 'One', data: {}, metadata }]);
    runner.start();
    await eventually(
      () => runner.status(),
      ([s]) => s.state === 'running',
    );
    simulator.setMode('not-ready');
    simulator.dropConnections();
    const [stalled] = await eventually(
      () => runner.status(),
      ([s]) => s.state === 'stalled',
    );
    expect(stalled).toMatchObject({ state: 'stalled', error: { reason: 'not-ready' } });

    simulator.setMode('ok');
    await store.append('p-1', [{ type: 'Two', data: {}, metadata }]);
    const [running] = await eventually(
      () => runner.status(),
      ([s]) => s.state === 'running' && rows().length === 2,
    );
    expect(running.state).toBe('running');
    expect(running.error).toBeUndefined();
    expect(rows()).toEqual(['One', 'Two']);
  });

  it('events of another application on a shared server are passed over: the projection goes on', async () => {
    await store.append('p-1', [{ type: 'Before', data: {}, metadata }]);
    simulator.appendDirect('orders-1', [
      { type: 'OrderPlaced', data: { total: 3 } },
      { type: 'Blob', binary: true },
    ]);
    await store.append('p-1', [{ type: 'After', data: {}, metadata }]);
    runner.start();
    const [status] = await eventually(
      () => runner.status(),
      ([s]) => s.state === 'running' && rows().length === 2,
    );
    expect(status.state).toBe('running');
    expect(rows()).toEqual(['Before', 'After']);
    expect(store.foreignEvents.skipped).toBe(2);
  });
});
