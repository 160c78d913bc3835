import { dirname } from 'node:path';
import {
  StoreUnavailableError,
  storageUnavailable,
  type EventStore,
  type EventSubscription,
  type RecordedEvent,
} from '@parcours/event-store';
import type {
  AnyProjection,
  LiveLag,
  ProjectedEvent,
  ProjectionState,
  ProjectionStatus,
  Upcaster,
} from './projection';
import { ReadStore } from './read-store';
import { ProjectionTable, type TableDefinition } from './table';
import { waitUntil } from './wait';

const RETRY_MS = [500, 1000, 2000, 5000];
/**
 * A projection that a batch brings no event for has nothing to write but its checkpoint: that is written
 * with the next batch that brings it one, or at most this often (a process reading the checkpoints, an
 * API with `PROJECTIONS=off`, sees it at most this late; a restart reads those events again, and finds
 * nothing of its types in them).
 */
const IDLE_CHECKPOINT_MS = 100;
const LAG_SAMPLES = 10_000;

export interface RunnerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const quiet: RunnerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

export interface ApplierOptions {
  logger?: RunnerLogger;
  /** Clean rows each table keeps in memory between batches, live and while building. */
  liveCacheRows?: number;
  buildCacheRows?: number;
}

export interface RunnerOptions extends ApplierOptions {
  /** Where older event versions become current, before any handler sees them. */
  upcast?: Upcaster;
  /** Events per transaction while following the log live (what has arrived, up to this). */
  liveBatch?: number;
  /** Events per transaction while catching up (a rebuild): applied in memory, written in bulk. */
  catchUpBatch?: number;
  /** Called after each batch (a rebuild's progress bar). */
  onBatch?: (progress: RunnerProgress) => void;
  /** Called after each committed batch with every projection's position (read-your-writes elsewhere). */
  onCommit?: (positions: ReadonlyMap<string, bigint>) => void;
}

export interface RunnerProgress {
  /** Position of the last event applied. */
  position: bigint;
  /** Events of the log read since the start of this run. */
  events: number;
}

/** One projection as the engine drives it. */
export interface Slot {
  projection: AnyProjection;
  generation: string;
  /** Every event up to here is in this generation. */
  position: bigint;
  /** The checkpoint as written (behind `position` while no event of the projection's types came). */
  saved: bigint;
  state: ProjectionState;
  /** A generation not yet served: built without its read indexes, switched to once caught up. */
  building: boolean;
  error?: ProjectionStatus['error'];
  tables: Array<ProjectionTable<object>>;
  handlers: Record<string, (event: ProjectedEvent) => void>;
  types: Set<string>;
}

/** State changes happen in other methods: a function keeps TypeScript from narrowing across them. */
export const ended = (slot: Slot): boolean => slot.state === 'failed' || slot.state === 'stopped';

/**
 * The core of the engine, synchronous: the projections' generations, and batches of events applied to
 * all of them in one transaction of the read store, each projection in a savepoint of its own. Its handlers
 * apply the batch's events to rows kept in memory, written once at the end of the batch (bulk INSERTs in
 * key order for a generation being built), with its checkpoint. A projection whose handler throws is
 * rolled back to its savepoint and replayed event by event to keep the events before the failing one; it
 * then stops there, with the event's id in its status, while the others go on. After a fix and a restart
 * it resumes from its checkpoint, skipping and repeating nothing.
 *
 * A projection without a served generation of its version (new, changed, or rebuilt) gets a fresh one,
 * built beside the served one without its read indexes; once caught up, its indexes are built and it
 * replaces the served one in one transaction.
 */
export class ProjectionApplier {
  readonly slots = new Map<string, Slot>();
  private readonly logger: RunnerLogger;
  private readonly liveCacheRows: number;
  private readonly buildCacheRows: number;
  /** The checkpoints moved behind what was read (a generation replaced): read again from the lowest. */
  moved = false;
  private savedAt = 0;

