import {
  type CallHandler,
  type DynamicModule,
  type ExecutionContext,
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type NestInterceptor,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  BadRequestException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { EVENT_STORE, type EventStore, type ForeignEventsReport } from '@parcours/event-store';
import type { AppConfig } from '@parcours/platform';
import type { Request, Response } from 'express';
import { join } from 'node:path';
import { from, type Observable, switchMap } from 'rxjs';
import type { AnyProjection, LiveLag, ProjectionStatus, Upcaster } from './projection';
import { rebuildInThreads, rebuildProjections, type RebuildProgress, type RebuildResult } from './rebuild';
import { ReadStore } from './read-store';
import { ProjectionRunner } from './runner';
import { ProjectionWorker } from './worker-host';

/** `worker`, `inline` or `off`: where this process's projections run (see the `PROJECTIONS` setting). */
export const PROJECTIONS_MODE = Symbol('PROJECTIONS_MODE');
/** The compiled script of the projection worker thread (an app's: it knows every projection's code). */
export const PROJECTIONS_WORKER_SCRIPT = Symbol('PROJECTIONS_WORKER_SCRIPT');
/** Where stored events of older versions become current (the domain's upcaster). */
export const EVENT_UPCASTER = Symbol('EVENT_UPCASTER');

export type ProjectionsMode = 'worker' | 'inline' | 'off';

/** How long an application waits, at most, for its projections to catch up before taking requests. */
const STARTUP_WAIT_MS = 10_000;

/** Each capability's module adds its projections here (in its constructor); the runner starts after all did. */
@Injectable()
export class ProjectionRegistry {
  private readonly projections = new Map<string, AnyProjection>();

  register(...projections: AnyProjection[]): void {
    for (const projection of projections) {
      if (this.projections.has(projection.name))
        throw new Error(`projection ${projection.name} registered twice`);
      this.projections.set(projection.name, projection);
    }
  }

  all(): AnyProjection[] {
    return [...this.projections.values()];
  }
}

/**
 * The projections of this process: run by a worker thread (`worker`, the API's default: the request thread
 * stays free, the second core does the projections), on this thread (`inline`), or elsewhere (`off`: only
 * what the read store's checkpoints say is reported). Read-your-writes works the same in every mode.
 */
@Injectable()
export class Projections implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('projections');
  private runner?: ProjectionRunner;
  private worker?: ProjectionWorker;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    readonly readStore: ReadStore,
    private readonly registry: ProjectionRegistry,
    @Inject(PROJECTIONS_MODE) readonly mode: ProjectionsMode,
    @Inject(PROJECTIONS_WORKER_SCRIPT) private readonly workerScript: string | null,
    @Inject(EVENT_UPCASTER) private readonly upcast: Upcaster | null,
    private readonly config: ConfigService<AppConfig, true>,
  ) {}

  /**
   * Starts the projections and, for a few seconds at most, lets them catch up before the application takes
   * requests: a fresh or nearly current read store is served at once, a long build goes on behind a 503.
   */
  async onApplicationBootstrap(): Promise<void> {
    const logger = {
      log: (m: string) => this.logger.log(m),
      warn: (m: string) => this.logger.warn(m),
      error: (m: string) => this.logger.error(m),
    };
    if (this.mode === 'worker' && this.workerScript) {
      this.worker = new ProjectionWorker(
        this.workerScript,
        { config: configOf(this.config), projections: this.registry.all().map((p) => p.name) },
        this.store,
        logger,
      );
      this.worker.start();
      await this.worker.whenRunning(STARTUP_WAIT_MS);
      return;
    }
    if (this.mode === 'off') return;
    if (this.mode === 'worker') this.logger.warn('no projection thread script: the projections run inline');
    this.runner = new ProjectionRunner(this.store, this.readStore, this.registry.all(), {
      logger,
      ...(this.upcast ? { upcast: this.upcast } : {}),
    });
    this.runner.start();
    await Promise.race([
      this.runner.catchUp().catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, STARTUP_WAIT_MS).unref()),
    ]);
  }

  /**
   * Builds `projections` again from the start of the log into new generations, each served once caught
   * up: spread over `threads` worker threads (`rebuildInThreads`) when the projection thread's script is
   * there, else in one pass on this thread. Only where this process does not run them itself (`off`).
   */
  async rebuild(
    projections: AnyProjection[],
    options: { threads: number; onProgress?: (progress: RebuildProgress) => void },
  ): Promise<RebuildResult> {
    if (this.runner || this.worker) throw new Error('a rebuild runs where the projections are off');
    const onProgress = options.onProgress ?? (() => undefined);
    if (options.threads > 1 && projections.length > 1 && this.workerScript) {
      return rebuildInThreads(this.store, projections, {
        script: this.workerScript,
        config: configOf(this.config),
        threads: options.threads,
        logger: {
          log: (m: string) => this.logger.log(m),
          warn: (m: string) => this.logger.warn(m),
          error: (m: string) => this.logger.error(m),
        },
        onProgress,
      });
    }
    // On this thread: a connection of its own, with the page cache a writer of read models needs.
    const file = this.readStore.db.name;
    const writer = file === ':memory:' ? this.readStore : new ReadStore(file);
    try {
      return await rebuildProjections(this.store, writer, projections, {
        ...(this.upcast ? { upcast: this.upcast } : {}),
        onProgress,
      });
    } finally {
      if (writer !== this.readStore) writer.close();
    }
  }

  /** Before the store closes (its closer runs at application shutdown). */
  async onModuleDestroy(): Promise<void> {
    await this.runner?.stop();
    await this.worker?.stop();
  }

  onApplicationShutdown(): void {
    this.readStore.close();
  }

  async status(): Promise<ProjectionStatus[]> {
    if (this.runner) return this.runner.status();
    if (this.worker) return this.worker.status();
    const head = await this.store.headPosition().catch(() => 0n);
    return this.registry.all().map((projection) => {
      const active = this.readStore.active(projection.name);
      const position = BigInt(active?.position ?? '0');
      return {
        name: projection.name,
        version: active?.version ?? projection.version,
        generation: active?.generation ?? '',
        position,
        state: active ? 'running' : 'catching-up',
        lag: this.store.kind === 'sqlite' ? Math.max(0, Number(head - position)) : null,
      };
    });
  }

  /** From append to read models, live (null where another process runs the projections). */
  liveLag(): LiveLag | null {
    return this.runner?.liveLag() ?? this.worker?.liveLag ?? null;
  }

  /** Other applications' events the projection thread's own store connection skipped, if it has one. */
  foreignEvents(): ForeignEventsReport | undefined {
    return this.worker?.foreignEvents;
  }

  /** Read-your-writes: true once every read model includes `position`. */
  async waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    if (this.runner) return this.runner.waitFor(position, timeoutMs);
    if (this.worker) return this.worker.waitFor(position, timeoutMs);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const statuses = await this.status();
      if (statuses.every((s) => s.position >= position)) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** The configuration as plain data, for the worker thread (which validates nothing again). */
