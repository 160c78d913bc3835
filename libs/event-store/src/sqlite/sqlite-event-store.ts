import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { prepareAppend } from '../envelope';
import {
  EventStoreError,
  InvalidEventError,
  StoreUnavailableError,
  type StoreUnavailableReason,
} from '../errors';
import type {
  AllFilter,
  AppendOptions,
  AppendResult,
  EventMetadata,
  EventStore,
  EventSubscription,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamMetadataResult,
  SubscribeToAllOptions,
  SubscriptionMessage,
} from '../event-store.port';
import { ConnectionCache } from './connection-cache';
import { TAIL_CACHE_SIZE, type WriteOutcome, type WriteRequest, type WriteResult } from './sqlite-writer';
import { storageUnavailable } from './storage-errors';
import { InlineWriter, type Writer, WriterThread, writerThreadScript } from './writer-thread';

export interface SqliteEventStoreOptions {
  /** File path, or `:memory:` (tests of pure logic only: nothing survives the process). */
  path: string;
  /** `FULL` (default) fsyncs every commit: an acknowledged append survives a power cut. */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * Coalesce the appends that arrive in the same tick into one transaction (one fsync), each caller still
   * getting its own result or error. Off only to measure what it saves.
   */
  groupCommit?: boolean;
  /** How often a live subscription looks for events written by another process on the same file. */
  pollIntervalMs?: number;
  /**
   * Write on a thread of its own, with its own connection (a file only): the caller's thread hands a batch
   * over and goes on while it is written and fsynced. Off by default: appends then run on the caller's
   * thread, on the store's one connection.
   */
  writerThread?: boolean;
}

/** A row as the read statements return it (`raw` mode: an array, cheaper than an object per row). */
type EventRow = [
  position: number,
  streamId: string,
  revision: number,
  type: string,
  data: string,
  metadata: string,
];
const ROW_COLUMNS = 'position, stream_id, revision, type, data, metadata';

interface FollowControl {
  stopped: boolean;
  wake: (() => void) | null;
}

const noop = (): void => undefined;

interface PendingAppend extends WriteRequest {
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

const SCHEMA_VERSION = 1;
const READ_PAGE = 1000;

/** Why appends fail now: from the last append that failed for the disk's sake, or the last probe. */
export interface WriteFailure {
  reason: StoreUnavailableReason;
  message: string;
  /** When appends started failing (ISO 8601). */
  since: string;
}

/** While appends fail, how often `writeFailure()` tries a write of its own to see whether they would work. */
const PROBE_INTERVAL_MS = 1000;

function toStoreError(error: unknown, dir?: string): unknown {
  if (error instanceof EventStoreError) return error;
  const unavailable = storageUnavailable(error, 'event store', dir);
  if (unavailable) return unavailable;
  if (error instanceof TypeError && /database connection is not open/i.test(error.message)) {
    return new StoreUnavailableError('event store is closed', { cause: error });
  }
  return error;
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    streamId: row[1],
    revision: row[2],
    position: BigInt(row[0]),
    type: row[3],
    data: JSON.parse(row[4]) as Record<string, unknown>,
    metadata: JSON.parse(row[5]) as EventMetadata,
  };
}

/**
 * Where streams end (the revision past their last event), as this connection last read or wrote them, so
 * that asking a stream for what follows what the caller has — what a command asks of every stream it
 * decides on, nearly always in vain — is answered without a query. Valid while nobody else wrote the file:
 * `PRAGMA data_version` is checked before each answer and the whole map dropped when it moved. A read
 * records a bound ("nothing at or past `end`"); this connection's own commits record the exact end.
 */
class StreamEnds {
  private readonly ends: ConnectionCache<number>;

  constructor(capacity: number) {
    this.ends = new ConnectionCache(capacity);
  }

  /** Call before each read: drops everything if another connection committed since. */
  validate(dataVersion: number): void {
    this.ends.validate(dataVersion);
  }

  /** True when the stream is known to hold no event at or past `revision`. */
  nothingFrom(streamId: string, revision: number): boolean {
    const end = this.ends.get(streamId);
    return end !== undefined && revision >= end;
  }

  /** A read found nothing at or past `end`: kept unless a tighter bound is known already. */
  bound(streamId: string, end: number): void {
    const known = this.ends.get(streamId);
    if (known === undefined || end < known) this.ends.set(streamId, end);
  }

  /** This connection committed the stream up to `end` - 1. */
  wrote(streamId: string, end: number): void {
    this.ends.set(streamId, end);
  }
}