  /** `rebuild`: every projection gets a new generation, from the start of the log. */
  constructor(
    private readonly readStore: ReadStore,
    projections: AnyProjection[],
    options: ApplierOptions = {},
    rebuild = false,
  ) {
    this.logger = options.logger ?? quiet;
    this.liveCacheRows = options.liveCacheRows ?? 20_000;
    this.buildCacheRows = options.buildCacheRows ?? 2_000_000;
    for (const projection of projections) {
      if (this.slots.has(projection.name)) throw new Error(`projection ${projection.name} given twice`);
      this.slots.set(projection.name, this.prepare(projection, rebuild));
    }
  }

  /** Picks the generation to write: the served one if of this version, an unfinished one, or a new one. */
  private prepare(projection: AnyProjection, fresh: boolean): Slot {
    const active = fresh ? null : this.readStore.active(projection.name);
    let row = active?.version === projection.version ? active : null;
    const building = row === null;
    if (!row && !fresh) {
      row =
        this.readStore
          .generations(projection.name)
          .find((g) => g.version === projection.version && g.generation !== active?.generation) ?? null;
    }
    row ??= this.readStore.createGeneration(projection.name, projection.version);
    if (active && building) {
      this.logger.log(
        `projection ${projection.name}: version ${projection.version} is built beside version ${active.version}`,
      );
    }
    this.readStore.createTables(projection.name, row.generation, projection.tables, !building);
    const slot: Slot = {
      projection,
      generation: row.generation,
      position: BigInt(row.position),
      saved: BigInt(row.position),
      state: 'catching-up',
      building,
      tables: [],
      handlers: {},
      types: new Set(),
    };
    this.open(slot);
    return slot;
  }

  /** The projection's handlers on its generation's tables (memory starts empty). */
  private open(slot: Slot): void {
    const { projection, generation } = slot;
    const named = ReadStore.tableNamer(projection.name, generation);
    const opened: Record<string, ProjectionTable<object>> = {};
    const fresh = slot.building && slot.position === 0n;
    for (const [table, definition] of Object.entries(projection.tables)) {
      opened[table] = new ProjectionTable(
        this.readStore.db,
        named(table),
        definition as TableDefinition<object>,
        { maxRows: slot.building ? this.buildCacheRows : this.liveCacheRows, fresh },
      );
    }
    slot.tables = Object.values(opened);
    try {
      slot.handlers = projection.open(opened as never);
      slot.types = new Set(Object.keys(slot.handlers));
    } catch (error) {
      this.fail(slot, error);
    }
  }

  /** Slots still applying events. */
  following(): Slot[] {
    return [...this.slots.values()].filter((slot) => !ended(slot));
  }

  /** The lowest checkpoint of the projections still following: where to read from. */
  from(): bigint {
    const following = this.following();
    return following.reduce((min, s) => (s.position < min ? s.position : min), following[0]?.position ?? 0n);
  }

  /** The event types the projections still following handle: what to read. */
  types(): string[] {
    return [...new Set(this.following().flatMap((s) => [...s.types]))].sort();
  }

  building(): boolean {
    return this.following().some((slot) => slot.building);
  }

