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
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import type { AppConfig } from '@parcours/platform';
import type { Request, Response } from 'express';
import { join } from 'node:path';
import { from, type Observable, switchMap } from 'rxjs';
import type { Projection, ProjectionStatus } from './projection';
import { ReadStore } from './read-store';
import { ProjectionRunner } from './runner';

export const RUN_PROJECTIONS = Symbol('RUN_PROJECTIONS');

/** Read models add their projection here (in their module's constructor); the runner starts after all did. */
@Injectable()
export class ProjectionRegistry {
  private readonly projections = new Map<string, Projection>();

  register(projection: Projection): void {
    if (this.projections.has(projection.name))
      throw new Error(`projection ${projection.name} registered twice`);
    this.projections.set(projection.name, projection);
  }

  all(): Projection[] {
    return [...this.projections.values()];
  }
}

/**
 * Runs the projections in this process when `run` is true (the API with PROJECTIONS=inline, or
 * apps/projector); otherwise only reports what the read store's checkpoints say (another process runs them).
 */
@Injectable()
export class Projections implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('projections');
  private runner?: ProjectionRunner;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    readonly readStore: ReadStore,
    private readonly registry: ProjectionRegistry,
    @Inject(RUN_PROJECTIONS) private readonly run: boolean,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.run) return;
    this.runner = new ProjectionRunner(this.store, this.readStore, this.registry.all(), {
      log: (m) => this.logger.log(m),
      warn: (m) => this.logger.warn(m),
      error: (m) => this.logger.error(m),
    });
    this.runner.start();
  }

  /** Before the store closes (its closer runs at application shutdown). */
  async onModuleDestroy(): Promise<void> {
    await this.runner?.stop();
  }

  onApplicationShutdown(): void {
    this.readStore.close();
  }

  async status(): Promise<ProjectionStatus[]> {
    if (this.runner) return this.runner.status();
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

  /** Read-your-writes: true once every read model includes `position`. */
  async waitFor(position: bigint, timeoutMs: number): Promise<boolean> {
    if (this.runner) return this.runner.waitFor(position, timeoutMs);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const statuses = await this.status();
      if (statuses.every((s) => s.position >= position)) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
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

const openReadStore = (config: ConfigService<AppConfig, true>): ReadStore =>
  new ReadStore(join(config.get('DATA_DIR', { infer: true }), 'read.db'));

@Global()
@Module({})
export class ProjectionsModule {
  /** `run`: whether this process applies the projections (defaults to PROJECTIONS=inline). */
  static forRoot(options: { run?: boolean } = {}): DynamicModule {
    return {
      module: ProjectionsModule,
      providers: [
        { provide: ReadStore, inject: [ConfigService], useFactory: openReadStore },
        {
          provide: RUN_PROJECTIONS,
          inject: [ConfigService],
          useFactory: (config: ConfigService<AppConfig, true>) =>
            options.run ?? config.get('PROJECTIONS', { infer: true }) === 'inline',
        },
        ProjectionRegistry,
        Projections,
        { provide: APP_INTERCEPTOR, useClass: ConsistentReadInterceptor },
      ],
      exports: [ReadStore, ProjectionRegistry, Projections],
    };
  }
}
