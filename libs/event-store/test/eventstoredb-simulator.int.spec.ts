/**
 * The EventStoreDB adapter against the wire-level SIMULATOR in `esdb-simulator/` — a simulation of an
 * EventStoreDB 24.10 server, not a real one — through the real, unmodified `@eventstore/db-client`
 * over a loopback socket: the contract suite, then one test per known failure of production use, then
 * faults. What only a real server can confirm is listed in docs/eventstoredb.md.
 */
import { randomUUID } from 'node:crypto';
import {
  EventStoreDbEventStore,
  InvalidEventError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
  encodePosition,
  verifyChain,
  type EventStoreDbOptions,
  type NewEvent,
  type SubscriptionMessage,
} from '../src';
import { EsdbSimulator } from './esdb-simulator/simulator';
import { eventStoreContract, newEvent } from './event-store.contract';
import { failure, take, within } from './subscription-support';

export const SIMULATION = 'EventStoreDB wire simulator (a SIMULATION of 24.10, not a real server)';

eventStoreContract(`EventStoreDB adapter on the ${SIMULATION}, secure single node`, async () => {
  // 4 MiB per append, as docker-compose.yml configures the real server: the suite appends 2,500 events.
  const simulator = await EsdbSimulator.start({ secure: true, maxAppendSize: 4 * 1024 * 1024 });
  const open = () => new EventStoreDbEventStore(simulator.connectionString());
  const store = open();
  return {
    store,
    reopen: () => Promise.resolve(open()),
    cleanup: async () => {
      await store.close();
      await simulator.stop();
    },
  };
});

