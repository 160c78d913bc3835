import Database from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { v7 as uuidv7 } from 'uuid';

/**
 * Who read which patient's identity, when and why (`quality.md`, "reading identities"). Append-only:
 * this class has no update or delete, and the table refuses both (triggers), so even a direct SQL client
 * cannot quietly rewrite history. The file is owner-only (it says who cares for whom). No NestJS here.
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
  /** At most this many entries, newest first. */
  limit: number;
}

interface Row {
  id: string;
  at: string;
  cpts_id: string;
  patient_id: string;
  actor_id: string;
  role: string;
  purpose: string;
  request_id: string;
}

export class PatientAccessLog {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement<
    [string, string, string, string, string, string, string, string]
  >;

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
        request_id TEXT NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS access_log_by_cpts_at ON access_log (cpts_id, at);
      CREATE INDEX IF NOT EXISTS access_log_by_patient ON access_log (cpts_id, patient_id, at);
      CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only: no update'); END;
      CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only: no delete'); END;
    `);
    this.insert = this.db.prepare(
      `INSERT INTO access_log (id, at, cpts_id, patient_id, actor_id, role, purpose, request_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Writes one entry (synchronously, durably) and returns it. */
  record(record: AccessLogRecord, at: Date = new Date()): AccessLogEntry {
    const entry: AccessLogEntry = { id: uuidv7(), at: at.toISOString(), ...record };
    this.insert.run(
      entry.id,
      entry.at,
      entry.cptsId,
      entry.patientId,
      entry.actorId,
      entry.role,
      entry.purpose,
      entry.requestId,
    );
    return entry;
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
    params.push(query.limit);
    const rows = this.db
      .prepare(`SELECT * FROM access_log WHERE ${where.join(' AND ')} ORDER BY at DESC, seq DESC LIMIT ?`)
      .all(...params) as Row[];
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      cptsId: row.cpts_id,
      patientId: row.patient_id,
      actorId: row.actor_id,
      role: row.role,
      purpose: row.purpose,
      requestId: row.request_id,
    }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
