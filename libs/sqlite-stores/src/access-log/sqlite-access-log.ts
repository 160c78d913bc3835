import Database from 'better-sqlite3';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type AccessLog,
  type AccessLogEntry,
  type AccessLogQuery,
  type AccessLogRecord,
  type AccessLogVerification,
} from '@parcours/domain';
import { v7 as uuidv7 } from 'uuid';

/**
 * Who read which patient's identity, when and why (`quality.md`, "reading identities"). Append-only:
 * this class has no update or delete, and the table refuses both (triggers), so even a direct SQL client
 * cannot quietly rewrite history. The file is owner-only (it says who cares for whom). No NestJS here.
 *
 * Like the event log, each CPTS's entries form a hash chain: `hash = sha256(prevHash ‖ canonical JSON of
 * the entry)`, the first entry chaining from sha256(`access-log:<cptsId>`). Someone with write access to
 * the file who drops the triggers still cannot change, remove or reorder an entry without `verify`
 * seeing it (only the very last entries can be cut off unseen, as with any chain).
 */

interface Row {
  seq: number;
  id: string;
  at: string;
  cpts_id: string;
  patient_id: string;
  actor_id: string;
  role: string;
  purpose: string;
  request_id: string;
  prev_hash: string;
  hash: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function genesis(cptsId: string): string {
  return sha256(`access-log:${cptsId}`);
}

function entryHash(prevHash: string, entry: AccessLogEntry): string {
  return sha256(prevHash + canonicalize(entry));
}

function toEntry(row: Row): AccessLogEntry {
  return {
    id: row.id,
    at: row.at,
    cptsId: row.cpts_id,
    patientId: row.patient_id,
    actorId: row.actor_id,
    role: row.role,
    purpose: row.purpose,
    requestId: row.request_id,
  };
}

/** The access log's file in DATA_DIR. */
export const ACCESS_LOG_FILE = 'access-log.db';

/** The access log in its own SQLite file (`DATA_DIR/access-log.db`). */
export class SqliteAccessLog implements AccessLog {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<
    [string, string, string, string, string, string, string, string, string, string]
  >;
  private readonly lastHash: Database.Statement<[string], { hash: string }>;
  /** Reads the tail hash and appends in one write transaction, so concurrent writers cannot fork the chain. */
  private readonly append: (entry: AccessLogEntry) => void;

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // An entry must be durable before the identity it records is sent.
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS access_log (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        id         TEXT NOT NULL UNIQUE,
        at         TEXT NOT NULL,
        cpts_id    TEXT NOT NULL,
        patient_id TEXT NOT NULL,
        actor_id   TEXT NOT NULL,
        role       TEXT NOT NULL,
        purpose    TEXT NOT NULL,
        request_id TEXT NOT NULL,
        prev_hash  TEXT NOT NULL,
        hash       TEXT NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS access_log_by_cpts_at ON access_log (cpts_id, at);
      CREATE INDEX IF NOT EXISTS access_log_by_patient ON access_log (cpts_id, patient_id, at);
      CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only: no update'); END;
      CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only: no delete'); END;
    `);
    this.chainEntriesOfOlderFiles();
    this.insert = this.db.prepare(
      `INSERT INTO access_log (id, at, cpts_id, patient_id, actor_id, role, purpose, request_id, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.lastHash = this.db.prepare(
      'SELECT hash FROM access_log WHERE cpts_id = ? ORDER BY seq DESC LIMIT 1',
    );
    const append = this.db.transaction((entry: AccessLogEntry) => {
      const prevHash = this.lastHash.get(entry.cptsId)?.hash ?? genesis(entry.cptsId);
      this.insert.run(
        entry.id,
        entry.at,
        entry.cptsId,
        entry.patientId,
        entry.actorId,
        entry.role,
        entry.purpose,
        entry.requestId,
        prevHash,
        entryHash(prevHash, entry),
      );
    });
    this.append = (entry) => append.immediate(entry);
  }

  /**
   * A log written before entries were chained has no hash columns: they are added and its entries
   * chained once, in order (the only rewrite the table ever gets, with the triggers lifted for it).
   */
  private chainEntriesOfOlderFiles(): void {
    const columns = this.db.prepare('PRAGMA table_info(access_log)').all() as Array<{ name: string }>;
    if (columns.some((column) => column.name === 'hash')) return;
    this.db.transaction(() => {
      this.db.exec(`
        ALTER TABLE access_log ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
        ALTER TABLE access_log ADD COLUMN hash TEXT NOT NULL DEFAULT '';
        DROP TRIGGER access_log_no_update;`);
      const rows = this.db.prepare('SELECT * FROM access_log ORDER BY seq').all() as Row[];
      const update = this.db.prepare('UPDATE access_log SET prev_hash = ?, hash = ? WHERE seq = ?');
      const tails = new Map<string, string>();
      for (const row of rows) {
        const prevHash = tails.get(row.cpts_id) ?? genesis(row.cpts_id);
        const hash = entryHash(prevHash, toEntry(row));
        update.run(prevHash, hash, row.seq);
        tails.set(row.cpts_id, hash);
      }
      this.db.exec(`CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only: no update'); END;`);
    })();
  }

  /** Writes one entry (synchronously, durably) and returns it. */
  record(record: AccessLogRecord, at: Date = new Date()): AccessLogEntry {
    const entry: AccessLogEntry = {
      id: uuidv7(),
      at: at.toISOString(),
      cptsId: record.cptsId,
      patientId: record.patientId,
      actorId: record.actorId,
      role: record.role,
      purpose: record.purpose,
      requestId: record.requestId,
    };
    this.append(entry);
    return entry;
  }

  /** Checks one CPTS's chain, or every CPTS's. Reports the first break of each chain. */
  verify(cptsId?: string): AccessLogVerification {
    const rows = (
      cptsId === undefined
        ? this.db.prepare('SELECT * FROM access_log ORDER BY seq')
        : this.db.prepare('SELECT * FROM access_log WHERE cpts_id = ? ORDER BY seq')
    ).iterate(...(cptsId === undefined ? [] : [cptsId])) as IterableIterator<Row>;
    const tails = new Map<string, string>();
    const brokenChains = new Set<string>();
    const broken: AccessLogVerification['broken'] = [];
    let entries = 0;
    for (const row of rows) {
      entries++;
      if (brokenChains.has(row.cpts_id)) continue;
      const expectedPrev = tails.get(row.cpts_id) ?? genesis(row.cpts_id);
      const problem =
        row.prev_hash !== expectedPrev
          ? 'prev-hash-mismatch'
          : entryHash(row.prev_hash, toEntry(row)) !== row.hash
            ? 'hash-mismatch'
            : undefined;
      if (problem) {
        broken.push({ id: row.id, seq: row.seq, problem });
        brokenChains.add(row.cpts_id);
      }
      tails.set(row.cpts_id, row.hash);
    }
    return { ok: broken.length === 0, entries, broken };
  }

  /** The entries of one CPTS, newest first. */
  list(query: AccessLogQuery): AccessLogEntry[] {
    const where = ['cpts_id = ?'];
    const params: Array<string | number> = [query.cptsId];
    if (query.from !== undefined) {
      where.push('at >= ?');
      params.push(query.from);
    }
    if (query.to !== undefined) {
      where.push('at < ?');
      params.push(query.to);
    }
    if (query.patientId !== undefined) {
      where.push('patient_id = ?');
      params.push(query.patientId);
    }
    if (query.purposePrefix !== undefined) {
      where.push('substr(purpose, 1, ?) = ?');
      params.push(query.purposePrefix.length, query.purposePrefix);
    }
    params.push(query.limit);
    const rows = this.db
      .prepare(`SELECT * FROM access_log WHERE ${where.join(' AND ')} ORDER BY at DESC, seq DESC LIMIT ?`)
      .all(...params) as Row[];
    return rows.map(toEntry);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
