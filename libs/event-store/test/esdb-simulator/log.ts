/**
 * The simulated EventStoreDB's transaction log and index: what a node stores and how it decides an append.
 *
 * The rules are EventStoreDB 24.10's, re-implemented from reading its source (not copied):
 * - every event of an append is one "committed prepare" record; its $all position is (p, p) where p is
 *   the record's log position, and the log position grows by the record's size on disk
 *   (`StorageWriterService`, `AllReader`);
 * - an append is checked as `IndexWriter.CheckCommit` checks it: with `any`/`stream_exists`, a retry is
 *   recognised from a bounded cache of recently committed event ids (first id unknown → written again);
 *   with an exact revision or `no_stream` behind the stream's end, the events right after the expected
 *   revision are compared with the batch, however long ago they were written; a partial match is a
 *   wrong expected version;
 * - an idempotent append answers success with the original last revision and its position
 *   (`RequestManagerBase.ReturnCommitAt`);
 * - $all read forwards from a position includes the event there; backwards excludes it.
 */

/** EventStoreDB's own constants for the expected version. */
export const ANY = -2;
export const NO_STREAM = -1;
export const STREAM_EXISTS = -4;

export interface StoredRecord {
  position: bigint;
  streamId: string;
  eventNumber: number;
  /** Lower-case, as the server formats a Guid. */
  eventId: string;
  type: string;
  isJson: boolean;
  data: Uint8Array;
  metadata: Uint8Array;
  /** .NET ticks since the Unix epoch, as the server sends `created`. */
  created: bigint;
}

export interface ProposedEvent {
  eventId: string;
  type: string;
  isJson: boolean;
  data: Uint8Array;
  metadata: Uint8Array;
}

export type CommitDecision =
  | { kind: 'ok'; currentVersion: number }
  | { kind: 'wrong-expected-version'; currentVersion: number }
  | { kind: 'idempotent'; lastEventNumber: number; position: bigint };

export type AppendOutcome =
  | { kind: 'written'; lastEventNumber: number; position: bigint }
  | { kind: 'idempotent'; lastEventNumber: number; position: bigint }
  | { kind: 'wrong-expected-version'; currentVersion: number };

/** A record's size on disk, roughly as the server counts it: header, names, data and metadata. */
function sizeOnDisk(streamId: string, event: ProposedEvent): bigint {
  return BigInt(
    120 +
      Buffer.byteLength(streamId) +
      Buffer.byteLength(event.type) +
      event.data.length +
      event.metadata.length,
  );
}

const TICKS_AT_EPOCH_PER_MS = 10_000n;

export class TransactionLog {
  readonly records: StoredRecord[] = [];
  private readonly streams = new Map<string, StoredRecord[]>();
  /** Event id → (stream, number): the server's bounded `_committedEvents` cache. */
  private readonly committedEvents = new Map<string, { streamId: string; eventNumber: number }>();
  private writerPosition = 0n;
  private readonly listeners = new Set<(record: StoredRecord) => void>();

  constructor(private readonly committedEventsCacheSize: number) {}

  get length(): number {
    return this.records.length;
  }

