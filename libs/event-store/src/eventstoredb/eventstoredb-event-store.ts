import {
  BACKWARDS,
  CancelledError,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  NO_STREAM,
  NotLeaderError,
  START,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  WrongExpectedVersionError,
  convertToCommandError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendResult as EsdbAppendResult,
  type CurrentRevision,
  type Filter,
  type Position,
  type ReadAllOptions as EsdbReadAllOptions,
  type ReadStreamOptions as EsdbReadStreamOptions,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { checkStreamId, prepareAppend, sealEvents, type PreparedEvent, type SealedEvent } from '../envelope';
import {
  EventStoreError,
  IdempotencyConflictError,
  InvalidEventError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
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
import { genesisHash } from '../hash-chain';

/**
 * How many of a stream's last events an append reads to recognise a retry of itself. EventStoreDB has no
 * index by event id, so a retry that arrives after more than this many other events were appended to the
 * stream is NOT recognised: it is appended again, under new revisions. The SQLite adapter checks event ids
 * globally (a UNIQUE index); here the window is the trade-off, and retries come within seconds, long
 * before a stream moves on by a hundred events.
 */
const IDEMPOTENCY_WINDOW = 100;
/**
 * How many event ids this process remembers with the stream it appended them to, to refuse their reuse in
 * another stream. Only a best effort: a reuse by another process, or of an older id, is not seen.
 */
const REMEMBERED_EVENT_IDS = 10_000;
/** Default page of `readAll`, as in the SQLite adapter. */
const READ_PAGE = 1000;
/** Page used where the adapter filters $all itself (the client's `readAll` has no server-side filter). */
const SCAN_PAGE = 500;
/** How far back from the head `headPosition` looks at a time past system events ($stats, $metadata…). */
const HEAD_PAGE = 100;
/** How many events the caught-up probe may scan before settling for a more modest position. */
const PROBE_BUDGET = 2000;
/** Read-seal-append attempts for `any` and `stream_exists` when another process wrote in between. */
const APPEND_ATTEMPTS = 20;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;

const U64 = (1n << 64n) - 1n;
/** What servers older than 22.6 put in the $all position of an event read from its stream. */
const NO_POSITION = U64;

// ---- positions ------------------------------------------------------------------------------------

/**
 * The port's single bigint position from EventStoreDB's (commit, prepare) pair: the commit position in the
 * high 64 bits keeps the $all order (commit first, then prepare), so comparing bigints compares positions.
 */
export function encodePosition(position: Position): bigint {
  const { commit, prepare } = position;
  if (commit < 0n || commit > U64 || prepare < 0n || prepare > U64) {
    throw new RangeError(`EventStoreDB position out of range: ${commit}/${prepare}`);
  }
  return (commit << 64n) | prepare;
}

export function decodePosition(position: bigint): Position {
  if (position < 0n || position >> 128n !== 0n) {
    throw new RangeError(`not an EventStoreDB position: ${position}`);
  }
  return { commit: position >> 64n, prepare: position & U64 };
}

/** Where a read or subscription starts for an exclusive `after` (0n is the beginning of the log). */
function readPositionAfter(after: bigint): typeof START | Position {
  return after === 0n ? START : decodePosition(after);
}

// ---- filters --------------------------------------------------------------------------------------

/** A .NET (and JS) regex that matches nothing: an empty list of accepted names. */
const MATCH_NOTHING = '(?!)';

/** Escapes a name so that the server's regex engine takes it literally. */
function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The server-side regex for "the type is exactly one of these". */
export function eventTypeRegex(types: string[]): string {
  return types.length === 0 ? MATCH_NOTHING : `^(?:${types.map(escapeRegex).join('|')})$`;
}

/** System events ($metadata, $stats…, links) are EventStoreDB's own, never Parcours'. */
function isSystemEvent(event: { streamId: string; type: string }): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

/**
 * The same predicate as the server-side filter, applied again by the adapter: `readAll` in client 6.2
 * cannot filter on the server, and .NET's `$` also matches before a final newline.
 */
function accepts(filter: AllFilter | undefined, event: { streamId: string; type: string }): boolean {
  if (isSystemEvent(event)) return false;
  if (!filter) return true;
  if ('streamPrefixes' in filter)
    return filter.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix));
  return filter.eventTypes.includes(event.type);
}

