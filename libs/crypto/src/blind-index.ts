import Database from 'better-sqlite3';
import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHmac } from 'node:crypto';
import type { IdentityVault } from './identity-vault';

/**
 * Patient search without a clear identity anywhere: a blind index. Each searchable part of an identity —
 * every token of the names, the birth date, the INS — is kept only as HMAC-SHA-256 under a key of the CPTS
 * (a service key of the vault), so the index file alone tells nobody a name or a date; a search computes
 * the same digests from what is typed and compares digests. Only exact tokens match (no prefixes, no
 * fuzziness): what the normalisation below forgives — accents, case, hyphens and apostrophes, the parts
 * of a compound name taken apart or together — is what a search forgives.
 */

/** What an identity is indexed from: the fields of a patient's identity, as registered or corrected. */
export interface IndexedIdentity {
  familyName: string;
  givenName: string;
  birthDate: string;
  ins?: string;
}

/** What a search asks: any of the three, all given ones must match. */
export interface BlindQuery {
  /** Free text: every token must be a token of the patient's names (family or given, any order). */
  name?: string;
  /** `YYYY-MM-DD` */
  birthDate?: string;
  ins?: string;
}

type Kind = 'name' | 'birth-date' | 'ins';

/** Letters without their accents, lower case; ligatures spelt out (œ → oe), as a French name is typed. */
function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss');
}

/** The words of a name: anything but letters and digits separates them (spaces, hyphens, apostrophes). */
export function nameWords(text: string): string[] {
  return fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
}

/**
 * The tokens a name is found by: its words, and for a compound name its words run together as well, so
 * that "Le Goff" is found as "legoff" and "Jean-Pierre" as "jean pierre" or "jeanpierre".
 */
export function nameTokens(name: string): string[] {
  const words = nameWords(name);
  return words.length > 1 ? [...words, words.join('')] : words;
}

/** An INS as two INS are compared: no spaces, upper case, its 13 first characters (without the key). */
export function insToken(ins: string): string {
  return ins.replace(/\s+/g, '').toUpperCase().slice(0, 13);
}

/** The service key of a CPTS's index in the vault. */
export const blindIndexKeyName = (cptsId: string): string => `blind-index/${cptsId}`;

/** The tokens of an identity, by kind, in clear: what is hashed (and what a brute-force check compares). */
export function identityTokens(identity: IndexedIdentity): Array<[Kind, string]> {
  const names = new Set([...nameTokens(identity.familyName), ...nameTokens(identity.givenName)]);
  return [
    ...[...names].map((token): [Kind, string] => ['name', token]),
    ['birth-date', identity.birthDate],
    ...(identity.ins ? [['ins', insToken(identity.ins)] as [Kind, string]] : []),
  ];
}

/** Whether an identity answers a query, compared in clear: the reference the index must agree with. */
export function matchesInClear(identity: IndexedIdentity, query: BlindQuery): boolean {
  const tokens = new Set(identityTokens(identity).map(([kind, token]) => `${kind}\n${token}`));
  const wanted = queryTokens(query);
  return wanted.length > 0 && wanted.every(([kind, token]) => tokens.has(`${kind}\n${token}`));
}

function queryTokens(query: BlindQuery): Array<[Kind, string]> {
  return [
    ...[...new Set(nameWords(query.name ?? ''))].map((word): [Kind, string] => ['name', word]),
    ...(query.birthDate ? [['birth-date', query.birthDate] as [Kind, string]] : []),
    ...(query.ins ? [['ins', insToken(query.ins)] as [Kind, string]] : []),
  ];
}

/**
 * The index of the patients' identities, in a file of its own next to the vault (`DATA_DIR/keys/`,
 * directory 0700, file 0600, `secure_delete` on so that an erased patient's rows are overwritten).
 * Rows: (CPTS, patient, kind, digest) — never a clear value, never a value's length.
 */
export class BlindIndex {
  private readonly db: Database.Database;
  private readonly keys = new Map<string, Buffer>();

