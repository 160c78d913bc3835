import type { ReadStreamOptions, RecordedEvent, StreamReader } from '@parcours/event-store';
import { v7 as uuidv7 } from 'uuid';
import type { AnyProjection, ProjectableEvent, Upcaster } from './projection';
import { ReadStore } from './read-store';
import { ProjectionApplier } from './runner';

/**
 * Recorded events built by hand for projection specs, as the store would deliver them: positions and
 * revisions in order, the CPTS from the stream id, a recorded time one second after the previous one
 * (or the one given).
 */
export class EventLog {
  private position = 0n;
  private readonly revisions = new Map<string, number>();
  private clock = Date.UTC(2026, 0, 1);
  readonly events: RecordedEvent[] = [];

  /** `E` types the event: `log.event<PathwayEvent>('pathway-c.p1', 'PathwayOpened', { … })`. */
  event<E extends ProjectableEvent = ProjectableEvent>(
    streamId: string,
    type: E['type'],
    data: Extract<E, { type: typeof type }>['data'],
    options: { eventId?: string; recordedAt?: string; schemaVersion?: number; actorId?: string } = {},
  ): RecordedEvent {
    this.position += 1n;
    const revision = (this.revisions.get(streamId) ?? -1) + 1;
    this.revisions.set(streamId, revision);
    this.clock = options.recordedAt === undefined ? this.clock + 1000 : Date.parse(options.recordedAt);
    const event: RecordedEvent = {
      streamId,
      revision,
      position: this.position,
      type,
      data: data as Record<string, unknown>,
      metadata: {
        eventId: options.eventId ?? uuidv7(),
        cptsId: streamId.replace(/^[a-z]+-/, '').replace(/\..*$/, ''),
        actor: { id: options.actorId ?? 'test', role: 'coordinator' },
        recordedAt: new Date(this.clock).toISOString(),
        correlationId: 'test',
        causationId: 'test',
        source: 'api',
        schemaVersion: options.schemaVersion ?? 1,
        prevHash: '',
        hash: '',
      },
    };
    this.events.push(event);
    return event;
  }
}

/** A stream reader over events in log order, with the event store's options (revisions inclusive). */
export function streamReader(events: readonly RecordedEvent[]): StreamReader {
  return {
    readStream: (streamId: string, options: ReadStreamOptions = {}) => {
      const stream = events.filter((event) => event.streamId === streamId);
      const backwards = options.direction === 'backwards';
      const ordered = backwards ? stream.reverse() : stream;
      const from = options.fromRevision;
      const started =
        from === undefined
          ? ordered
          : ordered.filter((event) => (backwards ? event.revision <= from : event.revision >= from));
      return Promise.resolve(started.slice(0, options.maxCount ?? started.length));
    },
  };
}

/**
 * What `then` reads: the read store where the projections were applied (as the routes read it), and the
 * log's streams as the event store gives them back. An assertion may be async: `then` then returns its
 * promise, to be awaited.
 */
export type ReadAssertion = (readStore: ReadStore, log: StreamReader) => void;
export type AsyncReadAssertion = (readStore: ReadStore, log: StreamReader) => Promise<void>;

/** The engine's core on an in-memory read store, fed by hand: each `apply` one batch, as live. */
export interface ServedProjections {
  readonly readStore: ReadStore;
  /** Each call is one live batch (one transaction), after what came before. */
  apply(...events: RecordedEvent[]): void;
  /** The same events applied again in one rebuild, into another read store: are the rows the same? */
  rebuiltEqualsLive(): boolean;
  /** The status of each projection (a failed one says at which event and why). */
  statuses(): ReturnType<ProjectionApplier['statuses']>;
  close(): void;
}

function upcasting(upcast: Upcaster | undefined, events: readonly RecordedEvent[]): RecordedEvent[] {
  return upcast ? events.map(upcast) : [...events];
}

/** All the events at once, as a rebuild reads them: one batch into fresh generations, then caught up. */
function rebuild(projections: AnyProjection[], events: RecordedEvent[]): ReadStore {
  const readStore = new ReadStore(':memory:');
  const applier = new ProjectionApplier(readStore, projections, {}, true);
  applier.apply(events, events.at(-1)?.position ?? 0n);
  applier.caughtUp();
  return readStore;
}

/**
 * Projections served from an in-memory read store, fed event by event: for specs that interleave events
 * and reads (a figure as known at several times). `given` events are caught up first, as a rebuild would.
 */
