import { dirname } from 'node:path';
import {
  StoreUnavailableError,
  storageUnavailable,
  type EventStore,
  type RecordedEvent,
} from '@parcours/event-store';
import { ReadStore } from './read-store';
import type { Projection, ProjectionHandler, ProjectionState, ProjectionStatus } from './projection';

const BATCH = 500;
const RETRY_MS = [500, 1000, 2000, 5000];

export interface RunnerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

interface Running {
  projection: Projection;
  generation: string;
  position: bigint;
  state: ProjectionState;
  error?: ProjectionStatus['error'];
  stop?: () => Promise<void>;
}

/** State changes happen in other methods: a function keeps TypeScript from narrowing across them. */
const ended = (run: Running): boolean => run.state === 'failed' || run.state === 'stopped';

/**
 * Follows the global log for each projection, from its checkpoint, and applies events in batches: each
 * batch and its checkpoint in one transaction of the read store (exactly once). A projection whose
 * handler throws stops at that event — the events before it are kept, the failure is reported with the
 * event's id — while the others go on; after a fix and a restart it resumes from its checkpoint, so
 * nothing is skipped or applied twice. A projection whose version changed is rebuilt into a new
 * generation beside the active one and takes over when it has caught up.
 */
export class ProjectionRunner {
  private readonly running = new Map<string, Running>();
  private readonly waiters = new Set<() => void>();
  private head = 0n;

  constructor(
    private readonly store: EventStore,
    private readonly readStore: ReadStore,
    private readonly projections: Projection[],
    private readonly logger: RunnerLogger = {
      log: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    },
  ) {}

  start(): void {
    for (const projection of this.projections) {
      const run = this.prepare(projection);
      this.running.set(projection.name, run);
      void this.follow(run);
    }
  }

  /** Picks the generation to write: the active one if it is of this version, else a new one. */
  private prepare(projection: Projection): Running {
    const active = this.readStore.active(projection.name);
    const current =
      active?.version === projection.version
        ? active
        : (this.latestBuilding(projection) ??
          this.readStore.createGeneration(projection.name, projection.version));
    if (active && active.version !== projection.version) {
      this.logger.log(
        `projection ${projection.name}: version ${projection.version} is rebuilt beside version ${active.version}`,
      );
    }
    return {
      projection,
      generation: current.generation,
      position: BigInt(current.position),
      state: 'catching-up',
    };
  }

  /** A generation of this version left unfinished by an earlier run: go on with it. */
  private latestBuilding(projection: Projection) {
    const rows = this.readStore.db
      .prepare<[string, number], { generation: string }>(
        'SELECT generation FROM projection_generations WHERE name = ? AND version = ? ORDER BY updated_at DESC',
      )
      .all(projection.name, projection.version);
    return rows.length > 0 ? this.readStore.generation(projection.name, rows[0].generation) : null;
  }

