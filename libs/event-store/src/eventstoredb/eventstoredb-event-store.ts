import {
  AccessDeniedError,
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
  type AppendExpectedRevision,
  type CurrentRevision,
  type Filter,
  type Position,
  type ReadAllOptions as EsdbReadAllOptions,
  type ReadStreamOptions as EsdbReadStreamOptions,
  type RecordedEvent as EsdbRecordedEvent,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import { checkStreamId, prepareAppend, sealEvents, type PreparedEvent, type SealedEvent } from '../envelope';
import {
  EventStoreError,
  IdempotencyConflictError,
  InvalidEventError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
  type StoreUnavailableReason,
} from '../errors';
import type {
  AllFilter,
  AppendOptions,
  AppendResult,
  EventData,
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
 * How many of a stream's last events an append with `any` or `stream_exists` reads to recognise a retry
 * of itself. Appends with an exact revision or `no_stream` (every command's) look right after the
 * revision they expected instead, as the server does, and recognise a retry however late it comes.
 */
const IDEMPOTENCY_WINDOW = 100;
/**
 * How many event ids this process remembers with the stream it appended them to, to refuse their reuse in
 * another stream. Only a best effort: a reuse by another process, or of an older id, is not seen.
 */
const REMEMBERED_EVENT_IDS = 10_000;
/** How many foreign events (no Parcours envelope) are remembered, so that each is counted once. */
const REMEMBERED_FOREIGN_EVENTS = 10_000;
/** Default page of `readAll`, as in the SQLite adapter. */
const READ_PAGE = 1000;
/** Page used by the caught-up probe. */
const SCAN_PAGE = 500;
/** How far back from the head `headPosition` looks at a time past system events ($stats, $metadata…). */
const HEAD_PAGE = 100;
/** How many events the caught-up probe may scan before settling for a more modest position. */
const PROBE_BUDGET = 2000;
/** Read-seal-append attempts for `any` and `stream_exists` when another process wrote in between. */
const APPEND_ATTEMPTS = 20;
/** Default deadline of every call to the server, as the client's own default. */
const DEFAULT_DEADLINE_MS = 10_000;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5000;
/**
 * Consecutive failed resubscriptions after which a subscription gives up and throws: a blip (a dropped
 * connection, an election) is absorbed, a lasting outage is reported to the consumer, which retries.
 */
const RESUBSCRIBE_ATTEMPTS = 4;

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
 * The same predicate as the server-side filter, applied again by the adapter: .NET's `$` also matches
 * before a final newline, and system events are never ours.
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

const unavailable = (reason: StoreUnavailableReason, message: string, cause?: unknown) =>
  new StoreUnavailableError(`EventStoreDB ${message}`, { reason, cause });

/**
 * Maps what the client throws to the port's errors. Whatever means "not now" becomes a
 * `StoreUnavailableError` with its reason, so that commands fail fast with a 503 and `Retry-After` (the
 * caller may send the same event ids again, safely), and projections report themselves stalled:
 * - access denied (our credentials or their rights: anonymous access is off on a secure server since
 *   23.6, and reading $all needs `$admins` by default);
 * - not leader (an election, or we were on a follower; the client moves to the leader it was told of);
 * - not ready or too busy: Unavailable on unary calls, but batch append (servers ≥ 21.10) turns them into
 *   a status the client 6.2.1 reports as `UnknownError("Could not recognize Server Is Not Ready")`;
 * - deadline exceeded, server-side timeout or cancellation, unavailable, failed cluster discovery.
 */
export function toStoreError(error: unknown): Error {
  if (error instanceof EventStoreError) return error;
  if (!(error instanceof Error)) return new Error(String(error));
  const converted = convertToCommandError(error);
  const text = converted.message;
  if (converted instanceof AccessDeniedError) {
    return unavailable(
      'access-denied',
      `refused access (check EVENTSTORE credentials and ACLs): ${text}`,
      converted,
    );
  }
  if (converted instanceof NotLeaderError || /No leader info available/.test(text)) {
    return unavailable('not-leader', `node is not the leader: ${text}`, converted);
  }
  if (/Server Is (Not Ready|Too Busy|Busy)/i.test(text)) {
    return unavailable('not-ready', `node is not ready: ${text}`, converted);
  }
  if (converted instanceof DeadlineExceededError) {
    return unavailable('deadline-exceeded', `did not answer in time: ${text}`, converted);
  }
  if (
    converted instanceof UnavailableError ||
    converted instanceof TimeoutError ||
    converted instanceof CancelledError ||
    /^Failed to discover after \d+ attempts/.test(text)
  ) {
    return unavailable('unavailable', `unavailable: ${text}`, converted);
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

/** Event ids compare as UUIDs: the server gives them back lower-cased, whatever case they were sent in. */
const sameId = (id: string): string => id.toLowerCase();

/**
 * The original result when every event id of the batch is among `stored`, contiguous and in order; null
 * when none is. Some but not all, or out of order, is not a retry of the same append.
 */
export function detectReplay(
  streamId: string,
  eventIds: string[],
  stored: StoredEventRef[],
): AppendResult | null {
  const byId = new Map(stored.map((event) => [sameId(event.eventId), event]));
  const found = eventIds.map((id) => byId.get(sameId(id))).filter((event) => event !== undefined);
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

/**
 * A Parcours event has JSON data and the envelope in its metadata (at least the fields the hash chain and
 * the tenant need). Anything else in $all was written by another application on a shared server.
 */
function isParcoursEvent(event: EsdbRecordedEvent): boolean {
  if (!event.isJson || !isJsonObject(event.data) || !isJsonObject(event.metadata)) return false;
  const { eventId, cptsId, hash, prevHash, recordedAt } = event.metadata;
  return [eventId, cptsId, hash, prevHash, recordedAt].every((field) => typeof field === 'string');
}

function toRecorded(event: EsdbRecordedEvent): RecordedEvent {
  if (!isParcoursEvent(event)) {
    throw new Error(
      `EventStoreDB event ${event.id} in ${event.streamId}@${event.revision} is not a Parcours event (JSON data and envelope expected)`,
    );
  }
  return {
    streamId: event.streamId,
    revision: Number(event.revision),
    position: positionOf(event),
    type: event.type,
    data: event.data as RecordedEvent['data'],
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
    data: JSON.parse(event.dataJson) as EventData,
    metadata: event.metadata,
  });
}

const noop = (): void => undefined;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- configuration ----------------------------------------------------------------------------------

export interface EventStoreDbOptions {
  /** The client's connection string: `esdb://[user:password@]host:2113[,…]?tls=true&tlsCAFile=…`. */
  connectionString: string;
  /**
   * Credentials kept apart from the connection string (e.g. a secret mounted by the platform); they
   * replace any user in the string.
   */
  username?: string;
  password?: string;
  /**
   * The deadline of every call to the server, in ms; the connection string's `defaultDeadline` when not
   * given, else 10 s. Client 6.2.1 gives reads no deadline at all, so the adapter enforces it itself.
   */
  deadlineMs?: number;
}

/** The connection string with the separate credentials put in (percent-encoded, as the client decodes). */
export function withCredentials(connectionString: string, username?: string, password?: string): string {
  if (username === undefined || username === '') return connectionString;
  const match = /^(esdb(?:\+discover)?:\/\/)(?:[^@/?]*@)?(.*)$/.exec(connectionString);
  if (!match) throw new Error('EVENTSTORE_CONNECTION_STRING must be an esdb:// or esdb+discover:// URL');
  return `${match[1]}${encodeURIComponent(username)}:${encodeURIComponent(password ?? '')}@${match[2]}`;
}

function deadlineIn(connectionString: string): number | undefined {
  const match = /[?&]defaultDeadline=(\d+)/i.exec(connectionString);
  return match ? Number(match[1]) : undefined;
}

/** Counts what a shared server holds besides Parcours' own events. */
export interface ForeignEventsReport {
  /** Events without a Parcours envelope that reads and subscriptions skipped, each counted once. */
  skipped: number;
  /** The last one (its $all position and event id; never its content). */
  last?: { eventId: string; position: string };
}

// ---- the adapter ----------------------------------------------------------------------------------

/**
 * The production store: EventStoreDB (or KurrentDB) through `@eventstore/db-client` 6.2, gRPC.
 *
 * - Appends read what they chain to and check the expected revision and idempotency there, seal the
 *   events (hash chain and recorded time, computed here: ESDB knows nothing of them) and append with the
 *   EXACT revision they chained to, so that a concurrent writer makes ESDB refuse rather than fork the
 *   chain. Appends to one stream from this process are queued; a refusal caused by another process is
 *   retried (for `any`/`stream_exists`) or reported as the port's conflict.
 * - Every call has a deadline and every read requires the leader, so a read sees the latest write.
 * - Positions are $all's (commit, prepare) packed into one bigint (`encodePosition`).
 * - Requires a server ≥ 23.10: stream reads carry $all positions (22.6) and subscriptions say when they
 *   are caught up (23.10).
 */
export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb' as const;
  private readonly client: EventStoreDBClient;
  private readonly deadlineMs: number;
  private closing: Promise<void> | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly streamQueues = new Map<string, Promise<void>>();
  private readonly subscriptions = new Set<CatchUpSubscription>();
  /** Event id (lower-case) → stream, for the ids this process appended last (insertion order). */
  private readonly appendedTo = new Map<string, string>();
  /** $all positions of the foreign events met, to count each once. */
  private readonly foreignSeen = new Set<bigint>();
  private foreignSkipped = 0;
  private lastForeign: ForeignEventsReport['last'];

  /**
   * From a connection string, options with separate credentials and a deadline, or a client this store
   * then owns and disposes.
   */
  constructor(
    connection: string | EventStoreDbOptions | EventStoreDBClient,
    options: { deadlineMs?: number } = {},
  ) {
    if (connection instanceof EventStoreDBClient) {
      this.client = connection;
      this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
      return;
    }
    const settings = typeof connection === 'string' ? { connectionString: connection } : connection;
    const url = withCredentials(settings.connectionString, settings.username, settings.password);
    this.client = EventStoreDBClient.connectionString(url);
    this.deadlineMs =
      settings.deadlineMs ??
      options.deadlineMs ??
      deadlineIn(settings.connectionString) ??
      DEFAULT_DEADLINE_MS;
  }

  private get closed(): boolean {
    return this.closing !== null;
  }

  /** Foreign events met in $all so far (for `/health`). */
  get foreignEvents(): ForeignEventsReport {
    return { skipped: this.foreignSkipped, ...(this.lastForeign ? { last: this.lastForeign } : {}) };
  }

  /** Whether an event of $all is Parcours'; counts it once when it is not. */
  private isOurs(event: EsdbRecordedEvent): boolean {
    if (isParcoursEvent(event)) return true;
    const position = positionOf(event);
    if (!this.foreignSeen.has(position)) {
      this.foreignSeen.add(position);
      if (this.foreignSeen.size > REMEMBERED_FOREIGN_EVENTS) {
        this.foreignSeen.delete(this.foreignSeen.values().next().value!);
      }
      this.foreignSkipped += 1;
      this.lastForeign = { eventId: event.id, position: position.toString() };
    }
    return false;
  }

  /**
   * Every public call: refused once closed, awaited by `close()`, its errors mapped to the port's. A
   * NotLeader answer is tried once more at once: the client has just moved to the leader it was told of.
   */
  private operation<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    const attempt = () =>
      work().catch((error: unknown) => {
        throw toStoreError(error);
      });
    const result = attempt().catch((error: unknown) => {
      if (error instanceof StoreUnavailableError && error.reason === 'not-leader' && !this.closed)
        return attempt();
      throw error;
    });
    const settled = result.then(noop, noop);
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
    return result;
  }

  /**
   * Races a call against the deadline; past it, `cancel` stops the call (client 6.2.1 sets no deadline on
   * reads, and a batch append waits for its answer for ever) and the caller gets a 503.
   */
  private withDeadline<T>(work: Promise<T>, what: string, cancel: () => void = noop): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        cancel();
        reject(unavailable('deadline-exceeded', `did not answer ${what} within ${this.deadlineMs} ms`));
      }, this.deadlineMs);
    });
    work.catch(noop); // once the deadline has won, a late failure of the call is of no interest
    return Promise.race([work, expired]).finally(() => clearTimeout(timer));
  }

  /** Reads a whole (bounded) read, under the deadline. */
  private collect(
    read: StreamingRead<ResolvedEvent | AllStreamResolvedEvent>,
    what: string,
  ): Promise<EsdbRecordedEvent[]> {
    const drain = (async () => {
      const events: EsdbRecordedEvent[] = [];
      for await (const resolved of read as AsyncIterable<ResolvedEvent>) {
        if (resolved.event) events.push(resolved.event);
      }
      return events;
    })();
    return this.withDeadline(drain, what, () => {
      void read.cancel().catch(noop);
      read.destroy();
    });
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
    const elsewhere = eventIds.find((id) => (this.appendedTo.get(sameId(id)) ?? streamId) !== streamId);
    if (elsewhere) {
      throw new IdempotencyConflictError(
        streamId,
        eventIds,
        `event id ${elsewhere} is stored already in ${this.appendedTo.get(sameId(elsewhere))}`,
      );
    }
    for (let attempt = 1; ; attempt += 1) {
      const { last, replay } = await this.chainPoint(streamId, eventIds, expected);
      if (replay) return replay;
      const sealed = sealEvents(
        prepared,
        last ? hashOf(last) : genesisHash(streamId),
        new Date().toISOString(),
      );
      const revision: AppendExpectedRevision = last ? last.revision : NO_STREAM;
      let written: EsdbAppendResult;
      try {
        written = await this.withDeadline(
          this.client.appendToStream(streamId, sealed.map(toEsdbEvent), {
            expectedRevision: revision,
            requiresLeader: true,
            deadline: this.deadlineMs,
          }),
          `an append to ${streamId}`,
        );
      } catch (error) {
        if (!(error instanceof WrongExpectedVersionError)) throw error;
        // Another process appended since our read. For `any`/`stream_exists` the caller does not mind:
        // chain to the new tail. Otherwise it may have been this very append, retried: look before refusing.
        if ((expected === 'any' || expected === 'stream_exists') && attempt < APPEND_ATTEMPTS) {
          await sleep(Math.random() * Math.min(100, 5 * 2 ** attempt));
          continue;
        }
        const again = await this.chainPoint(streamId, eventIds, expected).catch((recheck: unknown) => {
          if (recheck instanceof WrongExpectedRevisionError) return null;
          throw recheck;
        });
        if (again?.replay) return again.replay;
        throw new WrongExpectedRevisionError(streamId, expected, fromCurrentRevision(error.actualVersion));
      }
      this.remember(streamId, eventIds);
      return {
        streamId,
        revision: Number(written.nextExpectedRevision),
        position: await this.positionOfAppend(streamId, written),
        replayed: false,
      };
    }
  }

  /**
   * The event an append chains to (null: the stream is new) or, when the batch is there already, the
   * original result. With an exact revision or `no_stream`, as the server's own check does, it reads
   * from the expected revision on: that event, then what follows is either this very batch (a retry,
   * however long ago) or someone else's (a conflict). With `any`/`stream_exists`, the stream's tail.
   */
  private async chainPoint(
    streamId: string,
    eventIds: string[],
    expected: ExpectedRevision,
  ): Promise<{ last: EsdbRecordedEvent | null; replay: AppendResult | null }> {
    if (typeof expected === 'number' || expected === 'no_stream') {
      const from = expected === 'no_stream' ? 0 : expected;
      const read = await this.readRaw(streamId, {
        direction: FORWARDS,
        fromRevision: BigInt(from),
        maxCount: eventIds.length + 1,
      });
      const base =
        expected === 'no_stream' ? null : (read.find((event) => Number(event.revision) === from) ?? null);
      const after = read.filter((event) => Number(event.revision) > (expected === 'no_stream' ? -1 : from));
      if (after.length > 0) {
        const replay = detectReplay(streamId, eventIds, after.map(toRef));
        if (replay) return { last: base, replay };
      }
      if ((expected === 'no_stream' || base) && after.length === 0) return { last: base, replay: null };
      const [tail] = await this.readTail(streamId, 1);
      throw new WrongExpectedRevisionError(streamId, expected, tail ? Number(tail.revision) : 'no_stream');
    }
    const window = Math.max(IDEMPOTENCY_WINDOW, eventIds.length);
    const tail = await this.readTail(streamId, window);
    const replay = detectReplay(streamId, eventIds, tail.map(toRef));
    if (replay) return { last: tail[0] ?? null, replay };
    const last = tail[0] ?? null;
    checkExpectedRevision(streamId, expected, last ? Number(last.revision) : 'no_stream');
    return { last, replay: null };
  }

  /**
   * The server answers an append with the position of its last event (the commit of the last record it
   * wrote), which is what reads show; only a server that gives none makes us read it back.
   */
  private async positionOfAppend(streamId: string, written: EsdbAppendResult): Promise<bigint> {
    const reported = written.position;
    if (reported && reported.commit !== NO_POSITION) return encodePosition(reported);
    const [last] = await this.readRaw(streamId, { fromRevision: written.nextExpectedRevision, maxCount: 1 });
    if (!last) throw new Error(`${streamId}@${written.nextExpectedRevision} was appended but cannot be read`);
    return positionOf(last);
  }

  private remember(streamId: string, eventIds: string[]): void {
    for (const id of eventIds) this.appendedTo.set(sameId(id), streamId);
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
      // A Parcours stream holds Parcours events only: anything else there is an integrity problem, named.
      return events.map(toRecorded);
    });
  }

  /** A stream read from the leader (a follower may lag behind the last write), under the deadline. */
  private async readRaw(streamId: string, options: EsdbReadStreamOptions): Promise<EsdbRecordedEvent[]> {
    try {
      return await this.collect(
        this.client.readStream(streamId, { ...options, requiresLeader: true }),
        `a read of ${streamId}`,
      );
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.operation(async () => {
      const max = options.maxCount ?? READ_PAGE;
      if (options.filter) return this.readAllFiltered(options.after ?? 0n, max, options.filter);
      const events: RecordedEvent[] = [];
      let after = options.after ?? 0n;
      while (events.length < max) {
        const page = await this.readAllPage(after, max - events.length);
        for (const event of page.events) {
          after = positionOf(event);
          if (!accepts(undefined, event) || !this.isOurs(event)) continue;
          events.push(toRecorded(event));
          if (events.length === max) break;
        }
        if (page.atEnd) break;
      }
      return events;
    });
  }

  /**
   * A filtered page of $all, filtered by the server: client 6.2.1's `readAll` cannot send a filter, so
   * the page is read through a filtered subscription from `after`, ended once it has `max` events or the
   * server says it has caught up.
   */
  private readAllFiltered(after: bigint, max: number, filter: AllFilter): Promise<RecordedEvent[]> {
    const subscription = this.client.subscribeToAll({
      fromPosition: readPositionAfter(after),
      filter: subscriptionFilter(filter, noop),
      requiresLeader: true,
    });
    const caughtUp = Symbol('caught-up');
    subscription.on('caughtUp', () => subscription.push(caughtUp));
    subscription.on('error', noop);
    const drain = (async () => {
      const events: RecordedEvent[] = [];
      try {
        for await (const item of subscription as AsyncIterable<AllStreamResolvedEvent | typeof caughtUp>) {
          if (item === caughtUp) break;
          const recorded = item.event;
          if (!recorded || positionOf(recorded) <= after) continue;
          if (!accepts(filter, recorded) || !this.isOurs(recorded)) continue;
          events.push(toRecorded(recorded));
          if (events.length === max) break;
        }
      } finally {
        subscription.destroy();
        void subscription.unsubscribe().catch(noop);
      }
      return events;
    })();
    return this.withDeadline(drain, 'a filtered read of $all', () => subscription.destroy());
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

  private readAllRaw(options: EsdbReadAllOptions): Promise<EsdbRecordedEvent[]> {
    return this.collect(this.client.readAll({ ...options, requiresLeader: true }), 'a read of $all');
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
   * How far a subscription that the server just declared caught up at `from` has looked. The server's
   * last checkpoint is only where it last stopped to count (every 32 events considered, or its last
   * event), and a filtered subscription may be far past its last delivered event. Scans from `from`
   * towards the head and stops before the first event the filter accepts: that one is on its way to the
   * subscriber, so no consumer checkpoint may pass it.
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
        // Subscriptions may follow a follower: they never decide on what they read.
        open: (after, checkpointReached) =>
          this.client.subscribeToAll({
            fromPosition: readPositionAfter(after),
            filter: subscriptionFilter(options.filter, checkpointReached),
          }),
        scannedUpTo: (from) => this.operation(() => this.scannedUpTo(from, options.filter)),
        isOurs: (event) => this.isOurs(event),
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
          const written = await this.withDeadline(
            this.client.appendToStream(`$$${streamId}`, jsonEvent({ type: '$metadata', data }), {
              expectedRevision: current ? BigInt(current.revision) : NO_STREAM,
              requiresLeader: true,
              deadline: this.deadlineMs,
            }),
            `a metadata write for ${streamId}`,
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
    // Accepted appends finish first (each within its deadline): their callers are waiting for an answer.
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
  isOurs(event: EsdbRecordedEvent): boolean;
  isClosed(): boolean;
  forget(subscription: CatchUpSubscription): void;
}

/**
 * One cursor over $all that survives the connection: when the gRPC stream fails (server restart, leader
 * change, network, "consumer too slow"), it resubscribes with backoff from the last position it handled,
 * and drops anything at or before it, so the consumer sees no gap and no duplicate. An outage that lasts
 * (several failed resubscriptions in a row), or access denied, ends the iteration with the
 * `StoreUnavailableError`, so that the consumer can say it is stalled and why, and subscribe again.
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
      // 24.10 sends a checkpoint at "no position" (2^64-1) when it goes live having considered nothing.
      if (position.commit === NO_POSITION) return;
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
            // Foreign events (another application's, on a shared server) are skipped and counted.
            if (!accepts(this.options.filter, recorded) || !this.source.isOurs(recorded)) continue;
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
          if (mapped.reason === 'access-denied' || failures + 1 >= RESUBSCRIBE_ATTEMPTS) throw mapped;
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
