/**
 * Who read which patient's identity, when and why (`quality.md`, "reading identities"): the port the
 * patients capability writes every identity read to before answering, and the audit reads. Append-only,
 * and chained per CPTS so that a changed, removed or reordered entry is found by `verify`. The adapter
 * (`SqliteAccessLog`, in `libs/sqlite-stores`) keeps it in a file of its own.
 */

export interface AccessLogEntry {
  id: string;
  /** ISO 8601 UTC, milliseconds: when the identity was handed out. */
  at: string;
  cptsId: string;
  patientId: string;
  actorId: string;
  role: string;
  purpose: string;
  requestId: string;
}

export type AccessLogRecord = Omit<AccessLogEntry, 'id' | 'at'>;

export interface AccessLogQuery {
  cptsId: string;
  /** Inclusive, ISO 8601 UTC. */
  from?: string;
  /** Exclusive, ISO 8601 UTC. */
  to?: string;
  patientId?: string;
  /** Only the entries whose purpose starts with this (e.g. the emergency accesses, `bris-de-glace:`). */
  purposePrefix?: string;
  /** At most this many entries, newest first. */
  limit: number;
}

/** What `verify` found in one CPTS's chain. */
export interface AccessLogVerification {
  ok: boolean;
  entries: number;
  /** The first entry that does not hold, if any: changed (`hash-mismatch`), or not chained to the one before. */
  broken: Array<{ id: string; seq: number; problem: 'hash-mismatch' | 'prev-hash-mismatch' }>;
}

export abstract class AccessLog {
  /** Writes the entry (durably) before the identity it records is handed out; throws if it cannot. */
  abstract record(record: AccessLogRecord, at?: Date): AccessLogEntry;
  /** Checks the chain of one CPTS, or of every CPTS. */
  abstract verify(cptsId?: string): AccessLogVerification;
  /** Newest first. */
  abstract list(query: AccessLogQuery): AccessLogEntry[];
}