  /**
   * One transaction: each projection applies the events past its checkpoint in a savepoint of its own,
   * writes its rows and its checkpoint `upTo`. A commit that fails (disk full) loses the whole batch:
   * memory is forgotten and positions stay where they were; the caller reads the batch again later.
   *
   * Other threads and processes may write the read store too (the API's projections, a rebuild spread over
   * threads): the transaction takes the write lock at once (`BEGIN IMMEDIATE`, never a read upgraded to a
   * write, which another writer's commit would refuse), and holds it only while rows are written — the
   * generations being built apply the batch to memory before it (their handlers read only their own
   * tables, which no one else writes). A projection whose handler throws there is replayed event by event
   * inside the transaction, as below.
   */
  apply(batch: readonly RecordedEvent[], upTo: bigint): void {
    const db = this.readStore.db;
    for (const slot of this.slots.values()) {
      if (ended(slot) || this.readStore.generation(slot.projection.name, slot.generation)) continue;
      // Another process (a `rebuild`) replaced this generation: follow the one now served, from its own
      // checkpoint — reading starts again from the lowest one.
      Object.assign(slot, this.prepare(slot.projection, false));
      this.moved = true;
    }
    const before = new Map(
      [...this.slots.values()].map((slot) => [slot, [slot.position, slot.saved] as const]),
    );
    const now = Date.now();
    const saveIdle = now - this.savedAt >= IDLE_CHECKPOINT_MS;
    const work = new Map<Slot, { events: RecordedEvent[]; applied: boolean }>();
    try {
      for (const slot of this.slots.values()) {
        if (ended(slot) || upTo <= slot.position || this.moved) continue;
        const events = batch.filter((e) => e.position > slot.position && slot.types.has(e.type));
        const item = { events, applied: false };
        work.set(slot, item);
        if (!slot.building) continue;
        try {
          for (const event of events) slot.handlers[event.type](event);
          item.applied = true;
        } catch (error) {
          for (const table of slot.tables) table.forget();
          this.throwIfDisk(error);
        }
      }
      db.exec('BEGIN IMMEDIATE');
      for (const [slot, { events, applied }] of work) {
        if (events.length === 0 && !slot.building) {
          slot.position = upTo;
          if (saveIdle) {
            this.readStore.saveCheckpoint(slot.projection.name, slot.generation, upTo);
            slot.saved = upTo;
          }
          continue;
        }
        if (slot.building && !applied) {
          this.isolate(slot, events);
          continue;
        }
        db.exec('SAVEPOINT projection');
        try {
          if (!applied) for (const event of events) slot.handlers[event.type](event);
          for (const table of slot.tables) table.flush();
          this.readStore.saveCheckpoint(slot.projection.name, slot.generation, upTo);
          db.exec('RELEASE projection');
          slot.position = upTo;
          slot.saved = upTo;
        } catch (error) {
          db.exec('ROLLBACK TO projection');
          db.exec('RELEASE projection');
          for (const table of slot.tables) table.forget();
          this.throwIfDisk(error);
          this.isolate(slot, events);
        }
      }
      db.exec('COMMIT');
      if (saveIdle) this.savedAt = now;
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      for (const [slot, [position, saved]] of before) {
        slot.position = position;
        slot.saved = saved;
        for (const table of slot.tables) table.forget();
      }
      this.throwIfDisk(error);
      throw error;
    }
    for (const slot of this.slots.values()) {
      if (slot.state === 'stalled') {
        slot.state = slot.building ? 'catching-up' : 'running';
        slot.error = undefined;
      }
    }
  }

  /**
   * The read store's disk is full or read-only: no event is at fault, so no projection is stopped; the
   * whole batch is given up (the caller's transaction rolls back), every projection is stalled with the
   * reason in /health, and the batch is read again once the disk takes writes.
   */
  private throwIfDisk(error: unknown): void {
    const file = this.readStore.db.name;
    const unavailable = storageUnavailable(
      error,
      'read store',
      file === ':memory:' ? undefined : dirname(file),
    );
    if (unavailable) throw unavailable;
  }

  /** Replays a failed batch event by event, each with its checkpoint, to stop exactly at the failing one. */
  private isolate(slot: Slot, events: RecordedEvent[]): void {
    const db = this.readStore.db;
    for (const event of events) {
      db.exec('SAVEPOINT projection');
      try {
        slot.handlers[event.type](event);
        for (const table of slot.tables) table.flush();
        this.readStore.saveCheckpoint(slot.projection.name, slot.generation, event.position);
        db.exec('RELEASE projection');
        slot.position = event.position;
        slot.saved = event.position;
      } catch (error) {
        db.exec('ROLLBACK TO projection');
        db.exec('RELEASE projection');
        for (const table of slot.tables) table.forget();
        this.throwIfDisk(error);
        this.fail(slot, error, event);
        return;
      }
    }
  }

  /** Caught up with the log: generations being built get their indexes and are served from now on. */
  caughtUp(): void {
    for (const slot of this.slots.values()) {
      if (ended(slot)) continue;
      if (slot.building) {
        this.readStore.createIndexes(slot.projection.name, slot.generation, slot.projection.tables);
        this.readStore.activate(slot.projection.name, slot.generation);
        slot.building = false;
        for (const table of slot.tables) table.forget();
        this.open(slot);
        this.logger.log(`projection ${slot.projection.name}: generation ${slot.generation} is now served`);
      }
      if (slot.state !== 'failed') {
        slot.state = 'running';
        slot.error = undefined;
      }
    }
  }