function configOf(config: ConfigService<AppConfig, true>): Partial<AppConfig> {
  const keys: Array<keyof AppConfig> = [
    'DATA_DIR',
    'EVENT_STORE',
    'SQLITE_SYNCHRONOUS',
    'EVENTSTORE_CONNECTION_STRING',
    'EVENTSTORE_USERNAME',
    'EVENTSTORE_PASSWORD',
    'EVENTSTORE_TLS_CA_FILE',
    'EVENTSTORE_DEADLINE_MS',
    'LOG_LEVEL',
  ];
  return Object.fromEntries(keys.map((key) => [key, config.get(key, { infer: true })]));
}

const CONSISTENCY_WAIT_MS = 5000;

/** `?consistentWith=<position>` on any GET: answer once the read models include it, else 503 after 5 s. */
@Injectable()
export class ConsistentReadInterceptor implements NestInterceptor {
  constructor(private readonly projections: Projections) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const raw = request.method === 'GET' ? request.query.consistentWith : undefined;
    if (raw === undefined) return next.handle();
    if (typeof raw !== 'string' || !/^\d{1,40}$/.test(raw)) {
      throw new BadRequestException({
        type: 'https://parcours.example/problems/invalid-input',
        title: 'Bad Request',
        status: 400,
        detail: 'consistentWith must be a position (a decimal number, as commands return it)',
        errors: [{ path: 'consistentWith', message: 'must be a decimal position' }],
      });
    }
    return from(this.projections.waitFor(BigInt(raw), CONSISTENCY_WAIT_MS)).pipe(
      switchMap((reached) => {
        if (!reached) {
          context.switchToHttp().getResponse<Response>().setHeader('Retry-After', '1');
          throw new ServiceUnavailableException({
            type: 'https://parcours.example/problems/not-yet-consistent',
            title: 'Service Unavailable',
            status: 503,
            detail: `The read models have not reached position ${raw} yet; retry shortly.`,
          });
        }
        return next.handle();
      }),
    );
  }
}

/**
 * The page cache of this process's read store connection when it only serves reads (the projections run
 * in a thread or elsewhere, each writer with the default 64 MiB).
 */
const SERVING_CACHE_MIB = 16;

const openReadStore = (config: ConfigService<AppConfig, true>, mode: ProjectionsMode): ReadStore => {
  const readStore = new ReadStore(join(config.get('DATA_DIR', { infer: true }), 'read.db'), {
    ...(mode === 'inline' ? {} : { cacheMiB: SERVING_CACHE_MIB }),
  });
  readStore.optimize();
  return readStore;
};

export interface ProjectionsModuleOptions {
  /** Where this process's projections run; defaults to the `PROJECTIONS` setting. */
  mode?: ProjectionsMode;
  /** The compiled worker script, for `worker` (the API gives its own). */
  workerScript?: string;
  upcast?: Upcaster;
}

@Global()
@Module({})
export class ProjectionsModule {
  static forRoot(options: ProjectionsModuleOptions = {}): DynamicModule {
    return {
      module: ProjectionsModule,
      providers: [
        { provide: ReadStore, inject: [ConfigService, PROJECTIONS_MODE], useFactory: openReadStore },
        {
          provide: PROJECTIONS_MODE,
          inject: [ConfigService],
          useFactory: (config: ConfigService<AppConfig, true>): ProjectionsMode =>
            options.mode ?? config.get('PROJECTIONS', { infer: true }),
        },
        { provide: PROJECTIONS_WORKER_SCRIPT, useValue: options.workerScript ?? null },
        { provide: EVENT_UPCASTER, useValue: options.upcast ?? null },
        ProjectionRegistry,
        Projections,
        { provide: APP_INTERCEPTOR, useClass: ConsistentReadInterceptor },
      ],
      exports: [ReadStore, ProjectionRegistry, Projections],
    };
  }
}
