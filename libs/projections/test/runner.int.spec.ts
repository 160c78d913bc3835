import { SqliteEventStore, type EventStore, type RecordedEvent } from '@parcours/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defineProjection,
  type ProjectedEvent,
  ProjectionRunner,
  ReadStore,
  rebuildProjections,
  table,
} from '../src';
import { metadata } from './test-events';

const append = (store: EventStore, stream: string, type: string, data: Record<string, unknown> = {}) =>
  store.append(stream, [{ type, data, metadata }]);

type LedgerEvent = {
  type: 'Past' | 'Live' | 'Fine' | 'Poison' | 'E' | 'T0' | 'T1' | 'T2' | 'After';
  data: object;
};

/** Records each event it sees once (a second application of an event would be refused). */
function ledger(name: string, version = 1, poison?: (event: RecordedEvent) => boolean) {
  return defineProjection<LedgerEvent>()({
    name,
    version,
    tables: {
      seen: table<{ event_id: string; type: string; position: number }>({
        columns: { event_id: 'TEXT', type: 'TEXT', position: 'INTEGER' },
        key: ['event_id'],
        indexes: [['position']],
      }),
    },
    open: ({ seen }) => {
      const apply = (event: ProjectedEvent<LedgerEvent>) => {
        if (poison?.(event as RecordedEvent)) throw new Error(`cannot apply ${event.type}`);
        if (seen.get(event.metadata.eventId)) throw new Error(`${event.metadata.eventId} applied twice`);
        seen.put({ event_id: event.metadata.eventId, type: event.type, position: Number(event.position) });
      };
      return {
        Past: apply,
        Live: apply,
        Fine: apply,
        Poison: apply,
        E: apply,
        T0: apply,
        T1: apply,
        T2: apply,
        After: apply,
      };
    },
  });
}

/** The store, counting what it hands out: subscriptions opened and events delivered through them. */
function counting(store: EventStore) {
  const counts = { subscriptions: 0, events: 0 };
  const counted = new Proxy(store, {
    get(target, property) {
      if (property === 'subscribeToAll') {
        return (options: Parameters<EventStore['subscribeToAll']>[0]) => {
          counts.subscriptions += 1;
          const subscription = target.subscribeToAll(options);
          return {
            close: () => subscription.close(),
            async *[Symbol.asyncIterator]() {
              for await (const message of subscription) {
                if (message.kind === 'event') counts.events += 1;
                yield message;
              }
            },
          };
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: counted, counts };
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

  it('reads the log once for every projection: one subscription, each event delivered once', async () => {
    for (let i = 0; i < 300; i += 1) await append(store, `s-${i % 5}`, i % 2 ? 'Fine' : 'E');
    const { store: observed, counts } = counting(store);
    runner = new ProjectionRunner(observed, read, [ledger('one'), ledger('two'), ledger('three')]);
    runner.start();
    expect(await runner.waitFor(300n, 10_000)).toBe(true);
    expect(counts).toEqual({ subscriptions: 1, events: 300 });
    for (const name of ['one', 'two', 'three']) expect(rows(read, name)).toHaveLength(300);
  });

  it('builds a generation without its read indexes, and gives them to it when it is served', async () => {
    for (let i = 0; i < 20; i += 1) await append(store, 's', 'E');
    runner = new ProjectionRunner(store, read, [ledger('indexed')]);
    const indexes = () =>
      read.db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'p_indexed_%'`)
        .all();
    expect(indexes()).toEqual([]);
    runner.start();
    expect(await runner.waitFor(20n, 5000)).toBe(true);
    expect(indexes()).toHaveLength(1);
  });

  it('hands every handler the event as the upcaster makes it', async () => {
    await append(store, 's', 'E');
    const seenTypes: string[] = [];
    const upcast = (event: RecordedEvent): RecordedEvent => {
      seenTypes.push(event.type);
      return { ...event, type: 'Fine' };
    };
    runner = new ProjectionRunner(store, read, [ledger('upcast')], { upcast });
    runner.start();
    expect(await runner.waitFor(1n, 5000)).toBe(true);
    expect(seenTypes).toEqual(['E']);
    expect(rows(read, 'upcast')).toEqual(['Fine']);
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
    for (let i = 0; i < 50; i += 1) await append(store, `s-${i % 3}`, `T${i % 3}`);
    runner = new ProjectionRunner(store, read, [ledger('checked')]);
    runner.start();
    await runner.waitFor(50n, 5000);
    const live = read.checksum('checked');
    const progress: bigint[] = [];
    const rebuilt = await rebuildProjections(store, read, [ledger('checked')], {
      onProgress: (p) => progress.push(p.position),
    });
    expect(rebuilt.events).toBe(50);
    expect(read.checksum('checked')).toBe(live);
    expect(progress.at(-1)).toBe(50n);
    expect(read.active('checked')!.generation).toBe(rebuilt.generations.get('checked'));

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