describe(`EventStoreDB adapter on the ${SIMULATION}: production failures`, () => {
  let simulator: EsdbSimulator;
  const stores: EventStoreDbEventStore[] = [];
  const open = (connection: string | EventStoreDbOptions, deadlineMs?: number) => {
    const store = new EventStoreDbEventStore(connection, { deadlineMs });
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await simulator?.stop();
  });

  describe('1. credentials: a secure server refuses anonymous access', () => {
    beforeEach(async () => {
      simulator = await EsdbSimulator.start({ secure: true });
    });

    it('without credentials, every call fails with StoreUnavailableError (access-denied), a 503', async () => {
      const store = open(simulator.connectionString({ user: null }));
      for (const call of [store.append('s-1', [newEvent()]), store.readStream('s-1'), store.headPosition()]) {
        await expect(call).rejects.toMatchObject({ name: 'StoreUnavailableError', reason: 'access-denied' });
      }
      expect(simulator.log.lastEventNumber('s-1')).toBe(-1);
    });

    it('uses credentials given apart from the connection string', async () => {
      const store = open({
        connectionString: simulator.connectionString({ user: null }),
        username: 'admin',
        password: 'changeit',
      });
      await expect(store.append('s-1', [newEvent()])).resolves.toMatchObject({ revision: 0 });
      await expect(store.readStream('s-1')).resolves.toHaveLength(1);
    });

    it('a user outside $admins cannot follow $all: the subscription ends with access-denied rather than retrying silently', async () => {
      const store = open(simulator.connectionString({ user: 'ops:changeit' }));
      await expect(store.append('s-1', [newEvent()])).resolves.toMatchObject({ revision: 0 });
      const iterator = store.subscribeToAll()[Symbol.asyncIterator]();
      const outcome = await within(failure(iterator.next()), 5_000);
      expect(outcome).toBeInstanceOf(StoreUnavailableError);
      expect(outcome).toMatchObject({ reason: 'access-denied', retryAfterSeconds: 30 });
    });

    it('a wrong password is refused the same way', async () => {
      const store = open(simulator.connectionString({ user: 'admin:wrong' }));
      await expect(store.readStream('s-1')).rejects.toMatchObject({ reason: 'access-denied' });
    });
  });

  describe('2. a node that is not ready (election, start-up, too busy) gives a 503, not a 500', () => {
    it.each([
      ['batch append (servers ≥ 21.10)', true],
      ['unary append', false],
    ])(
      '%s: appends and reads fail with StoreUnavailableError (not-ready), and work again after',
      async (_, batchAppend) => {
        simulator = await EsdbSimulator.start({ batchAppend });
        const store = open(simulator.connectionString());
        await store.append('s-1', [newEvent()]);
        simulator.setMode('not-ready');
        await expect(store.append('s-1', [newEvent()])).rejects.toMatchObject({
          name: 'StoreUnavailableError',
          reason: 'not-ready',
        });
        await expect(store.readStream('s-1')).rejects.toMatchObject({
          name: 'StoreUnavailableError',
          reason: 'not-ready',
        });
        simulator.setMode('ok');
        await expect(store.append('s-1', [newEvent()], { expectedRevision: 0 })).resolves.toMatchObject({
          revision: 1,
        });
      },
    );
  });

  describe('3. a stuck server: every call has a deadline', () => {
    beforeEach(async () => {
      simulator = await EsdbSimulator.start();
    });

    it('reads, appends and the head give up with deadline-exceeded, and close() does not hang', async () => {
      const store = open(simulator.connectionString(), 300);
      await store.append('s-1', [newEvent()]);
      simulator.setMode('stuck');
      const calls = [
        store.readStream('s-1'),
        store.readAll(),
        store.headPosition(),
        store.append('s-1', [newEvent()]),
      ];
      for (const call of calls) {
        const outcome = await within(failure(call), 3_000);
        expect(outcome).toBeInstanceOf(StoreUnavailableError);
        expect(outcome).toMatchObject({ reason: 'deadline-exceeded' });
      }
      expect(await within(store.close(), 3_000)).toBeUndefined();
    });

    it('takes the deadline from the connection string when none is given', async () => {
      const store = open(simulator.connectionString({ query: 'defaultDeadline=300' }));
      simulator.setMode('stuck');
      const outcome = await within(failure(store.readStream('s-1')), 3_000);
      expect(outcome).toMatchObject({ reason: 'deadline-exceeded' });
    });
  });

  describe('4. after a leader change, reads go to the new leader', () => {
    beforeEach(async () => {
      simulator = await EsdbSimulator.start({ nodes: 3 });
    });

    it('a command reads the latest write, and appends on it without a spurious conflict', async () => {
      const store = open(simulator.connectionString());
      await store.append('s-1', [newEvent('Before')]);
      // The former leader falls behind: it has not received what the new leader takes from now on.
      simulator.failover({ formerLeaderLags: true });
      const writer = open(simulator.connectionString());
      await writer.append('s-1', [newEvent('ElsewhereAfter')], { expectedRevision: 0 });

      expect((await store.readStream('s-1')).map((e) => e.type)).toEqual(['Before', 'ElsewhereAfter']);
      const result = await store.append('s-1', [newEvent('Mine'), newEvent('MineToo')], {
        expectedRevision: 1,
      });
      const read = await store.readStream('s-1');
      expect(result).toMatchObject({ revision: 3, position: read[3].position, replayed: false });
      expect(verifyChain('s-1', read)).toBeNull();
    });
  });

  describe('5. idempotency as strong as the server can make it', () => {
    beforeEach(async () => {
      simulator = await EsdbSimulator.start();
    });

    it('recognises a retry with an exact revision however far the stream moved on since', async () => {
      const store = open(simulator.connectionString());
      await store.append('s-1', [newEvent('First')]);
      const batch = [newEvent('A'), newEvent('B')];
      const original = await store.append('s-1', batch, { expectedRevision: 0 });
      const other = open(simulator.connectionString());
      await other.append(
        's-1',
        Array.from({ length: 110 }, (_, i) => newEvent('Later', { i })),
      );

      const retried = await store.append('s-1', batch, { expectedRevision: 0 });
      expect(retried).toEqual({ ...original, replayed: true });
      expect(await store.readStream('s-1')).toHaveLength(113);
    });

    it('recognises a retry from another process with no_stream, however long the stream is', async () => {
      const batch = [newEvent('Created')];
      const original = await open(simulator.connectionString()).append('s-1', batch, {
        expectedRevision: 'no_stream',
      });
      const other = open(simulator.connectionString());
      await other.append(
        's-1',
        Array.from({ length: 120 }, (_, i) => newEvent('Later', { i })),
      );
      const elsewhere = open(simulator.connectionString());
      await expect(elsewhere.append('s-1', batch, { expectedRevision: 'no_stream' })).resolves.toEqual({
        ...original,
        replayed: true,
      });
    });

    it('compares event ids as UUIDs, whatever their case (the server gives them back lower-cased)', async () => {
      const store = open(simulator.connectionString());
      const event = { ...newEvent('Upper'), eventId: randomUUID().toUpperCase() };
      const original = await store.append('s-1', [event]);
      await expect(open(simulator.connectionString()).append('s-1', [event])).resolves.toEqual({
        ...original,
        replayed: true,
      });
      await expect(
        store.append('s-1', [{ ...event, eventId: event.eventId.toLowerCase() }]),
      ).resolves.toEqual({ ...original, replayed: true });
      expect(await store.readStream('s-1')).toHaveLength(1);
    });
  });

  describe('6. a shared server: events of other applications are skipped and counted, never fatal', () => {
    beforeEach(async () => {
      simulator = await EsdbSimulator.start();
    });

    it('reads of $all and subscriptions pass over foreign events, and say how many they met', async () => {
      const store = open(simulator.connectionString());
      const before = await store.append('p-1', [newEvent('Ours')]);
      simulator.appendDirect('orders-1', [
        { type: 'OrderPlaced', data: { total: 12 } },
        { type: 'Blob', binary: true },
      ]);
      simulator.appendDirect('p-2', [{ type: 'Ours', data: {}, metadata: { note: 'no envelope' } }]);
      const after = await store.append('p-1', [newEvent('OursAgain')]);

      expect((await store.readAll()).map((e) => e.type)).toEqual(['Ours', 'OursAgain']);
      expect((await store.readAll({ filter: { streamPrefixes: ['p-'] } })).map((e) => e.type)).toEqual([
        'Ours',
        'OursAgain',
      ]);
      const iterator = store.subscribeToAll()[Symbol.asyncIterator]();
      expect((await take(iterator, 2)).map((e) => e.position)).toEqual([before.position, after.position]);
      expect(store.foreignEvents).toMatchObject({
        skipped: 3,
        last: { position: expect.any(String) as string },
      });
    });
  });

  describe('7. what a command costs', () => {
    beforeEach(async () => {
      simulator = await EsdbSimulator.start();
    });

    it('an append with an exact revision reads only what it chains to, and nothing back', async () => {
      const store = open(simulator.connectionString());
      await store.append(
        's-1',
        Array.from({ length: 150 }, (_, i) => newEvent('Old', { i })),
      );
      simulator.resetCounters();
      const result = await store.append('s-1', [newEvent('A'), newEvent('B'), newEvent('C')], {
        expectedRevision: 149,
      });
      expect(simulator.counters()).toMatchObject({ streamReads: 1, eventsRead: 1, appends: 1 });
      const read = await store.readStream('s-1', { fromRevision: 152 });
      expect(result).toMatchObject({ revision: 152, position: read[0].position });
    });

    it('a filtered read of $all is filtered by the server', async () => {
      const store = open(simulator.connectionString());
      for (let i = 0; i < 20; i += 1)
        await store.append(
          `other-${i}`,
          Array.from({ length: 25 }, () => newEvent('Noise')),
        );
      await store.append('wanted-1', [newEvent('Wanted')]);
      simulator.resetCounters();
      const page = await store.readAll({ filter: { streamPrefixes: ['wanted-'] } });
      expect(page.map((e) => e.streamId)).toEqual(['wanted-1']);
      const sent = simulator.counters();
      expect(sent.eventsRead + sent.eventsStreamed).toBeLessThan(10);
    });
  });
});

