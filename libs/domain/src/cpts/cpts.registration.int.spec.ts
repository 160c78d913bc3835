import { type EventStore, SqliteEventStore, StoreUnavailableError } from '@parcours/event-store';
import type { CommandMeta } from '../shared/command-runner';
import { IdSource } from '../shared/ids';
import { CptsCommandHandler, CptsCommandMessage } from './cpts.handler';

/**
 * The registration writes six events over five streams, without a multi-stream transaction. These runs
 * make the store fail after k successful appends (as a crash or a lost connection would), then retry the
 * same request: it must end with exactly the events of one registration, whatever k was.
 */

const registration = { id: 'cpts-int', name: 'CPTS int', population: 50_000, communes: ['69123'] };
const { id: _id, ...registered } = registration;
const register = (meta: CommandMeta) =>
  new CptsCommandMessage(meta, { type: 'RegisterCpts', data: registered });

function meta(key?: string): CommandMeta {
  return {
    cptsId: registration.id,
    actor: { id: 'admin-1', role: 'platform-admin' },
    correlationId: 'corr',
    commandId: 'cmd',
    source: 'api',
    ids: new IdSource(registration.id, key),
    now: new Date(),
  };
}

/** The store, with appends that fail once `budget` of them went through. */
function failingAfter(store: EventStore, budget: { left: number }): EventStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'append') {
        return (...args: Parameters<EventStore['append']>) => {
          if (budget.left <= 0) return Promise.reject(new StoreUnavailableError('disk full'));
          budget.left -= 1;
          return target.append(...args);
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function everything(store: EventStore) {
  const events = await store.readAll();
  return events
    .map((e) => `${e.streamId} ${e.type}${typeof e.data.version === 'number' ? ` v${e.data.version}` : ''}`)
    .sort();
}

describe('CPTS registration across streams', () => {
  let stores: SqliteEventStore[] = [];
  const open = () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
  });

  it('writes the CPTS and its national protocols', async () => {
    const store = open();
    const outcome = await new CptsCommandHandler(store).execute(register(meta('k')));
    expect(outcome).toMatchObject({
      id: 'cpts-int',
      streamId: 'cpts-cpts-int',
      revision: 0,
      replayed: false,
    });
    expect(outcome.position).toBe(await store.headPosition());
    expect(await everything(store)).toEqual([
      'cpts-cpts-int CptsRegistered',
      'protocol-cpts-int.eruption-vesiculeuse-enfant ProtocolPublished v1',
      'protocol-cpts-int.odynophagie ProtocolPublished v1',
      'protocol-cpts-int.pollakiurie-brulure-mictionnelle ProtocolPublished v1',
      'protocol-cpts-int.pollakiurie-brulure-mictionnelle ProtocolPublished v2',
      'protocol-cpts-int.rhino-conjonctivite-allergique ProtocolPublished v1',
    ]);
  });

  it.each([0, 1, 2, 3, 4])(
    'fails after %i appends, and a retry with the same key completes it exactly once',
    async (appendsBeforeFailure) => {
      const reference = open();
      const expected = await new CptsCommandHandler(reference).execute(register(meta('k')));

      const store = open();
      const budget = { left: appendsBeforeFailure };
      await expect(
        new CptsCommandHandler(failingAfter(store, budget)).execute(register(meta('k'))),
      ).rejects.toThrow(StoreUnavailableError);
      const retried = await new CptsCommandHandler(store).execute(register(meta('k')));

      expect(await everything(store)).toEqual(await everything(reference));
      expect(retried).toMatchObject({ revision: 0, position: expected.position, replayed: false });
      // Once complete, a further retry appends nothing and answers the same.
      const again = await new CptsCommandHandler(store).execute(register(meta('k')));
      expect(again).toEqual({ ...retried, replayed: true });
      expect(await store.headPosition()).toBe(expected.position);
    },
  );

  it('without a key, a retry after a partial failure is refused (cpts-exists)', async () => {
    const store = open();
    await expect(
      new CptsCommandHandler(failingAfter(store, { left: 2 })).execute(register(meta())),
    ).rejects.toThrow(StoreUnavailableError);
    await expect(new CptsCommandHandler(store).execute(register(meta()))).rejects.toMatchObject({
      rule: 'cpts-exists',
    });
  });
});
