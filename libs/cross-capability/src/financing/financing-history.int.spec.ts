import { type NewEvent, SqliteEventStore } from '@parcours/event-store';
import { cptsHistoryProjection, readCptsHistory } from '@parcours/domain';
import { ReadModelNotReadyError, ReadStore, rebuildProjections } from '@parcours/projections';
import { ACI_AVENANT_2 } from './aci-amounts';
import { computeFinancing } from './financing';

const event = (cptsId: string, type: string, data: Record<string, unknown>): NewEvent => ({
  type,
  data,
  metadata: {
    cptsId,
    actor: { id: 'tester', role: 'coordinator' },
    correlationId: 'c',
    causationId: 'c',
    source: 'cli',
  },
});

describe('the CPTS history read model behind financing', () => {
  let store: SqliteEventStore;
  let readStore: ReadStore;

  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:' });
    readStore = new ReadStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
    readStore.close();
  });

  it('keeps the events of each CPTS stream, and answers as known at asOf', async () => {
    await store.append('cpts-abc', [
      event('abc', 'CptsRegistered', { name: 'A', population: 60_000, communes: [] }),
      event('abc', 'AciContractSigned', {
        signedOn: '2023-03-01',
        missions: ['acces-soins', 'parcours', 'prevention', 'crises-sanitaires'],
        joinedBefore20220930: false,
      }),
      event('abc', 'MissionStarted', { mission: 'acces-soins', startedOn: '2023-03-01' }),
    ]);
    // Another CPTS whose id starts like this one, and a stream of another category.
    await store.append('cpts-abc-def', [
      event('abc-def', 'CptsRegistered', { name: 'B', population: 1, communes: [] }),
    ]);
    await store.append('member-abc.m1', [event('abc', 'MemberJoined', {})]);
    const [signed] = await store.readStream('cpts-abc', { fromRevision: 2, maxCount: 1 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.append('cpts-abc', [
      event('abc', 'AchievementRecorded', { contractYear: 1, mission: 'acces-soins', rate: 1 }),
    ]);

    expect(() => readCptsHistory(readStore, 'abc')).toThrow(ReadModelNotReadyError);
    await rebuildProjections(store, readStore, [cptsHistoryProjection]);

    const history = readCptsHistory(readStore, 'abc');
    expect(history.map((e) => e.type)).toEqual([
      'CptsRegistered',
      'AciContractSigned',
      'MissionStarted',
      'AchievementRecorded',
    ]);
    expect(readCptsHistory(readStore, 'abc-def').map((e) => e.type)).toEqual(['CptsRegistered']);
    expect(readCptsHistory(readStore, 'nobody')).toEqual([]);

    const asOf = signed.metadata.recordedAt.replace('Z', '+00:00');
    expect(readCptsHistory(readStore, 'abc', asOf).map((e) => e.type)).toEqual([
      'CptsRegistered',
      'AciContractSigned',
      'MissionStarted',
    ]);
    const variable = (events: ReturnType<typeof readCptsHistory>) =>
      computeFinancing(events, 1, [ACI_AVENANT_2]).lines.find(
        (l) => l.mission === 'acces-soins' && l.part === 'variable',
      )!.amount;
    expect(variable(history)).toBe(30_000);
    expect(variable(readCptsHistory(readStore, 'abc', asOf))).toBe(0);
  });
});