function subscriptionFilter(
  filter: AllFilter | undefined,
  checkpointReached: Filter['checkpointReached'],
): Filter {
  if (!filter) return excludeSystemEvents({ checkpointReached });
  if ('streamPrefixes' in filter) {
    return filter.streamPrefixes.length > 0
      ? streamNameFilter({ prefixes: filter.streamPrefixes, checkpointReached })
      : streamNameFilter({ regex: MATCH_NOTHING, checkpointReached });
  }
  return eventTypeFilter({ regex: eventTypeRegex(filter.eventTypes), checkpointReached });
}

// ---- errors ---------------------------------------------------------------------------------------

/**
 * Maps what the client throws to the port's errors. Connection trouble (server down, no leader, deadline,
 * server-side timeout or cancellation, cluster discovery failing) becomes `StoreUnavailableError` so
 * commands fail fast with a 503 and the caller may retry the same event ids safely.
 */
export function toStoreError(error: unknown): Error {
  if (error instanceof EventStoreError) return error;
  if (!(error instanceof Error)) return new Error(String(error));
  const converted = convertToCommandError(error);
  if (
    converted instanceof UnavailableError ||
    converted instanceof DeadlineExceededError ||
    converted instanceof NotLeaderError ||
    converted instanceof TimeoutError ||
    converted instanceof CancelledError
  ) {
    return new StoreUnavailableError(`EventStoreDB unavailable (${converted.type}): ${converted.message}`, {
      cause: converted,
    });
  }
  if (/^Failed to discover after \d+ attempts/.test(converted.message)) {
    return new StoreUnavailableError(`EventStoreDB unavailable: ${converted.message}`, { cause: converted });
  }
  if (converted instanceof MaxAppendSizeExceededError) {
    return new InvalidEventError(
      `append too large: this EventStoreDB accepts at most ${converted.maxAppendSize} bytes per append`,
    );
  }
  return converted;
}

const closedError = (): StoreUnavailableError => new StoreUnavailableError('event store is closed');

// ---- expected revision and idempotency --------------------------------------------------------------

export function assertValidExpectedRevision(expected: ExpectedRevision): void {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (!Number.isInteger(expected) || expected < 0) {
    throw new InvalidEventError(`expectedRevision must be any, no_stream, stream_exists or a revision ≥ 0`);
  }
}

/** Throws the port's conflict when the stream's last revision (or its absence) is not what the caller expects. */
export function checkExpectedRevision(
  streamId: string,
  expected: ExpectedRevision,
  actual: number | 'no_stream',
): void {
  const matches =
    expected === 'any' ||
    (expected === 'no_stream' && actual === 'no_stream') ||
    (expected === 'stream_exists' && actual !== 'no_stream') ||
    expected === actual;
  if (!matches) throw new WrongExpectedRevisionError(streamId, expected, actual);
}

function fromCurrentRevision(current: CurrentRevision): number | 'no_stream' {
  return current === NO_STREAM ? 'no_stream' : Number(current);
}

/** One stored event, as far as idempotency cares. */
export interface StoredEventRef {
  eventId: string;
  revision: number;
  position: bigint;
}

/**
 * The original result when every event id of the batch is among the stream's `tail`, contiguous and in
 * order; null when none is. Some but not all, or out of order, is not a retry of the same append.
 */
export function detectReplay(
  streamId: string,
  eventIds: string[],
  tail: StoredEventRef[],
): AppendResult | null {
  const byId = new Map(tail.map((event) => [event.eventId, event]));
  const stored = eventIds.map((id) => byId.get(id));
  const found = stored.filter((event) => event !== undefined);
  if (found.length === 0) return null;
  if (found.length !== eventIds.length) {
    throw new IdempotencyConflictError(
      streamId,
      eventIds,
      'some of these event ids are stored already, not all',
    );
  }
  if (!found.every((event, i) => event.revision === found[0].revision + i)) {
    throw new IdempotencyConflictError(
      streamId,
      eventIds,
      'these event ids are stored already in another place',
    );
  }
  const last = found[found.length - 1];
  return { streamId, revision: last.revision, position: last.position, replayed: true };
}

