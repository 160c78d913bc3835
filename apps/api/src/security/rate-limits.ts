import { type DynamicModule, type ExecutionContext, Injectable } from '@nestjs/common';
import {
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  ThrottlerModule,
  type ThrottlerOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
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

interface Window {
  hits: number;
  /** When the window, opened by its first request, closes (ms since the epoch). */
  closesAt: number;
  blockedUntil: number;
}

const SWEEP_MS = MINUTE_MS;

/**
 * The throttler's storage, in memory, per process: per key, a count over a window opened by the key's
 * first request (as a shared store's counter with an expiry does), so that a request costs the same
 * whatever the limit. The library's own storage keeps every hit's expiry and filters them all on each
 * request: a client at a limit of 3 000 a minute made each of its requests walk 3 000 entries. Past the
 * limit, the key is refused until the block ends (`blockDuration`, the window's length by default).
 */
export class WindowCounterStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private sweptAt: number;

  constructor(private readonly now: () => number = Date.now) {
    this.sweptAt = now();
  }

  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): ReturnType<ThrottlerStorage['increment']> {
    const now = this.now();
    // Idle keys are forgotten once a minute, on the way (no timer to stop).
    if (now - this.sweptAt >= SWEEP_MS) this.evictIdle();
    const id = `${throttlerName}\u0000${key}`;
    let window = this.windows.get(id);
    if (!window) {
      window = { hits: 0, closesAt: now + ttl, blockedUntil: 0 };
      this.windows.set(id, window);
    } else if (window.closesAt <= now && window.blockedUntil <= now) {
      window.hits = 0;
      window.closesAt = now + ttl;
    }
    let isBlocked = window.blockedUntil > now;
    if (!isBlocked) {
      window.hits += 1;
      if (window.hits > limit) {
        window.blockedUntil = now + (blockDuration > 0 ? blockDuration : ttl);
        isBlocked = true;
      }
    }
    const seconds = (until: number) => Math.max(0, Math.ceil((until - now) / 1000));
    return Promise.resolve({
      totalHits: window.hits,
      timeToExpire: seconds(window.closesAt),
      isBlocked,
      timeToBlockExpire: isBlocked ? seconds(window.blockedUntil) : 0,
    });
  }

  /** Forgets the keys whose window has closed and which are not blocked: memory follows the active clients. */
  evictIdle(): void {
    const now = this.now();
    this.sweptAt = now;
    for (const [id, window] of this.windows) {
      if (window.closesAt <= now && window.blockedUntil <= now) this.windows.delete(id);
    }
  }

  /** Keys remembered. */
  get size(): number {
    return this.windows.size;
  }
}

/** The throttler's storage (in memory, per process) and limits; the app registers the two guards. */
export function rateLimitsModule(config: AppConfig): DynamicModule {
  return ThrottlerModule.forRoot({
    throttlers: throttlers(config),
    setHeaders: false,
    storage: new WindowCounterStorage(),
  });
}
