/**
 * The EventStoreDB adapter without a server: position packing, the event-type regex, error mapping, the
 * expected-revision and idempotency checks, the behaviour when the server is closed or cannot be reached,
 * and the adapter's logic end to end on a simulated server (below). What only a real server can show is in
 * eventstoredb.int.spec.ts, run when EVENTSTORE_CONNECTION_STRING is set.
 */
import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  EventStoreDBClient,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
  type Filter,
  type Position,
  type ReadAllOptions,
  type ReadPosition,
  type ReadStreamOptions,
  type SubscribeToAllOptions,
} from '@eventstore/db-client';
import { Subscription } from '@eventstore/db-client/dist/streams/utils/Subscription';
import { convertGrpcEvent } from '@eventstore/db-client/dist/utils/convertGrpcEvent';
import { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import {
  IdempotencyConflictError,
  InvalidEventError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
  type ExpectedRevision,
  type SubscriptionMessage,
} from '../src';
import {
  EventStoreDbEventStore,
  assertValidExpectedRevision,
  checkExpectedRevision,
  decodePosition,
  detectReplay,
  encodePosition,
  eventTypeRegex,
  toStoreError,
  type StoredEventRef,
} from '../src/eventstoredb/eventstoredb-event-store';
import { eventStoreContract, newEvent } from './event-store.contract';

const U64 = (1n << 64n) - 1n;
const esdbPosition = fc.record({ commit: fc.bigUint(U64), prepare: fc.bigUint(U64) });

describe('EventStoreDB positions', () => {
  it('decode(encode(p)) gives p back for every (commit, prepare) pair', () => {
    fc.assert(
      fc.property(esdbPosition, (position) => {
        expect(decodePosition(encodePosition(position))).toEqual(position);
      }),
    );
  });

  it('encode(decode(n)) gives n back for every 128-bit position', () => {
    fc.assert(
      fc.property(fc.bigUint((1n << 128n) - 1n), (n) => {
        expect(encodePosition(decodePosition(n))).toBe(n);
      }),
    );
  });

  it('orders encoded positions as $all orders them: by commit, then by prepare', () => {
    fc.assert(
      fc.property(esdbPosition, esdbPosition, (a, b) => {
        const byPair =
          a.commit !== b.commit
            ? Math.sign(Number(a.commit - b.commit))
            : Math.sign(Number(a.prepare - b.prepare));
        const encodedA = encodePosition(a);
        const encodedB = encodePosition(b);
        const byEncoding = encodedA === encodedB ? 0 : encodedA < encodedB ? -1 : 1;
        expect(byEncoding).toBe(byPair);
      }),
    );
  });

  it('keeps a real position just before the next one: commit in the high bits', () => {
    const first = { commit: 4_096n, prepare: 4_096n };
    const second = { commit: 4_300n, prepare: 4_300n };
    expect(encodePosition(first)).toBe((4_096n << 64n) + 4_096n);
    expect(encodePosition(first) < encodePosition(second)).toBe(true);
    // A position with a prepare just below the commit (what `after: p - 1n` gives) still sorts first.
    expect(decodePosition(encodePosition(second) - 1n)).toEqual({ commit: 4_300n, prepare: 4_299n });
  });

  it('refuses what is not an EventStoreDB position', () => {
    expect(() => decodePosition(-1n)).toThrow(RangeError);
    expect(() => decodePosition(1n << 128n)).toThrow(RangeError);
    expect(() => encodePosition({ commit: -1n, prepare: 0n })).toThrow(RangeError);
    expect(() => encodePosition({ commit: 0n, prepare: U64 + 1n })).toThrow(RangeError);
  });
});

describe('EventStoreDB event type filter', () => {
  const typeName = fc.string({ minLength: 1, maxLength: 12 });

  it('matches exactly the listed types, whatever characters they hold', () => {
    fc.assert(
      fc.property(fc.array(typeName, { maxLength: 5 }), typeName, (types, candidate) => {
        const regex = new RegExp(eventTypeRegex(types));
        for (const type of types) expect(regex.test(type)).toBe(true);
        expect(regex.test(candidate)).toBe(types.includes(candidate));
      }),
    );
  });

  it('takes regex metacharacters literally', () => {
    const regex = new RegExp(eventTypeRegex(['A.B', 'x|y', '(C)+', 'Prix$', '[D]', 'E\\F', 'Événement']));
    expect(['A.B', 'x|y', '(C)+', 'Prix$', '[D]', 'E\\F', 'Événement'].every((t) => regex.test(t))).toBe(
      true,
    );
    expect(['AxB', 'x', 'y', 'CC', 'C', 'Prix', 'D', 'EF', 'A.BC', 'ZA.B'].some((t) => regex.test(t))).toBe(
      false,
    );
  });

  it('matches nothing for an empty list', () => {
    const regex = new RegExp(eventTypeRegex([]));
    expect(['', 'A', '$metadata'].some((t) => regex.test(t))).toBe(false);
  });
});

describe('EventStoreDB error mapping', () => {
  const grpcMetadata = (entries: Record<string, string>) => ({ getMap: () => entries });

  it.each([
    ['UnavailableError', () => new UnavailableError()],
    ['DeadlineExceededError', () => new DeadlineExceededError()],
    ['TimeoutError (ABORTED: server timeout, or a live subscription too slow)', () => new TimeoutError()],
    ['CancelledError (cancelled by the server)', () => new CancelledError()],
    [
      'NotLeaderError',
      () =>
        new NotLeaderError({
          code: 5,
          details: 'not leader',
          message: 'not leader',
          metadata: grpcMetadata({ 'leader-endpoint-host': 'node2', 'leader-endpoint-port': '2113' }),
        } as never),
    ],
    [
      'a raw gRPC UNAVAILABLE error',
      () =>
        Object.assign(new Error('14 UNAVAILABLE: No connection established'), {
          code: 14,
          details: 'No connection established',
          metadata: grpcMetadata({}),
        }),
    ],
    ['failed cluster discovery', () => new Error('Failed to discover after 10 attempts.')],
  ])('maps %s to StoreUnavailableError, keeping the cause', (_, make) => {
    const error = make();
    const mapped = toStoreError(error);
    expect(mapped).toBeInstanceOf(StoreUnavailableError);
    expect(mapped.cause).toBeInstanceOf(Error);
  });

  it('maps an append over the server limit to InvalidEventError (retrying cannot help)', () => {
    const mapped = toStoreError(MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576));
    expect(mapped).toBeInstanceOf(InvalidEventError);
    expect(mapped.message).toContain('1048576');
  });

  it('leaves other errors as they are', () => {
    const denied = new AccessDeniedError();
    expect(toStoreError(denied)).toBe(denied);
    const conflict = new WrongExpectedRevisionError('s', 1, 2);
    expect(toStoreError(conflict)).toBe(conflict);
    const versions = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 1n, current: 2n });
    expect(toStoreError(versions)).toBe(versions);
    const plain = new TypeError('bug');
    expect(toStoreError(plain)).toBe(plain);
    expect(toStoreError('text')).toEqual(new Error('text'));
  });
});

