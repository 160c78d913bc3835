import type { ExpectedRevision } from './event-store.port';

/** Base of the errors the port defines; `code` is stable, for mapping to HTTP and for logs. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

/** The stream was not at the expected revision: someone else changed it first. */
export class WrongExpectedRevisionError extends EventStoreError {
  readonly code = 'wrong-expected-revision';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Revision of the stream's last event, or `no_stream`. */
    readonly actual: number | 'no_stream',
  ) {
    super(`Stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/**
 * Some but not all of the event ids were stored already, or they were stored in another stream:
 * this is not a retry of the same append, and appending would break idempotency.
 */
export class IdempotencyConflictError extends EventStoreError {
  readonly code = 'idempotency-conflict';
  constructor(
    readonly streamId: string,
    readonly eventIds: string[],
    /** What was found of these ids: some stored, or stored in another place. */
    readonly detail: string,
  ) {
    super(`Stream ${streamId}: ${detail}`);
    this.name = 'IdempotencyConflictError';
  }
}

/** The append itself is malformed (no events, missing envelope fields, data that is not JSON…). */
export class InvalidEventError extends EventStoreError {
  readonly code = 'invalid-event';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/**
 * Why the store cannot serve a request now. Every one is transient from the caller's point of view: the
 * same request (with the same event ids) may be sent again later, and nothing was half-written.
 * - `access-denied`: the store refused our credentials or their rights (a configuration to fix);
 * - `not-leader`: the node we reached does not lead (an election, or we were on a follower);
 * - `not-ready`: the node is starting, too busy, or read-only;
 * - `deadline-exceeded`: no answer in time (a stuck or overloaded store);
 * - `disk-full`: the file system holding the data is full (reads still work);
 * - `read-only`: the file system holding the data is read-only (reads still work);
 * - `unavailable`: closed, unreachable, connection lost, or another failure of the disk.
 */
export type StoreUnavailableReason =
  | 'access-denied'
  | 'not-leader'
  | 'not-ready'
  | 'deadline-exceeded'
  | 'disk-full'
  | 'read-only'
  | 'unavailable';

const RETRY_AFTER_SECONDS: Record<StoreUnavailableReason, number> = {
  'access-denied': 30,
  'not-leader': 1,
  'not-ready': 2,
  'deadline-exceeded': 2,
  // Someone has to free space or remount the disk: not a matter of seconds.
  'disk-full': 30,
  'read-only': 30,
  unavailable: 5,
};

/** The store cannot take or serve the request now (closed, disk full, read-only, connection lost…). */
export class StoreUnavailableError extends EventStoreError {
  readonly code = 'store-unavailable';
  readonly reason: StoreUnavailableReason;
  /** How long a caller should wait before trying again (the HTTP `Retry-After`). */
  readonly retryAfterSeconds: number;
  constructor(
    message: string,
    options: { cause?: unknown; reason?: StoreUnavailableReason; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'StoreUnavailableError';
    this.reason = options.reason ?? 'unavailable';
    this.retryAfterSeconds = options.retryAfterSeconds ?? RETRY_AFTER_SECONDS[this.reason];
  }
}
