import {
  WrongExpectedRevisionError,
  type Actor,
  type EventSource,
  type EventStore,
  type RecordedEvent,
} from '@parcours/event-store';
import { effectiveEvents, type CorrectionEvent } from './corrections';
import { type Decision, fold, type DomainEvent, type Evolver, type StoredEvent } from './decider';
import { ContentionError, PreconditionFailedError } from './errors';
import { type IdSource } from './ids';
import { schemaVersionOf, upcast } from './upcasting';

/** Who asks, from where, and under which conditions: built once per request by the HTTP layer. */
export interface CommandMeta {
  cptsId: string;
  actor: Actor;
  correlationId: string;
  /** The command's own id: the causation of the events it appends. */
  commandId: string;
  source: EventSource;
  /** From `If-Match`: the revision the client saw; the command fails with 412 if the stream moved on. */
  expectedRevision?: number;
  ids: IdSource;
  now: Date;
}

export interface CommandOutcome {
  /** The id of what the command created, or of the record it changed. */
  id: string;
  streamId: string;
  revision: number;
  position: bigint;
  /** True when this was a retry of an append already stored (same Idempotency-Key). */
  replayed: boolean;
}

export type Revision = number | 'no_stream';

/** The stream a decision is taken on: its state, and its events as stored (corrections included). */
export interface Loaded<S, E extends DomainEvent> {
  state: S;
  revision: Revision;
  history: Array<StoredEvent<E | CorrectionEvent>>;
}

export interface CommandSpec<S, E extends DomainEvent> extends Evolver<S, E> {
  streamId: string;
  /** What to answer as `id`: given, or read from the events decided (the referral's id…). */
  id: string | ((events: Array<E | CorrectionEvent>) => string);
  /** Decision on the loaded stream (async only to load other streams first). Throws a RuleViolation. */
  decide: (
    loaded: Loaded<S, E>,
    decision: Decision,
  ) => Array<E | CorrectionEvent> | Promise<Array<E | CorrectionEvent>>;
}

/** How often a command without If-Match is decided again when someone else changed the stream first. */
const MAX_ATTEMPTS = 10;

/** A stored event as `evolve` sees it (any recorded event: the store's or a projection's). */
export function toStored<E extends DomainEvent>(
  stored: Pick<RecordedEvent, 'streamId' | 'type' | 'revision' | 'metadata'> & { data: object },
): StoredEvent<E> {
  const event = upcast(stored as RecordedEvent);
  return {
    type: event.type,
    data: event.data,
    context: {
      eventId: event.metadata.eventId,
      recordedAt: event.metadata.recordedAt,
      actorId: event.metadata.actor.id,
      revision: event.revision,
    },
  } as unknown as StoredEvent<E>;
}

/** A stream's state: its events as they now stand (corrections applied, voided ones out), folded. */
export function stateOf<S, E extends DomainEvent>(
  evolver: Evolver<S, E>,
  history: ReadonlyArray<StoredEvent<E | CorrectionEvent>>,
): S {
  return fold(evolver, effectiveEvents(history));
}

/** A stream as this process last read it: its events, and its state per evolver. */
interface CachedStream {
  revision: number;
  events: RecordedEvent[];
  history: Array<StoredEvent<DomainEvent | CorrectionEvent>>;
  byId: Map<string, RecordedEvent>;
  /** Per `evolve` function: the state folded up to a revision. */
  states: Map<unknown, { revision: number; state: unknown }>;
}

/** Streams kept per store: a command reads and folds only what was appended since it last read them. */
const CACHED_STREAMS = 10_000;
const streamCaches = new WeakMap<EventStore, Map<string, CachedStream>>();

const isCorrection = (event: { type: string }) =>
  event.type === 'EntryCorrected' || event.type === 'EntryVoided';

/**
 * Reads a stream and folds it; `revision` is 'no_stream' for a stream that does not exist. What this process
 * read of a stream before is kept (the most recently used streams), so that only the events appended since
 * are read and folded: a command costs the same on a pathway of 5 events or of 500. A correction or a
 * voiding among them folds the stream again as it now stands.
 */
export async function load<S, E extends DomainEvent>(
  store: EventStore,
  streamId: string,
  evolver: Evolver<S, E>,
): Promise<Loaded<S, E> & { events: RecordedEvent[]; byId: ReadonlyMap<string, RecordedEvent> }> {
  let cache = streamCaches.get(store);
  if (!cache) {
    cache = new Map();
    streamCaches.set(store, cache);
  }
  let cached = cache.get(streamId);
  const fresh = await store.readStream(
    streamId,
    cached === undefined ? undefined : { fromRevision: cached.revision + 1 },
  );
  if (!cached) {
    cached = { revision: -1, events: [], history: [], byId: new Map(), states: new Map() };
  } else {
    cache.delete(streamId); // most recently used last
  }
  const added = fresh.filter((event) => event.revision > cached.revision);
  for (const event of added) {
    cached.events.push(event);
    cached.history.push(toStored(event));
    cached.byId.set(event.metadata.eventId, event);
  }
  if (added.length > 0) cached.revision = added[added.length - 1].revision;
  const history = cached.history as Array<StoredEvent<E | CorrectionEvent>>;
  const known = cached.states.get(evolver.evolve);
  const since = known === undefined ? history : history.slice(known.revision + 1);
  let state: S;
  if (known === undefined || since.some(isCorrection)) {
    state = stateOf(evolver, history);
  } else {
    state = known.state as S;
    for (const event of since) state = evolver.evolve(state, event as StoredEvent<E>);
  }
  cached.states.set(evolver.evolve, { revision: cached.revision, state });
  if (cached.events.length > 0) {
    cache.set(streamId, cached);
    if (cache.size > CACHED_STREAMS) cache.delete(cache.keys().next().value!);
  }
  return {
    state,
    revision: cached.events.length === 0 ? 'no_stream' : cached.revision,
    history: [...history],
    events: [...cached.events],
    byId: cached.byId,
  };
}

