import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { NotificationDispatcher, NotificationReactor } from '@parcours/domain';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { AUTH_OPTIONS, type AuthModuleOptions } from '@parcours/auth';
import {
  EVENT_STORE,
  EventStoreDbEventStore,
  SqliteEventStore,
  StoreUnavailableError,
  type EventStore,
  type ForeignEventsReport,
} from '@parcours/event-store';
import { type LiveLag, Projections } from '@parcours/projections';
import type { Response } from 'express';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  /** How tokens are verified; dev mode says so loudly, as it lets anyone sign in as anyone. */
  auth: { mode: 'dev' | 'oidc'; warning?: string };
  /**
   * `reason`: why the store cannot answer, or cannot take appends (`writable: false`, reads still work:
   * `disk-full`, `read-only`…) since `since`; `foreignEvents`: other applications' events skipped (EventStoreDB).
   */
  store: {
    kind: string;
    position?: string;
    writable?: boolean;
    since?: string;
    error?: string;
    reason?: string;
    foreignEvents?: ForeignEventsReport;
  };
  /** From append to the read models, over the last events applied live here (null when `PROJECTIONS=off`). */
  liveLag: LiveLag | null;
  /** One entry per projection; a failed or stalled one makes the service unhealthy (503). */
  projections: Array<{
    name: string;
    version: number;
    position: string;
    lag: number | null;
    state: string;
    error?: object;
  }>;
  /**
   * The process managers beside the projections: the notifier, which follows the log (its lag), and the
   * dispatcher, which sends e-mails and webhooks (how many wait, how many were given up).
   */
  reactors: Array<
    | {
        name: 'notifier';
        position: string;
        lag: number | null;
        state: string;
        requested: number;
        delivered: number;
      }
    | {
        name: 'dispatcher';
        state: string;
        pending: number;
        failed: number;
        delivered: number;
        attemptsFailed: number;
      }
  >;
}

/** For load balancers and operators: no auth, no personal data, 503 when the service cannot work. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projections: Projections,
    @Inject(AUTH_OPTIONS) private readonly authOptions: AuthModuleOptions,
    private readonly modules: ModuleRef,
  ) {}

  private reactors(head: bigint | null): HealthReport['reactors'] {
    const notifier = this.modules.get(NotificationReactor, { strict: false });
    const { name, position, state, requested, delivered } = notifier.status();
    const lag = head !== null && this.store.kind === 'sqlite' ? Number(head - BigInt(position)) : null;
    const { error: _error, ...dispatcher } = this.modules
      .get(NotificationDispatcher, { strict: false })
      .status();
    return [
      { name, position, lag: lag === null ? null : Math.max(lag, 0), state, requested, delivered },
      dispatcher,
    ];
  }

  private auth(): HealthReport['auth'] {
    return this.authOptions.mode === 'dev'
      ? {
          mode: 'dev',
          warning:
            'Dev authentication: anyone who can reach POST /api/v1/dev/tokens can sign in as anyone. Not for a deployment.',
        }
      : { mode: 'oidc' };
  }

  @Get()
  @ApiOkResponse({
    description: 'The store answers; `position` is the last global position, as a decimal string.',
  })
  @ApiServiceUnavailableResponse({
    description: 'The store does not answer, or a projection failed or stalled.',
  })
  async health(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const projections = (await this.projections.status()).map(
      ({ name, version, position, lag, state, error }) => ({
        name,
        version,
        position: position.toString(),
        lag,
        state,
        ...(error ? { error } : {}),
      }),
    );
    const projectionsOk = projections.every((p) => p.state !== 'failed' && p.state !== 'stalled');
    try {
      const position = await this.store.headPosition();
      const writes = this.store instanceof SqliteEventStore ? this.store.writeFailure() : null;
      const ok = projectionsOk && !writes;
      if (!ok) response.status(HttpStatus.SERVICE_UNAVAILABLE);
      return {
        status: ok ? 'ok' : 'unavailable',
        auth: this.auth(),
        store: {
          kind: this.store.kind,
          position: position.toString(),
          ...(writes
            ? { writable: false, reason: writes.reason, since: writes.since, error: writes.message }
            : {}),
          ...this.foreignEvents(),
        },
        liveLag: this.projections.liveLag(),
        projections,
        reactors: this.reactors(position),
      };
    } catch (error) {
      response.status(HttpStatus.SERVICE_UNAVAILABLE);
      return {
        status: 'unavailable',
        auth: this.auth(),
        store: {
          kind: this.store.kind,
          error: (error as Error).message,
          ...(error instanceof StoreUnavailableError ? { reason: error.reason } : {}),
          ...this.foreignEvents(),
        },
        liveLag: this.projections.liveLag(),
        projections,
        reactors: this.reactors(null),
      };
    }
  }

  /**
   * A shared EventStoreDB holds other applications' events too: how many were skipped, never applied —
   * by this thread's connection and by the projection thread's.
   */
  private foreignEvents(): { foreignEvents?: ForeignEventsReport } {
    if (!(this.store instanceof EventStoreDbEventStore)) return {};
    const own = this.store.foreignEvents;
    const projections = this.projections.foreignEvents();
    if (!projections) return { foreignEvents: own };
    return {
      foreignEvents: {
        skipped: own.skipped + projections.skipped,
        ...((projections.last ?? own.last) ? { last: projections.last ?? own.last } : {}),
      },
    };
  }
}
