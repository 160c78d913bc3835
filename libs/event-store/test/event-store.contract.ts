/**
 * The event-store contract: one suite, run unchanged against every adapter.
 * `sqlite.int.spec.ts` runs it always; `eventstoredb.int.spec.ts` when EVENTSTORE_CONNECTION_STRING is set.
 *
 * Every test works in streams of its own (a random prefix per run), so the suite also runs against a
 * shared, non-empty EventStoreDB.
 */
import { randomUUID } from 'node:crypto';
import {
  IdempotencyConflictError,
  InvalidEventError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
  verifyChain,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
  type SubscriptionMessage,
} from '../src';

export interface ContractHarness {
  store: EventStore;
  /** Opens a second store on the same backing data (another process would do the same). */
  reopen(): Promise<EventStore>;
  cleanup(): Promise<void>;
}

const metadata = {
  cptsId: 'cpts-contract',
  actor: { id: 'user-1', role: 'coordinator' as const },
  correlationId: 'corr-1',
  causationId: 'cmd-1',
  source: 'api' as const,
};

export function newEvent(type = 'SomethingHappened', data: Record<string, unknown> = {}): NewEvent {
  return { eventId: randomUUID(), type, data, metadata };
}

/** Collects messages until `until` says stop (or the time runs out, which fails the test). */
async function collect(
  iterable: AsyncIterable<SubscriptionMessage>,
  until: (events: RecordedEvent[], last: SubscriptionMessage) => boolean,
  timeoutMs = 10_000,
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  const iterator = iterable[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`subscription timed out after ${events.length} events`);
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      iterator.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`subscription timed out after ${events.length} events`)),
          remaining,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    if (next.done) return events;
    if (next.value.kind === 'event') events.push(next.value.event);
    if (until(events, next.value)) return events;
  }
}