/** An event with the Parcours envelope, written straight into the simulated log by "another process". */
function parcoursLike(type: string) {
  const metadata = {
    eventId: randomUUID(),
    cptsId: 'cpts-x',
    hash: 'h'.repeat(64),
    prevHash: 'p'.repeat(64),
    recordedAt: new Date().toISOString(),
  };
  return { type, data: {}, metadata };
}

const encoded = (records: Array<{ position: bigint }>) =>
  encodePosition({
    commit: records[records.length - 1].position,
    prepare: records[records.length - 1].position,
  });

const next = async (iterator: AsyncIterator<SubscriptionMessage>): Promise<string> => {
  const result = await within(iterator.next(), 10_000);
  if (result === 'still pending') return 'still pending';
  if (result.done) return 'done';
  return result.value.kind === 'event'
    ? `event ${result.value.event.streamId} ${result.value.event.position}`
    : `caught-up ${result.value.position}`;
};

describe(`EventStoreDB adapter on the ${SIMULATION}: subscriptions and conflicts`, () => {
  let simulator: EsdbSimulator;
  let store: EventStoreDbEventStore;
  beforeEach(async () => {
    simulator = await EsdbSimulator.start();
    store = new EventStoreDbEventStore(simulator.connectionString());
  });
  afterEach(async () => {
    await store.close();
    await simulator.stop();
  });

  it('says it caught up after the events the server sent before it, then follows each live event', async () => {
    const positions = ['p-1', 'p-1', 'p-2'].map((s) =>
      encoded(simulator.appendDirect(s, [parcoursLike('E')])),
    );
    const iterator = store.subscribeToAll({ filter: { streamPrefixes: ['p-'] } })[Symbol.asyncIterator]();
    expect([await next(iterator), await next(iterator), await next(iterator), await next(iterator)]).toEqual([
      `event p-1 ${positions[0]}`,
      `event p-1 ${positions[1]}`,
      `event p-2 ${positions[2]}`,
      `caught-up ${positions[2]}`,
    ]);
    const live = encoded(simulator.appendDirect('p-3', [parcoursLike('E')]));
    expect([await next(iterator), await next(iterator)]).toEqual([`event p-3 ${live}`, `caught-up ${live}`]);
  });

  it('reports how far a filtered subscription looked, stopping before an event still on its way', async () => {
    const wanted = encoded(simulator.appendDirect('p-1', [parcoursLike('E')]));
    const skipped = encoded(simulator.appendDirect('other-1', [parcoursLike('E')]));
    const iterator = store.subscribeToAll({ filter: { streamPrefixes: ['p-'] } })[Symbol.asyncIterator]();
    expect(await next(iterator)).toBe(`event p-1 ${wanted}`);
    // Between the server's caughtUp and the adapter's look at the head, another wanted event lands.
    let late = 0n;
    simulator.beforeNextRead = () => {
      late = encoded(simulator.appendDirect('p-2', [parcoursLike('E')]));
      simulator.appendDirect('other-2', [parcoursLike('E')]);
    };
    expect(await next(iterator)).toBe(`caught-up ${skipped}`);
    expect([await next(iterator), await next(iterator)]).toEqual([`event p-2 ${late}`, `caught-up ${late}`]);
  });

  it('reports the head as the caught-up position when only unwanted events follow', async () => {
    const wanted = encoded(simulator.appendDirect('p-1', [parcoursLike('E')]));
    simulator.appendDirect('other-1', [parcoursLike('E')]);
    const last = encoded(simulator.appendDirect('other-2', [parcoursLike('E')]));
    const iterator = store.subscribeToAll({ filter: { streamPrefixes: ['p-'] } })[Symbol.asyncIterator]();
    expect([await next(iterator), await next(iterator)]).toEqual([
      `event p-1 ${wanted}`,
      `caught-up ${last}`,
    ]);
  });

  it('ignores the "no position" checkpoint 24.10 sends when it goes live having considered nothing', async () => {
    // Fewer than 32 events, none wanted: the server's checkpoint at going live is (2^64-1, 2^64-1).
    const last = encoded(simulator.appendDirect('other-1', [parcoursLike('E'), parcoursLike('E')]));
    const iterator = store.subscribeToAll({ filter: { streamPrefixes: ['p-'] } })[Symbol.asyncIterator]();
    expect(await next(iterator)).toBe(`caught-up ${last}`);
  });

  it('retries an `any` append that another process overtook, chaining to its event', async () => {
    await store.append('s-1', [newEvent('Mine')]);
    simulator.beforeNextAppend = () => simulator.appendDirect('s-1', [parcoursLike('Theirs')]);
    const result = await store.append('s-1', [newEvent('MineAgain')]);
    const read = await store.readStream('s-1');
    expect(read.map((e) => e.type)).toEqual(['Mine', 'Theirs', 'MineAgain']);
    expect(result).toMatchObject({ revision: 2, position: read[2].position, replayed: false });
    expect(read[2].metadata.prevHash).toBe(read[1].metadata.hash);
  });

  it('reports the revision the server saw when another process overtook an exact-revision append', async () => {
    await store.append('s-1', [newEvent('Mine')]);
    simulator.beforeNextAppend = () => simulator.appendDirect('s-1', [parcoursLike('Theirs')]);
    const error = await failure(store.append('s-1', [newEvent('Late')], { expectedRevision: 0 }));
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ expected: 0, actual: 1 });
    expect((await store.readStream('s-1')).map((e) => e.type)).toEqual(['Mine', 'Theirs']);
  });

  it('keeps EventStoreDB’s own $ metadata keys, and refuses ours to start with $', async () => {
    await store.append('s-1', [newEvent()]);
    simulator.appendDirect('$$s-1', [{ type: '$metadata', data: { $maxAge: 3600, owner: 'old' } }]);
    await expect(store.getStreamMetadata('s-1')).resolves.toEqual({
      metadata: { owner: 'old' },
      revision: 0,
    });
    await expect(store.setStreamMetadata('s-1', { owner: 'new', maxCount: 1 })).resolves.toEqual({
      metadata: { owner: 'new', maxCount: 1 },
      revision: 1,
    });
    const written = simulator.log.eventAt('$$s-1', 1)!;
    expect(JSON.parse(Buffer.from(written.data).toString('utf8'))).toEqual({
      $maxAge: 3600,
      owner: 'new',
      maxCount: 1,
    });
    await expect(store.setStreamMetadata('s-1', { $acl: {} })).rejects.toBeInstanceOf(InvalidEventError);
  });
});

