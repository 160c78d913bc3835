import type Database from 'better-sqlite3';
import { sealEvents, type PreparedEvent } from '../envelope';
import { EventStoreError, IdempotencyConflictError, WrongExpectedRevisionError } from '../errors';
import type { AppendResult, ExpectedRevision, StreamMetadataResult } from '../event-store.port';
import { genesisHash } from '../hash-chain';
import { ConnectionCache } from './connection-cache';

/** One append as the writer takes it: checked and serialised already by the caller. */
export interface WriteRequest {
  streamId: string;
  events: PreparedEvent[];
  expected: ExpectedRevision;
}

export type WriteOutcome = { ok: true; result: AppendResult } | { ok: false; error: EventStoreError };

/** A batch written: each append's outcome, and where each stream written now ends. */
export interface WriteResult {
  outcomes: WriteOutcome[];
  /** Stream id and the revision past its last event, for every stream the batch wrote. */
  ends: Array<[streamId: string, end: number]>;
}

/** The last event of a stream: what the next append checks its expected revision against and chains to. */
interface Tail {
  revision: number;
  hash: string;
}

/** Streams whose tail is remembered (~200 B each): the ones being worked on, not the whole log. */
export const TAIL_CACHE_SIZE = 20_000;

/**
 * The write side of the SQLite store on one connection: appends (checked, chained, written in one
 * transaction per batch), stream metadata, and the probe that tells whether the disk takes writes. The store
 * runs it on its own connection, or on a thread of its own (`writer-thread.ts`), so that the commit's fsync
 * does not hold up the requests.
 */
export class SqliteWriter {
  /**
   * The tails of recently written streams, so that an append does not read its stream's last row and parse
   * its metadata for the hash; validated inside each write transaction (the write lock held, so nobody can
   * commit meanwhile).
   */
  private readonly tails = new ConnectionCache<Tail>(TAIL_CACHE_SIZE);
  private readonly stmt;
  private readonly transaction: (batch: WriteRequest[]) => {
    outcomes: WriteOutcome[];
    written: Map<string, Tail>;
  };
  private readonly probeTransaction: () => void;
  private readonly metadataTransaction: (streamId: string, json: string) => StreamMetadataResult;

  constructor(db: Database.Database) {
    this.stmt = {
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
      // The hash read by SQLite's JSON functions: no need to parse the whole envelope here.
      tail: db.prepare<[string], { revision: number; hash: string }>(
        `SELECT revision, metadata ->> '$.hash' AS hash FROM events WHERE stream_id = ?
         ORDER BY revision DESC LIMIT 1`,
      ),
      byEventId: db.prepare<[string], { stream_id: string; revision: number; position: number }>(
        'SELECT stream_id, revision, position FROM events WHERE event_id = ?',
      ),
      insert: db.prepare<[string, number, string, string, string, string]>(
        'INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      getMeta: db.prepare<[string], { metadata: string; revision: number }>(
        'SELECT metadata, revision FROM stream_metadata WHERE stream_id = ?',
      ),
      setMeta: db.prepare<[string, string]>(
        `INSERT INTO stream_metadata (stream_id, revision, metadata) VALUES (?, 0, ?)
         ON CONFLICT (stream_id) DO UPDATE SET revision = revision + 1, metadata = excluded.metadata`,
      ),
    };
    const transaction = db.transaction((batch: WriteRequest[]) => this.writeAppends(batch));
    this.transaction = (batch) => transaction.immediate(batch);
    // A write that needs new pages and a commit, as an append does, and leaves nothing behind. `$` stream
    // ids are refused to callers, so the row cannot be anyone's.
    const probeInsert = db.prepare<[string]>(
      `INSERT INTO stream_metadata (stream_id, revision, metadata) VALUES ('$write-probe', 0, ?)`,
    );
    const probeDelete = db.prepare(`DELETE FROM stream_metadata WHERE stream_id = '$write-probe'`);
    const probe = db.transaction(() => {
      probeInsert.run('x'.repeat(16 * 1024));
      probeDelete.run();
    });
    this.probeTransaction = () => probe.immediate();
    const metadata = db.transaction((streamId: string, json: string) => {
      this.stmt.setMeta.run(streamId, json);
      const row = this.stmt.getMeta.get(streamId)!;
      return { metadata: JSON.parse(row.metadata) as Record<string, unknown>, revision: row.revision };
    });
    this.metadataTransaction = (streamId, json) => metadata.immediate(streamId, json);
  }