  constructor(
    readonly path: string,
    private readonly vault: IdentityVault,
  ) {
    const dir = dirname(path);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
    this.db = new Database(path);
    this.db.pragma('secure_delete = ON');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS blind_index (
        cpts_id    TEXT NOT NULL,
        kind       TEXT NOT NULL,
        digest     BLOB NOT NULL,
        patient_id TEXT NOT NULL,
        PRIMARY KEY (cpts_id, kind, digest, patient_id)
      ) STRICT;
      CREATE INDEX IF NOT EXISTS blind_index_patient ON blind_index (cpts_id, patient_id);
      CREATE TABLE IF NOT EXISTS blind_index_checkpoint (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        position TEXT NOT NULL
      ) STRICT;
    `);
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  private digest(cptsId: string, kind: Kind, token: string): Buffer {
    let key = this.keys.get(cptsId);
    if (!key) {
      key = this.vault.serviceKey(blindIndexKeyName(cptsId));
      this.keys.set(cptsId, key);
    }
    return createHmac('sha256', key).update(`${kind}\n${token}`, 'utf8').digest();
  }

  /** Indexes a patient's identity, replacing what was indexed of it before (a corrected identity). */
  put(cptsId: string, patientId: string, identity: IndexedIdentity): void {
    const rows = identityTokens(identity).map(
      ([kind, token]) => [kind, this.digest(cptsId, kind, token)] as const,
    );
    const insert = this.db.prepare('INSERT OR IGNORE INTO blind_index VALUES (?, ?, ?, ?)');
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM blind_index WHERE cpts_id = ? AND patient_id = ?').run(cptsId, patientId);
      for (const [kind, digest] of rows) insert.run(cptsId, kind, digest, patientId);
    })();
  }

  /** Forgets a patient (erasure): its rows are deleted and overwritten on disk, the WAL truncated. */
  remove(cptsId: string, patientId: string): void {
    this.db.prepare('DELETE FROM blind_index WHERE cpts_id = ? AND patient_id = ?').run(cptsId, patientId);
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /** The patients every given criterion of the query matches, by id; none when the query is empty. */
  find(cptsId: string, query: BlindQuery): string[] {
    const wanted = queryTokens(query);
    if (wanted.length === 0) return [];
    const digests = wanted.map(([kind, token]) => this.digest(cptsId, kind, token));
    const placeholders = digests.map(() => '(?, ?)').join(', ');
    const rows = this.db
      .prepare(
        `SELECT patient_id FROM blind_index
          WHERE cpts_id = ? AND (kind, digest) IN (VALUES ${placeholders})
          GROUP BY patient_id HAVING count(*) = ? ORDER BY patient_id`,
      )
      .all(cptsId, ...wanted.flatMap(([kind], i) => [kind, digests[i]]), wanted.length) as Array<{
      patient_id: string;
    }>;
    return rows.map((row) => row.patient_id);
  }

  /** Whether a patient has an INS in the index (two patients with different INS are not the same person). */
  hasIns(cptsId: string, patientId: string): boolean {
    return (
      this.db
        .prepare("SELECT 1 FROM blind_index WHERE cpts_id = ? AND patient_id = ? AND kind = 'ins' LIMIT 1")
        .get(cptsId, patientId) !== undefined
    );
  }

  /** How many rows a patient has (tests: erasure leaves none). */
  rowsOf(cptsId: string, patientId: string): number {
    return (
      this.db
        .prepare('SELECT count(*) AS n FROM blind_index WHERE cpts_id = ? AND patient_id = ?')
        .get(cptsId, patientId) as { n: number }
    ).n;
  }

  /** Up to where in the event log the index was last brought up to date at start (`BlindIndexCatchUp`). */
  checkpoint(): bigint {
    const row = this.db.prepare('SELECT position FROM blind_index_checkpoint WHERE id = 1').get() as
      { position: string } | undefined;
    return row ? BigInt(row.position) : 0n;
  }

  saveCheckpoint(position: bigint): void {
    this.db
      .prepare(
        'INSERT INTO blind_index_checkpoint VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position',
      )
      .run(position.toString());
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