/** The decision's context: ids asked twice for one purpose are the same within the command. */
export function decisionOf(meta: CommandMeta): Decision {
  const ids = new Map<string, string>();
  return {
    now: meta.now,
    actor: { id: meta.actor.id, role: meta.actor.role },
    newId: (purpose) => {
      let id = ids.get(purpose);
      if (id === undefined) {
        id = meta.ids.newId(purpose);
        ids.set(purpose, id);
      }
      return id;
    },
  };
}

/**
 * Load → decide → append with the revision the decision was made on. The append is the commit: if
 * someone else appended first, the store refuses, and the command is decided again on the new state
 * (never a lost update) — unless the client said which revision it saw (If-Match), then it is a 412.
 */
export function runCommand<S, E extends DomainEvent>(
  store: EventStore,
  meta: CommandMeta,
  spec: CommandSpec<S, E>,
): Promise<CommandOutcome> {
  return withStreamLock(spec.streamId, () => decideAndAppend(store, meta, spec));
}

/**
 * Commands on one stream in this process take turns, so they do not race each other to a conflict; a
 * conflict can then only come from another process (another replica, the CLI), and is retried.
 */
const streamLocks = new Map<string, Promise<unknown>>();

async function withStreamLock<T>(streamId: string, work: () => Promise<T>): Promise<T> {
  const previous = streamLocks.get(streamId) ?? Promise.resolve();
  const current = previous.then(work, work);
  const settled = current.then(
    () => undefined,
    () => undefined,
  );
  streamLocks.set(streamId, settled);
  try {
    return await current;
  } finally {
    if (streamLocks.get(streamId) === settled) streamLocks.delete(streamId);
  }
}

async function decideAndAppend<S, E extends DomainEvent>(
  store: EventStore,
  meta: CommandMeta,
  spec: CommandSpec<S, E>,
): Promise<CommandOutcome> {
  const decision = decisionOf(meta);
  for (let attempt = 1; ; attempt += 1) {
    const loaded = await load(store, spec.streamId, spec);
    const { revision, events, byId } = loaded;

    const replay = meta.ids.deterministic ? findReplay(byId, meta.ids) : null;
    if (replay) {
      const replayedEvents = events
        .filter((event) => replay.eventIds.has(event.metadata.eventId))
        .map((event) => ({ type: event.type, data: event.data }) as unknown as E);
      const id = typeof spec.id === 'string' ? spec.id : spec.id(replayedEvents);
      return { id, streamId: spec.streamId, ...replay.at, replayed: true };
    }

    if (meta.expectedRevision !== undefined && meta.expectedRevision !== revision) {
      throw new PreconditionFailedError(meta.expectedRevision, revision);
    }
    const decided = await spec.decide(loaded, decision);
    try {
      const result = await store.append(
        spec.streamId,
        decided.map((event, index) => ({
          eventId: meta.ids.eventId(index),
          type: event.type,
          data: event.data as Record<string, unknown>,
          metadata: {
            cptsId: meta.cptsId,
            actor: meta.actor,
            correlationId: meta.correlationId,
            causationId: meta.commandId,
            source: meta.source,
            schemaVersion: schemaVersionOf(event.type),
          },
        })),
        { expectedRevision: revision },
      );
      return {
        id: typeof spec.id === 'string' ? spec.id : spec.id(decided),
        streamId: spec.streamId,
        revision: result.revision,
        position: result.position,
        replayed: result.replayed,
      };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      if (meta.expectedRevision !== undefined)
        throw new PreconditionFailedError(meta.expectedRevision, error.actual);
      if (attempt >= MAX_ATTEMPTS) throw new ContentionError(spec.streamId);
    }
  }
}

/** The events this very command appended before (same derived ids), if any: the original result. */
function findReplay(
  byId: ReadonlyMap<string, RecordedEvent>,
  ids: IdSource,
): { at: { revision: number; position: bigint }; eventIds: Set<string> } | null {
  let last: RecordedEvent | undefined;
  const eventIds = new Set<string>();
  for (let index = 0; ; index += 1) {
    const event = byId.get(ids.eventId(index));
    if (!event) break;
    last = event;
    eventIds.add(event.metadata.eventId);
  }
  return last ? { at: { revision: last.revision, position: last.position }, eventIds } : null;
}