describe('EventStoreDB expected revision', () => {
  const cases: Array<[ExpectedRevision, number | 'no_stream', boolean]> = [
    ['any', 'no_stream', true],
    ['any', 4, true],
    ['no_stream', 'no_stream', true],
    ['no_stream', 0, false],
    ['stream_exists', 'no_stream', false],
    ['stream_exists', 0, true],
    [3, 3, true],
    [3, 4, false],
    [0, 'no_stream', false],
  ];

  it.each(cases)('expected %p, actual %p: accepted = %p', (expected, actual, accepted) => {
    const check = () => checkExpectedRevision('s-1', expected, actual);
    if (accepted) {
      expect(check).not.toThrow();
    } else {
      expect(check).toThrow(WrongExpectedRevisionError);
      expect(() => check()).toThrow(expect.objectContaining({ streamId: 's-1', expected, actual }) as Error);
    }
  });

  it('an exact revision is accepted only when it is the last one', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), (expected, actual) => {
        let refused = false;
        try {
          checkExpectedRevision('s', expected, actual);
        } catch (error) {
          refused = error instanceof WrongExpectedRevisionError;
        }
        expect(refused).toBe(expected !== actual);
      }),
    );
  });

  it.each([-1, 1.5, Number.NaN, 'latest' as never])('refuses %p as an expected revision', (expected) => {
    expect(() => assertValidExpectedRevision(expected)).toThrow(InvalidEventError);
  });
});

