import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface IdempotencyRecord {
  requestHash: string;
  status: number;
  body: unknown;
}

/**
 * Remembers the first response to each Idempotency-Key, per CPTS, so a retry gets it back and a reuse of
 * the key for another request is refused. The events themselves are deduplicated by the store (ids derived
 * from the key), so losing this file loses only the 409 on a reused key, never an event's uniqueness.
 */
export class IdempotencyStore {
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement<
    [string, string],
    { request_hash: string; status: number; body: string }
  >;
  private readonly putStmt: Database.Statement<[string, string, string, number, string, string]>;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS responses (
      scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
      status INTEGER NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL,
      PRIMARY KEY (scope, key)) STRICT`);
    this.getStmt = this.db.prepare(
      'SELECT request_hash, status, body FROM responses WHERE scope = ? AND key = ?',
    );
    this.putStmt = this.db.prepare('INSERT OR IGNORE INTO responses VALUES (?, ?, ?, ?, ?, ?)');
  }

  get(scope: string, key: string): IdempotencyRecord | null {
    const row = this.getStmt.get(scope, key);
    return row ? { requestHash: row.request_hash, status: row.status, body: JSON.parse(row.body) } : null;
  }

  /** First writer wins: a concurrent duplicate that got here second keeps the first response. */
  put(scope: string, key: string, record: IdempotencyRecord): void {
    this.putStmt.run(
      scope,
      key,
      record.requestHash,
      record.status,
      JSON.stringify(record.body),
      new Date().toISOString(),
    );
  }

  close(): void {
    this.db.close();
  }
}
