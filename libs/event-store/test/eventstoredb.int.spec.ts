/**
 * The contract suite against a REAL EventStoreDB, plus what only a server can show about this adapter.
 * Runs when EVENTSTORE_CONNECTION_STRING is set (jest.config.js leaves it out otherwise); with the
 * cluster of docker-compose.yml (docs/eventstoredb.md, "The contract suite on a real server"):
 *   EVENTSTORE_CONNECTION_STRING='esdb://admin:changeit@node1.eventstore:2111,node2.eventstore:2112,node3.eventstore:2113?tls=true&tlsCAFile=certs/ca/ca.crt' npx jest libs/event-store
 * The server must accept appends of 2 MiB (EVENTSTORE_MAX_APPEND_SIZE, set in docker-compose.yml):
 * the suite appends 2,500 events at once. The same tests run on every `npm test` against the wire
 * simulator (eventstoredb-simulator.int.spec.ts); this file is where a real server confirms them.
 */
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import { EventStoreDbEventStore, decodePosition, encodePosition } from '../src';
import { eventStoreContract, newEvent } from './event-store.contract';
import { take } from './subscription-support';

const connectionString = process.env.EVENTSTORE_CONNECTION_STRING;
if (!connectionString) {
  throw new Error(
    'set EVENTSTORE_CONNECTION_STRING (e.g. esdb://localhost:2113?tls=false) to run this suite',
  );
}

eventStoreContract('EventStoreDB', () => {
  const store = new EventStoreDbEventStore(connectionString);
  return Promise.resolve({
    store,
    reopen: () => Promise.resolve(new EventStoreDbEventStore(connectionString)),
    cleanup: () => store.close(),
  });
});

describe('EventStoreDB adapter on a real server', () => {
  let prefix: string;
  const stream = (name: string) => `${prefix}${name}`;
  beforeEach(() => {
    prefix = `esdb${randomUUID().slice(0, 8)}-cpts-contract.`;
  });

  it('gives each event the position $all gives it, and decode(encode(p)) is that pair again', async () => {
    const store = new EventStoreDbEventStore(connectionString);
    const client = EventStoreDBClient.connectionString(connectionString);
    try {
      const single = await store.append(stream('p'), [newEvent('One')]);
      const batch = await store.append(stream('p'), [newEvent('Two'), newEvent('Three')]);
      const read = await store.readStream(stream('p'));
      expect(read.map((e) => e.position)).toEqual([single.position, expect.any(BigInt), batch.position]);

      const fromAll: bigint[] = [];
      for await (const resolved of client.readAll({
        fromPosition: decodePosition(single.position),
        maxCount: 500,
      })) {
        if (resolved.event?.streamId === stream('p')) fromAll.push(encodePosition(resolved.event.position));
      }
      expect(fromAll).toEqual(read.map((e) => e.position));
      for (const event of read) expect(encodePosition(decodePosition(event.position))).toBe(event.position);
    } finally {
      await client.dispose();
      await store.close();
    }
  });

  it('two adapters on one server see each other’s appends, in reads and in a live subscription', async () => {
    const first = new EventStoreDbEventStore(connectionString);
    const second = new EventStoreDbEventStore(connectionString);
    const subscription = second.subscribeToAll({
      after: await second.headPosition(),
      filter: { streamPrefixes: [prefix] },
    });
    try {
      const iterator = subscription[Symbol.asyncIterator]();
      await first.append(stream('shared'), [newEvent('FromFirst')]);
      await second.append(stream('shared'), [newEvent('FromSecond')], { expectedRevision: 0 });
      expect((await first.readStream(stream('shared'))).map((e) => e.type)).toEqual([
        'FromFirst',
        'FromSecond',
      ]);
      expect((await take(iterator, 2)).map((e) => e.type)).toEqual(['FromFirst', 'FromSecond']);
    } finally {
      await subscription.close();
      await Promise.all([first.close(), second.close()]);
    }
  });

  it('passes over an event without the Parcours envelope in $all, and counts it', async () => {
    const store = new EventStoreDbEventStore(connectionString);
    const client = EventStoreDBClient.connectionString(connectionString);
    try {
      const before = await store.append(stream('mine'), [newEvent('Mine')]);
      await client.appendToStream(stream('foreign'), jsonEvent({ type: 'SomeoneElses', data: { n: 1 } }));
      const after = await store.append(stream('mine'), [newEvent('MineAgain')]);
      const page = await store.readAll({ after: before.position - 1n, maxCount: 1000 });
      expect(page.filter((e) => e.streamId.startsWith(prefix)).map((e) => e.position)).toEqual([
        before.position,
        after.position,
      ]);
      expect(store.foreignEvents.skipped).toBeGreaterThanOrEqual(1);
    } finally {
      await client.dispose();
      await store.close();
    }
  });

  it('a subscription whose gRPC stream is cut resubscribes where it was: no gap, no duplicate', async () => {
    // The store owns this client; disposing it cancels every gRPC call under the subscription, as a
    // dropped connection would, while leaving the client usable for the resubscription.
    const client = EventStoreDBClient.connectionString(connectionString);
    const store = new EventStoreDbEventStore(client);
    const writer = new EventStoreDbEventStore(connectionString);
    const subscription = store.subscribeToAll({
      after: await store.headPosition(),
      filter: { streamPrefixes: [prefix] },
    });
    try {
      const iterator = subscription[Symbol.asyncIterator]();
      for (let i = 0; i < 10; i += 1) await writer.append(stream('cut'), [newEvent('C', { i })]);
      const before = await take(iterator, 10);

      await client.dispose();
      for (let i = 10; i < 20; i += 1) await writer.append(stream('cut'), [newEvent('C', { i })]);
      const after = await take(iterator, 10);

      expect([...before, ...after].map((e) => e.data.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    } finally {
      await subscription.close();
      await Promise.all([store.close(), writer.close()]);
    }
  });
});
