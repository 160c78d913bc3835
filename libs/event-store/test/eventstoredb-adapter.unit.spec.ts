/**
 * The EventStoreDB adapter's pure parts, without a server: position packing, the event-type regex, error
 * mapping, the expected-revision and idempotency checks, credentials in the connection string, and the
 * behaviour when the store is closed or nothing answers. The adapter against a server is in
 * eventstoredb-simulator.int.spec.ts (the wire-level simulator) and eventstoredb.int.spec.ts (a real
 * server, when EVENTSTORE_CONNECTION_STRING is set).
 */
import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  EventStoreDBClient,
  MaxAppendSizeExceededError,
  NotLeaderError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import {
  IdempotencyConflictError,
  InvalidEventError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
  type ExpectedRevision,
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
  withCredentials,
  type StoredEventRef,
} from '../src/eventstoredb/eventstoredb-event-store';
import { newEvent } from './event-store.contract';

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
  const grpcError = (code: number, details: string, entries: Record<string, string> = {}) =>
    Object.assign(new Error(`${code} ${details}`), { code, details, metadata: grpcMetadata(entries) });

  it.each([
    [
      'AccessDeniedError (no or wrong credentials, or no right)',
      () => new AccessDeniedError(),
      'access-denied',
      30,
    ],
    [
      'NotLeaderError',
      () =>
        new NotLeaderError({
          code: 5,
          details: 'not leader',
          message: 'not leader',
          metadata: grpcMetadata({ 'leader-endpoint-host': 'node2', 'leader-endpoint-port': '2113' }),
        } as never),
      'not-leader',
      1,
    ],
    ['no leader known', () => grpcError(2, 'No leader info available in response'), 'not-leader', 1],
    [
      'batch append\'s "Server Is Not Ready", which client 6.2.1 reports as UnknownError',
      () => new UnknownError(undefined, 'Could not recognize Server Is Not Ready'),
      'not-ready',
      2,
    ],
    ['a unary call\'s "Server Is Too Busy"', () => grpcError(14, 'Server Is Too Busy'), 'not-ready', 2],
    ['DeadlineExceededError', () => new DeadlineExceededError(), 'deadline-exceeded', 2],
    ['UnavailableError', () => new UnavailableError(), 'unavailable', 5],
    [
      'TimeoutError (ABORTED: server timeout, or a live subscription too slow)',
      () => new TimeoutError(),
      'unavailable',
      5,
    ],
    ['CancelledError (cancelled by the server)', () => new CancelledError(), 'unavailable', 5],
    ['a raw gRPC UNAVAILABLE error', () => grpcError(14, 'No connection established'), 'unavailable', 5],
    ['failed cluster discovery', () => new Error('Failed to discover after 10 attempts.'), 'unavailable', 5],
  ] as Array<[string, () => Error, string, number]>)(
    'maps %s to StoreUnavailableError (%s, retry after %d s), keeping the cause',
    (_, make, reason, retryAfterSeconds) => {
      const error = make();
      const mapped = toStoreError(error);
      expect(mapped).toBeInstanceOf(StoreUnavailableError);
      expect(mapped).toMatchObject({ reason, retryAfterSeconds });
      expect(mapped.cause).toBeInstanceOf(Error);
    },
  );

  it('maps an append over the server limit to InvalidEventError (retrying cannot help)', () => {
    const mapped = toStoreError(MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576));
    expect(mapped).toBeInstanceOf(InvalidEventError);
    expect(mapped.message).toContain('1048576');
  });

  it('leaves other errors as they are', () => {
    const conflict = new WrongExpectedRevisionError('s', 1, 2);
    expect(toStoreError(conflict)).toBe(conflict);
    const versions = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 1n, current: 2n });
    expect(toStoreError(versions)).toBe(versions);
    const unknown = new UnknownError(undefined, 'Could not recognize Something Else');
    expect(toStoreError(unknown)).toBe(unknown);
    const plain = new TypeError('bug');
    expect(toStoreError(plain)).toBe(plain);
    expect(toStoreError('text')).toEqual(new Error('text'));
  });
});

describe('EventStoreDB credentials', () => {
  it('puts separate credentials into the connection string, percent-encoded, replacing any there', () => {
    expect(withCredentials('esdb://node1:2113,node2:2113?tls=true', 'parcours', 'p@ss:w/rd')).toBe(
      'esdb://parcours:p%40ss%3Aw%2Frd@node1:2113,node2:2113?tls=true',
    );
    expect(withCredentials('esdb+discover://old:secret@cluster.dns:2113', 'new', 'x')).toBe(
      'esdb+discover://new:x@cluster.dns:2113',
    );
    expect(withCredentials('esdb://admin:changeit@node1:2113', undefined, undefined)).toBe(
      'esdb://admin:changeit@node1:2113',
    );
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

  it('compares event ids whatever their case: the server gives them back lower-cased', () => {
    const ids = [randomUUID(), randomUUID()];
    const result = detectReplay(
      's',
      ids.map((id) => id.toUpperCase()),
      tailOf(ids),
    );
    expect(result).toMatchObject({ revision: 1, replayed: true });
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

    it('resubscribes a few times with backoff, then ends the subscription with StoreUnavailableError', async () => {
      const attempts = jest.spyOn(client, 'subscribeToAll');
      const subscription = store.subscribeToAll();
      const started = Date.now();
      const outcome = await subscription[Symbol.asyncIterator]()
        .next()
        .then(
          () => 'settled',
          (error: unknown) => error,
        );
      // A blip is absorbed (backoff from 100 ms doubling); a lasting outage is reported to the consumer,
      // which says it is stalled and why, and subscribes again.
      expect(outcome).toBeInstanceOf(StoreUnavailableError);
      expect(outcome).toMatchObject({ reason: 'unavailable' });
      expect(attempts.mock.calls.length).toBe(4);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      await subscription.close();
    });
  });
});