// ---- events ---------------------------------------------------------------------------------------

function positionOf(event: EsdbRecordedEvent): bigint {
  const position = event.position;
  if (!position || position.commit === NO_POSITION) {
    throw new Error(
      `EventStoreDB gave no $all position for ${event.streamId}@${event.revision}: a server ≥ 23.10 is required`,
    );
  }
  return encodePosition(position);
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}

function toRecorded(event: EsdbRecordedEvent): RecordedEvent {
  if (!event.isJson || !isJsonObject(event.data) || !isJsonObject(event.metadata)) {
    throw new Error(
      `EventStoreDB event ${event.id} in ${event.streamId} is not a Parcours event (JSON data and envelope expected)`,
    );
  }
  return {
    streamId: event.streamId,
    revision: Number(event.revision),
    position: positionOf(event),
    type: event.type,
    data: event.data,
    metadata: event.metadata as unknown as EventMetadata,
  };
}

function hashOf(event: EsdbRecordedEvent): string {
  const hash = isJsonObject(event.metadata) ? event.metadata.hash : undefined;
  if (typeof hash !== 'string') {
    throw new Error(`cannot chain to ${event.streamId}@${event.revision}: its metadata has no hash`);
  }
  return hash;
}

function toEsdbEvent(event: SealedEvent) {
  // The event id is ESDB's own event id too, so the server's duplicate detection agrees with ours.
  return jsonEvent({
    id: event.metadata.eventId,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
  });
}

const noop = (): void => undefined;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- the adapter ----------------------------------------------------------------------------------

/**
 * The production store: EventStoreDB (or KurrentDB) through `@eventstore/db-client` 6.2, gRPC.
 *
 * - Appends read the stream's tail, check the expected revision and idempotency there, seal the events
 *   (hash chain and recorded time, computed here: ESDB knows nothing of them) and append with the EXACT
 *   revision they chained to, so that a concurrent writer makes ESDB refuse rather than fork the chain.
 *   Appends to one stream from this process are queued, so they never race each other; a refusal caused by
 *   another process is retried (for `any`/`stream_exists`) or reported as the port's conflict.
 * - Positions are $all's (commit, prepare) packed into one bigint (`encodePosition`).
 * - Requires a server ≥ 23.10: stream reads carry $all positions (22.6) and subscriptions say when they
 *   are caught up (23.10).
 */
