/**
 * The event-store port: what every part of Parcours may ask of an event store.
 *
 * Semantics follow EventStoreDB's (per-stream revisions from 0, expected revision, event-id idempotency,
 * one global ordered log) so that the embedded SQLite adapter and the EventStoreDB adapter are
 * interchangeable. Both adapters pass the contract suite in `test/event-store.contract.ts`.
 */

/** Roles of `api.md`; `system` is for jobs (`{ id: "system:<job>" }`). */
export type ActorRole = 'platform-admin' | 'coordinator' | 'professional' | 'auditor' | 'analyst' | 'system';

export interface Actor {
  id: string;
  role: ActorRole;
}

/** Where an event came from (`events.md`, envelope). `import:<format>` names the import format. */
export type EventSource = 'ui' | 'api' | 'cli' | 'fhir' | 'demo' | `import:${string}`;

/** The part of the envelope the caller supplies. */
export interface EventMetadataInput {
  cptsId: string;
  actor: Actor;
  /** The request id that started the chain. */
  correlationId: string;
  /** The event or command that caused this one. */
  causationId: string;
  source: EventSource;
  /** Integer per event type; defaults to 1. Older versions are upcast on read by the domain. */
  schemaVersion?: number;
}

/** The full envelope as stored: the input plus what the store assigns. */
export interface EventMetadata extends Required<EventMetadataInput> {
  /** UUID; the idempotency key of the append. */
  eventId: string;
  /** When the store accepted the event (server clock), ISO 8601 UTC. */
  recordedAt: string;
  /** Hash of the previous event of the stream, or of the stream id for the first one. */
  prevHash: string;
  /** sha256(prevHash ‖ canonical JSON of { type, data, metadata without hash }). */
  hash: string;
}

export type EventData = Record<string, unknown>;

export interface NewEvent<D extends EventData = EventData> {
  /** Give a stable id to make the append safely retryable; a UUIDv7 is generated otherwise. */
  eventId?: string;
  type: string;
  data: D;
  metadata: EventMetadataInput;
}

export interface RecordedEvent<D extends EventData = EventData> {
  streamId: string;
  /** 0-based position of the event in its stream. */
  revision: number;
  /**
   * Position in the global log: strictly increasing in commit order. SQLite: a dense counter from 1.
   * EventStoreDB: the $all (commit, prepare) pair packed as `commit << 64 | prepare`, which keeps the order.
   */
  position: bigint;
  type: string;
  data: D;
  metadata: EventMetadata;
}

/**
 * - `any`: no check.
 * - `no_stream`: the stream must not exist yet (creating commands).
 * - `stream_exists`: the stream must have at least one event.
 * - a number: the revision of the stream's last event must be exactly this.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
}

export interface AppendResult {
  streamId: string;
  /** Revision of the last event appended (the next expected revision). */
  revision: number;
  /** Global position of the last event appended. */
  position: bigint;
  /** True when every event id was already stored: nothing was appended, the original result is returned. */
  replayed: boolean;
}

export interface ReadStreamOptions {
  /** Inclusive; defaults to the first event (forwards) or the last (backwards). */
  fromRevision?: number;
  direction?: 'forwards' | 'backwards';
  maxCount?: number;
}

/** Filters applied by the store (server-side on EventStoreDB). One kind at a time, as EventStoreDB allows. */
export type AllFilter = { streamPrefixes: string[] } | { eventTypes: string[] };

export interface ReadAllOptions {
  /** Exclusive: only events after this position. Omit to start at the beginning of the log. */
  after?: bigint;
  maxCount?: number;
  filter?: AllFilter;
}

export interface SubscribeToAllOptions {
  /** Exclusive, as for `readAll`: typically a projection's checkpoint. */
  after?: bigint;
  filter?: AllFilter;
}

/**
 * What a subscription yields: events in log order, and `caught-up` each time it has delivered everything
 * the store had when it looked. `position` in `caught-up` is how far the subscription has looked, which
 * may be past its last delivered event when a filter skipped others: a consumer may checkpoint there.
 */
export type SubscriptionMessage =
  { kind: 'event'; event: RecordedEvent } | { kind: 'caught-up'; position: bigint };

export interface EventSubscription extends AsyncIterable<SubscriptionMessage> {
  /** Stops the subscription; a pending iteration ends. Idempotent. */
  close(): Promise<void>;
}

export interface StreamMetadataResult {
  metadata: Record<string, unknown>;
  /** Revision of the metadata itself (how many times it was set, from 0). */
  revision: number;
}

export type EventStoreKind = 'sqlite' | 'eventstoredb';

export interface EventStore {
  readonly kind: EventStoreKind;

  /** Appends atomically: all the events or none. Throws `WrongExpectedRevisionError` on a conflict. */
  append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult>;

  /** The stream's events; `[]` for a stream that does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /** One page of the global log, in order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;

  /** Position of the last event in the log (0n when empty). */
  headPosition(): Promise<bigint>;

  /** Catch-up subscription that switches to live delivery without gaps or duplicates. */
  subscribeToAll(options?: SubscribeToAllOptions): EventSubscription;

  getStreamMetadata(streamId: string): Promise<StreamMetadataResult | null>;
  setStreamMetadata(streamId: string, metadata: Record<string, unknown>): Promise<StreamMetadataResult>;

  /** Finishes in-flight appends, ends subscriptions, releases the store. Further calls fail. */
  close(): Promise<void>;
}

/** What a query reads of the store to shape a view at read time: streams. */
export type StreamReader = Pick<EventStore, 'readStream'>;

/** Nest injection token for the configured adapter. */
export const EVENT_STORE = Symbol('EVENT_STORE');
