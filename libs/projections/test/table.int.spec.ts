import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTableSql, ProjectionTable, ReadStore, table } from '../src';

interface StepRow {
  cpts_id: string;
  pathway_id: string;
  step: string;
  due: string;
}

const steps = table<StepRow>({
  columns: { cpts_id: 'TEXT', pathway_id: 'TEXT', step: 'TEXT', due: 'TEXT' },
  key: ['cpts_id', 'pathway_id', 'step'],
});

/** A table of a real SQLite database, as the engine opens it. */
function open(options: { fresh: boolean; appendOnly?: boolean; maxRows?: number }) {
  const db = new Database(':memory:');
  const definition = options.appendOnly ? { ...steps, appendOnly: true } : steps;
  db.exec(createTableSql('steps', definition));
  const t = new ProjectionTable(db, 'steps', definition, {
    fresh: options.fresh,
    maxRows: options.maxRows ?? 1000,
  });
  const stored = () =>
    db.prepare('SELECT step, due FROM steps ORDER BY cpts_id, pathway_id, step').all() as Array<{
      step: string;
      due: string;
    }>;
  /** What the engine does at the end of a batch: the rows written inside its transaction. */
  const flush = () => db.transaction(() => t.flush())();
  /** A scan as a handler makes it: inside the batch's transaction (a short prefix writes first). */
  const scan = (...prefix: string[]) => db.transaction(() => t.scan(...prefix))();
  return { db, t, stored, flush, scan };
}

const row = (pathway: string, step: string, due: string): StepRow => ({
  cpts_id: 'c',
  pathway_id: pathway,
  step,
  due,
});

describe('ProjectionTable.scan', () => {
  it.each([false, true])(
    'given rows written and rows pending (append-only %s), then a scan sees both, in key order, and writes nothing',
    (appendOnly) => {
      const { t, stored, flush } = open({ fresh: true, appendOnly });
      t.put(row('p1', 'b', '2026-03-02'));
      t.put(row('p1', 'd', '2026-03-04'));
      t.put(row('p2', 'a', '2026-03-01'));
      flush();
      t.put(row('p1', 'c', '2026-03-03'));
      t.put(row('p1', 'a', '2026-03-01'));
      if (!appendOnly) t.put(row('p1', 'b', '2026-03-12'));

      const before = stored();
      expect(t.scan('c', 'p1').map((r) => [r.step, r.due])).toEqual([
        ['a', '2026-03-01'],
        ['b', appendOnly ? '2026-03-02' : '2026-03-12'],
        ['c', '2026-03-03'],
        ['d', '2026-03-04'],
      ]);
      expect(stored()).toEqual(before);
      expect(t.pending).toBe(appendOnly ? 2 : 3);
    },
  );

  it('given a row deleted in memory, then the scan no longer returns it though the database still has it', () => {
    const { t, stored, flush } = open({ fresh: false });
    t.put(row('p1', 'a', '2026-03-01'));
    t.put(row('p1', 'b', '2026-03-02'));
    flush();
    t.delete('c', 'p1', 'a');
    expect(t.scan('c', 'p1').map((r) => r.step)).toEqual(['b']);
    expect(stored().map((r) => r.step)).toEqual(['a', 'b']);
    flush();
    expect(stored().map((r) => r.step)).toEqual(['b']);
  });

  it('given rows the database holds and memory forgot (beyond maxRows), then the scan reads them back', () => {
    const { t, flush } = open({ fresh: true, maxRows: 1 });
    t.put(row('p1', 'a', '2026-03-01'));
    t.put(row('p1', 'b', '2026-03-02'));
    flush(); // two rows > maxRows: memory forgets, the table is no longer all in memory
    t.put(row('p1', 'c', '2026-03-03'));
    expect(t.scan('c', 'p1').map((r) => r.step)).toEqual(['a', 'b', 'c']);
    expect(t.get('c', 'p1', 'a')?.due).toBe('2026-03-01');
  });

  it('with a shorter prefix, writes what is pending first and reads the database', () => {
    const { t, stored, scan } = open({ fresh: true });
    t.put(row('p2', 'a', '2026-03-01'));
    t.put(row('p1', 'a', '2026-03-01'));
    expect(scan('c').map((r) => `${r.pathway_id}/${r.step}`)).toEqual(['p1/a', 'p2/a']);
    expect(stored()).toHaveLength(2);
    expect(t.pending).toBe(0);
  });

  it('after forget (a rolled back batch), the scan sees only what the database holds', () => {
    const { t, flush } = open({ fresh: true });
    t.put(row('p1', 'a', '2026-03-01'));
    flush();
    t.put(row('p1', 'b', '2026-03-02'));
    t.forget();
    expect(t.scan('c', 'p1').map((r) => r.step)).toEqual(['a']);
  });
});

describe('ProjectionTable.flush', () => {
  it('refuses to write outside a transaction (rows would be half written if the batch failed), and keeps them pending', () => {
    const { t, stored, flush } = open({ fresh: true });
    t.put(row('p1', 'a', '2026-03-01'));
    expect(() => t.flush()).toThrow(/rows of steps written outside a transaction/);
    // A short-prefix scan writes first: the same refusal, before anything is read or written.
    expect(() => t.scan('c')).toThrow(/outside a transaction/);
    expect(stored()).toEqual([]);
    expect(t.pending).toBe(1);
    flush();
    expect(stored()).toEqual([{ step: 'a', due: '2026-03-01' }]);
  });
});

describe('a generation once built', () => {
  it('has the planner’s statistics of its tables and indexes (in a file; one in memory does without)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parcours-table-'));
    const readStore = new ReadStore(join(dir, 'read.db'));
    const definition = table<StepRow>({ ...steps, indexes: [['cpts_id', 'due']] });
    const name = ReadStore.tableNamer('steps-model', 'v1g1')('steps');
    readStore.db.exec(createTableSql(name, definition));
    const t = new ProjectionTable(readStore.db, name, definition, { fresh: true, maxRows: 100_000 });
    for (let i = 0; i < 5_000; i += 1)
      t.put(row(`p${i}`, 'follow-up', `2026-03-${String((i % 28) + 1).padStart(2, '0')}`));
    readStore.db.transaction(() => t.flush())();
    readStore.createIndexes('steps-model', 'v1g1', { steps: definition });

    // What the planner knows of the table and its index: without it, SQLite takes an equality on the
    // key's first column (one CPTS: every row) for as selective as the index a read was given.
    const stats = readStore.db
      .prepare('SELECT idx, stat FROM sqlite_stat1 WHERE tbl = ? ORDER BY idx')
      .all(name) as Array<{ idx: string; stat: string }>;
    expect(stats.map((s) => s.idx)).toEqual(expect.arrayContaining([`${name}_i0`]));
    expect(stats.find((s) => s.idx === `${name}_i0`)!.stat.split(' ')[0]).not.toBe('0');
    readStore.close();
    rmSync(dir, { recursive: true, force: true });

    // In memory (an as-of replay), the indexes without the statistics.
    const inMemory = new ReadStore(':memory:');
    inMemory.db.exec(createTableSql(name, definition));
    inMemory.createIndexes('steps-model', 'v1g1', { steps: definition });
    const indexes = inMemory.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?")
      .all(name) as Array<{ name: string }>;
    expect(indexes.map((i) => i.name)).toEqual([`${name}_i0`]);
    expect(inMemory.db.prepare("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'").all()).toEqual(
      [],
    );
    inMemory.close();
  });
});