export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly client: EventStoreDBClient;
  private closing: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly streamQueues = new Map<string, Promise<void>>();
  private readonly subscriptions = new Set<CatchUpSubscription>();
  /** Event id → stream, for the ids this process appended last (insertion order: oldest first). */
  private readonly appendedTo = new Map<string, string>();

  /** From a connection string (`esdb://host:2113?tls=false`), or a client this store then owns and disposes. */
  constructor(connection: string | EventStoreDBClient) {
    this.client =
      typeof connection === 'string' ? EventStoreDBClient.connectionString(connection) : connection;
  }

  private get closed(): boolean {
    return this.closing !== null;
  }

  /** Every public call: refused once closed, awaited by `close()`, its errors mapped to the port's. */
  private operation<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    const result = work().catch((error: unknown) => {
      throw toStoreError(error);
    });
    const settled = result.then(noop, noop);
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return result;
  }

  // ---- append ---------------------------------------------------------------------------------------

  append(streamId: string, events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const expected = options.expectedRevision ?? 'any';
    return this.operation(async () => {
      const prepared = prepareAppend(streamId, events);
      assertValidExpectedRevision(expected);
      return this.inStreamOrder(streamId, () => this.appendChained(streamId, prepared, expected));
    });
  }

  /**
   * Runs the appends to one stream one after the other: concurrent appends from this process would
   * otherwise all chain to the same last event and all but one be refused by the server.
   */
  private inStreamOrder<T>(streamId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.streamQueues.get(streamId) ?? Promise.resolve();
    const run = previous.then(task);
    const settled = run.then(noop, noop);
    this.streamQueues.set(streamId, settled);
    void settled.then(() => {
      if (this.streamQueues.get(streamId) === settled) this.streamQueues.delete(streamId);
    });
    return run;
  }

  private async appendChained(
    streamId: string,
    prepared: PreparedEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const eventIds = prepared.map((event) => event.eventId);
    const elsewhere = eventIds.find((id) => (this.appendedTo.get(id) ?? streamId) !== streamId);
    if (elsewhere) {
      throw new IdempotencyConflictError(
        streamId,
        eventIds,
        `event id ${elsewhere} is stored already in ${this.appendedTo.get(elsewhere)}`,
      );
    }
    const window = Math.max(IDEMPOTENCY_WINDOW, prepared.length);
    for (let attempt = 1; ; attempt += 1) {
      const tail = await this.readTail(streamId, window);
      const replay = detectReplay(streamId, eventIds, tail.map(toRef));
      if (replay) return replay;

      const last = tail[0];
      checkExpectedRevision(streamId, expected, last ? Number(last.revision) : 'no_stream');
      const sealed = sealEvents(
        prepared,
        last ? hashOf(last) : genesisHash(streamId),
        new Date().toISOString(),
      );
      let written: EsdbAppendResult;
      try {
        written = await this.client.appendToStream(streamId, sealed.map(toEsdbEvent), {
          expectedRevision: last ? last.revision : NO_STREAM,
        });
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        // Another process appended since our read. For `any`/`stream_exists` the caller does not mind:
        // chain to the new tail. Otherwise it may have been this very append, retried: look before refusing.
        if ((expected === 'any' || expected === 'stream_exists') && attempt < APPEND_ATTEMPTS) {
          await sleep(Math.random() * Math.min(100, 5 * 2 ** attempt));
          continue;
        }
        const again = detectReplay(streamId, eventIds, (await this.readTail(streamId, window)).map(toRef));
        if (again) return again;
        throw new WrongExpectedRevisionError(streamId, expected, fromCurrentRevision(error.actualVersion));
      }
      this.remember(streamId, eventIds);
      const revision = Number(written.nextExpectedRevision);
      return {
        streamId,
        revision,
        position: await this.positionOfAppend(streamId, written, sealed.length),
        replayed: false,
      };
    }
  }

  /**
   * ESDB reports one position per write, not per event. For one event it is that event's; for a batch it
   * is not documented to be the last event's, so that one is read back to return what reads will show.
   */
  private async positionOfAppend(
    streamId: string,
    written: EsdbAppendResult,
    count: number,
  ): Promise<bigint> {
    const reported = written.position;
    if (count === 1 && reported && reported.commit === reported.prepare) return encodePosition(reported);
    const [last] = await this.readRaw(streamId, { fromRevision: written.nextExpectedRevision, maxCount: 1 });
    if (!last) throw new Error(`${streamId}@${written.nextExpectedRevision} was appended but cannot be read`);
    return positionOf(last);
  }

  private remember(streamId: string, eventIds: string[]): void {
    for (const id of eventIds) this.appendedTo.set(id, streamId);
    for (const oldest of this.appendedTo.keys()) {
      if (this.appendedTo.size <= REMEMBERED_EVENT_IDS) break;
      this.appendedTo.delete(oldest);
    }
  }

  private readTail(streamId: string, count: number): Promise<EsdbRecordedEvent[]> {
    return this.readRaw(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: count });
  }

  // ---- reads ----------------------------------------------------------------------------------------

  readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.operation(async () => {
      const { fromRevision, maxCount } = options;
      if (fromRevision !== undefined && (!Number.isInteger(fromRevision) || fromRevision < 0)) {
        throw new InvalidEventError('fromRevision must be a revision ≥ 0');
      }
      if (maxCount === 0) return [];
      const backwards = options.direction === 'backwards';
      const events = await this.readRaw(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: fromRevision !== undefined ? BigInt(fromRevision) : backwards ? END : START,
        maxCount: maxCount ?? Number.MAX_SAFE_INTEGER,
      });
      return events.map(toRecorded);
    });
  }

  private async readRaw(streamId: string, options: EsdbReadStreamOptions): Promise<EsdbRecordedEvent[]> {
    const events: EsdbRecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, options)) {
        if (resolved.event) events.push(resolved.event);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events;
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.operation(async () => {
      const max = options.maxCount ?? READ_PAGE;
      const events: RecordedEvent[] = [];
      let after = options.after ?? 0n;
      while (events.length < max) {
        const page = await this.readAllPage(after, options.filter ? SCAN_PAGE : max - events.length);
        for (const event of page.events) {
          after = positionOf(event);
          if (!accepts(options.filter, event)) continue;
          events.push(toRecorded(event));
          if (events.length === max) break;
        }
        if (page.atEnd) break;
      }
      return events;
    });
  }

  /**
   * Up to `count` events of $all strictly after `after`, system events included. ESDB reads from a
   * position inclusively, so one more is asked for and the event at `after` itself dropped.
   */
  private async readAllPage(
    after: bigint,
    count: number,
  ): Promise<{ events: EsdbRecordedEvent[]; atEnd: boolean }> {
    const asked = count + 1;
    const events = await this.readAllRaw({
      fromPosition: readPositionAfter(after),
      direction: FORWARDS,
      maxCount: asked,
    });
    return { events: events.filter((event) => positionOf(event) > after), atEnd: events.length < asked };
  }

  private async readAllRaw(options: EsdbReadAllOptions): Promise<EsdbRecordedEvent[]> {
    const events: EsdbRecordedEvent[] = [];
    for await (const resolved of this.client.readAll(options)) {
      if (resolved.event) events.push(resolved.event);
    }
    return events;
  }

  headPosition(): Promise<bigint> {
    return this.operation(() => this.head());
  }

  /** The last non-system event of $all: ESDB keeps writing its own ($stats every 30 s) on an idle log. */
  private async head(): Promise<bigint> {
    let from: typeof END | Position = END;
    let before: bigint | null = null;
    for (;;) {
      const events = await this.readAllRaw({ fromPosition: from, direction: BACKWARDS, maxCount: HEAD_PAGE });
      for (const event of events) {
        const position = positionOf(event);
        if (before !== null && position >= before) continue;
        if (!isSystemEvent(event)) return position;
      }
      if (events.length < HEAD_PAGE) return 0n;
      const oldest = events[events.length - 1];
      before = positionOf(oldest);
      from = decodePosition(before);
    }
  }

  /**
   * How far a subscription that the server just declared caught up at `from` has looked. The server does
   * not say (since 23.10 it sends no checkpoint with `caughtUp`), and a filtered subscription may be far
   * past its last delivered event. Scans from `from` towards the head and stops before the first event the
   * filter accepts: that one is on its way to the subscriber, so no consumer checkpoint may pass it.
   */
  private async scannedUpTo(from: bigint, filter: AllFilter | undefined): Promise<bigint> {
    const head = await this.head();
    let cursor = from;
    let budget = PROBE_BUDGET;
    while (cursor < head && budget > 0) {
      const page = await this.readAllPage(cursor, Math.min(SCAN_PAGE, budget));
      for (const event of page.events) {
        const position = positionOf(event);
        if (position > head || accepts(filter, event)) return cursor;
        cursor = position;
      }
      budget -= page.events.length;
      if (page.atEnd) break;
    }
    return cursor;
  }

  // ---- subscriptions --------------------------------------------------------------------------------

  subscribeToAll(options: SubscribeToAllOptions = {}): EventSubscription {
    const subscription = new CatchUpSubscription(
      {
        open: (after, checkpointReached) =>
          this.client.subscribeToAll({
            fromPosition: readPositionAfter(after),
            filter: subscriptionFilter(options.filter, checkpointReached),
          }),
        scannedUpTo: (from) => this.scannedUpTo(from, options.filter),
        isClosed: () => this.closed,
        forget: (ended) => this.subscriptions.delete(ended),
      },
      options,
    );
    if (!this.closed) this.subscriptions.add(subscription);
    return subscription;
  }

  // ---- stream metadata ------------------------------------------------------------------------------

  /**
   * Our free-form metadata is ESDB's custom stream metadata: the keys that do not start with `$` of the
   * `$metadata` event in `$$<stream>`. The `$` keys ($maxAge, $acl…) are ESDB's and left as they are.
   */
  getStreamMetadata(streamId: string): Promise<StreamMetadataResult | null> {
    return this.operation(async () => {
      checkStreamId(streamId);
      const current = await this.readStreamMetadata(streamId);
      return current && { metadata: customKeys(current.data), revision: current.revision };
    });
  }

  setStreamMetadata(streamId: string, metadata: Record<string, unknown>): Promise<StreamMetadataResult> {
    return this.operation(async () => {
      checkStreamId(streamId);
      if (!isJsonObject(metadata)) throw new InvalidEventError('stream metadata must be a JSON object');
      const custom = JSON.parse(JSON.stringify(metadata)) as Record<string, unknown>;
      const reserved = Object.keys(custom).find((key) => key.startsWith('$'));
      if (reserved)
        throw new InvalidEventError(
          `stream metadata key ${reserved}: keys starting with $ are EventStoreDB's`,
        );
      for (let attempt = 1; ; attempt += 1) {
        const current = await this.readStreamMetadata(streamId);
        const data = { ...reservedKeys(current?.data ?? {}), ...custom };
        try {
          // Client 6.2's setStreamMetadata renames keys such as maxCount into ESDB's $maxCount: write the
          // event ourselves so that a custom key can never become a retention rule.
          const written = await this.client.appendToStream(
            `$$${streamId}`,
            jsonEvent({ type: '$metadata', data }),
            { expectedRevision: current ? BigInt(current.revision) : NO_STREAM },
          );
          return { metadata: custom, revision: Number(written.nextExpectedRevision) };
        } catch (error) {
          if (!(error instanceof WrongExpectedVersionError) || attempt >= APPEND_ATTEMPTS) throw error;
        }
      }
    });
  }

  /** The last `$metadata` event; client 6.2's getStreamMetadata returns a position as its revision. */
  private async readStreamMetadata(
    streamId: string,
  ): Promise<{ data: Record<string, unknown>; revision: number } | null> {
    const [last] = await this.readRaw(`$$${streamId}`, {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: 1,
    });
    if (!last) return null;
    return { data: isJsonObject(last.data) ? last.data : {}, revision: Number(last.revision) };
  }

  // ---- lifecycle ------------------------------------------------------------------------------------

  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    // Accepted appends finish first: their callers are waiting for an answer, and may retry otherwise.
    await Promise.all([...this.inFlight]);
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }
}

