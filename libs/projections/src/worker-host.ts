import type { EventStore, ForeignEventsReport } from '@parcours/event-store';
import type { AppConfig } from '@parcours/platform';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LiveLag, ProjectionStatus } from './projection';
import type { RunnerLogger } from './runner';
import { waitUntil } from './wait';

/**
 * What a projection thread is handed: the settings it needs, which projections to run, and whether it
 * follows the log (the API's thread) or builds them again from its start and ends (`rebuild`: one of the
 * threads a rebuild is spread over).
 */
export interface ProjectionWorkerData {
  config: Partial<AppConfig>;
  projections: string[];
  task?: 'follow' | 'rebuild';
}

/** A status as it crosses threads (positions as decimal strings). */
export type StatusMessage = Omit<ProjectionStatus, 'position'> & { position: string };

export type FromProjectionWorker =
  | { kind: 'commit'; positions: Array<[string, string]> }
  | { kind: 'status'; statuses: StatusMessage[]; lag: LiveLag; foreignEvents?: ForeignEventsReport }
  | { kind: 'log'; level: 'log' | 'warn' | 'error'; message: string }
  | { kind: 'stopped' };

/** What a rebuilding thread reports: its progress, then its generations (or why it failed), then it ends. */
export type FromRebuildWorker =
  | { kind: 'progress'; position: string; events: number }
  | { kind: 'rebuilt'; generations: Array<[string, string]>; events: number }
  | { kind: 'failed'; message: string }
  | { kind: 'log'; level: 'log' | 'warn' | 'error'; message: string };

export type ToProjectionWorker = { kind: 'stop' };

/**
 * The projection thread's compiled script (`apps/projector`), seen from an app's directory: built beside
 * the app's own, or — an app run from its sources, as in the tests — the built one. Null without either.
 */
export function projectionWorkerScript(appDir: string): string | null {
  return (
    [
      join(appDir, '../../projector/src/projection-worker.js'),
      join(appDir, '../../../dist/apps/projector/src/projection-worker.js'),
    ].find((path) => existsSync(path)) ?? null
  );
}

const RESTART_MS = [500, 1000, 2000, 5000];
const STOP_TIMEOUT_MS = 10_000;

/**
 * The API's side of its projection thread: starts it (again after a crash, with a pause), keeps the
 * positions and statuses it reports, and answers read-your-writes waits from them.
 */
export class ProjectionWorker {
  private worker?: Worker;
  private readonly positions = new Map<string, bigint>();
  private statuses: ProjectionStatus[] = [];
  private readonly waiters = new Set<() => void>();
  private stopping = false;
  private crashes = 0;
  private crashed?: { message: string; at: string };
  /** What the thread's own store skipped (EventStoreDB: other applications' events). */
  foreignEvents?: ForeignEventsReport;
  liveLag: LiveLag = { samples: 0, p50Ms: null, p99Ms: null, maxMs: null };

  constructor(
    private readonly script: string,
    private readonly data: ProjectionWorkerData,
    private readonly store: EventStore,
    private readonly logger: RunnerLogger,
  ) {
    for (const name of data.projections) this.positions.set(name, 0n);
  }

  start(): void {
    const worker = new Worker(this.script, { workerData: this.data });
    this.worker = worker;
    worker.on('message', (message: FromProjectionWorker) => this.receive(message));
    worker.on('error', (error) => {
      this.crashed = { message: error.message, at: new Date().toISOString() };
      this.logger.error(`projection thread failed: ${error.stack ?? error.message}`);
    });
    worker.on('exit', (code) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (this.stopping) return;
      this.crashed ??= { message: `projection thread exited (code ${code})`, at: new Date().toISOString() };
      const pause = RESTART_MS[Math.min(this.crashes, RESTART_MS.length - 1)];
      this.crashes += 1;
      this.logger.warn(`projection thread exited (code ${code}); started again in ${pause} ms`);
      setTimeout(() => {
        if (!this.stopping) this.start();
      }, pause).unref();
    });
  }

  private receive(message: FromProjectionWorker): void {
    switch (message.kind) {
      case 'commit':
        for (const [name, position] of message.positions) this.positions.set(name, BigInt(position));
        this.crashed = undefined;
        this.notify();
        return;
      case 'status':
        this.statuses = message.statuses.map((s) => ({ ...s, position: BigInt(s.position) }));
        if (message.foreignEvents) this.foreignEvents = message.foreignEvents;
        this.liveLag = message.lag;
        for (const s of this.statuses) this.positions.set(s.name, s.position);
        this.notify();
        return;
      case 'log':
        this.logger[message.level](message.message);
        return;
      case 'stopped':
        return;
    }
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  async status(): Promise<ProjectionStatus[]> {
    const head = await this.store.headPosition().catch(() => null);
    const known = new Map(this.statuses.map((s) => [s.name, s]));
    return this.data.projections.map((name) => {
      const reported = known.get(name);
      const position = this.positions.get(name) ?? 0n;
      const lag = this.store.kind === 'sqlite' && head !== null ? Math.max(0, Number(head - position)) : null;
      if (this.crashed && !this.worker) {
        return {
          name,
          version: reported?.version ?? 0,
          generation: reported?.generation ?? '',
          position,
          state: 'stalled',
          lag,
          error: this.crashed,
        };
      }
      return {
        name,
        version: reported?.version ?? 0,
        generation: reported?.generation ?? '',
        state: reported?.state ?? 'catching-up',
        ...(reported?.error ? { error: reported.error } : {}),
        position,
        lag,
      };
    });
  }

  /**
   * Resolves once the thread has reported every projection running (caught up with the log), or after
   * `timeoutMs` (a long build goes on in the background), whichever comes first.
   */
  whenRunning(timeoutMs: number): Promise<void> {
    const running = () =>
      this.statuses.length === this.data.projections.length &&
      this.statuses.every((s) => s.state === 'running' || s.state === 'failed');
    if (running()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const check = () => {
        if (running()) finish();
      };
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.waiters.add(check);
    });
  }

  waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    return waitUntil(() => [...this.positions.values()].every((p) => p >= position), this.waiters, timeoutMs);
  }

  /** Asks the thread to finish its batch and close its stores; ends it if it does not within 10 s. */
  async stop(): Promise<void> {
    this.stopping = true;
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ kind: 'stop' } satisfies ToProjectionWorker);
    const timer = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}
