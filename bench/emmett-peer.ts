/**
 * The rival store of the event-store benchmark: Emmett's SQLite event store (`@event-driven-io/emmett-sqlite`),
 * set up with the same durability as ours (WAL, `synchronous=FULL`, checked on the connection, not assumed).
 *
 * What its setups do, and the one used here:
 * - Its default pool opens a new connection (node `sqlite3`) for every operation and closes it after, with
 *   no settings but WAL: 64 concurrent first appends, tried while writing this, failed 63 times out of 64
 *   (`SQLITE_ERROR: cannot rollback - no transaction is active`).
 * - Its "singleton" connection is shared by concurrent operations, and so is its transaction: a nesting
 *   counter makes the first append BEGIN and whichever finishes last COMMIT, so an append is acknowledged
 *   before anything is committed (`emmettAcknowledgedBeforeCommit` below shows it). That is not the durability
 *   we compare at.
 * - Used here: one connection (WAL, `synchronous=FULL`, 5 s busy timeout) through a pool that gives it to
 *   one operation at a time, so every append is its own transaction, committed before it is acknowledged.
 *   This is what an application must do to use it safely from concurrent requests.
 */
import {
  getSQLiteEventStore,
  readMessagesBatch,
  sqliteConnection,
  type SQLiteConnection,
  type SQLiteConnectionPool,
  type SQLiteEventStore,
} from '@event-driven-io/emmett-sqlite';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NewEvent } from '@parcours/event-store';

/** Its package.json is not among its exports: found from its entry point (`dist/index.cjs`). */
export const EMMETT_VERSION: string = (
  JSON.parse(
    readFileSync(
      join(dirname(require.resolve('@event-driven-io/emmett-sqlite')), '..', 'package.json'),
      'utf8',
    ),
  ) as { version: string }
).version;

/** A pool of one connection, lent to one operation at a time (a FIFO of waiters). */
function exclusivePool(connection: SQLiteConnection): SQLiteConnectionPool {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    connection: () => Promise.resolve(connection),
    withConnection: <Result>(handle: (c: SQLiteConnection) => Promise<Result>): Promise<Result> => {
      const run = tail.then(() => handle(connection));
      tail = run.catch(() => undefined);
      return run;
    },
    close: () => Promise.resolve(),
  };
}

export interface EmmettStore {
  store: SQLiteEventStore;
  connection: SQLiteConnection;
  /** `PRAGMA journal_mode` and `synchronous` as the connection reports them (expected: wal, 2 = FULL). */
  settings: { journalMode: string; synchronous: number; sqlite: string };
  close(): void;
}

export async function openEmmett(dir: string): Promise<EmmettStore> {
  const fileName = join(dir, 'emmett.db');
  const connection = sqliteConnection({ fileName });
  await connection.command('PRAGMA synchronous = FULL');
  await connection.command('PRAGMA busy_timeout = 5000');
  const journal = await connection.querySingle<{ journal_mode: string }>('PRAGMA journal_mode');
  const sync = await connection.querySingle<{ synchronous: number }>('PRAGMA synchronous');
  const version = await connection.querySingle<{ v: string }>('SELECT sqlite_version() AS v');
  const settings = {
    journalMode: journal?.journal_mode ?? '?',
    synchronous: sync?.synchronous ?? -1,
    sqlite: version?.v ?? '?',
  };
  if (settings.journalMode !== 'wal' || settings.synchronous !== 2) {
    throw new Error(`Emmett's connection is not WAL + synchronous=FULL: ${JSON.stringify(settings)}`);
  }
  const store = getSQLiteEventStore({ fileName, pool: exclusivePool(connection) });
  await store.schema.migrate();
  return { store, connection, settings, close: () => connection.close() };
}

/** Our event as Emmett takes it: the same type and data, our caller's envelope as its metadata. */
export function emmettEvent(event: NewEvent): {
  type: string;
  data: Record<string, unknown>;
  metadata: object;
} {
  return { type: event.type, data: event.data, metadata: { ...event.metadata } };
}

/** Appends with the exact expected version (Emmett counts events: 0 for a stream not there yet). */
export async function emmettAppend(
  emmett: EmmettStore,
  streamId: string,
  events: NewEvent[],
  expectedEvents: number,
): Promise<number> {
  const result = await emmett.store.appendToStream(streamId, events.map(emmettEvent), {
    expectedStreamVersion: BigInt(expectedEvents),
  });
  return Number(result.nextExpectedStreamVersion);
}

/** The global log page by page, as its consumers read it (`readMessagesBatch`); calls `visit` per event. */
export async function emmettReadAll(
  emmett: EmmettStore,
  page: number,
  visit: (data: Record<string, unknown>, metadata: Record<string, unknown>) => void,
): Promise<number> {
  let after = 0n;
  let count = 0;
  for (;;) {
    const batch = await readMessagesBatch(emmett.connection, { after, batchSize: page });
    for (const message of batch.messages) {
      visit(message.data, message.metadata);
    }
    count += batch.messages.length;
    if (batch.messages.length < page) return count;
    after = batch.currentGlobalPosition;
  }
}

export async function emmettReadStream(
  emmett: EmmettStore,
  streamId: string,
  visit: (data: Record<string, unknown>, metadata: Record<string, unknown>) => void,
): Promise<number> {
  const result = await emmett.store.readStream(streamId);
  for (const event of result.events) {
    visit(event.data, event.metadata);
  }
  return result.events.length;
}

/**
 * Evidence for the note above: on Emmett's singleton connection, how many of `writers` concurrent appends
 * were acknowledged while another connection could still see none of them (nothing committed yet).
 */
export async function emmettAcknowledgedBeforeCommit(
  dir: string,
  writers: number,
  event: (n: number) => NewEvent,
  countFromOutside: (file: string) => number,
): Promise<number> {
  const fileName = join(dir, 'emmett-singleton.db');
  const connection = sqliteConnection({ fileName });
  try {
    await connection.command('PRAGMA synchronous = FULL');
    const store = getSQLiteEventStore({ fileName, connectionOptions: { singleton: true, connection } });
    await store.schema.migrate();
    let early = 0;
    await Promise.all(
      Array.from({ length: writers }, async (_, n) => {
        await store.appendToStream(`s-${n}`, [emmettEvent(event(n))], { expectedStreamVersion: 0n });
        if (countFromOutside(fileName) === 0) early += 1;
      }),
    );
    return early;
  } finally {
    connection.close();
  }
}