function toRef(event: EsdbRecordedEvent): StoredEventRef {
  return { eventId: event.id, revision: Number(event.revision), position: positionOf(event) };
}

function customKeys(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !key.startsWith('$')));
}

function reservedKeys(data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => key.startsWith('$')));
}

// ---- catch-up subscription ------------------------------------------------------------------------

/**
 * What the client tells a subscription besides events. Client 6.2 emits `caughtUp` and `fellBehind` as
 * EventEmitter events and checkpoints through a callback, all while the gRPC message passes through the
 * subscription's Transform: events before it may still sit in the readable buffer. Pushing a signal into
 * that same buffer at that moment puts it exactly where the server put it, between the events.
 */
class SubscriptionSignal {
  constructor(
    readonly kind: 'caught-up' | 'fell-behind' | 'checkpoint',
    readonly position: bigint = 0n,
  ) {}
}

interface SubscriptionSource {
  open(after: bigint, checkpointReached: Filter['checkpointReached']): AllStreamSubscription;
  scannedUpTo(from: bigint): Promise<bigint>;
  isClosed(): boolean;
  forget(subscription: CatchUpSubscription): void;
}

/**
 * One cursor over $all that survives the connection: when the gRPC stream fails (server restart, leader
 * change, network, "consumer too slow"), it resubscribes with backoff from the last position it handled,
 * and drops anything at or before it, so the consumer sees no gap and no duplicate.
 */
