/**
 * The projection runner on EventStoreDB, through the real client and the wire-level SIMULATOR of an
 * EventStoreDB 24.10 server (libs/event-store/test/esdb-simulator — a simulation, not a real server):
 * what a store outage and a shared server's foreign events do to projections.
 */
import { EventStoreDbEventStore } from '@parcours/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EsdbSimulator } from '../../event-store/test/esdb-simulator/simulator';
import { defineProjection, type ProjectedEvent, ProjectionRunner, ReadStore, table } from '../src';
import { metadata } from './test-events';

type LedgerEvent = { type: 'One' | 'Two' | 'Before' | 'After'; data: object };

/** Each event seen, in the order seen (positions of EventStoreDB do not fit an SQLite integer). */
const ledger = defineProjection<LedgerEvent>()({
  name: 'ledger',
  version: 1,
  tables: {
    seen: table<{ event_id: string; type: string; seq: number }>({
      columns: { event_id: 'TEXT', type: 'TEXT', seq: 'INTEGER' },
      key: ['event_id'],
    }),
    count: table<{ id: string; n: number }>({ columns: { id: 'TEXT', n: 'INTEGER' }, key: ['id'] }),
  },
  open: ({ seen, count }) => {
    const apply = (event: ProjectedEvent<LedgerEvent>) => {
      const n = (count.get('seen')?.n ?? 0) + 1;
      count.put({ id: 'seen', n });
      seen.put({ event_id: event.metadata.eventId, type: event.type, seq: n });
    };
    return { One: apply, Two: apply, Before: apply, After: apply };
  },
});

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
      .prepare(`SELECT type FROM ${read.tables('ledger')('seen')} ORDER BY seq`)
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
    // The dropped connection may be seen first (unavailable); the next attempt meets the node not ready.
    const [stalled] = await eventually(
      () => runner.status(),
      ([s]) => s.state === 'stalled' && s.error?.reason === 'not-ready',
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
    // The server's filter passes over the types no projection handles; these two share a handled name.
    simulator.appendDirect('orders-1', [
      { type: 'OrderPlaced', data: { total: 3 } },
      { type: 'After', data: { total: 3 } },
      { type: 'One', binary: true },
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
