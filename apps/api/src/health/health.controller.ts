import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@parcours/auth';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import type { Response } from 'express';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  store: { kind: string; position?: string; error?: string };
  /** One entry per projection (name, position, lag, state) once the read side exists. */
  projections: Array<{ name: string; position: string; lag: number; state: string }>;
}

/** For load balancers and operators: no auth, no personal data, 503 when the service cannot work. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Public()
  @Get()
  @ApiOkResponse({
    description: 'The store answers; `position` is the last global position, as a decimal string.',
  })
  @ApiServiceUnavailableResponse({ description: 'The store does not answer.' })
  async health(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    try {
      const position = await this.store.headPosition();
      return {
        status: 'ok',
        store: { kind: this.store.kind, position: position.toString() },
        projections: [],
      };
    } catch (error) {
      response.status(HttpStatus.SERVICE_UNAVAILABLE);
      return {
        status: 'unavailable',
        store: { kind: this.store.kind, error: (error as Error).message },
        projections: [],
      };
    }
  }
}