  private async follow(run: Running): Promise<void> {
    const { projection } = run;
    let handler = this.open(run);
    for (let attempt = 0; handler && !ended(run); attempt += 1) {
      if (!this.readStore.generation(projection.name, run.generation)) {
        // Another process (a `rebuild`) replaced our generation: follow the one now served.
        Object.assign(run, this.prepare(projection));
        handler = this.open(run);
        if (!handler) return;
      }
      const subscription = this.store.subscribeToAll({ after: run.position, filter: projection.filter });
      run.stop = () => subscription.close();
      let batch: RecordedEvent[] = [];
      try {
        for await (const message of subscription) {
          if (message.kind === 'event') {
            batch.push(message.event);
            if (batch.length < BATCH) continue;
          }
          const upTo = message.kind === 'caught-up' ? message.position : batch[batch.length - 1].position;
          if (!this.readStore.generation(projection.name, run.generation)) break;
          if (!this.applyBatch(run, handler, batch, upTo)) break;
          batch = [];
          attempt = 0;
          if (message.kind === 'caught-up') this.caughtUp(run, message.position);
        }
        if (ended(run)) return;
        if (!this.readStore.generation(projection.name, run.generation)) continue;
        // The subscription ended without being asked to (the store was closed under it).
        throw new Error('the event store subscription ended');
      } catch (error) {
        // The store could not be read (closed, disk, connection, access, election): stalled, retried
        // with backoff, and why it is stalled is in /health.
        if (ended(run)) return;
        run.state = 'stalled';
        run.error = {
          message: (error as Error).message,
          ...(error instanceof StoreUnavailableError ? { reason: error.reason } : {}),
          at: new Date().toISOString(),
        };
        this.logger.warn(`projection ${projection.name} stalled: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]));
      } finally {
        await subscription.close();
      }
    }
  }

  private open(run: Running): ProjectionHandler | null {
    try {
      return run.projection.open(
        this.readStore.db,
        ReadStore.tableNamer(run.projection.name, run.generation),
      );
    } catch (error) {
      this.fail(run, error);
      return null;
    }
  }

  /** Applies a batch and its checkpoint atomically; on a failing event, keeps those before it and stops. */
  private applyBatch(
    run: Running,
    handler: ProjectionHandler,
    batch: RecordedEvent[],
    upTo: bigint,
  ): boolean {
    const { name } = run.projection;
    const db = this.readStore.db;
    const write = db.transaction((events: RecordedEvent[], checkpoint: bigint) => {
      for (const event of events) handler.apply(event);
      this.readStore.saveCheckpoint(name, run.generation, checkpoint);
    });
    try {
      if (batch.length > 0 || upTo > run.position) write(batch, upTo > run.position ? upTo : run.position);
      run.position = upTo > run.position ? upTo : run.position;
      this.notify();
      return true;
    } catch (error) {
      this.throwIfDisk(error);
      // Find the failing event: apply one by one, each with its checkpoint.
      for (const event of batch) {
        try {
          write([event], event.position);
          run.position = event.position;
        } catch (eventError) {
          this.throwIfDisk(eventError);
          this.fail(run, eventError, event);
          return false;
        }
      }
      return true;
    }
  }

  /**
   * The read store's disk is full or read-only: no event is at fault, so the projection is not stopped
   * but stalled (the reason in /health) and retried from its checkpoint until the disk takes writes again.
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

  private caughtUp(run: Running, position: bigint): void {
    if (position > this.head) this.head = position;
    if (run.state !== 'running') {
      const active = this.readStore.active(run.projection.name);
      if (active?.generation !== run.generation) {
        this.readStore.activate(run.projection.name, run.generation);
        this.logger.log(`projection ${run.projection.name}: generation ${run.generation} is now served`);
      }
      run.state = 'running';
      run.error = undefined;
    }
    this.notify();
  }

  private fail(run: Running, error: unknown, event?: RecordedEvent): void {
    run.state = 'failed';
    run.error = {
      message: (error as Error)?.message ?? String(error),
      ...(event ? { eventId: event.metadata.eventId, position: event.position.toString() } : {}),
      at: new Date().toISOString(),
    };
    this.logger.error(
      `projection ${run.projection.name} stopped at ${event ? `event ${event.metadata.eventId} (${event.type}, position ${event.position})` : 'start'}: ${run.error.message}`,
    );
    this.notify();
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  async status(): Promise<ProjectionStatus[]> {
    const head = await this.store.headPosition().catch(() => this.head);
    return [...this.running.values()].map((run) => ({
      name: run.projection.name,
      version: run.projection.version,
      generation: run.generation,
      position: run.position,
      state: run.state,
      lag: this.store.kind === 'sqlite' ? Math.max(0, Number(head - run.position)) : null,
      ...(run.error ? { error: run.error } : {}),
    }));
  }

  /** Read-your-writes: resolves true once every projection has applied `position`, false after `timeoutMs`. */
  async waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    const reached = () => [...this.running.values()].every((run) => run.position >= position);
    if (reached()) return true;
    return new Promise<boolean>((resolve) => {
      const check = () => {
        if (!reached()) return;
        finish(true);
      };
      const finish = (value: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.waiters.add(check);
    });
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.running.values()].map(async (run) => {
        if (run.state !== 'failed') run.state = 'stopped';
        await run.stop?.();
      }),
    );
  }
}