export function eventStoreContract(adapter: string, open: () => Promise<ContractHarness>): void {
  describe(`event store contract: ${adapter}`, () => {
    let harness: ContractHarness;
    let store: EventStore;
    let prefix: string;
    const stream = (name: string) => `${prefix}${name}`;

    beforeAll(async () => {
      harness = await open();
      store = harness.store;
    });
    afterAll(async () => {
      await harness.cleanup();
    });
    beforeEach(() => {
      prefix = `ct${randomUUID().slice(0, 8)}-cpts-contract.`;
    });

    describe('append and read a stream', () => {
      it('numbers events from revision 0 and reads them back in order with their envelope', async () => {
        const events = [newEvent('A', { n: 1 }), newEvent('B', { n: 2 }), newEvent('C', { n: 3 })];
        const before = Date.now();
        const result = await store.append(stream('s'), events, { expectedRevision: 'no_stream' });
        expect(result).toMatchObject({ streamId: stream('s'), revision: 2, replayed: false });

        const read = await store.readStream(stream('s'));
        expect(read.map((e) => [e.revision, e.type, e.data])).toEqual([
          [0, 'A', { n: 1 }],
          [1, 'B', { n: 2 }],
          [2, 'C', { n: 3 }],
        ]);
        expect(read[2].position).toBe(result.position);
        expect(read[0].position < read[1].position && read[1].position < read[2].position).toBe(true);
        for (const [i, event] of read.entries()) {
          expect(event.metadata).toMatchObject({ ...metadata, eventId: events[i].eventId, schemaVersion: 1 });
          const recordedAt = Date.parse(event.metadata.recordedAt);
          expect(recordedAt).toBeGreaterThanOrEqual(before - 1000);
          expect(recordedAt).toBeLessThanOrEqual(Date.now() + 1000);
        }
      });

      it('chains every event of a stream to the previous one, across appends', async () => {
        await store.append(stream('chain'), [newEvent('A'), newEvent('B')]);
        await store.append(stream('chain'), [newEvent('C')]);
        const read = await store.readStream(stream('chain'));
        expect(read[1].metadata.prevHash).toBe(read[0].metadata.hash);
        expect(read[2].metadata.prevHash).toBe(read[1].metadata.hash);
        expect(verifyChain(stream('chain'), read)).toBeNull();
      });

      it('returns [] for a stream that does not exist', async () => {
        expect(await store.readStream(stream('nothing'))).toEqual([]);
      });

      it('reads backwards, from a revision, and at most maxCount events', async () => {
        await store.append(
          stream('r'),
          [0, 1, 2, 3, 4].map((n) => newEvent('N', { n })),
        );
        const nOf = (events: RecordedEvent[]) => events.map((e) => e.data.n);
        expect(nOf(await store.readStream(stream('r'), { fromRevision: 2 }))).toEqual([2, 3, 4]);
        expect(nOf(await store.readStream(stream('r'), { fromRevision: 1, maxCount: 2 }))).toEqual([1, 2]);
        expect(nOf(await store.readStream(stream('r'), { direction: 'backwards', maxCount: 2 }))).toEqual([
          4, 3,
        ]);
        expect(nOf(await store.readStream(stream('r'), { direction: 'backwards', fromRevision: 1 }))).toEqual(
          [1, 0],
        );
      });

      it('keeps the schema version the caller gives', async () => {
        await store.append(stream('v'), [{ ...newEvent('V'), metadata: { ...metadata, schemaVersion: 3 } }]);
        const [event] = await store.readStream(stream('v'));
        expect(event.metadata.schemaVersion).toBe(3);
      });
    });

    describe('expected revision', () => {
      it('no_stream: creates the stream, then refuses a second creation', async () => {
        await store.append(stream('x'), [newEvent()], { expectedRevision: 'no_stream' });
        const error = await store
          .append(stream('x'), [newEvent()], { expectedRevision: 'no_stream' })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ streamId: stream('x'), expected: 'no_stream', actual: 0 });
      });

      it('stream_exists: refuses a stream that does not exist, accepts one that does', async () => {
        const error = await store
          .append(stream('y'), [newEvent()], { expectedRevision: 'stream_exists' })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ actual: 'no_stream' });
        await store.append(stream('y'), [newEvent()]);
        await expect(
          store.append(stream('y'), [newEvent()], { expectedRevision: 'stream_exists' }),
        ).resolves.toMatchObject({
          revision: 1,
        });
      });

      it('exact revision: accepts the current one, refuses a stale one and reports the actual one', async () => {
        await store.append(stream('z'), [newEvent(), newEvent()]);
        await expect(store.append(stream('z'), [newEvent()], { expectedRevision: 1 })).resolves.toMatchObject(
          {
            revision: 2,
          },
        );
        const error = await store
          .append(stream('z'), [newEvent()], { expectedRevision: 1 })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(error).toMatchObject({ expected: 1, actual: 2 });
        const missing = await store
          .append(stream('none'), [newEvent()], { expectedRevision: 0 })
          .catch((e: unknown) => e);
        expect(missing).toMatchObject({ expected: 0, actual: 'no_stream' });
      });

      it('a refused append writes none of its events', async () => {
        await store.append(stream('atomic'), [newEvent()]);
        await expect(
          store.append(stream('atomic'), [newEvent(), newEvent(), newEvent()], {
            expectedRevision: 'no_stream',
          }),
        ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(stream('atomic'))).toHaveLength(1);
      });
    });

    describe('idempotent retries', () => {
      it('appending the same event ids again returns the original result and appends nothing', async () => {
        const events = [newEvent('A'), newEvent('B')];
        const first = await store.append(stream('idem'), events, { expectedRevision: 'no_stream' });
        await store.append(stream('idem'), [newEvent('C')]);
        // The retry's expected revision is stale by now: it is still the same append, so it succeeds.
        const again = await store.append(stream('idem'), events, { expectedRevision: 'no_stream' });
        expect(again).toEqual({ ...first, replayed: true });
        expect((await store.readStream(stream('idem'))).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('refuses a batch that repeats only some stored ids, and writes none of it', async () => {
        const stored = newEvent('A');
        await store.append(stream('partial'), [stored]);
        const error = await store.append(stream('partial'), [stored, newEvent('B')]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(IdempotencyConflictError);
        expect(await store.readStream(stream('partial'))).toHaveLength(1);
      });

      it('refuses to reuse an event id in another stream', async () => {
        const event = newEvent('A');
        await store.append(stream('one'), [event]);
        await expect(store.append(stream('two'), [event])).rejects.toBeInstanceOf(IdempotencyConflictError);
        expect(await store.readStream(stream('two'))).toEqual([]);
      });
    });

    describe('bad appends', () => {
      it.each([
        ['no events', () => []],
        [
          'data that is not an object',
          () => [{ ...newEvent(), data: [1, 2] as unknown as Record<string, unknown> }],
        ],
        ['data that is not JSON', () => [newEvent('A', { big: 10n })]],
        ['an event id that is not a UUID', () => [{ ...newEvent(), eventId: 'not-a-uuid' }]],
        [
          'the same event id twice',
          () => {
            const e = newEvent();
            return [e, { ...e }];
          },
        ],
        ['no actor', () => [{ ...newEvent(), metadata: { ...metadata, actor: undefined as never } }]],
        [
          'an unknown role',
          () => [{ ...newEvent(), metadata: { ...metadata, actor: { id: 'u', role: 'root' as never } } }],
        ],
        ['no tenant', () => [{ ...newEvent(), metadata: { ...metadata, cptsId: '' } }]],
        ['an unknown source', () => [{ ...newEvent(), metadata: { ...metadata, source: 'email' as never } }]],
        ['an empty type', () => [newEvent('')]],
      ] as Array<[string, () => NewEvent[]]>)(
        'refuses %s with InvalidEventError and writes nothing',
        async (_, make) => {
          await expect(store.append(stream('bad'), make())).rejects.toBeInstanceOf(InvalidEventError);
          expect(await store.readStream(stream('bad'))).toEqual([]);
        },
      );

      it('refuses system stream names', async () => {
        await expect(store.append('$all', [newEvent()])).rejects.toBeInstanceOf(InvalidEventError);
      });
    });

    describe('concurrency', () => {
      it('of 20 appends expecting the same revision, exactly one wins and the others get a conflict', async () => {
        await store.append(stream('race'), [newEvent()]);
        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            store.append(stream('race'), [newEvent('Try', { i })], { expectedRevision: 0 }),
          ),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(19);
        for (const o of lost) expect(o.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(stream('race'))).toHaveLength(2);
      });

      it('50 concurrent appends with `any` on one stream all land, with dense revisions and an intact chain', async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.append(stream('any'), [newEvent('Any', { i })])),
        );
        expect(new Set(results.map((r) => r.revision)).size).toBe(50);
        const read = await store.readStream(stream('any'));
        expect(read.map((e) => e.revision)).toEqual(Array.from({ length: 50 }, (_, i) => i));
        expect(new Set(read.map((e) => e.data.i)).size).toBe(50);
        expect(verifyChain(stream('any'), read)).toBeNull();
      });

      it('concurrent appends to many streams get distinct, increasing global positions', async () => {
        const results = await Promise.all(
          Array.from({ length: 64 }, (_, i) => store.append(stream(`p${i}`), [newEvent('P', { i })])),
        );
        const positions = results.map((r) => r.position);
        expect(new Set(positions.map(String)).size).toBe(64);
        const all = await readAllAfter(store, positions.reduce((a, b) => (a < b ? a : b)) - 1n, prefix);
        expect(all).toHaveLength(64);
      });
    });

    describe('the global log', () => {
      it('reads every event in commit order, page by page', async () => {
        const start = await store.headPosition();
        for (let i = 0; i < 5; i += 1)
          await store.append(stream(`g${i % 2}`), [newEvent('G', { i }), newEvent('G', { i })]);
        const page1 = await store.readAll({ after: start, maxCount: 4 });
        const page2 = await store.readAll({ after: page1[page1.length - 1].position, maxCount: 100 });
        const mine = [...page1, ...page2].filter((e) => e.streamId.startsWith(prefix));
        expect(mine.map((e) => e.data.i)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
        const positions = [...page1, ...page2].map((e) => e.position);
        expect(positions.every((p, i) => i === 0 || p > positions[i - 1])).toBe(true);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(positions[positions.length - 1]);
      });

      it('filters by stream prefix and by event type', async () => {
        const start = await store.headPosition();
        await store.append(stream('keep-1'), [newEvent('Kept'), newEvent('Other')]);
        await store.append(stream('drop-1'), [newEvent('Kept')]);
        const byStream = await store.readAll({ after: start, filter: { streamPrefixes: [stream('keep-')] } });
        expect(byStream.map((e) => [e.streamId, e.type])).toEqual([
          [stream('keep-1'), 'Kept'],
          [stream('keep-1'), 'Other'],
        ]);
        const byType = (await store.readAll({ after: start, filter: { eventTypes: ['Kept'] } })).filter((e) =>
          e.streamId.startsWith(prefix),
        );
        expect(byType.map((e) => e.streamId)).toEqual([stream('keep-1'), stream('drop-1')]);
      });
    });

    describe('subscriptions', () => {
      it('delivers the past, says it caught up, then delivers live events: no gap, no duplicate', async () => {
        const start = await store.headPosition();
        for (let i = 0; i < 30; i += 1) await store.append(stream('sub'), [newEvent('S', { i })]);
        const subscription = store.subscribeToAll({ after: start, filter: { streamPrefixes: [prefix] } });
        let caughtUp = false;
        const past = await collect(subscription, (_, last) => (caughtUp = last.kind === 'caught-up'));
        expect(caughtUp).toBe(true);
        expect(past.map((e) => e.data.i)).toEqual(Array.from({ length: 30 }, (_, i) => i));

        const writing = (async () => {
          for (let i = 30; i < 60; i += 1) await store.append(stream('sub'), [newEvent('S', { i })]);
        })();
        const live = await collect(subscription, (events) => events.length === 30);
        await writing;
        await subscription.close();
        expect(live.map((e) => e.data.i)).toEqual(Array.from({ length: 30 }, (_, i) => i + 30));
      });

      it('events appended while it is catching up are delivered exactly once', async () => {
        const start = await store.headPosition();
        await store.append(
          stream('cu'),
          Array.from({ length: 2500 }, (_, i) => newEvent('C', { i })),
        );
        const subscription = store.subscribeToAll({ after: start, filter: { streamPrefixes: [prefix] } });
        const writing = (async () => {
          for (let i = 2500; i < 2600; i += 1) await store.append(stream('cu'), [newEvent('C', { i })]);
        })();
        const all = await collect(subscription, (events) => events.length >= 2600, 30_000);
        await writing;
        await subscription.close();
        expect(all.map((e) => e.data.i)).toEqual(Array.from({ length: 2600 }, (_, i) => i));
      });

      it('resumes after a given position, as a projection does from its checkpoint', async () => {
        await store.append(
          stream('resume'),
          [0, 1, 2, 3].map((i) => newEvent('R', { i })),
        );
        const events = await store.readStream(stream('resume'));
        const subscription = store.subscribeToAll({
          after: events[1].position,
          filter: { streamPrefixes: [prefix] },
        });
        const rest = await collect(subscription, (e) => e.length === 2);
        await subscription.close();
        expect(rest.map((e) => e.data.i)).toEqual([2, 3]);
      });

      it('a filtered subscription reports how far it has looked, past the events it skipped', async () => {
        const start = await store.headPosition();
        await store.append(stream('wanted'), [newEvent('W')]);
        const skipped = await store.append(stream('unwanted'), [newEvent('U'), newEvent('U')]);
        const subscription = store.subscribeToAll({
          after: start,
          filter: { streamPrefixes: [stream('wanted')] },
        });
        let caughtUpAt = -1n;
        const delivered = await collect(subscription, (_, last) => {
          if (last.kind === 'caught-up') caughtUpAt = last.position;
          return last.kind === 'caught-up' && last.position >= skipped.position;
        });
        await subscription.close();
        expect(delivered.map((e) => e.type)).toEqual(['W']);
        expect(caughtUpAt).toBeGreaterThanOrEqual(skipped.position);
      });

      it('close() ends a subscription that is waiting for new events', async () => {
        const subscription = store.subscribeToAll({
          after: await store.headPosition(),
          filter: { streamPrefixes: [prefix] },
        });
        const iterator = subscription[Symbol.asyncIterator]();
        const first = await iterator.next();
        expect(first.value).toMatchObject({ kind: 'caught-up' });
        const pending = iterator.next();
        await subscription.close();
        await expect(pending).resolves.toMatchObject({ done: true });
      });
    });

    describe('sizes and characters', () => {
      it('stores and reads back a large event (600 KB) intact', async () => {
        const big = 'é'.repeat(150_000) + 'x'.repeat(300_000);
        await store.append(stream('large'), [newEvent('Large', { big })]);
        const [event] = await store.readStream(stream('large'));
        expect(event.data.big).toBe(big);
        expect(verifyChain(stream('large'), [event])).toBeNull();
      });

      it('keeps many streams apart', async () => {
        const streams = Array.from({ length: 300 }, (_, i) => stream(`many-${i}`));
        await Promise.all(
          streams.map((s, i) => store.append(s, [newEvent('M', { i }), newEvent('M', { i })])),
        );
        const reads = await Promise.all(streams.map((s) => store.readStream(s)));
        reads.forEach((events, i) => {
          expect(events.map((e) => [e.streamId, e.revision, e.data.i])).toEqual([
            [streams[i], 0, i],
            [streams[i], 1, i],
          ]);
        });
      });

      it('round-trips unicode in stream names, types and data, and hashes it stably', async () => {
        const name = stream('pâtissière-Ωμέγα-🩺-مرحبا');
        const data = {
          text: 'Zoé Ñúñez 你好 👩🏽‍⚕️ e\u0301 \u202Eabc\u202C',
          nul: 'a\u0000b',
          lone: '\ud800',
          nested: { 'clé ✓': ['ß', '𝔘𝔫𝔦'], quote: '"\'\\' },
        };
        await store.append(name, [newEvent('Événement', data)]);
        const [event] = await store.readStream(name);
        expect(event.streamId).toBe(name);
        expect(event.type).toBe('Événement');
        expect(event.data).toEqual(data);
        expect(verifyChain(name, [event])).toBeNull();
      });
    });

    describe('stream metadata', () => {
      it('is null until set, then versioned on every change', async () => {
        expect(await store.getStreamMetadata(stream('meta'))).toBeNull();
        await store.setStreamMetadata(stream('meta'), { retention: 'ten-years', note: 'été' });
        expect(await store.getStreamMetadata(stream('meta'))).toEqual({
          metadata: { retention: 'ten-years', note: 'été' },
          revision: 0,
        });
        await store.setStreamMetadata(stream('meta'), { retention: 'erased' });
        expect(await store.getStreamMetadata(stream('meta'))).toEqual({
          metadata: { retention: 'erased' },
          revision: 1,
        });
      });
    });

    describe('durability and lifecycle', () => {
      it('another store opened on the same data sees what was written, and can go on writing', async () => {
        await store.append(stream('shared'), [newEvent('One')]);
        const other = await harness.reopen();
        try {
          expect((await other.readStream(stream('shared'))).map((e) => e.type)).toEqual(['One']);
          await other.append(stream('shared'), [newEvent('Two')], { expectedRevision: 0 });
        } finally {
          await other.close();
        }
        const read = await store.readStream(stream('shared'));
        expect(read.map((e) => e.type)).toEqual(['One', 'Two']);
        expect(verifyChain(stream('shared'), read)).toBeNull();
      });

      it('a live subscription sees events another store instance appends', async () => {
        const subscription = store.subscribeToAll({
          after: await store.headPosition(),
          filter: { streamPrefixes: [prefix] },
        });
        const other = await harness.reopen();
        try {
          const received = collect(subscription, (events) => events.length === 1);
          await other.append(stream('elsewhere'), [newEvent('FromOther')]);
          expect((await received).map((e) => e.type)).toEqual(['FromOther']);
        } finally {
          await subscription.close();
          await other.close();
        }
      });

      it('close() writes the appends in flight, then refuses new work', async () => {
        const other = await harness.reopen();
        const inFlight = Array.from({ length: 20 }, (_, i) =>
          other.append(stream('closing'), [newEvent('F', { i })]),
        );
        await other.close();
        const results = await Promise.all(inFlight);
        expect(results).toHaveLength(20);
        await expect(other.append(stream('closing'), [newEvent()])).rejects.toBeInstanceOf(
          StoreUnavailableError,
        );
        await expect(other.readStream(stream('closing'))).rejects.toBeInstanceOf(StoreUnavailableError);
        expect(await store.readStream(stream('closing'))).toHaveLength(20);
      });
    });
  });
}

async function readAllAfter(store: EventStore, after: bigint, prefix: string): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let cursor = after;
  for (;;) {
    const page = await store.readAll({ after: cursor, maxCount: 500 });
    if (page.length === 0) return out;
    out.push(...page.filter((e) => e.streamId.startsWith(prefix)));
    cursor = page[page.length - 1].position;
  }
}