  /** The store could not be read: every projection following waits, and says why. */
  stall(error: unknown): void {
    for (const slot of this.following()) {
      slot.state = 'stalled';
      slot.error = {
        message: (error as Error).message,
        ...(error instanceof StoreUnavailableError ? { reason: error.reason } : {}),
        at: new Date().toISOString(),
      };
    }
  }

  /** Writes the checkpoints held back (before stopping: a restart then reads less again). */
  saveCheckpoints(): void {
    this.readStore.db.transaction(() => {
      for (const slot of this.slots.values()) {
        if (slot.saved === slot.position) continue;
        this.readStore.saveCheckpoint(slot.projection.name, slot.generation, slot.position);
        slot.saved = slot.position;
      }
    })();
  }

  stop(): void {
    for (const slot of this.slots.values()) if (slot.state !== 'failed') slot.state = 'stopped';
  }

  private fail(slot: Slot, error: unknown, event?: RecordedEvent): void {
    slot.state = 'failed';
    slot.error = {
      message: (error as Error)?.message ?? String(error),
      ...(event ? { eventId: event.metadata.eventId, position: event.position.toString() } : {}),
      at: new Date().toISOString(),
    };
    this.logger.error(
      `projection ${slot.projection.name} stopped at ${event ? `event ${event.metadata.eventId} (${event.type}, position ${event.position})` : 'start'}: ${slot.error.message}`,
    );
  }

  positions(): Map<string, bigint> {
    return new Map([...this.slots.values()].map((slot) => [slot.projection.name, slot.position]));
  }

  statuses(head: bigint, counted: boolean): ProjectionStatus[] {
    return [...this.slots.values()].map((slot) => ({
      name: slot.projection.name,
      version: slot.projection.version,
      generation: slot.generation,
      position: slot.position,
      state: slot.state,
      lag: counted ? Math.max(0, Number(head - slot.position)) : null,
      ...(slot.error ? { error: slot.error } : {}),
    }));
  }

  generations(): Map<string, string> {
    return new Map([...this.slots.values()].map((slot) => [slot.projection.name, slot.generation]));
  }
}

/**
 * The projection engine: it reads the log once and feeds every projection. One catch-up subscription from
 * the lowest checkpoint, filtered on the union of the event types the projections handle, delivers batches
 * to the applier: everything that arrived (live), or up to `catchUpBatch` events while a generation is being
 * built (a rebuild: applied in memory, written in bulk).
 */
export class ProjectionRunner {
  private readonly applier: ProjectionApplier;
  private readonly waiters = new Set<() => void>();
  private readonly options: RunnerOptions;
  private readonly logger: RunnerLogger;
  private subscription?: EventSubscription;
  private stopped = false;
  private loop?: Promise<void>;
  private head = 0n;
  private readEvents = 0;
  /** Live lags (ms) of the last events applied while following, a ring. */
  private readonly lags = new Float64Array(LAG_SAMPLES);
  private lagCount = 0;

  constructor(
    private readonly store: EventStore,
    readStore: ReadStore,
    projections: AnyProjection[],
    options: RunnerOptions = {},
    rebuild = false,
  ) {
    this.options = options;
    this.logger = options.logger ?? quiet;
    this.applier = new ProjectionApplier(readStore, projections, options, rebuild);
  }

