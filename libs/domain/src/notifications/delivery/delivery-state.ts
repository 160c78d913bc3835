import type { NotificationEvent, NotificationFailed, NotificationRequested } from '../notification.events';

/** One notification's fate as its stream tells it: the outbox record, the attempts made, how they ended. */
export interface DeliveryState {
  requested?: NotificationRequested;
  attempts: number;
  delivered: boolean;
  final: boolean;
  /** When the last failure said to try again. */
  retryAt?: string;
}

export function deliveryState(events: readonly NotificationEvent[]): DeliveryState {
  const state: DeliveryState = { attempts: 0, delivered: false, final: false };
  for (const event of events) {
    switch (event.type) {
      case 'NotificationRequested':
        state.requested = event.data;
        break;
      case 'NotificationDelivered':
        state.delivered = true;
        state.attempts = Math.max(state.attempts, event.data.attempt);
        break;
      case 'NotificationFailed':
        state.attempts = Math.max(state.attempts, event.data.attempt);
        state.final ||= event.data.final;
        state.retryAt = event.data.retryAt;
        break;
      default:
        break;
    }
  }
  return state;
}

export type NextStep =
  { kind: 'done' } | { kind: 'wait'; until: string } | { kind: 'attempt'; attempt: number };

/**
 * What the dispatcher does with a notification now: nothing more once it is delivered or given up, or is
 * the inbox's; wait for its quiet hours or its retry time; otherwise the next attempt. An attempt made
 * but never recorded (a crash) is made again under the same number: the receiver sees the same id.
 */
export function nextStep(state: DeliveryState, now: Date): NextStep {
  const requested = state.requested;
  if (!requested || requested.channel === 'inbox' || state.delivered || state.final) return { kind: 'done' };
  const until = state.attempts === 0 ? requested.notBefore : state.retryAt;
  if (until !== undefined && Date.parse(until) > now.getTime()) return { kind: 'wait', until };
  return { kind: 'attempt', attempt: state.attempts + 1 };
}

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
}

const MAX_DELAY_MS = 3_600_000;

/**
 * The delay before attempt `attempt + 1`: the base doubled at each attempt, capped at an hour, plus up
 * to half again at random (`random` in [0, 1)) so that receivers coming back are not hit all at once.
 */
export function retryDelay(attempt: number, policy: RetryPolicy, random: number): number {
  const exponential = Math.min(policy.baseMs * 2 ** (attempt - 1), MAX_DELAY_MS);
  return Math.round(exponential * (1 + random / 2));
}

/** What a failed attempt records: when to try again, or that it is the last. */
export function failure(
  notificationId: string,
  attempt: number,
  error: string,
  now: Date,
  policy: RetryPolicy,
  random: number,
): NotificationFailed {
  if (attempt >= policy.maxAttempts) return { notificationId, attempt, error, final: true };
  const retryAt = new Date(now.getTime() + retryDelay(attempt, policy, random)).toISOString();
  return { notificationId, attempt, error, final: false, retryAt };
}

/** A short code for what went wrong, never a message (it may quote a body or an address). */
export function errorCode(error: unknown): string {
  const found = error as {
    responseCode?: unknown;
    code?: unknown;
    cause?: { code?: unknown };
    name?: unknown;
  };
  const candidates = [
    typeof found?.responseCode === 'number' ? `smtp-${found.responseCode}` : undefined,
    found?.cause?.code,
    found?.code,
    found?.name,
  ];
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && /^[A-Za-z0-9_.-]{1,40}$/.test(candidate)) return candidate;
  }
  return 'error';
}