describe(`EventStoreDB adapter on the ${SIMULATION}: faults`, () => {
  let simulator: EsdbSimulator;
  const stores: EventStoreDbEventStore[] = [];
  const open = (connection: string) => {
    const store = new EventStoreDbEventStore(connection);
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await simulator.stop();
  });

  /** What a caller does with a 503: send the same events again (same ids), a few times. */
  async function appendRetrying(store: EventStoreDbEventStore, stream: string, events: NewEvent[]) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await store.append(stream, events);
      } catch (error) {
        if (!(error instanceof StoreUnavailableError) || attempt === 10) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  it('a leader change in the middle of a load loses nothing and writes nothing twice', async () => {
    simulator = await EsdbSimulator.start({ nodes: 3 });
    const store = open(simulator.connectionString());
    const written = new Map<string, number[]>();
    await Promise.all(
      Array.from({ length: 4 }, async (_, worker) => {
        for (let i = 0; i < 15; i += 1) {
          if (worker === 0 && i === 7) simulator.failover();
          const stream = `load-${worker}`;
          await appendRetrying(store, stream, [newEvent('L', { i })]);
          written.set(stream, [...(written.get(stream) ?? []), i]);
        }
      }),
    );
    expect(simulator.leader.index).toBe(1);
    expect(simulator.nodes[1].counters.appends).toBeGreaterThan(0);
    for (const [stream, numbers] of written) {
      const read = await store.readStream(stream);
      expect(read.map((e) => e.data.i)).toEqual(numbers);
      expect(verifyChain(stream, read)).toBeNull();
    }
  });

  it('connections dropped during catch-up: the subscription resumes with no gap and no duplicate', async () => {
    simulator = await EsdbSimulator.start();
    const store = open(simulator.connectionString());
    for (let batch = 0; batch < 20; batch += 1) {
      await store.append(
        'cu-1',
        Array.from({ length: 100 }, (_, i) => newEvent('C', { i: batch * 100 + i })),
      );
    }
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: ['cu-'] } });
    const iterator = subscription[Symbol.asyncIterator]();
    const before = await take(iterator, 300);
    simulator.dropConnections();
    const after = await take(iterator, 1700);
    await subscription.close();
    expect([...before, ...after].map((e) => e.data.i)).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    expect(simulator.counters().subscriptions).toBeGreaterThanOrEqual(2);
  });

  it('"consumer too slow" while live: the subscription resumes where it was', async () => {
    simulator = await EsdbSimulator.start();
    const store = open(simulator.connectionString());
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: ['live-'] } });
    const iterator = subscription[Symbol.asyncIterator]();
    expect(await next(iterator)).toMatch(/^caught-up /);
    for (let i = 0; i < 3; i += 1) await store.append('live-1', [newEvent('L', { i })]);
    const first = await take(iterator, 3);
    simulator.consumerTooSlow();
    for (let i = 3; i < 6; i += 1) await store.append('live-1', [newEvent('L', { i })]);
    const rest = await take(iterator, 3);
    await subscription.close();
    expect([...first, ...rest].map((e) => e.data.i)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('a lasting outage ends the subscription with its reason; a new one resumes from the last position', async () => {
    simulator = await EsdbSimulator.start();
    const store = open(simulator.connectionString());
    await store.append('out-1', [newEvent('O', { i: 0 })]);
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: ['out-'] } });
    const iterator = subscription[Symbol.asyncIterator]();
    const [first] = await take(iterator, 1);
    simulator.setMode('not-ready');
    simulator.dropConnections();
    const outcome = await within(failure(iterator.next()), 10_000);
    expect(outcome).toBeInstanceOf(StoreUnavailableError);
    expect(outcome).toMatchObject({ reason: 'not-ready' });
    simulator.setMode('ok');
    await store.append('out-1', [newEvent('O', { i: 1 })]);
    const again = store.subscribeToAll({ after: first.position, filter: { streamPrefixes: ['out-'] } });
    expect((await take(again[Symbol.asyncIterator](), 1)).map((e) => e.data.i)).toEqual([1]);
    await again.close();
  });

  it('a stuck server: close() still ends a subscription catching up', async () => {
    simulator = await EsdbSimulator.start();
    const store = new EventStoreDbEventStore(simulator.connectionString(), { deadlineMs: 300 });
    await store.append('st-1', [newEvent()]);
    simulator.setMode('stuck');
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: ['st-'] } });
    const pending = subscription[Symbol.asyncIterator]().next();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await subscription.close();
    expect(await within(pending, 2_000)).toMatchObject({ done: true });
    expect(await within(store.close(), 2_000)).toBeUndefined();
  });
});
