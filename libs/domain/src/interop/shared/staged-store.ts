import {
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type EventStoreKind,
  type EventSubscription,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type StreamMetadataResult,
  WrongExpectedRevisionError,
} from '@parcours/event-store';
import { v7 as uuidv7 } from 'uuid';

/** What staging leaves to commit on one stream: its events, and the revision the decisions were made on. */
interface StagedStream {
  baseRevision: number | 'no_stream';
  events: NewEvent[];
}

/** One stream's append, as the store acknowledged it. */
export interface CommittedStream {
  streamId: string;
  revision: number;
  position: bigint;
  replayed: boolean;
}

/**
 * An event store in front of the real one that keeps appends to itself: the command handlers of an import
 * run against it exactly as against the real store — same reads, same decisions, same revisions — and
 * what they append is held back until every command of the import has been decided. Only then does
 * `commit` append it, stream by stream, each with the revision its decisions saw.
 *
 * Each stream is read from the real store once, at its first read, and served from that snapshot plus
 * what was staged since, so every decision of the import sees one consistent picture. If another writer
 * changed a stream meanwhile, its commit fails with `WrongExpectedRevisionError` and the import is decided
 * again from the start (the events already committed are found by their ids, which imports derive from
 * what they import, and are not appended twice).
 */
export class StagedEventStore implements EventStore {
  readonly kind: EventStoreKind;
  private readonly snapshots = new Map<string, RecordedEvent[]>();
  private readonly staged = new Map<string, StagedStream>();

  constructor(private readonly base: EventStore) {
    this.kind = base.kind;
  }

  /** Whether anything was staged. */
  get empty(): boolean {
    return this.staged.size === 0;
  }

  /** The streams staged, in the order of their first append. */
  get streams(): string[] {
    return [...this.staged.keys()];
  }

  private async snapshot(streamId: string): Promise<RecordedEvent[]> {
    let events = this.snapshots.get(streamId);
    if (events === undefined) {
      events = await this.base.readStream(streamId);
      this.snapshots.set(streamId, events);
    }
    return events;
  }

  private async merged(streamId: string): Promise<RecordedEvent[]> {
    const stored = await this.snapshot(streamId);
    const staged = this.staged.get(streamId);
    if (!staged) return stored;
    return [
      ...stored,
      ...staged.events.map((event, index) => asRecorded(streamId, event, stored.length + index)),
    ];
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const events = await this.merged(streamId);
    const max = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (options.direction === 'backwards') {
      const from = options.fromRevision ?? Number.MAX_SAFE_INTEGER;
      return events
        .filter((event) => event.revision <= from)
        .reverse()
        .slice(0, max);
    }
    const from = options.fromRevision ?? 0;
    return events.filter((event) => event.revision >= from).slice(0, max);
  }

  async append(streamId: string, events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const current = await this.merged(streamId);
    const revision = current.length === 0 ? 'no_stream' : current.length - 1;
    const known = new Set(current.map((event) => event.metadata.eventId));
    if (
      events.length > 0 &&
      events.every((event) => event.eventId !== undefined && known.has(event.eventId))
    ) {
      const last = current.filter((event) => known.has(event.metadata.eventId)).at(-1)!;
      return { streamId, revision: last.revision, position: last.position, replayed: true };
    }
    const expected = options.expectedRevision ?? 'any';
    const conflict =
      (expected === 'no_stream' && revision !== 'no_stream') ||
      (expected === 'stream_exists' && revision === 'no_stream') ||
      (typeof expected === 'number' && expected !== revision);
    if (conflict) throw new WrongExpectedRevisionError(streamId, expected, revision);
    const stored = await this.snapshot(streamId);
    const staged = this.staged.get(streamId) ?? {
      baseRevision: stored.length === 0 ? 'no_stream' : stored.length - 1,
      events: [],
    };
    staged.events.push(...events.map((event) => ({ ...event, eventId: event.eventId ?? uuidv7() })));
    this.staged.set(streamId, staged);
    const last = current.length + events.length - 1;
    return { streamId, revision: last, position: 0n, replayed: false };
  }

  /**
   * Appends what was staged, one atomic append per stream, each expecting the revision its decisions
   * were made on. Throws `WrongExpectedRevisionError` when another writer got there first.
   */
  async commit(onProgress?: (done: number, total: number) => void): Promise<CommittedStream[]> {
    const committed: CommittedStream[] = [];
    for (const [streamId, { baseRevision, events }] of this.staged) {
      const result = await this.base.append(streamId, events, { expectedRevision: baseRevision });
      committed.push({
        streamId,
        revision: result.revision,
        position: result.position,
        replayed: result.replayed,
      });
      onProgress?.(committed.length, this.staged.size);
    }
    return committed;
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.base.readAll(options);
  }

  headPosition(): Promise<bigint> {
    return this.base.headPosition();
  }

  getStreamMetadata(streamId: string): Promise<StreamMetadataResult | null> {
    return this.base.getStreamMetadata(streamId);
  }

  subscribeToAll(): EventSubscription {
    throw new Error('an import stages its appends: it does not subscribe');
  }

  setStreamMetadata(): Promise<StreamMetadataResult> {
    return Promise.reject(new Error('an import stages its appends: it sets no stream metadata'));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A staged event as the handlers read it back: the envelope as the store will complete it. */
function asRecorded(streamId: string, event: NewEvent, revision: number): RecordedEvent {
  return {
    streamId,
    revision,
    position: 0n,
    type: event.type,
    data: event.data,
    metadata: {
      ...event.metadata,
      schemaVersion: event.metadata.schemaVersion ?? 1,
      eventId: event.eventId!,
      recordedAt: new Date().toISOString(),
      prevHash: '',
      hash: '',
    },
  };
}
