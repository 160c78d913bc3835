import {
  type CallHandler,
  ConflictException,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { principalOf } from '@parcours/auth';
import { problem } from '@parcours/platform';
import type { Request, Response } from 'express';
import { map, type Observable, of } from 'rxjs';
import type { CommandOutcome } from '../command-runner';
import { parseIdempotencyKey } from './command-meta.decorator';
import { IdempotencyStore } from './idempotency.port';

/** What every command answers (api.md): the position as a decimal string. */
export interface CommandResponse {
  id: string;
  streamId: string;
  revision: number;
  position: string;
}

function isOutcome(value: unknown): value is CommandOutcome {
  return (
    typeof value === 'object' &&
    value !== null &&
    'streamId' in value &&
    typeof (value as CommandOutcome).position === 'bigint'
  );
}

/**
 * Shapes command answers — `201` for a new change, `200` for a replay — and keeps the Idempotency-Key
 * promise: a retry with the same key and body gets the first response; the same key with another body
 * is a 409. Runs after the guard (the key is scoped to the caller's CPTS) and before validation.
 */
@Injectable()
export class CommandResponseInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const key =
      request.method === 'POST' ? parseIdempotencyKey(request.header('idempotency-key')) : undefined;
    const principal = principalOf(request);
    const scope = principal ? (principal.cpts ?? `admin:${principal.sub}`) : undefined;

    let requestHash: string | undefined;
    if (key !== undefined && scope !== undefined) {
      requestHash = this.idempotency.fingerprint({
        method: request.method,
        path: request.originalUrl,
        body: request.body as unknown,
      });
      const previous = this.idempotency.get(scope, key);
      if (previous) {
        if (previous.requestHash !== requestHash) {
          throw new ConflictException(
            problem(
              409,
              'idempotency-key-reused',
              'This Idempotency-Key was used for another request; use a new key.',
            ),
          );
        }
        response.status(200);
        return of(previous.body);
      }
    }

    return next.handle().pipe(
      map((value: unknown) => {
        if (!isOutcome(value)) return value;
        const body: CommandResponse = {
          id: value.id,
          streamId: value.streamId,
          revision: value.revision,
          position: value.position.toString(),
        };
        response.status(value.replayed ? 200 : 201);
        // Only a first response is remembered. A replay found by its event ids means the record of the
        // original request is gone (lost, or forgotten when its patient was erased): this body may not be
        // the original's, so remembering it would judge later retries against the wrong request — and,
        // after an erasure, let them confirm a guessed identity.
        if (!value.replayed && key !== undefined && scope !== undefined && requestHash !== undefined) {
          this.idempotency.put(scope, key, { requestHash, status: 201, body, streamId: body.streamId });
        }
        return body;
      }),
    );
  }
}
