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
    detail: string,
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

/** The store cannot take or serve the request now (closed, disk full, read-only, connection lost). */
export class StoreUnavailableError extends EventStoreError {
  readonly code = 'store-unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