describe('EventStoreDB idempotency window', () => {
  const tailOf = (ids: string[]): StoredEventRef[] =>
    ids.map((eventId, revision) => ({ eventId, revision, position: BigInt(revision + 1) * 100n }));

  it('recognises a retry: all its ids, contiguous and in order, in the tail', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.nat(), fc.nat(), (size, a, b) => {
        const ids = Array.from({ length: size }, () => randomUUID());
        const from = a % size;
        const to = from + (b % (size - from)) + 1;
        const result = detectReplay('s', ids.slice(from, to), tailOf(ids));
        expect(result).toEqual({
          streamId: 's',
          revision: to - 1,
          position: BigInt(to) * 100n,
          replayed: true,
        });
      }),
    );
  });

  it('returns null when none of the ids is stored', () => {
    expect(detectReplay('s', [randomUUID()], tailOf([randomUUID(), randomUUID()]))).toBeNull();
  });

  it('refuses a batch of which only some ids are stored', () => {
    const ids = [randomUUID(), randomUUID()];
    expect(() => detectReplay('s', [ids[1], randomUUID()], tailOf(ids))).toThrow(IdempotencyConflictError);
  });

  it('refuses stored ids in another order', () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    expect(() => detectReplay('s', [ids[2], ids[1]], tailOf(ids))).toThrow(IdempotencyConflictError);
    expect(() => detectReplay('s', [ids[0], ids[2]], tailOf(ids))).toThrow(IdempotencyConflictError);
  });
});

