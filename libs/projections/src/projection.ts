import type Database from 'better-sqlite3';
import type { AllFilter, RecordedEvent } from '@parcours/event-store';

/**
 * A read model: tables of its own in the read store, and a handler that applies events to them.
 *
 * `apply` runs inside the runner's transaction, together with the checkpoint: it must only write its own
 * tables (named through `table()`), must be deterministic (no clock, no randomness: a rebuild must give
 * the same rows), and throws to refuse an event it cannot apply — the projection then stops there.
 */
export interface Projection {
  readonly name: string;
  /** Bump when the tables or the meaning of `apply` change: the new version is rebuilt beside the old one. */
  readonly version: number;
  /** Only these events are read (server-side on EventStoreDB). */
  readonly filter?: AllFilter;
  /** Creates this generation's tables (if absent) and prepares the handler. */
  open(db: Database.Database, table: TableNamer): ProjectionHandler;
}

export interface ProjectionHandler {
  apply(event: RecordedEvent): void;
}

/** `table('pathways')` → the real table name of the generation being written or read. */
export type TableNamer = (table: string) => string;

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
