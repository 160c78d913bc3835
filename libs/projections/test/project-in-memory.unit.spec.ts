import {
  defineProjection,
  EventLog,
  type ProjectedEvent,
  projectInMemory,
  table,
} from '@parcours/projections';

type Event = { type: 'Counted'; data: { n: number } } | { type: 'Refused'; data: { why: string } };

/** Keeps each event's position in the order it was applied, and refuses `Refused`. */
const ledger = defineProjection<Event>()({
  name: 'ledger',
  version: 1,
  tables: {
    applied: table<{ event_id: string; position: number; rank: number }>({
      columns: { event_id: 'TEXT', position: 'INTEGER', rank: 'INTEGER' },
      key: ['event_id'],
    }),
  },
  open: ({ applied }) => {
    let rank = 0;
    return {
      Counted: (event: ProjectedEvent<Event>) =>
        applied.put({
          event_id: event.metadata.eventId,
          position: Number(event.position),
          rank: (rank += 1),
        }),
      Refused: () => {
        throw new Error('refused on purpose');
      },
    };
  },
});

describe('projectInMemory (as-of replays)', () => {
  it('applies the events in log order whatever order they are given in, and serves the result', () => {
    const log = new EventLog();
    const events = [1, 2, 3].map((n) => log.event<Event>('ledger-cpts-x.a', 'Counted', { n }));
    const replayed = projectInMemory([ledger], [events[2], events[0], events[1]]);
    try {
      const rows = replayed
        .prepare<[], { position: number; rank: number }>(
          `SELECT position, rank FROM "${replayed.tables('ledger')('applied')}" ORDER BY rank`,
        )
        .all();
      expect(rows.map((row) => row.position)).toEqual([1, 2, 3]);
    } finally {
      replayed.close();
    }
  });

  it('fails naming the projection and its error when an event is refused', () => {
    const log = new EventLog();
    const events = [
      log.event<Event>('ledger-cpts-x.a', 'Counted', { n: 1 }),
      log.event<Event>('ledger-cpts-x.a', 'Refused', { why: 'x' }),
    ];
    expect(() => projectInMemory([ledger], events)).toThrow(/projection ledger failed: .*refused on purpose/);
  });
});
