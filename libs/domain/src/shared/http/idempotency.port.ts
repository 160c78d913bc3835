/**
 * The memory of Idempotency-Keys: the first response to each key, per CPTS, so that a retry gets it back
 * and a reuse of the key for another request is refused (409). The adapter (`SqliteIdempotencyStore`, in
 * `libs/sqlite-stores`) keeps it in a file of its own; what it keeps of a request is a keyed fingerprint,
 * never the request, and it forgets every request of a patient's stream when that patient is erased.
 */

export interface IdempotencyRecord {
  /** The request's keyed fingerprint (`fingerprint`). */
  requestHash: string;
  status: number;
  body: unknown;
  /** The stream the command changed: what erasing that patient forgets. */
  streamId?: string;
}

export abstract class IdempotencyStore {
  /** The keyed fingerprint of a request (method, path, body), as compared between a request and its retry. */
  abstract fingerprint(request: { method: string; path: string; body: unknown }): string;
  abstract get(scope: string, key: string): Omit<IdempotencyRecord, 'streamId'> | null;
  /** First writer wins: a concurrent duplicate that got here second keeps the first response. */
  abstract put(scope: string, key: string, record: IdempotencyRecord): void;
  /** Forgets every request that changed this stream (a patient being erased). Returns how many. */
  abstract forgetStream(streamId: string): number;
}
