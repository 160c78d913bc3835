import {
  defineProjection,
  EventLog,
  type ProjectedEvent,
  projectInMemory,
  ReadStore,
  table,
} from '@parcours/projections';

type Event =
  | { type: 'Counted'; data: { n: number; note?: string } }
  | { type: 'Removed'; data: { n: number } }
  | { type: 'Refused'; data: { why: string } };

interface AppliedRow {
  group_id: string;
  event_id: string;
  position: number;
  rank: number;
  note: string | null;
  tags: string[];
}

/**
 * Keeps each event's position in the order it was applied (grouped by stream), with an optional column
 * and a JSON document; `Removed` deletes a row, `Refused` is refused.
 */
const ledger = defineProjection<Event>()({
  name: 'ledger',
  version: 1,
  tables: {
    applied: table<AppliedRow>({
      columns: {
        group_id: 'TEXT',
        event_id: 'TEXT',
        position: 'INTEGER',
        rank: 'INTEGER',
        note: 'TEXT NULL',
        tags: 'JSON',
      },
      key: ['group_id', 'event_id'],
    }),
  },
  open: ({ applied }) => {
    let rank = 0;
    return {
      Counted: (event: ProjectedEvent<Event>) => {
        const data = event.data as { n: number; note?: string };
        applied.put({
          group_id: event.streamId,
          event_id: `e${data.n}`,
          position: Number(event.position),
          rank: (rank += 1),
          // Left out when the event has no note: the read store stores NULL.
          ...(data.note === undefined ? {} : { note: data.note }),
          tags: [`n${data.n}`],
        } as AppliedRow);
      },
      Removed: (event: ProjectedEvent<Event>) =>
        applied.delete(event.streamId, `e${(event.data as { n: number }).n}`),
      Refused: () => {
        throw new Error('refused on purpose');
      },
    };
  },
});

describe('projectInMemory (as-of replays)', () => {
  it('applies the events in log order whatever order they are given in', () => {
    const log = new EventLog();
    const events = [1, 2, 3].map((n) => log.event<Event>('ledger-cpts-x.a', 'Counted', { n }));
    const replayed = projectInMemory(ledger, [events[2], events[0], events[1]]);
    const rows = replayed.applied.scan('ledger-cpts-x.a');
    expect(rows.map((row) => [row.event_id, row.rank])).toEqual([
      ['e1', 1],
      ['e2', 2],
      ['e3', 3],
    ]);
  });

  it('answers by key and by prefix in key order, and forgets what a handler deleted', () => {
    const log = new EventLog();
    const events = [
      log.event<Event>('ledger-cpts-x.b', 'Counted', { n: 2 }),
      log.event<Event>('ledger-cpts-x.a', 'Counted', { n: 3 }),
      log.event<Event>('ledger-cpts-x.a', 'Counted', { n: 1 }),
      log.event<Event>('ledger-cpts-x.a', 'Counted', { n: 4 }),
      log.event<Event>('ledger-cpts-x.a', 'Removed', { n: 4 }),
    ];
    const { applied } = projectInMemory(ledger, events);
    expect(applied.scan('ledger-cpts-x.a').map((row) => row.event_id)).toEqual(['e1', 'e3']);
    expect(applied.scan('ledger-cpts-x.b').map((row) => row.event_id)).toEqual(['e2']);
    expect(applied.get('ledger-cpts-x.a', 'e3')?.rank).toBe(2);
    expect(applied.get('ledger-cpts-x.a', 'e4')).toBeUndefined();
    expect(() => applied.scan()).toThrow(/scan needs 1 to 2 key values/);
  });

  it('gives its rows back exactly as the read store does after the same events', () => {
    const log = new EventLog();
    const events = [
      log.event<Event>('ledger-cpts-x.a', 'Counted', { n: 2, note: 'second' }),
      log.event<Event>('ledger-cpts-x.a', 'Counted', { n: 1 }),
      log.event<Event>('ledger-cpts-x.a', 'Counted', { n: 3 }),
      log.event<Event>('ledger-cpts-x.a', 'Removed', { n: 3 }),
    ];
    const replayed = projectInMemory(ledger, events).applied.stored('ledger-cpts-x.a');

    const readStore = new ReadStore(':memory:');
    try {
      readStore.createTables('ledger', 'g1', ledger.tables, true);
      const tables = ReadStore.tableNamer('ledger', 'g1');
      const insert = readStore.prepare(
        `INSERT INTO "${tables('applied')}" (group_id, event_id, position, rank, note, tags) VALUES (?, ?, ?, ?, ?, ?)`,
      );
      insert.run('ledger-cpts-x.a', 'e2', 1, 1, 'second', '["n2"]');
      insert.run('ledger-cpts-x.a', 'e1', 2, 2, null, '["n1"]');
      const fromDatabase = readStore
        .prepare(`SELECT * FROM "${tables('applied')}" WHERE group_id = ?`)
        .all('ledger-cpts-x.a');
      expect(replayed).toEqual(fromDatabase);
      // Same columns in the same order, absent ones NULL, documents as their text.
      expect(replayed.map((row) => Object.entries(row))).toEqual(
        fromDatabase.map((row) => Object.entries(row as object)),
      );
    } finally {
      readStore.close();
    }
  });

  it('passes over the types the projection does not handle, as the engine never reads them', () => {
    const log = new EventLog();
    const events = [
      log.event<Event>('ledger-cpts-x.a', 'Counted', { n: 1 }),
      log.event('other-cpts-x.a', 'SomethingElse', { n: 2 }),
      log.event('other-cpts-x.a', '__proto__', {}),
    ];
    expect(projectInMemory(ledger, events).applied.scan('ledger-cpts-x.a')).toHaveLength(1);
  });

  it('fails naming the projection and its error when an event is refused', () => {
    const log = new EventLog();
    const events = [
      log.event<Event>('ledger-cpts-x.a', 'Counted', { n: 1 }),
      log.event<Event>('ledger-cpts-x.a', 'Refused', { why: 'x' }),
    ];
    expect(() => projectInMemory(ledger, events)).toThrow(/projection ledger failed: refused on purpose/);
  });
});