describe('EventStoreDB adapter without a server', () => {
  it('refuses every call once closed, and ends subscriptions', async () => {
    // Nothing connects until the first call: a closed store never touches the network.
    const store = new EventStoreDbEventStore('esdb://127.0.0.1:1?tls=false');
    await store.close();
    await store.close();
    const calls: Array<Promise<unknown>> = [
      store.append('s-1', [newEvent()]),
      store.readStream('s-1'),
      store.readAll(),
      store.headPosition(),
      store.getStreamMetadata('s-1'),
      store.setStreamMetadata('s-1', {}),
    ];
    for (const call of calls) await expect(call).rejects.toBeInstanceOf(StoreUnavailableError);
    const iterator = store.subscribeToAll()[Symbol.asyncIterator]();
    await expect(iterator.next()).resolves.toMatchObject({ done: true });
  });

  describe('when nothing answers at the address', () => {
    let client: EventStoreDBClient;
    let store: EventStoreDbEventStore;
    beforeEach(() => {
      client = EventStoreDBClient.connectionString('esdb://127.0.0.1:1?tls=false&defaultDeadline=2000');
      store = new EventStoreDbEventStore(client);
    });
    afterEach(() => store.close());

    it('fails commands and reads fast with StoreUnavailableError (a 503)', async () => {
      const started = Date.now();
      await expect(store.append('s-1', [newEvent()])).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.readStream('s-1')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.headPosition()).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('keeps a subscription resubscribing with backoff rather than failing, until it is closed', async () => {
      const attempts = jest.spyOn(client, 'subscribeToAll');
      const subscription = store.subscribeToAll();
      const pending: Promise<IteratorResult<SubscriptionMessage>> =
        subscription[Symbol.asyncIterator]().next();
      const outcome = await Promise.race([
        pending.then(
          () => 'settled',
          () => 'failed',
        ),
        new Promise((resolve) => setTimeout(() => resolve('still retrying'), 1_000)),
      ]);
      expect(outcome).toBe('still retrying');
      // Backoff from 100 ms doubling: a few attempts in a second, not hundreds.
      expect(attempts.mock.calls.length).toBeGreaterThanOrEqual(2);
      expect(attempts.mock.calls.length).toBeLessThanOrEqual(8);
      await subscription.close();
      await expect(pending).resolves.toMatchObject({ done: true });
    });
  });
});

interface StoredEvent {
  streamId: string;
  revision: bigint;
  id: string;
  type: string;
  data: unknown;
  metadata: unknown;
  position: bigint;
}

interface ProposedEvent {
  id: string;
  type: string;
  data: unknown;
  metadata?: unknown;
}

/**
 * An in-memory EventStoreDB behind the client's own classes: every event goes out as a real protobuf
 * message, is converted by the client's converter, and subscriptions run through the client's real
 * Transform, so what the adapter sees (field types, the order of events and `caughtUp`, what a dropped
 * connection looks like) is the client's. Only the server is played, following the server's documented
 * rules: positions in log order with commit = prepare, forward $all reads inclusive of their start and
 * backward ones exclusive, stream reads raising StreamNotFound, expected versions checked on append, a
 * system event every so often. It is no substitute for the real server, which the int suite runs against.
 */
class SimulatedServer {
  readonly log: StoredEvent[] = [];
  readonly subscribedFrom: Array<ReadPosition | undefined> = [];
  private readonly live = new Set<{ stream: PassThrough; filter?: Filter }>();
  private nextLogPosition = 4_096n;
  /** Runs once, at the next read of $all or of a stream: what another writer did just then. */
  beforeNextRead: (() => void) | null = null;
  /** Runs once, when the next append arrives, after the adapter read the tail it chains to. */
  beforeNextAppend: (() => void) | null = null;

  constructor(private readonly options: { checkpointWhenCaughtUp: boolean }) {
    this.write('$stats-127.0.0.1:2113', [{ id: randomUUID(), type: '$statsCollected', data: {} }]);
  }

  /** Another writer, in another process. */
  append(streamId: string, type = 'Happened'): bigint {
    return this.write(streamId, [{ id: randomUUID(), type, data: {}, metadata: { hash: 'h' } }]);
  }

  /** What grpc-js does when the connection drops: the call fails with UNAVAILABLE. */
  dropConnections(): void {
    const dropped = Object.assign(new Error('14 UNAVAILABLE: Connection dropped'), {
      code: 14,
      details: 'Connection dropped',
      metadata: { getMap: () => ({}) },
    });
    for (const { stream } of this.live) stream.emit('error', dropped);
    this.live.clear();
  }

  asClient(): EventStoreDBClient {
    const client = {
      appendToStream: (
        streamId: string,
        events: ProposedEvent | ProposedEvent[],
        { expectedRevision = 'any' } = {},
      ) => this.appendToStream(streamId, Array.isArray(events) ? events : [events], expectedRevision),
      readStream: (streamId: string, options: ReadStreamOptions) => this.readStream(streamId, options),
      readAll: (options: ReadAllOptions) => this.readAll(options),
      subscribeToAll: (options: SubscribeToAllOptions) => this.subscribeToAll(options),
      dispose: () => Promise.resolve(),
    };
    return client as unknown as EventStoreDBClient;
  }

  private write(streamId: string, events: ProposedEvent[]): bigint {
    let revision = BigInt(this.log.filter((e) => e.streamId === streamId).length);
    for (const { id, type, data, metadata } of events) {
      const position = (this.nextLogPosition << 64n) | this.nextLogPosition;
      this.nextLogPosition += 200n + BigInt(JSON.stringify(data).length);
      const event = { streamId, revision, id, type, data, metadata, position };
      revision += 1n;
      this.log.push(event);
      for (const { stream, filter } of this.live)
        if (this.passes(filter, event)) stream.write(this.message(event));
    }
    return this.log[this.log.length - 1].position;
  }

  private async appendToStream(streamId: string, events: ProposedEvent[], expected: unknown) {
    const hook = this.beforeNextAppend;
    this.beforeNextAppend = null;
    hook?.();
    await Promise.resolve();
    const stored = this.log.filter((e) => e.streamId === streamId);
    const current = stored.length > 0 ? stored[stored.length - 1].revision : ('no_stream' as const);
    const accepted =
      expected === 'any' ||
      (expected === 'no_stream' && current === 'no_stream') ||
      (expected === 'stream_exists' && current !== 'no_stream') ||
      expected === current;
    if (!accepted) {
      throw new WrongExpectedVersionError(undefined, {
        streamName: streamId,
        expected: expected as bigint,
        current,
      });
    }
    const last = decodePosition(this.write(streamId, events));
    return { success: true, nextExpectedRevision: BigInt(stored.length + events.length - 1), position: last };
  }

  private async *readStream(
    streamId: string,
    { direction = 'forwards', fromRevision, maxCount }: ReadStreamOptions,
  ) {
    this.runHook();
    await Promise.resolve();
    const stored = this.log.filter((e) => e.streamId === streamId);
    if (stored.length === 0) throw new StreamNotFoundError(undefined, streamId);
    const from = fromRevision ?? (direction === 'forwards' ? 'start' : 'end');
    const selected =
      direction === 'forwards'
        ? stored.filter((e) => from === 'start' || (from !== 'end' && e.revision >= from))
        : stored.filter((e) => from === 'end' || (from !== 'start' && e.revision <= from)).reverse();
    for (const event of selected.slice(0, Number(maxCount ?? Number.MAX_SAFE_INTEGER)))
      yield this.resolved(event);
  }

  private async *readAll({ fromPosition = 'start', direction = 'forwards', maxCount }: ReadAllOptions) {
    this.runHook();
    await Promise.resolve();
    const at = (p: ReadPosition) => (p === 'start' ? 0n : p === 'end' ? 1n << 127n : encodePosition(p));
    const selected =
      direction === 'forwards'
        ? this.log.filter((e) => e.position >= at(fromPosition))
        : this.log.filter((e) => e.position < at(fromPosition)).reverse();
    for (const event of selected.slice(0, Number(maxCount ?? Number.MAX_SAFE_INTEGER)))
      yield this.resolved(event);
  }

  private subscribeToAll({ fromPosition, filter }: SubscribeToAllOptions) {
    this.subscribedFrom.push(fromPosition);
    const stream = Object.assign(new PassThrough({ objectMode: true }), { cancel: () => stream.end() });
    const from =
      fromPosition === undefined || fromPosition === 'start' ? 0n : encodePosition(fromPosition as Position);
    // Harsher than the server, which starts after the position: resend the event there, to be dropped.
    let lastSeen: bigint | null = null;
    for (const event of this.log) {
      if (event.position < from) continue;
      lastSeen = event.position;
      if (this.passes(filter, event)) stream.write(this.message(event));
    }
    if (filter && this.options.checkpointWhenCaughtUp && lastSeen !== null) {
      const { commit, prepare } = decodePosition(lastSeen);
      stream.write(
        new ReadResp().setCheckpoint(
          new ReadResp.Checkpoint()
            .setCommitPosition(commit.toString())
            .setPreparePosition(prepare.toString()),
        ),
      );
    }
    stream.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
    const entry = { stream, filter };
    this.live.add(entry);
    stream.on('end', () => this.live.delete(entry));
    return new Subscription(
      () => Promise.resolve(stream as never),
      convertGrpcEvent,
      {},
      filter?.checkpointReached,
    );
  }

  private runHook(): void {
    const hook = this.beforeNextRead;
    this.beforeNextRead = null;
    hook?.();
  }

  private passes(filter: Filter | undefined, event: StoredEvent): boolean {
    if (!filter) return true;
    const field = filter.filterOn === 'streamName' ? event.streamId : event.type;
    return 'prefixes' in filter
      ? filter.prefixes.some((p) => field.startsWith(p))
      : new RegExp(filter.regex).test(field);
  }

  private resolved(event: StoredEvent) {
    return convertGrpcEvent(this.message(event).getEvent()!);
  }

  private message(event: StoredEvent): ReadResp {
    const { commit, prepare } = decodePosition(event.position);
    const recorded = new ReadResp.ReadEvent.RecordedEvent()
      .setId(new UUID().setString(event.id))
      .setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(event.streamId)))
      .setStreamRevision(event.revision.toString())
      .setCommitPosition(commit.toString())
      .setPreparePosition(prepare.toString())
      .setCustomMetadata(event.metadata === undefined ? '' : Buffer.from(JSON.stringify(event.metadata)))
      .setData(Buffer.from(JSON.stringify(event.data)));
    recorded
      .getMetadataMap()
      .set('type', event.type)
      .set('content-type', 'application/json')
      .set('created', '0');
    return new ReadResp().setEvent(
      new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(commit.toString()),
    );
  }
}

