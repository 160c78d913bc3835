import { type EventStore, SqliteEventStore } from '@parcours/event-store';
import { v7 as uuidv7 } from 'uuid';
import { NotFoundError } from './errors';
import { cptsExists, requireCpts } from './tenant';

const metadata = {
  cptsId: 'cpts-t',
  actor: { id: 'a', role: 'coordinator' as const },
  correlationId: 'c',
  causationId: 'c',
  source: 'api' as const,
};

/** The store, counting the reads of the CPTS's own stream. */
function counted(store: EventStore): { store: EventStore; reads: () => number } {
  let reads = 0;
  const readStream: EventStore['readStream'] = (id, options) => {
    if (id === 'cpts-cpts-t') reads += 1;
    return store.readStream(id, options);
  };
  return { store: Object.assign(Object.create(store) as EventStore, { readStream }), reads: () => reads };
}

describe('whether a CPTS exists (the auth guard and every command ask)', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:' });
  });
  afterEach(() => store.close());

  it('is no until it is registered, asked again each time; then yes, without reading it again', async () => {
    const { store: asked, reads } = counted(store);
    expect(await cptsExists(asked, 'cpts-t')).toBe(false);
    await expect(requireCpts(asked, 'cpts-t')).rejects.toBeInstanceOf(NotFoundError);
    expect(reads()).toBe(2);
    await store.append('cpts-cpts-t', [
      {
        eventId: uuidv7(),
        type: 'CptsRegistered',
        data: { name: 'CPTS T', population: 40_000, communes: [] },
        metadata,
      },
    ]);
    expect(await cptsExists(asked, 'cpts-t')).toBe(true);
    await requireCpts(asked, 'cpts-t');
    expect(await cptsExists(asked, 'cpts-t')).toBe(true);
    expect(reads()).toBe(3);
  });

  it('a stream that does not open with the registration is no CPTS', async () => {
    await store.append('cpts-cpts-t', [
      {
        eventId: uuidv7(),
        type: 'CptsPopulationUpdated',
        data: { population: 1, effectiveOn: '2026-01-01' },
        metadata,
      },
    ]);
    expect(await cptsExists(store, 'cpts-t')).toBe(false);
  });
});
