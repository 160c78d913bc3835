import type { EventMetadata, RecordedEvent } from '@parcours/event-store';
import type { Table, TableDefinition, TableDefinitions } from './table';

/** An event as the domain declares it: a stable type name and its data. */
export interface ProjectableEvent {
  readonly type: string;
  readonly data: object;
}

/** A stored event of the union `E`, typed: `data` is the data of its `type`. */
export type ProjectedEvent<E extends ProjectableEvent = ProjectableEvent> = E extends ProjectableEvent
  ? {
      readonly streamId: string;
      readonly revision: number;
      readonly position: bigint;
      readonly type: E['type'];
      readonly data: E['data'];
      readonly metadata: EventMetadata;
    }
  : never;

/**
 * What a projection does with each event of its union: one handler per type, each receiving the event of
 * that type. Every type of the union must have its handler (the compiler says which is missing), and the
 * types read from the store are exactly these.
 */
export type Handlers<E extends ProjectableEvent> = {
  readonly [T in E['type']]: (event: ProjectedEvent<Extract<E, { type: T }>>) => void;
};

/** The tables of a definition, opened on a generation. */
export type Tables<D extends TableDefinitions> = {
  readonly [K in keyof D]: D[K] extends TableDefinition<infer R> ? Table<R> : never;
};

/**
 * A read model: tables of its own in the read store, and the handlers that apply its events to them.
 *
 * Handlers run inside the engine's batch transaction, together with the checkpoint: they write only their
 * own tables, are deterministic (no clock, no randomness: a rebuild gives the same rows), reach rows by key
 * (see `TableDefinition`), and throw to refuse an event — the projection then stops there, alone.
 */
export interface Projection<
  E extends ProjectableEvent = ProjectableEvent,
  D extends TableDefinitions = TableDefinitions,
> {
  readonly name: string;
  /** Bump when the tables or what the handlers write change: the new version is built beside the old one. */
  readonly version: number;
  /**
   * What a rebuild of this read model costs, relative to a small one (1, the default): a rebuild spread
   * over threads gives each thread about the same total. Measured, not guessed (docs/benchmarks.md).
   */
  readonly rebuildCost?: number;
  readonly tables: D;
  /** The handlers, on this generation's tables. */
  open(tables: Tables<D>): Handlers<E>;
}

/**
 * Declares a projection on the event union `E` (`defineProjection<PathwayEvent>()({...})`): the union is
 * given once, the handlers are checked against it.
 */
export function defineProjection<E extends ProjectableEvent>() {
  return <D extends TableDefinitions>(projection: Projection<E, D>): Projection<E, D> => projection;
}

/** Any projection, as the engine holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyProjection = Projection<any, TableDefinitions>;

/** Where stored events of an older `schemaVersion` become the current type (the domain supplies it). */
export type Upcaster = (event: RecordedEvent) => RecordedEvent;

/** `table('pathways')` → the real table name of the generation being written or read. */
export type TableNamer = (table: string) => string;

/**
 * How long events took, live, from their append (recorded time) to their read models' commit: over the last
 * events applied while following the log (not while catching up).
 */
export interface LiveLag {
  samples: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

export type ProjectionState = 'catching-up' | 'running' | 'stalled' | 'failed' | 'stopped';

export interface ProjectionStatus {
  name: string;
  version: number;
  generation: string;
  position: bigint;
  state: ProjectionState;
  /** Events behind the head of the log (SQLite); null where positions are not counts (EventStoreDB). */
  lag: number | null;
  /** `reason`: why the store could not be read, when a stalled projection waits for it. */
  error?: { message: string; reason?: string; eventId?: string; position?: string; at: string };
}
