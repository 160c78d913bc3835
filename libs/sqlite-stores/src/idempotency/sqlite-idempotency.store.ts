import Database from 'better-sqlite3';
import canonicalize from 'canonicalize';
import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type IdempotencyRecord, IdempotencyStore } from '@parcours/domain';

/**
 * Remembers the first response to each Idempotency-Key, per CPTS, so a retry gets it back and a reuse of
 * the key for another request is refused. The events themselves are deduplicated by the store (ids derived
 * from the key), so losing this file loses only the 409 on a reused key, never an event's uniqueness.
 *
 * A request can carry an identity (a patient's registration), so what is kept of it must not let anyone
 * confirm a guess: the fingerprint is an HMAC under a service key held in the vault (not a plain hash,
 * which could be checked offline against guessed identities), and every record of a patient's stream is
 * deleted when that patient is erased (`forgetStream`) — afterwards a retry with the old key finds its
 * events and answers 200 whatever body it carries, so the API confirms nothing either.
 */
export class SqliteIdempotencyStore extends IdempotencyStore {
  private readonly db: Database.Database;
  private readonly getStmt: Database.Statement<
    [string, string],
    { request_hash: string; status: number; body: string }
  >;
  private readonly putStmt: Database.Statement<
    [string, string, string, number, string, string | null, string]
  >;
  private readonly forgetStmt: Database.Statement<[string]>;

  constructor(
    path: string,
    private readonly fingerprintKey: Buffer,
  ) {
    super();
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // A forgotten record is overwritten in the file, not left in a free page.
    this.db.pragma('secure_delete = ON');
    const columns = this.db.prepare('PRAGMA table_info(responses)').all() as Array<{ name: string }>;
    if (columns.length > 0 && !columns.some((column) => column.name === 'stream_id')) {
      // Records of an older version hold unkeyed fingerprints: dropped. A retry of one of those requests
      // is still recognised by its event ids (200); only a reuse of such a key for another body goes unseen.
      this.db.exec('DROP TABLE responses');
    }
    this.db.exec(`CREATE TABLE IF NOT EXISTS responses (
      scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
      status INTEGER NOT NULL, body TEXT NOT NULL, stream_id TEXT, created_at TEXT NOT NULL,
      PRIMARY KEY (scope, key)) STRICT;
      CREATE INDEX IF NOT EXISTS responses_by_stream ON responses (stream_id)`);
    this.getStmt = this.db.prepare(
      'SELECT request_hash, status, body FROM responses WHERE scope = ? AND key = ?',
    );
    this.putStmt = this.db.prepare(
      `INSERT OR IGNORE INTO responses (scope, key, request_hash, status, body, stream_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.forgetStmt = this.db.prepare('DELETE FROM responses WHERE stream_id = ?');
  }

  /** The keyed fingerprint of a request (method, path, body), as compared between a request and its retry. */
  override fingerprint(request: { method: string; path: string; body: unknown }): string {
    return createHmac('sha256', this.fingerprintKey)
      .update(canonicalize(request) ?? '')
      .digest('hex');
  }

  override get(scope: string, key: string): Omit<IdempotencyRecord, 'streamId'> | null {
    const row = this.getStmt.get(scope, key);
    return row ? { requestHash: row.request_hash, status: row.status, body: JSON.parse(row.body) } : null;
  }

  /** First writer wins: a concurrent duplicate that got here second keeps the first response. */
  override put(scope: string, key: string, record: IdempotencyRecord): void {
    this.putStmt.run(
      scope,
      key,
      record.requestHash,
      record.status,
      JSON.stringify(record.body),
      record.streamId ?? null,
      new Date().toISOString(),
    );
  }

  /** Forgets every request that changed this stream (a patient being erased). Returns how many. */
  override forgetStream(streamId: string): number {
    const { changes } = this.forgetStmt.run(streamId);
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return changes;
  }

  close(): void {
    this.db.close();
  }
}