class CatchUpSubscription implements EventSubscription {
  private stopped = false;
  private current: AllStreamSubscription | null = null;
  private wake: (() => void) | null = null;
  private readonly cursor: AsyncGenerator<SubscriptionMessage>;

  constructor(
    private readonly source: SubscriptionSource,
    private readonly options: SubscribeToAllOptions,
  ) {
    this.cursor = this.run();
  }

  // One cursor per subscription: iterating it again goes on where it stopped, as the SQLite adapter's does.
  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    return this.cursor;
  }

  close(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.stopped = true;
    this.source.forget(this);
    this.wake?.();
    const current = this.current;
    this.current = null;
    if (current) {
      // Destroying the stream ends a pending iteration at once; unsubscribing cancels the gRPC call.
      current.destroy();
      void current.unsubscribe().catch(noop);
    }
    return Promise.resolve();
  }

  private get ended(): boolean {
    return this.stopped || this.source.isClosed();
  }

  private open(after: bigint): AllStreamSubscription {
    const subscription = this.source.open(after, (reached, position) => {
      reached.push(new SubscriptionSignal('checkpoint', encodePosition(position)));
    });
    subscription.on('caughtUp', () => subscription.push(new SubscriptionSignal('caught-up')));
    subscription.on('fellBehind', () => subscription.push(new SubscriptionSignal('fell-behind')));
    // The client re-emits gRPC errors on the stream: once we stop reading it, nobody else listens, and an
    // unheard 'error' would crash the process. While we read, the iterator still receives them.
    subscription.on('error', noop);
    return subscription;
  }

  private async *run(): AsyncGenerator<SubscriptionMessage> {
    /** Everything at or before it has been delivered or skipped: where to resume, what to drop. */
    let cursor = this.options.after ?? 0n;
    let announced: bigint | null = null;
    let failures = 0;
    try {
      while (!this.ended) {
        const subscription = this.open(cursor);
        this.current = subscription;
        let live = false;
        try {
          const items: AsyncIterable<AllStreamResolvedEvent | SubscriptionSignal> = subscription;
          for await (const item of items) {
            if (this.ended) return;
            failures = 0;
            if (item instanceof SubscriptionSignal) {
              if (item.kind === 'fell-behind') {
                live = false;
                continue;
              }
              if (item.kind === 'checkpoint') {
                if (item.position <= cursor) continue;
                cursor = item.position;
                if (!live) continue;
              } else {
                live = true;
                cursor = await this.source.scannedUpTo(cursor);
                if (this.ended) return;
              }
              if (announced === null || cursor > announced) {
                announced = cursor;
                yield { kind: 'caught-up', position: cursor };
              }
              continue;
            }
            const recorded = item.event;
            if (!recorded) continue;
            const position = positionOf(recorded);
            if (position <= cursor) continue; // delivered before a resubscription, or `after` itself
            cursor = position;
            if (!accepts(this.options.filter, recorded)) continue;
            yield { kind: 'event', event: toRecorded(recorded) };
            if (this.ended) return;
            if (live) {
              announced = cursor;
              yield { kind: 'caught-up', position: cursor };
            }
          }
          // The stream ended without an error and without us: the call was cancelled under it (client
          // disposed, server shutting down). Resubscribe like after an error.
        } catch (error) {
          if (this.ended) return;
          const mapped = toStoreError(error);
          if (!(mapped instanceof StoreUnavailableError)) throw mapped;
        } finally {
          this.current = null;
          void subscription.unsubscribe().catch(noop);
        }
        if (this.ended) return;
        await this.backoff(failures);
        failures += 1;
      }
    } finally {
      this.source.forget(this);
    }
  }

  private backoff(failures: number): Promise<void> {
    const ceiling = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** failures);
    const delay = ceiling / 2 + (Math.random() * ceiling) / 2;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, delay);
      this.wake = done;
    });
  }
}