// The adapter's logic, end to end, on the simulated server: the same suite as SQLite and the real server.
eventStoreContract('EventStoreDB adapter on a simulated server', () => {
  const server = new SimulatedServer({ checkpointWhenCaughtUp: true });
  const store = new EventStoreDbEventStore(server.asClient());
  return Promise.resolve({
    store,
    reopen: () => Promise.resolve(new EventStoreDbEventStore(server.asClient())),
    cleanup: () => store.close(),
  });
});

describe('EventStoreDB adapter on a simulated server', () => {
  let server: SimulatedServer;
  let store: EventStoreDbEventStore;
  beforeEach(() => {
    // As 23.10 does: no checkpoint before caughtUp, so the adapter has to find how far it looked.
    server = new SimulatedServer({ checkpointWhenCaughtUp: false });
    store = new EventStoreDbEventStore(server.asClient());
  });
  afterEach(() => store.close());

  const next = async (iterator: AsyncIterator<SubscriptionMessage>): Promise<string> => {
    const result = await iterator.next();
    if (result.done) return 'done';
    return result.value.kind === 'event'
      ? `event ${result.value.event.streamId} ${result.value.event.position}`
      : `caught-up ${result.value.position}`;
  };

  it('says it caught up after the events the server sent before, even when they were still buffered', async () => {
    const positions = ['p-1', 'p-1', 'p-2'].map((s) => server.append(s));
    const iterator = store.subscribeToAll({ filter: { streamPrefixes: ['p-'] } })[Symbol.asyncIterator]();
    expect([await next(iterator), await next(iterator), await next(iterator), await next(iterator)]).toEqual([
      `event p-1 ${positions[0]}`,
      `event p-1 ${positions[1]}`,
      `event p-2 ${positions[2]}`,
      `caught-up ${positions[2]}`,
    ]);
    // Live: each event is followed by a caught-up at its position.
    const live = server.append('p-3');
    expect([await next(iterator), await next(iterator)]).toEqual([`event p-3 ${live}`, `caught-up ${live}`]);
  });

  it('resubscribes after a dropped connection from the last delivered event: no gap, no duplicate', async () => {
    const before = [server.append('p-1'), server.append('p-1')];
    const iterator = store.subscribeToAll({ filter: { streamPrefixes: ['p-'] } })[Symbol.asyncIterator]();
    expect([await next(iterator), await next(iterator), await next(iterator)]).toEqual([
      `event p-1 ${before[0]}`,
      `event p-1 ${before[1]}`,
      `caught-up ${before[1]}`,
    ]);
    server.dropConnections();
    const during = [server.append('p-1'), server.append('p-2')];
    expect([await next(iterator), await next(iterator), await next(iterator)]).toEqual([
      `event p-1 ${during[0]}`,
      `event p-2 ${during[1]}`,
      `caught-up ${during[1]}`,
    ]);
    expect(server.subscribedFrom).toEqual(['start', decodePosition(before[1])]);
  });

  it('reports how far a filtered subscription looked, stopping before an event still on its way', async () => {
    const wanted = server.append('p-1');
    const skipped = server.append('other-1');
    const iterator = store.subscribeToAll({ filter: { streamPrefixes: ['p-'] } })[Symbol.asyncIterator]();
    expect(await next(iterator)).toBe(`event p-1 ${wanted}`);
    // Between the server's caughtUp and the adapter's look at the head, another wanted event lands.
    let late = 0n;
    server.beforeNextRead = () => {
      late = server.append('p-2');
      server.append('other-2');
    };
    expect(await next(iterator)).toBe(`caught-up ${skipped}`);
    expect([await next(iterator), await next(iterator)]).toEqual([`event p-2 ${late}`, `caught-up ${late}`]);
  });

  it('reports the head as the caught-up position when only unwanted events follow', async () => {
    const wanted = server.append('p-1');
    const skipped = [server.append('other-1'), server.append('other-2')];
    const iterator = store.subscribeToAll({ filter: { streamPrefixes: ['p-'] } })[Symbol.asyncIterator]();
    expect([await next(iterator), await next(iterator)]).toEqual([
      `event p-1 ${wanted}`,
      `caught-up ${skipped[1]}`,
    ]);
  });

  it('retries an `any` append that another process overtook, chaining to its event', async () => {
    await store.append('s-1', [newEvent('Mine')]);
    server.beforeNextAppend = () => server.append('s-1', 'Theirs');
    const result = await store.append('s-1', [newEvent('MineAgain')]);
    const read = await store.readStream('s-1');
    expect(read.map((e) => e.type)).toEqual(['Mine', 'Theirs', 'MineAgain']);
    expect(result).toMatchObject({ revision: 2, position: read[2].position, replayed: false });
    expect(read[2].metadata.prevHash).toBe(read[1].metadata.hash);
  });

  it('reports the revision the server saw when another process overtook an exact-revision append', async () => {
    await store.append('s-1', [newEvent('Mine')]);
    server.beforeNextAppend = () => server.append('s-1', 'Theirs');
    const error = await store
      .append('s-1', [newEvent('Late')], { expectedRevision: 0 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ expected: 0, actual: 1 });
    expect((await store.readStream('s-1')).map((e) => e.type)).toEqual(['Mine', 'Theirs']);
  });

  it('keeps EventStoreDB’s own $ metadata keys, and refuses ours to start with $', async () => {
    await store.append('s-1', [newEvent()]);
    server.append('$$s-1', '$metadata');
    server.log[server.log.length - 1].data = { $maxAge: 3600, owner: 'old' };
    await expect(store.getStreamMetadata('s-1')).resolves.toEqual({
      metadata: { owner: 'old' },
      revision: 0,
    });
    await expect(store.setStreamMetadata('s-1', { owner: 'new', maxCount: 1 })).resolves.toEqual({
      metadata: { owner: 'new', maxCount: 1 },
      revision: 1,
    });
    expect(server.log[server.log.length - 1].data).toEqual({ $maxAge: 3600, owner: 'new', maxCount: 1 });
    await expect(store.setStreamMetadata('s-1', { $acl: {} })).rejects.toBeInstanceOf(InvalidEventError);
  });
});