  /**
   * One transaction (`BEGIN IMMEDIATE`) for a batch of appends. Each append makes all its checks
   * (expected revision, event ids) before it writes its first row, so a refused append has written
   * nothing and the others of its batch go on; any other failure (disk full, I/O) throws and fails the
   * whole batch.
   */
  write(batch: WriteRequest[]): WriteResult {
    const { outcomes, written } = this.transaction(batch);
    // Committed: the tails written are the file's now (a failed commit threw above, leaving the cache).
    const ends: WriteResult['ends'] = [];
    for (const [streamId, tail] of written) {
      this.tails.set(streamId, tail);
      ends.push([streamId, tail.revision + 1]);
    }
    return { outcomes, ends };
  }

  setMetadata(streamId: string, json: string): StreamMetadataResult {
    return this.metadataTransaction(streamId, json);
  }

  /** A row written and deleted in one transaction: throws what an append would meet on this disk. */
  probe(): void {
    this.probeTransaction();
  }

  /**
   * Inside a write transaction: each append's outcome. Our own refusals belong to one caller (they come
   * before its first row is written); anything else is thrown and rolls the whole transaction back. The
   * tails written are remembered only once the transaction has committed.
   */
  private writeAppends(batch: WriteRequest[]): { outcomes: WriteOutcome[]; written: Map<string, Tail> } {
    this.tails.validate(this.stmt.dataVersion.get()!);
    const written = new Map<string, Tail>();
    const outcomes = batch.map((request): WriteOutcome => {
      try {
        return { ok: true, result: this.appendInTransaction(request, written) };
      } catch (error) {
        if (!(error instanceof EventStoreError)) throw error;
        return { ok: false, error };
      }
    });
    return { outcomes, written };
  }

  private appendInTransaction(
    { streamId, events, expected }: WriteRequest,
    written: Map<string, Tail>,
  ): AppendResult {
    const replay = this.findReplay(streamId, events);
    if (replay) return replay;

    const tail = written.get(streamId) ?? this.tail(streamId);
    const current = tail.revision < 0 ? ('no_stream' as const) : tail.revision;
    if (!revisionMatches(expected, current))
      throw new WrongExpectedRevisionError(streamId, expected, current);

    // Nothing refused past this point: the rows are written.
    const sealed = sealEvents(events, tail.hash, new Date().toISOString());
    let revision = tail.revision;
    let position = 0;
    for (const event of sealed) {
      revision += 1;
      position = Number(
        this.stmt.insert.run(
          streamId,
          revision,
          event.eventId,
          event.type,
          event.dataJson,
          event.metadataJson,
        ).lastInsertRowid,
      );
    }
    written.set(streamId, { revision, hash: sealed[sealed.length - 1].metadata.hash });
    return { streamId, revision, position: BigInt(position), replayed: false };
  }

  /** The stream's tail, from the cache or from its last row (`revision` -1 for a stream not there yet). */
  private tail(streamId: string): Tail {
    const cached = this.tails.get(streamId);
    if (cached) return cached;
    const row = this.stmt.tail.get(streamId);
    const tail = row
      ? { revision: row.revision, hash: row.hash }
      : { revision: -1, hash: genesisHash(streamId) };
    // Read under the write lock from committed rows: true whatever this transaction then does.
    this.tails.set(streamId, tail);
    return tail;
  }

  /**
   * The original result when every event id is stored already, in this stream and in this order. Ids the
   * store generated for this append are new by construction and are not looked up.
   */
  private findReplay(streamId: string, events: PreparedEvent[]): AppendResult | null {
    const stored: Array<{ stream_id: string; revision: number; position: number }> = [];
    for (const event of events) {
      if (event.generatedId) continue;
      const row = this.stmt.byEventId.get(event.eventId);
      if (row) stored.push(row);
    }
    if (stored.length === 0) return null;
    const ids = events.map((event) => event.eventId);
    if (stored.length !== events.length) {
      throw new IdempotencyConflictError(
        streamId,
        ids,
        'some of these event ids are stored already, not all',
      );
    }
    const first = stored[0];
    const inOrder = stored.every(
      (row, i) => row.stream_id === streamId && row.revision === first.revision + i,
    );
    if (!inOrder) {
      throw new IdempotencyConflictError(
        streamId,
        ids,
        'these event ids are stored already in another place',
      );
    }
    const last = stored[stored.length - 1];
    return { streamId, revision: last.revision, position: BigInt(last.position), replayed: true };
  }
}

export function revisionMatches(expected: ExpectedRevision, actual: number | 'no_stream'): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual === 'no_stream';
    case 'stream_exists':
      return actual !== 'no_stream';
    default:
      return actual === expected;
  }
}
