/**
 * A rebuild spread over worker threads: the projections are shared out by cost, every thread reads the
 * log for its share and writes into the same read store, and the result is the rows a rebuild on one
 * thread gives. The threads run a projection thread script as the CLI's do (`runProjectionThread`), built
 * here from the compiled library (`npm run build` comes first in `npm test`) with projections of its own:
 * one that refuses an event, to see a failing thread stop the rebuild.
 */
import { SqliteEventStore } from '@parcours/event-store';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type AnyProjection,
  defineProjection,
  ReadStore,
  rebuildInThreads,
  rebuildProjections,
  spreadOverThreads,
  table,
} from '../src';
import { metadata } from './test-events';

const DIST = resolve(__dirname, '../../../dist/libs');

/** The same projection as the thread script defines: every event of its types, one row each. */
function ledger(name: string, rebuildCost?: number): AnyProjection {
  return defineProjection<{ type: 'A' | 'B' | 'Poison'; data: object }>()({
    name,
    version: 1,
    ...(rebuildCost === undefined ? {} : { rebuildCost }),
    tables: {
      seen: table<{ position: number; type: string; stream: string }>({
        columns: { position: 'INTEGER', type: 'TEXT', stream: 'TEXT' },
        key: ['position'],
      }),
    },
    open: ({ seen }) => {
      const apply = (event: { position: bigint; type: string; streamId: string }) =>
        seen.put({ position: Number(event.position), type: event.type, stream: event.streamId });
      return { A: apply, B: apply, Poison: apply };
    },
  });
}

/** A thread script: the ledgers above (in JavaScript), `fragile` refusing `Poison`. */
function writeThreadScript(dir: string): string {
  const path = join(dir, 'thread.js');
  writeFileSync(
    path,
    `
const { runProjectionThread, defineProjection, table } = require(${JSON.stringify(join(DIST, 'projections/src'))});
const { openEventStore } = require(${JSON.stringify(join(DIST, 'platform/src'))});
const ledger = (name, refuse) => defineProjection()({
  name,
  version: 1,
  tables: {
    seen: table({ columns: { position: 'INTEGER', type: 'TEXT', stream: 'TEXT' }, key: ['position'] }),
  },
  open: ({ seen }) => {
    const apply = (event) => {
      if (event.type === refuse) throw new Error('cannot apply ' + event.type);
      seen.put({ position: Number(event.position), type: event.type, stream: event.streamId });
    };
    return { A: apply, B: apply, Poison: apply };
  },
});
runProjectionThread({
  catalogue: ['one', 'two', 'three', 'four'].map((name) => ledger(name)).concat(ledger('fragile', 'Poison')),
  openStore: (config) => openEventStore(config),
});
`,
  );
  return path;
}

describe('spreading a rebuild over threads', () => {
  const names = (groups: AnyProjection[][]) => groups.map((group) => group.map((p) => p.name));

  it('gives each thread about the same cost, the costliest first, each projection once', () => {
    const projections = [
      ledger('small-1'),
      ledger('big', 26),
      ledger('mid', 14),
      ledger('mid-2', 12),
      ledger('small-2'),
    ];
    expect(names(spreadOverThreads(projections, 2))).toEqual([
      ['big', 'small-1'],
      ['mid', 'mid-2', 'small-2'],
    ]);
    expect(names(spreadOverThreads(projections, 3))).toEqual([
      ['big'],
      ['mid'],
      ['mid-2', 'small-1', 'small-2'],
    ]);
  });

  it('never makes an empty group: more threads than projections, or fewer than one', () => {
    expect(names(spreadOverThreads([ledger('a'), ledger('b')], 8))).toEqual([['a'], ['b']]);
    expect(names(spreadOverThreads([ledger('a'), ledger('b')], 0))).toEqual([['a', 'b']]);
    expect(spreadOverThreads([], 2)).toEqual([]);
  });
});

describe('a rebuild in threads', () => {
  let dir: string;
  let store: SqliteEventStore;
  let script: string;
  beforeAll(() => {
    if (!existsSync(join(DIST, 'projections/src/index.js'))) {
      throw new Error('the compiled library is missing: run `npm run build` first (npm test does)');
    }
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parcours-rebuild-threads-'));
    script = writeThreadScript(dir);
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    for (let i = 0; i < 300; i += 1) {
      await store.append(`s-${i % 7}`, [{ type: i % 2 === 0 ? 'A' : 'B', data: { i }, metadata }]);
    }
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const config = () => ({
    DATA_DIR: dir,
    EVENT_STORE: 'sqlite' as const,
    SQLITE_SYNCHRONOUS: 'NORMAL' as const,
  });

  it('gives every projection the rows a rebuild on one thread gives, each served once built', async () => {
    const projections = ['one', 'two', 'three', 'four'].map((name) => ledger(name));
    const progress: bigint[] = [];
    const result = await rebuildInThreads(store, projections, {
      script,
      config: config(),
      threads: 2,
      onProgress: (p) => progress.push(p.position),
    });
    expect(result.threads).toBe(2);
    expect(result.head).toBe(300n);
    expect(result.events).toBe(600); // the log read once by each thread
    expect(progress.at(-1)).toBe(300n);
    expect([...result.generations.keys()].sort()).toEqual(['four', 'one', 'three', 'two']);

    const threaded = new ReadStore(join(dir, 'read.db'));
    const single = new ReadStore(join(dir, 'single.db'));
    try {
      for (const { name } of projections) {
        expect(threaded.active(name)).toMatchObject({
          generation: result.generations.get(name),
          position: '300',
        });
      }
      await rebuildProjections(store, single, projections);
      for (const { name } of projections) {
        expect({ [name]: threaded.checksum(name) }).toEqual({ [name]: single.checksum(name) });
      }
      // Again, into the same read store: new generations replace the ones just served.
      const again = await rebuildInThreads(store, projections, { script, config: config(), threads: 2 });
      for (const { name } of projections) {
        expect(again.generations.get(name)).not.toBe(result.generations.get(name));
        expect(threaded.active(name)?.generation).toBe(again.generations.get(name));
        expect(threaded.checksum(name)).toBe(single.checksum(name));
      }
    } finally {
      threaded.close();
      single.close();
    }
  }, 60_000);

  it('fails, naming the projection and its error, when a thread fails; that projection is not served', async () => {
    await store.append('s-poison', [{ type: 'Poison', data: {}, metadata }]);
    const projections = ['fragile', 'one', 'two'].map((name) => ledger(name, name === 'fragile' ? 5 : 1));
    await expect(
      rebuildInThreads(store, projections, { script, config: config(), threads: 2 }),
    ).rejects.toThrow(/projection fragile failed: cannot apply Poison/);
    const read = new ReadStore(join(dir, 'read.db'));
    try {
      // The fragile projection never caught up: nothing of it is served.
      expect(read.active('fragile')).toBeNull();
      // Its unfinished generation stopped just before the refused event, and nothing was written after.
      const [fragile] = read.generations('fragile');
      expect(fragile.position).toBe('300');
    } finally {
      read.close();
    }
  }, 60_000);

  it('reports a thread that cannot start its projections as the rebuild failing', async () => {
    await expect(
      rebuildInThreads(store, [ledger('unknown-here'), ledger('one')], {
        script,
        config: config(),
        threads: 2,
      }),
    ).rejects.toThrow(/unknown-here is not in the projection thread's catalogue/);
  }, 60_000);
});
