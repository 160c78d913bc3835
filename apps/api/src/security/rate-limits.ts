import { type DynamicModule, type ExecutionContext, Injectable } from '@nestjs/common';
import {
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  ThrottlerModule,
  type ThrottlerOptions,
  type ThrottlerRequest,
} from '@nestjs/throttler';
import { principalOf, requestRouteKey } from '@parcours/auth';
import { type AppConfig, LocalizedProblemError } from '@parcours/platform';
import type { Request, Response } from 'express';
import { IDENTITY_READ_ROUTES, TOKEN_MINT_ROUTES } from '../access-policy';

const MINUTE_MS = 60_000;

function keyOf(context: ExecutionContext): string {
  return requestRouteKey(context.switchToHttp().getRequest<Request>());
}

function clientAddress(request: Request): string {
  return request.socket.remoteAddress ?? 'unknown';
}

/** The signed-in user: one budget per person and CPTS, whatever address or token they use. */
function principalTracker(request: Request): string {
  const principal = principalOf(request);
  return principal ? `${principal.cpts ?? 'platform'}:${principal.sub}` : `address:${clientAddress(request)}`;
}

/**
 * The limits, each over one minute:
 * - `address`: every request from one client address, checked before the token is (so a flood of forged
 *   tokens is cut short too);
 * - `token-mint`: dev tokens minted per address;
 * - `user`: every request of one signed-in user;
 * - `identity-read`: reads that return a patient's identity, per user (each is also in the access log).
 */
function throttlers(config: AppConfig): ThrottlerOptions[] {
  return [
    { name: 'address', ttl: MINUTE_MS, limit: config.RATE_LIMIT_IP_PER_MINUTE },
    {
      name: 'token-mint',
      ttl: MINUTE_MS,
      limit: config.RATE_LIMIT_TOKEN_MINTS_PER_MINUTE,
      skipIf: (context) => !TOKEN_MINT_ROUTES.includes(keyOf(context)),
    },
    { name: 'user', ttl: MINUTE_MS, limit: config.RATE_LIMIT_PER_MINUTE },
    {
      name: 'identity-read',
      ttl: MINUTE_MS,
      limit: config.RATE_LIMIT_IDENTITY_READS_PER_MINUTE,
      skipIf: (context) => !IDENTITY_READ_ROUTES.includes(keyOf(context)),
    },
  ];
}

/**
 * One budget per tracker across all routes (the library's default keys a budget per route), and a 429
 * problem document with a standard `Retry-After`.
 */
abstract class RateLimitGuard extends ThrottlerGuard {
  protected abstract readonly handles: readonly string[];

  protected override handleRequest(request: ThrottlerRequest): Promise<boolean> {
    if (!this.handles.includes(request.throttler.name ?? '')) return Promise.resolve(true);
    return super.handleRequest(request);
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }

  protected override throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const response = context.switchToHttp().getResponse<Response>();
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    response.setHeader('Retry-After', String(seconds));
    throw new LocalizedProblemError(
      429,
      'rate-limited',
      {
        fr: `Trop de requêtes ; réessayez dans ${seconds} s.`,
        en: `Too many requests; try again in ${seconds} s.`,
      },
      [],
      { retryAfterSeconds: seconds },
    );
  }
}

/** Runs before authentication: limits by client address. */
@Injectable()
export class AddressRateLimitGuard extends RateLimitGuard {
  protected readonly handles = ['address', 'token-mint'];

  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    return Promise.resolve(clientAddress(request as unknown as Request));
  }
}

/** Runs after authentication: limits by signed-in user. */
@Injectable()
export class UserRateLimitGuard extends RateLimitGuard {
  protected readonly handles = ['user', 'identity-read'];

  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    return Promise.resolve(principalTracker(request as unknown as Request));
  }
}

/** The throttler's storage (in memory, per process) and limits; the app registers the two guards. */
export function rateLimitsModule(config: AppConfig): DynamicModule {
  return ThrottlerModule.forRoot({ throttlers: throttlers(config), setHeaders: false });
}