  /**
   * Builds `projections` again from the start of the log, each into a new generation that replaces the
   * served one once caught up (`rebuild`); the others are left alone.
   */
  static forRebuild(
    store: EventStore,
    readStore: ReadStore,
    projections: AnyProjection[],
    options: RunnerOptions = {},
  ): ProjectionRunner {
    return new ProjectionRunner(store, readStore, projections, options, true);
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Runs until every projection has caught up with the log as it was when asked (rejects if one failed). */
  async catchUp(): Promise<void> {
    const head = await this.store.headPosition();
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        const failed = [...this.applier.slots.values()].find((s) => s.state === 'failed');
        if (failed) {
          this.waiters.delete(check);
          reject(new Error(`projection ${failed.projection.name} failed: ${failed.error?.message ?? ''}`));
          return;
        }
        if (this.applier.following().every((s) => s.position >= head && !s.building)) {
          this.waiters.delete(check);
          resolve();
        }
      };
      this.waiters.add(check);
      this.start();
      check();
    });
  }

  private async run(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt += 1) {
      if (this.applier.following().length === 0) return;
      this.applier.moved = false;
      const failedBefore = this.failedCount();
      const subscription = this.store.subscribeToAll({
        after: this.applier.from(),
        filter: { eventTypes: this.applier.types() },
      });
      this.subscription = subscription;
      let batch: RecordedEvent[] = [];
      try {
        for await (const message of subscription) {
          if (message.kind === 'event') {
            batch.push(this.options.upcast ? this.options.upcast(message.event) : message.event);
            this.readEvents += 1;
            const catchingUp = this.applier.building() || this.head === 0n;
            const limit = catchingUp
              ? (this.options.catchUpBatch ?? 50_000)
              : (this.options.liveBatch ?? 2_000);
            if (batch.length < limit) continue;
          }
          const upTo = message.kind === 'caught-up' ? message.position : batch[batch.length - 1].position;
          if (upTo > this.head) this.head = upTo;
          const live = !this.applier.building() && this.head > 0n;
          this.applier.apply(batch, upTo);
          if (live) this.recordLags(batch);
          batch = [];
          attempt = 0;
          if (message.kind === 'caught-up') this.applier.caughtUp();
          this.options.onCommit?.(this.applier.positions());
          this.options.onBatch?.({ position: upTo, events: this.readEvents });
          this.notify();
          // A projection failed (the others read the log with their own types only), or moved back.
          if (this.stopped || this.applier.moved || this.failedCount() > failedBefore) break;
        }
        if (this.stopped || this.applier.following().length === 0) return;
        if (this.applier.moved || this.failedCount() > failedBefore) continue;
        throw new Error('the event store subscription ended');
      } catch (error) {
        if (this.stopped) return;
        // The store could not be read or written (closed, disk, connection, access, election): stalled,
        // retried with backoff, and why is in the status.
        this.applier.stall(error);
        this.logger.warn(`projections stalled: ${(error as Error).message}`);
        this.notify();
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
      } finally {
        this.subscription = undefined;
        await subscription.close();
      }
    }
  }

  private recordLags(batch: readonly RecordedEvent[]): void {
    const now = Date.now();
    for (const event of batch) {
      this.lags[this.lagCount % LAG_SAMPLES] = now - Date.parse(event.metadata.recordedAt);
      this.lagCount += 1;
    }
  }

  /** The live lag of the last events applied while following the log. */
  liveLag(): LiveLag {
    const samples = Math.min(this.lagCount, LAG_SAMPLES);
    if (samples === 0) return { samples: 0, p50Ms: null, p99Ms: null, maxMs: null };
    const sorted = Array.from(this.lags.subarray(0, samples)).sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.max(0, Math.ceil(p * samples) - 1)];
    return { samples, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[samples - 1] };
  }

  private failedCount(): number {
    return [...this.applier.slots.values()].filter((slot) => slot.state === 'failed').length;
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  positions(): Map<string, bigint> {
    return this.applier.positions();
  }

  async status(): Promise<ProjectionStatus[]> {
    const head = await this.store.headPosition().catch(() => this.head);
    return this.applier.statuses(head, this.store.kind === 'sqlite');
  }

  /** Read-your-writes: resolves true once every projection has applied `position`, false after `timeoutMs`. */
  waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    return waitUntil(
      () => [...this.applier.slots.values()].every((slot) => slot.position >= position),
      this.waiters,
      timeoutMs,
    );
  }

  /** The generation each projection writes (for a rebuild's report). */
  generations(): Map<string, string> {
    return this.applier.generations();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.applier.stop();
    await this.subscription?.close();
    await this.loop;
    try {
      this.applier.saveCheckpoints();
    } catch {
      // The read store is gone or full: the checkpoints written stand, and a restart reads from them.
    }
    this.notify();
  }
}
