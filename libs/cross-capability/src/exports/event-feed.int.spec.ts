import { randomBytes } from 'node:crypto';
import { type EventStore, type NewEvent, SqliteEventStore } from '@parcours/event-store';
import { type FeedEnd, type FeedLine, Pseudonymiser, readFeed } from './event-feed';

const CPTS = 'cpts-feed';
// Its stream prefix `cpts-cpts-feed` also starts the name of this other CPTS's stream.
const LONGER = 'cpts-feed-2';
const OTHER = 'cpts-other';

const event = (cptsId: string, type: string, data: Record<string, unknown>, eventId?: string): NewEvent => ({
  ...(eventId ? { eventId } : {}),
  type,
  data,
  metadata: {
    cptsId,
    actor: { id: 'someone', role: 'coordinator' },
    correlationId: 'c',
    causationId: 'c',
    source: 'api',
  },
});

async function drain(
  store: EventStore,
  pseudonymiser: Pseudonymiser,
  options: { after?: bigint; limit?: number } = {},
): Promise<{ lines: FeedLine[]; end: FeedEnd }> {
  const lines: FeedLine[] = [];
  const feed = readFeed(store, CPTS, pseudonymiser, options);
  for (;;) {
    const step = await feed.next();
    if (step.done) return { lines, end: step.value };
    lines.push(...step.value.lines);
  }
}

describe('readFeed over the event store', () => {
  let store: SqliteEventStore;
  const pseudonymiser = new Pseudonymiser(randomBytes(32));
  const target = '0193a0e0-7777-7000-8000-000000000007';

  beforeAll(async () => {
    store = new SqliteEventStore({ path: ':memory:' });
    await store.append(`cpts-${CPTS}`, [
      event(CPTS, 'CptsRegistered', { name: 'CPTS', population: 50_000, communes: [] }),
    ]);
    await store.append(`cpts-${LONGER}`, [
      event(LONGER, 'CptsRegistered', { name: 'Autre', population: 1, communes: [] }),
    ]);
    for (let i = 0; i < 1500; i += 1) {
      await store.append(`pathway-${CPTS}.p${i}`, [
        event(
          CPTS,
          'PathwayOpened',
          { patientId: `patient-${i}`, kind: 'bpco', openedAt: '2026-01-02T10:00:00+01:00' },
          i === 7 ? target : undefined,
        ),
      ]);
      if (i % 100 === 0) {
        await store.append(`pathway-${OTHER}.q${i}`, [
          event(OTHER, 'PathwayOpened', {
            patientId: 'x',
            kind: 'bpco',
            openedAt: '2026-01-02T10:00:00+01:00',
          }),
        ]);
      }
    }
    await store.append(`pathway-${CPTS}.p7`, [
      event(CPTS, 'EntryCorrected', {
        targetEventId: target,
        reason: 'r',
        correction: { kind: 'diabete', reason: 'Mme X' },
      }),
    ]);
    // The log ends with another CPTS's events: the feed must still say it has seen them.
    await store.append(`pathway-${OTHER}.last`, [
      event(OTHER, 'PathwayOpened', { patientId: 'x', kind: 'bpco', openedAt: '2026-01-02T10:00:00+01:00' }),
    ]);
  });
  afterAll(() => store.close());

  it('gives every event of the CPTS in log order, none of another CPTS, and resumes at the head', async () => {
    const { lines, end } = await drain(store, pseudonymiser);
    expect(lines).toHaveLength(1 + 1500 + 1);
    expect(
      lines.every((line) => (line.category === 'cpts' ? line.entity === CPTS : line.entity.startsWith('p'))),
    ).toBe(true);
    const positions = lines.map((line) => BigInt(line.position));
    expect(positions.every((p, i) => i === 0 || p > positions[i - 1])).toBe(true);
    expect(end).toEqual({ next: await store.headPosition(), limited: false, lines: lines.length });
    expect(JSON.stringify(lines)).not.toMatch(/Autre|patient-\d/);
  });

  it('applies the target’s rules to a correction found earlier in its stream', async () => {
    const { lines } = await drain(store, pseudonymiser);
    const correction = lines.find((line) => line.type === 'EntryCorrected');
    expect(correction?.data).toEqual({ targetEventId: target, correction: { kind: 'diabete' } });
  });

  it('resumes after a position (exclusive), stops at a limit, and says where to go on', async () => {
    const all = (await drain(store, pseudonymiser)).lines;
    const first = await drain(store, pseudonymiser, { limit: 1200 });
    expect(first.lines).toEqual(all.slice(0, 1200));
    expect(first.end).toEqual({ next: BigInt(all[1199].position), limited: true, lines: 1200 });
    const rest = await drain(store, pseudonymiser, { after: first.end.next, limit: 10_000 });
    expect(rest.lines).toEqual(all.slice(1200));
    expect(rest.end.next).toBe(await store.headPosition());
    const nothing = await drain(store, pseudonymiser, { after: rest.end.next });
    expect(nothing).toEqual({ lines: [], end: { next: rest.end.next, limited: false, lines: 0 } });
  });
});
