import Database from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Per-patient keys, kept outside the event log (`quality.md`, "the right to erasure vs an immutable log").
 *
 * Each (CPTS, patient) gets its own random 256-bit key. A patient's identity is stored in the event log
 * only as AES-256-GCM ciphertext under that key, so destroying the key makes every copy of it — in the
 * log, in read models, in backups of the log — unreadable, while the hash chains (computed over the
 * ciphertext) still verify.
 *
 * The keys live in their own SQLite file (directory 0700, file 0600) with `secure_delete` on, so that a
 * destroyed key is overwritten in the file rather than left in a free page; the WAL is truncated after
 * each destruction so that no older copy of the page survives there either. Pure Node: no NestJS.
 */

export const SEALED_ALGORITHM = 'A256GCM';

/** What the event log stores instead of the plaintext: every field base64. */
export interface SealedIdentity {
  alg: typeof SEALED_ALGORITHM;
  iv: string;
  ciphertext: string;
  tag: string;
}

/** The ciphertext does not open under this patient's key: it was altered, or belongs to someone else. */
export class IdentityIntegrityError extends Error {
  constructor(cptsId: string, patientId: string, options?: { cause?: unknown }) {
    super(`the sealed identity of patient ${patientId} (CPTS ${cptsId}) does not authenticate`, options);
    this.name = 'IdentityIntegrityError';
  }
}

/** A key was destroyed for this patient: the vault never creates another one for the same patient. */
export class IdentityErasedError extends Error {
  constructor(cptsId: string, patientId: string) {
    super(`the key of patient ${patientId} (CPTS ${cptsId}) was destroyed; it cannot seal again`);
    this.name = 'IdentityErasedError';
  }
}

export interface PendingErasure {
  cptsId: string;
  patientId: string;
  /** ISO 8601 UTC: when the erasure was about to be appended. */
  markedAt: string;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const AAD_CONTEXT = 'parcours/patient-identity/v1';

/**
 * The additional authenticated data: binds a ciphertext to its CPTS and patient, so that it cannot be
 * copied into another patient's stream and still open. Length-prefixed, so no two pairs collide.
 */
function aad(cptsId: string, patientId: string): Buffer {
  return Buffer.from(`${AAD_CONTEXT}\n${cptsId.length}:${cptsId}\n${patientId.length}:${patientId}`, 'utf8');
}

function isSealed(value: unknown): value is SealedIdentity {
  const sealed = value as Partial<SealedIdentity> | null;
  return (
    typeof sealed === 'object' &&
    sealed !== null &&
    sealed.alg === SEALED_ALGORITHM &&
    typeof sealed.iv === 'string' &&
    typeof sealed.ciphertext === 'string' &&
    typeof sealed.tag === 'string'
  );
}

export class IdentityVault {
  private readonly db: Database.Database;
  private readonly getKey: Database.Statement<[string, string], { key: Buffer }>;
  private readonly insertKey: Database.Statement<[string, string, Buffer, string]>;
  private readonly deleteKey: Database.Statement<[string, string]>;
  private readonly isDestroyed: Database.Statement<[string, string], { destroyed_at: string }>;
  private readonly insertTombstone: Database.Statement<[string, string, string]>;
  private readonly insertPending: Database.Statement<[string, string, string]>;
  private readonly deletePending: Database.Statement<[string, string]>;
  private readonly listPending: Database.Statement<
    [],
    { cpts_id: string; patient_id: string; marked_at: string }
  >;
  private readonly destroyTx: (cptsId: string, patientId: string) => boolean;
  private readonly createKeyTx: Database.Transaction<(cptsId: string, patientId: string) => Buffer>;

  /** Opens (creating if needed) the key file, e.g. `DATA_DIR/keys/patient-keys.db`. */
  constructor(readonly path: string) {
    const dir = dirname(path);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    // Create the file with owner-only rights before SQLite opens it (its -wal and -shm files inherit them).
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);