  /** Called for every record written, in log order. */
  onWrite(listener: (record: StoredRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  lastEventNumber(streamId: string): number {
    const stream = this.streams.get(streamId);
    return stream && stream.length > 0 ? stream[stream.length - 1].eventNumber : -1;
  }

  /** `IndexWriter.CheckCommit`, re-implemented. */
  checkCommit(streamId: string, expectedVersion: number, eventIds: string[]): CommitDecision {
    const current = this.lastEventNumber(streamId);
    if (expectedVersion === STREAM_EXISTS && current < 0) {
      // A stream that has only metadata exists too.
      if (this.lastEventNumber(`$$${streamId}`) < 0)
        return { kind: 'wrong-expected-version', currentVersion: current };
    }
    if (expectedVersion === ANY || expectedVersion === STREAM_EXISTS) {
      let first = -1;
      let last = -1;
      for (const [index, id] of eventIds.entries()) {
        const known = this.committedEvents.get(id);
        if (!known || known.streamId !== streamId) {
          return index === 0
            ? { kind: 'ok', currentVersion: current }
            : { kind: 'wrong-expected-version', currentVersion: current }; // corrupted idempotency
        }
        if (index === 0) first = known.eventNumber;
        last = known.eventNumber;
      }
      if (first < 0) return { kind: 'ok', currentVersion: current };
      return { kind: 'idempotent', lastEventNumber: last, position: this.eventAt(streamId, last)!.position };
    }
    if (expectedVersion < current) {
      let eventNumber = expectedVersion;
      for (const id of eventIds) {
        eventNumber += 1;
        if (this.eventAt(streamId, eventNumber)?.eventId === id) continue;
        // First mismatch: a plain conflict; a later one: corrupted idempotency, answered the same way.
        return { kind: 'wrong-expected-version', currentVersion: current };
      }
      if (eventNumber === expectedVersion) return { kind: 'wrong-expected-version', currentVersion: current };
      return {
        kind: 'idempotent',
        lastEventNumber: eventNumber,
        position: this.eventAt(streamId, eventNumber)!.position,
      };
    }
    if (expectedVersion > current) return { kind: 'wrong-expected-version', currentVersion: current };
    return { kind: 'ok', currentVersion: current };
  }

  append(streamId: string, expectedVersion: number, events: ProposedEvent[]): AppendOutcome {
    const ids = events.map((event) => event.eventId.toLowerCase());
    const decision = this.checkCommit(streamId, expectedVersion, ids);
    if (decision.kind !== 'ok') return decision;
    let eventNumber = decision.currentVersion;
    let position = this.writerPosition;
    const created = BigInt(Date.now()) * TICKS_AT_EPOCH_PER_MS;
    for (const [index, event] of events.entries()) {
      eventNumber += 1;
      position = this.writerPosition;
      this.writerPosition += sizeOnDisk(streamId, event);
      this.store({ ...event, eventId: ids[index], position, streamId, eventNumber, created });
    }
    return { kind: 'written', lastEventNumber: eventNumber, position };
  }

  /** A write the server makes itself ($stats, $metadata of its own…), bypassing every check. */
  writeSystemEvent(streamId: string, type: string, data: unknown): StoredRecord {
    const event: ProposedEvent = {
      eventId: crypto.randomUUID(),
      type,
      isJson: true,
      data: Buffer.from(JSON.stringify(data)),
      metadata: new Uint8Array(),
    };
    this.append(streamId, ANY, [event]);
    return this.records[this.records.length - 1];
  }

  private store(record: StoredRecord): void {
    this.records.push(record);
    const stream = this.streams.get(record.streamId) ?? [];
    stream.push(record);
    this.streams.set(record.streamId, stream);
    this.committedEvents.set(record.eventId, { streamId: record.streamId, eventNumber: record.eventNumber });
    if (this.committedEvents.size > this.committedEventsCacheSize) {
      this.committedEvents.delete(this.committedEvents.keys().next().value!);
    }
    for (const listener of this.listeners) listener(record);
  }

  eventAt(streamId: string, eventNumber: number): StoredRecord | undefined {
    const stream = this.streams.get(streamId);
    // Events of a stream are dense from 0 (no truncation or deletion in this simulation).
    return stream?.[eventNumber];
  }

  /**
   * A stream read as a node whose log ends at `visible` (records it has) sees it. Null when the stream
   * does not exist there.
   */
  readStream(
    streamId: string,
    from: number | 'start' | 'end',
    backwards: boolean,
    count: number,
    visible: number,
  ): StoredRecord[] | null {
    const stream = this.streams.get(streamId) ?? [];
    const bound = visible < this.records.length ? this.records[visible].position : null;
    const all = bound === null ? stream : stream.filter((record) => record.position < bound);
    if (all.length === 0) return null;
    if (!backwards) {
      const start = from === 'start' ? 0 : from === 'end' ? all.length : from;
      return all.slice(start, start + count);
    }
    const start = from === 'end' ? all.length - 1 : from === 'start' ? 0 : Math.min(from, all.length - 1);
    const out: StoredRecord[] = [];
    for (let i = start; i >= 0 && out.length < count; i -= 1) out.push(all[i]);
    return out;
  }

  /** $all, forwards from `from` (inclusive) or backwards before it (exclusive), within `visible` records. */
  readAll(
    from: bigint | 'start' | 'end',
    backwards: boolean,
    count: number,
    visible: number,
  ): StoredRecord[] {
    const records = this.records.slice(0, visible);
    if (!backwards) {
      const start = from === 'start' ? 0n : from === 'end' ? 1n << 127n : from;
      const index = records.findIndex((record) => record.position >= start);
      return index < 0 ? [] : records.slice(index, index + count);
    }
    const end = from === 'end' ? 1n << 127n : from === 'start' ? 0n : from;
    const out: StoredRecord[] = [];
    for (let i = records.length - 1; i >= 0 && out.length < count; i -= 1) {
      if (records[i].position < end) out.push(records[i]);
    }
    return out;
  }

  /** Index of the first record at or after `position`. */
  firstIndexAtOrAfter(position: bigint): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.records[middle].position < position) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