export function serveProjections(
  projections: AnyProjection[],
  options: { given?: RecordedEvent[]; upcast?: Upcaster } = {},
): ServedProjections {
  const readStore = new ReadStore(':memory:');
  const applier = new ProjectionApplier(readStore, projections, {}, true);
  const applied = upcasting(options.upcast, options.given ?? []);
  applier.apply(applied, applied.at(-1)?.position ?? 0n);
  applier.caughtUp();
  return {
    readStore,
    apply: (...events) => {
      const batch = upcasting(options.upcast, events);
      applied.push(...batch);
      if (batch.length > 0) applier.apply(batch, batch[batch.length - 1].position);
    },
    rebuiltEqualsLive: () => {
      const rebuilt = rebuild(projections, applied);
      try {
        return projections.every((p) => rebuilt.checksum(p.name) === readStore.checksum(p.name));
      } finally {
        rebuilt.close();
      }
    },
    statuses: () => applier.statuses(applied.at(-1)?.position ?? 0n, true),
    close: () => readStore.close(),
  };
}

/**
 * Given/when/then for read models, after Emmett's `ProjectionSpec`:
 *
 * ```ts
 * projectionSpec(pathwayViewProjection)
 *   .given(opened, referred)          // the log so far, caught up as a rebuild would
 *   .when(accepted)                   // what arrives next, live: each event a batch of its own
 *   .then((read) => expect(new PathwayViewQueries(read).view(CPTS, id)?.pending).toEqual([]));
 * ```
 *
 * The projections run in the engine's core on an in-memory read store. `then` also builds the same read
 * models from every event in one rebuild and checks that both give the same rows (the read models rebuilt
 * equal the ones built live) before the assertion reads them.
 */
export function projectionSpec(...projections: AnyProjection[]) {
  return new ProjectionSpecification(projections, [], []);
}

export class ProjectionSpecification {
  constructor(
    private readonly projections: AnyProjection[],
    private readonly past: RecordedEvent[],
    private readonly next: RecordedEvent[],
    private readonly upcast?: Upcaster,
  ) {}

  /** Stored events of older versions go through this upcaster first, as in the engine. */
  upcastingWith(upcast: Upcaster): ProjectionSpecification {
    return new ProjectionSpecification(this.projections, this.past, this.next, upcast);
  }

  given(...events: RecordedEvent[]): ProjectionSpecification {
    return new ProjectionSpecification(this.projections, [...this.past, ...events], this.next, this.upcast);
  }

  when(...events: RecordedEvent[]): ProjectionSpecification {
    return new ProjectionSpecification(this.projections, this.past, [...this.next, ...events], this.upcast);
  }

  private serve(): ServedProjections {
    const served = serveProjections(this.projections, {
      given: this.past,
      ...(this.upcast ? { upcast: this.upcast } : {}),
    });
    for (const event of this.next) served.apply(event);
    return served;
  }

  /** Applies the log (given caught up, when live), checks rebuilt = live, then runs the assertion. */
  then(assertion: AsyncReadAssertion): Promise<void>;
  then(assertion: ReadAssertion): void;
  then(assertion: ReadAssertion | AsyncReadAssertion): void | Promise<void> {
    const served = this.serve();
    let pending: Promise<void> | undefined;
    try {
      const failed = served.statuses().find((s) => s.state === 'failed');
      if (failed) throw new Error(`${failed.name} failed: ${failed.error?.message ?? ''}`);
      if (!served.rebuiltEqualsLive()) {
        throw new Error('the read models rebuilt from the log differ from the ones built live');
      }
      // The log as a query reads it back: upcast as the engine saw it (a query upcasts only to today's shapes).
      const log = streamReader(upcasting(this.upcast, [...this.past, ...this.next]));
      const result = assertion(served.readStore, log);
      if (result instanceof Promise) pending = result.finally(() => served.close());
      return pending;
    } finally {
      if (pending === undefined) served.close();
    }
  }

  /** The projection named refuses one of the events: it stops there (at that event), with this message. */
  thenFails(projection: string, message: RegExp | string, atEventId?: string): void {
    const served = this.serve();
    try {
      const status = served.statuses().find((s) => s.name === projection);
      if (status?.state !== 'failed') throw new Error(`${projection} did not fail (it is ${status?.state})`);
      const text = status.error?.message ?? '';
      if (typeof message === 'string' ? !text.includes(message) : !message.test(text)) {
        throw new Error(`${projection} failed with "${text}", not ${String(message)}`);
      }
      if (atEventId !== undefined && status.error?.eventId !== atEventId) {
        throw new Error(`${projection} stopped at ${status.error?.eventId}, not ${atEventId}`);
      }
    } finally {
      served.close();
    }
  }
}