    this.db = new Database(path);
    this.db.pragma('secure_delete = ON');
    this.db.pragma('journal_mode = WAL');
    // A key lost to a power cut is an identity lost: every commit is synced.
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS patient_keys (
        cpts_id    TEXT NOT NULL,
        patient_id TEXT NOT NULL,
        key        BLOB NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (cpts_id, patient_id)
      ) STRICT;
      CREATE TABLE IF NOT EXISTS destroyed_keys (
        cpts_id      TEXT NOT NULL,
        patient_id   TEXT NOT NULL,
        destroyed_at TEXT NOT NULL,
        PRIMARY KEY (cpts_id, patient_id)
      ) STRICT;
      CREATE TABLE IF NOT EXISTS pending_erasures (
        cpts_id    TEXT NOT NULL,
        patient_id TEXT NOT NULL,
        marked_at  TEXT NOT NULL,
        PRIMARY KEY (cpts_id, patient_id)
      ) STRICT;
      CREATE TABLE IF NOT EXISTS service_keys (
        name       TEXT PRIMARY KEY,
        key        BLOB NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
    `);
    // Whatever a crash left in the WAL goes into the main file, where secure_delete has overwritten it.
    this.db.pragma('wal_checkpoint(TRUNCATE)');

    this.getKey = this.db.prepare('SELECT key FROM patient_keys WHERE cpts_id = ? AND patient_id = ?');
    this.insertKey = this.db.prepare('INSERT OR IGNORE INTO patient_keys VALUES (?, ?, ?, ?)');
    this.deleteKey = this.db.prepare('DELETE FROM patient_keys WHERE cpts_id = ? AND patient_id = ?');
    this.isDestroyed = this.db.prepare(
      'SELECT destroyed_at FROM destroyed_keys WHERE cpts_id = ? AND patient_id = ?',
    );
    this.insertTombstone = this.db.prepare('INSERT OR IGNORE INTO destroyed_keys VALUES (?, ?, ?)');
    this.insertPending = this.db.prepare('INSERT OR IGNORE INTO pending_erasures VALUES (?, ?, ?)');
    this.deletePending = this.db.prepare('DELETE FROM pending_erasures WHERE cpts_id = ? AND patient_id = ?');
    this.listPending = this.db.prepare(
      'SELECT cpts_id, patient_id, marked_at FROM pending_erasures ORDER BY marked_at',
    );
    this.destroyTx = this.db.transaction((cptsId: string, patientId: string): boolean => {
      const removed = this.deleteKey.run(cptsId, patientId).changes > 0;
      this.insertTombstone.run(cptsId, patientId, new Date().toISOString());
      this.deletePending.run(cptsId, patientId);
      return removed;
    });
    // Immediate: the tombstone check and the insert happen under one write lock, so a key destroyed by
    // another process in between cannot come back.
    this.createKeyTx = this.db.transaction((cptsId: string, patientId: string): Buffer => {
      if (this.wasDestroyed(cptsId, patientId)) throw new IdentityErasedError(cptsId, patientId);
      // OR IGNORE then read back: when two writers race, both use the key that won.
      this.insertKey.run(cptsId, patientId, randomBytes(KEY_BYTES), new Date().toISOString());
      return this.getKey.get(cptsId, patientId)!.key;
    });
  }

  /**
   * Encrypts an identity under the patient's key, creating the key on first use. Sealing twice gives two
   * different ciphertexts (fresh IV) that both open. Refuses a patient whose key was destroyed.
   */
  seal(cptsId: string, patientId: string, identity: object): SealedIdentity {
    const key = this.keyFor(cptsId, patientId, true)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(cptsId, patientId));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(identity), 'utf8'), cipher.final()]);
    return {
      alg: SEALED_ALGORITHM,
      iv: iv.toString('base64'),
      ciphertext: ciphertext.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
  }

  /**
   * A secret of the service itself (e.g. the key of the idempotency fingerprints), kept with the patient
   * keys and created at first use: 256 random bits, the same for every process sharing this vault.
   */
  serviceKey(name: string): Buffer {
    const read = () =>
      (
        this.db.prepare('SELECT key FROM service_keys WHERE name = ?').get(name) as
          { key: Buffer } | undefined
      )?.key;
    const existing = read();
    if (existing) return existing;
    this.db
      .prepare('INSERT OR IGNORE INTO service_keys (name, key, created_at) VALUES (?, ?, ?)')
      .run(name, randomBytes(KEY_BYTES), new Date().toISOString());
    return read()!;
  }

  /**
   * The identity, or `null` when the patient has no key (destroyed: erased). Throws
   * `IdentityIntegrityError` when the ciphertext does not authenticate (altered, or another patient's).
   */
  open<T = unknown>(cptsId: string, patientId: string, sealed: SealedIdentity): T | null {
    const key = this.keyFor(cptsId, patientId, false);
    if (!key) return null;
    if (!isSealed(sealed)) throw new IdentityIntegrityError(cptsId, patientId);
    try {
      const iv = Buffer.from(sealed.iv, 'base64');
      const tag = Buffer.from(sealed.tag, 'base64');
      if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('bad iv or tag length');
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(cptsId, patientId));
      decipher.setAuthTag(tag);
      const plaintext = Buffer.concat([
        decipher.update(Buffer.from(sealed.ciphertext, 'base64')),
        decipher.final(),
      ]);
      return JSON.parse(plaintext.toString('utf8')) as T;
    } catch (error) {
      throw new IdentityIntegrityError(cptsId, patientId, { cause: error });
    }
  }

  /** Whether the patient currently has a key (false before the first seal and after destruction). */
  hasKey(cptsId: string, patientId: string): boolean {
    return this.getKey.get(cptsId, patientId) !== undefined;
  }

  /** Whether the patient's key was destroyed (a tombstone is kept; the key is not). */
  wasDestroyed(cptsId: string, patientId: string): boolean {
    return this.isDestroyed.get(cptsId, patientId) !== undefined;
  }

  /**
   * Destroys the patient's key for good: the row is deleted (overwritten on disk by secure_delete), a
   * tombstone keeps `seal` from ever making a new one, any pending-erasure mark is cleared, and the WAL is
   * checkpointed and truncated. Idempotent; returns whether a key was there.
   */
  destroy(cptsId: string, patientId: string): boolean {
    const removed = this.destroyTx(cptsId, patientId);
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return removed;
  }

  /**
   * Write-ahead intent for an erasure: set before the erasure event is appended, cleared by `destroy`
   * (or `clearErasurePending` when the append was refused). A mark left by a crash tells a reconciler
   * which patients to check.
   */
  markErasurePending(cptsId: string, patientId: string): void {
    this.insertPending.run(cptsId, patientId, new Date().toISOString());
  }

  clearErasurePending(cptsId: string, patientId: string): void {
    this.deletePending.run(cptsId, patientId);
  }

  pendingErasures(): PendingErasure[] {
    return this.listPending
      .all()
      .map((row) => ({ cptsId: row.cpts_id, patientId: row.patient_id, markedAt: row.marked_at }));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private keyFor(cptsId: string, patientId: string, create: boolean): Buffer | undefined {
    const existing = this.getKey.get(cptsId, patientId);
    if (existing) return existing.key;
    if (!create) return undefined;
    return this.createKeyTx.immediate(cptsId, patientId);
  }
}