/**
 * The embedded default store: one SQLite file in WAL mode.
 *
 * - `position` is the table's INTEGER PRIMARY KEY: assigned max+1 under SQLite's single write lock, so the
 *   global log is dense and in commit order (no gaps a subscriber could skip past, even with several
 *   processes writing the same file).
 * - `UNIQUE(stream_id, revision)` and `UNIQUE(event_id)` are the last line of defence for concurrency and
 *   idempotency; the adapter checks both before inserting so that callers get typed errors.
 * - Group commit: appends queue up and are written by one transaction per tick. Each append makes all
 *   its checks (expected revision, event ids) before it writes its first row, so a refused append has
 *   written nothing and the others of its batch go on; any other failure (disk full, I/O) fails the batch.
 * - Appends take the write lock at once (`BEGIN IMMEDIATE`) and check the tail cache against
 *   `PRAGMA data_version` under it: another process writing the same file is seen, never raced.
 * - The writes (`sqlite-writer.ts`) run on this store's connection, or on a thread of their own with a
 *   connection of their own (`writerThread`); reads always run on this one.
 */
export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly groupCommit: boolean;
  private readonly pollIntervalMs: number;
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly waiters = new Set<() => void>();
  private readonly subscriptions = new Set<EventSubscription>();
  /** Where streams end, while this connection is the only one writing (not with a writer thread). */
  private readonly ends: StreamEnds | null;
  private readonly writer: Writer;
  /** Where appends are written: `inline` on this connection, `thread` on a writer thread. */
  readonly writes: 'inline' | 'thread';
  /** The directory of the file, where a disk failure is diagnosed (none in memory). */
  private readonly dir: string | undefined;
  private failure: WriteFailure | null = null;
  private lastProbe = 0;
  private probing = false;

  private readonly stmt: {
    dataVersion: Database.Statement<[], number>;
    readForwards: Database.Statement<[string, number, number], EventRow>;
    readBackwards: Database.Statement<[string, number, number], EventRow>;
    readAll: Database.Statement<[number | bigint, number], EventRow>;
    head: Database.Statement<[], { position: number | bigint | null }>;
    getMeta: Database.Statement<[string], { metadata: string; revision: number }>;
  };

  constructor(options: SqliteEventStoreOptions) {
    this.dir = options.path === ':memory:' ? undefined : dirname(options.path);
    if (this.dir) mkdirSync(this.dir, { recursive: true });
    try {
      this.db = new Database(options.path);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      this.db.pragma('busy_timeout = 5000');
      this.db.defaultSafeIntegers(false);
      this.migrate();
    } catch (error) {
      throw toStoreError(error, this.dir);
    }
    this.groupCommit = options.groupCommit ?? true;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    const db = this.db;
    this.stmt = {
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
      readForwards: db
        .prepare<[string, number, number], EventRow>(
          `SELECT ${ROW_COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`,
        )
        .raw(),
      readBackwards: db
        .prepare<[string, number, number], EventRow>(
          `SELECT ${ROW_COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
        )
        .raw(),
      readAll: db
        .prepare<[number | bigint, number], EventRow>(
          `SELECT ${ROW_COLUMNS} FROM events WHERE position > ? ORDER BY position ASC LIMIT ?`,
        )
        .raw(),
      head: db.prepare('SELECT MAX(position) AS position FROM events'),
      getMeta: db.prepare('SELECT metadata, revision FROM stream_metadata WHERE stream_id = ?'),
    };
    const script = options.writerThread && this.dir ? writerThreadScript() : null;
    if (script) {
      this.writer = new WriterThread(script, {
        path: options.path,
        synchronous: options.synchronous ?? 'FULL',
      });
      this.writes = 'thread';
      this.ends = null; // another connection commits: this one cannot tell its commits from anyone else's
    } else {
      this.writer = new InlineWriter(db);
      this.writes = 'inline';
      this.ends = new StreamEnds(TAIL_CACHE_SIZE);
    }
  }

  private migrate(): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new StoreUnavailableError(
        `event store schema version ${version} is newer than this program (${SCHEMA_VERSION})`,
      );
    }
    if (version === SCHEMA_VERSION) return;
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        position  INTEGER PRIMARY KEY,
        stream_id TEXT    NOT NULL,
        revision  INTEGER NOT NULL,
        event_id  TEXT    NOT NULL UNIQUE,
        type      TEXT    NOT NULL,
        data      TEXT    NOT NULL,
        metadata  TEXT    NOT NULL,
        UNIQUE (stream_id, revision)
      ) STRICT;
      CREATE TABLE IF NOT EXISTS stream_metadata (
        stream_id TEXT    PRIMARY KEY,
        revision  INTEGER NOT NULL,
        metadata  TEXT    NOT NULL
      ) STRICT;
      PRAGMA user_version = ${SCHEMA_VERSION};
    `);
  }

  // ---- append ---------------------------------------------------------------------------------------

  async append(streamId: string, events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    if (this.closed) throw new StoreUnavailableError('event store is closed');
    const prepared = prepareAppend(streamId, events);
    const expected = options.expectedRevision ?? 'any';
    checkExpected(expected);
    if (!this.groupCommit) {
      const pending = { streamId, events: prepared, expected, resolve: noop, reject: noop };
      const [outcome] = await this.write([pending]);
      if (!outcome.ok) throw outcome.error;
      return outcome.result;
    }
    // Queued synchronously (no await above), so all appends issued in one tick share the next flush.
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ streamId, events: prepared, expected, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushing = this.flushing.then(() => this.flush());
    });
  }

  /**
   * Writes every queued append in one transaction, then settles each caller. With a writer thread, the
   * appends queued while a batch is being written make the next one.
   */
  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let outcomes: WriteOutcome[];
    try {
      outcomes = await this.write(batch);
    } catch (failure) {
      for (const pending of batch) pending.reject(failure);
      return;
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) pending.resolve(outcome.result);
      else pending.reject(outcome.error);
    });
  }

  /** One batch written (or refused whole: the error, remembered when the disk is the cause). */
  private async write(batch: PendingAppend[]): Promise<WriteOutcome[]> {
    // Without the callers' callbacks: a batch for the writer thread is copied to it, and functions are not.
    const requests = batch.map(({ streamId, events, expected }) => ({ streamId, events, expected }));
    let written: WriteResult;
    try {
      written = await this.writer.write(requests);
    } catch (error) {
      throw this.writeFailed(error);
    }
    this.failure = null;
    for (const [streamId, end] of written.ends) this.ends?.wrote(streamId, end);
    this.notify();
    return written.outcomes;
  }

  /** A write that failed as a whole: the error for its callers, remembered when the disk is the cause. */
  private writeFailed(error: unknown): unknown {
    const failure = toStoreError(error, this.dir);
    if (failure instanceof StoreUnavailableError) {
      const since = this.failure?.reason === failure.reason ? this.failure.since : new Date().toISOString();
      this.failure = { reason: failure.reason, message: failure.message, since };
      this.lastProbe = Date.now();
    }
    return failure;
  }

  /**
   * Why appends fail now, or null when they work. Reads go on meanwhile. While appends fail, a write of
   * its own is tried now and then (a row written and deleted in one transaction), so that the answer turns back to null as
   * soon as space returns or the disk is writable again, even before the next command.
   */
  writeFailure(): WriteFailure | null {
    const failure = this.failure;
    if (failure && !this.closed && !this.probing && Date.now() - this.lastProbe >= PROBE_INTERVAL_MS) {
      this.lastProbe = Date.now();
      this.probing = true;
      this.writer
        .probe()
        .then(
          () => {
            if (this.failure === failure) this.failure = null;
          },
          (error: unknown) => {
            this.writeFailed(error);
          },
        )
        .finally(() => (this.probing = false));
    }
    return this.failure;
  }

  // ---- reads ----------------------------------------------------------------------------------------

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.guard(() => {
      const max = options.maxCount ?? Number.MAX_SAFE_INTEGER;
      if (options.direction === 'backwards') {
        return this.stmt.readBackwards
          .all(streamId, options.fromRevision ?? Number.MAX_SAFE_INTEGER, max)
          .map(toRecorded);
      }
      const from = options.fromRevision ?? 0;
      const ends = this.ends;
      ends?.validate(this.stmt.dataVersion.get()!);
      if (ends?.nothingFrom(streamId, from)) return [];
      const rows = this.stmt.readForwards.all(streamId, from, max);
      // Read to the end (fewer rows than asked): nothing past the last row, or from where it looked.
      if (rows.length < max) ends?.bound(streamId, rows.length > 0 ? rows[rows.length - 1][2] + 1 : from);
      return rows.map(toRecorded);
    });
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.guard(
      () => this.readPage(options.after ?? 0n, options.maxCount ?? READ_PAGE, options.filter).events,
    );
  }

  headPosition(): Promise<bigint> {
    return this.guard(() => this.head());
  }

  private head(): bigint {
    return BigInt(this.stmt.head.get()?.position ?? 0);
  }

  /**
   * One page after `after`, filtered. `scannedTo` is how far the page looked: with a filter, the events
   * it skipped are behind the reader too.
   */
  private readPage(
    after: bigint,
    max: number,
    filter?: AllFilter,
  ): { events: RecordedEvent[]; scannedTo: bigint } {
    if (!filter) {
      const events = this.stmt.readAll.all(after, max).map(toRecorded);
      return { events, scannedTo: events.length > 0 ? events[events.length - 1].position : after };
    }
    const events: RecordedEvent[] = [];
    let cursor = after;
    for (;;) {
      const rows = this.stmt.readAll.all(cursor, READ_PAGE);
      for (const row of rows) {
        cursor = BigInt(row[0]);
        if (!matches(filter, row)) continue;
        events.push(toRecorded(row));
        if (events.length === max) return { events, scannedTo: cursor };
      }
      if (rows.length < READ_PAGE) return { events, scannedTo: cursor };
    }
  }

  // ---- subscriptions --------------------------------------------------------------------------------

  subscribeToAll(options: SubscribeToAllOptions = {}): EventSubscription {
    const control: FollowControl = { stopped: false, wake: null };
    // One cursor per subscription: iterating it again goes on where it stopped, as EventStoreDB's does.
    const cursor = this.follow(options, control);
    const subscription: EventSubscription = {
      close: () => {
        control.stopped = true;
        control.wake?.();
        this.subscriptions.delete(subscription);
        return Promise.resolve();
      },
      [Symbol.asyncIterator]: () => cursor,
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  private async *follow(
    options: SubscribeToAllOptions,
    control: FollowControl,
  ): AsyncGenerator<SubscriptionMessage> {
    let after = options.after ?? 0n;
    let announced: bigint | null = null;
    while (!control.stopped && !this.closed) {
      // A batch is one transaction: a page sees all of it or none of it.
      const page = this.readPage(after, READ_PAGE, options.filter);
      for (const event of page.events) {
        if (control.stopped) return;
        yield { kind: 'event', event };
      }
      after = page.scannedTo;
      if (page.events.length === READ_PAGE || this.head() > after) {
        // Reads are synchronous and a consumer resumes us through promises only: without a turn of the
        // event loop here, a long catch-up would starve the process (an API could not even listen).
        await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      if (announced !== after) {
        announced = after;
        yield { kind: 'caught-up', position: after };
      }
      // Woken by our own commits at once; the timer catches commits by other processes on the file.
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.waiters.delete(done);
          control.wake = null;
          resolve();
        };
        const timer = setTimeout(done, this.pollIntervalMs);
        control.wake = done;
        this.waiters.add(done);
      });
    }
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  // ---- stream metadata ------------------------------------------------------------------------------

  getStreamMetadata(streamId: string): Promise<StreamMetadataResult | null> {
    return this.guard(() => {
      const row = this.stmt.getMeta.get(streamId);
      return row
        ? { metadata: JSON.parse(row.metadata) as Record<string, unknown>, revision: row.revision }
        : null;
    });
  }

  async setStreamMetadata(
    streamId: string,
    metadata: Record<string, unknown>,
  ): Promise<StreamMetadataResult> {
    if (this.closed) throw new StoreUnavailableError('event store is closed');
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
      throw new InvalidEventError('stream metadata must be a JSON object');
    }
    try {
      return await this.writer.setMetadata(streamId, JSON.stringify(metadata));
    } catch (error) {
      throw toStoreError(error, this.dir);
    }
  }

  // ---- lifecycle ------------------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // In-flight appends were accepted: write them before letting go of the file.
    if (this.queue.length > 0) this.flushing = this.flushing.then(() => this.flush());
    await this.flushing;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.notify();
    await this.writer.close();
    this.db.close();
  }

  /** Runs a synchronous read as the port's async API: a throw becomes a rejection with a store error. */
  // eslint-disable-next-line @typescript-eslint/require-await -- async only to turn throws into rejections
  private async guard<T>(read: () => T): Promise<T> {
    if (this.closed) throw new StoreUnavailableError('event store is closed');
    try {
      return read();
    } catch (error) {
      throw toStoreError(error, this.dir);
    }
  }
}

function checkExpected(expected: ExpectedRevision): void {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (!Number.isInteger(expected) || expected < 0) {
    throw new InvalidEventError(`expectedRevision must be any, no_stream, stream_exists or a revision ≥ 0`);
  }
}

function matches(filter: AllFilter, row: EventRow): boolean {
  if ('streamPrefixes' in filter) return filter.streamPrefixes.some((prefix) => row[1].startsWith(prefix));
  return filter.eventTypes.includes(row[3]);
}
