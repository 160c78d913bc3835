import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  IdentityErasedError,
  IdentityIntegrityError,
  IdentityVault,
  identityVaultPath,
  type SealedIdentity,
} from '../src';

const CPTS = 'cpts-vault';
const PATIENT = '0193a0e0-0000-7000-8000-000000000001';
const OTHER = '0193a0e0-0000-7000-8000-000000000002';
const identity = {
  familyName: 'Dupont',
  givenName: 'Jeanne',
  birthDate: '1948-03-02',
  ins: '248037512345678',
};

function flip(base64: string, at = 0): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[at] ^= 0x01;
  return bytes.toString('base64');
}

/** The raw key of a patient, read behind the vault's back: to look for it in the files afterwards. */
function rawKey(path: string, patientId: string): Buffer {
  const db = new Database(path, { readonly: true });
  try {
    const row = db
      .prepare('SELECT key FROM patient_keys WHERE cpts_id = ? AND patient_id = ?')
      .get(CPTS, patientId) as { key: Buffer } | undefined;
    if (!row) throw new Error('no key');
    return row.key;
  } finally {
    db.close();
  }
}

describe('IdentityVault', () => {
  let dataDir: string;
  let path: string;
  let vault: IdentityVault;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'parcours-vault-'));
    path = identityVaultPath(dataDir);
    vault = new IdentityVault(path);
  });
  afterEach(() => {
    vault.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('seals to AES-256-GCM ciphertext and opens it back', () => {
    const sealed = vault.seal(CPTS, PATIENT, identity);
    expect(sealed.alg).toBe('A256GCM');
    expect(Buffer.from(sealed.iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.tag, 'base64')).toHaveLength(16);
    expect(JSON.stringify(sealed)).not.toMatch(/Dupont|Jeanne|1948-03-02|248037512345678/);
    expect(vault.open(CPTS, PATIENT, sealed)).toEqual(identity);
  });

  it('uses a fresh IV per seal, one key per patient', () => {
    const first = vault.seal(CPTS, PATIENT, identity);
    const second = vault.seal(CPTS, PATIENT, identity);
    expect(second.iv).not.toBe(first.iv);
    expect(second.ciphertext).not.toBe(first.ciphertext);
    expect(vault.open(CPTS, PATIENT, first)).toEqual(identity);
    expect(vault.open(CPTS, PATIENT, second)).toEqual(identity);
    vault.seal(CPTS, OTHER, identity);
    expect(rawKey(path, PATIENT).equals(rawKey(path, OTHER))).toBe(false);
    expect(rawKey(path, PATIENT)).toHaveLength(32);
  });

  it('detects tampering with the ciphertext, the tag or the IV (GCM authentication)', () => {
    const sealed = vault.seal(CPTS, PATIENT, identity);
    const altered: SealedIdentity[] = [
      { ...sealed, ciphertext: flip(sealed.ciphertext, 3) },
      { ...sealed, tag: flip(sealed.tag) },
      { ...sealed, iv: flip(sealed.iv) },
      { ...sealed, tag: sealed.tag.slice(0, 8) },
    ];
    for (const bad of altered) {
      expect(() => vault.open(CPTS, PATIENT, bad)).toThrow(IdentityIntegrityError);
    }
  });

  it('refuses a ciphertext moved to another patient or another CPTS (AAD), even under the right key', () => {
    const sealed = vault.seal(CPTS, PATIENT, identity);
    vault.seal(CPTS, OTHER, { familyName: 'x', givenName: 'y', birthDate: '2000-01-01' });
    expect(() => vault.open(CPTS, OTHER, sealed)).toThrow(IdentityIntegrityError);

    // Same key, other binding: copy the patient's key under another CPTS and try to open there.
    const key = rawKey(path, PATIENT);
    const db = new Database(path);
    db.prepare('INSERT INTO patient_keys VALUES (?, ?, ?, ?)').run('cpts-autre', PATIENT, key, 'now');
    db.close();
    expect(() => vault.open('cpts-autre', PATIENT, sealed)).toThrow(IdentityIntegrityError);
    expect(vault.open(CPTS, PATIENT, sealed)).toEqual(identity);
  });

  it('opens to null once the key is destroyed, for good: no new key is ever made for that patient', () => {
    const sealed = vault.seal(CPTS, PATIENT, identity);
    expect(vault.hasKey(CPTS, PATIENT)).toBe(true);
    expect(vault.destroy(CPTS, PATIENT)).toBe(true);
    expect(vault.hasKey(CPTS, PATIENT)).toBe(false);
    expect(vault.wasDestroyed(CPTS, PATIENT)).toBe(true);
    expect(vault.open(CPTS, PATIENT, sealed)).toBeNull();
    expect(() => vault.seal(CPTS, PATIENT, identity)).toThrow(IdentityErasedError);
    expect(vault.destroy(CPTS, PATIENT)).toBe(false); // idempotent
  });

  it('leaves no copy of a destroyed key in the key file or its WAL (secure_delete + WAL truncation)', () => {
    for (let i = 0; i < 20; i += 1) vault.seal(CPTS, `0193a0e0-0000-7000-8000-0000000001${i + 10}`, identity);
    vault.seal(CPTS, PATIENT, identity);
    const key = rawKey(path, PATIENT);
    const files = () => [path, `${path}-wal`].filter(existsSync).map((file) => readFileSync(file));
    expect(files().some((content) => content.includes(key))).toBe(true); // the probe can see a key
    vault.destroy(CPTS, PATIENT);
    expect(files().some((content) => content.includes(key))).toBe(false);
    vault.close();
    expect(files().some((content) => content.includes(key))).toBe(false);
  });

  it('keeps its directory 0700 and its file 0600', () => {
    vault.seal(CPTS, PATIENT, identity);
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    for (const extra of [`${path}-wal`, `${path}-shm`]) {
      if (existsSync(extra)) expect(statSync(extra).mode & 0o077).toBe(0);
    }
  });

  it('keeps keys across a close and reopen, and keeps destruction across it too', () => {
    const sealed = vault.seal(CPTS, PATIENT, identity);
    const other = vault.seal(CPTS, OTHER, identity);
    vault.destroy(CPTS, OTHER);
    vault.close();
    vault = new IdentityVault(path);
    expect(vault.open(CPTS, PATIENT, sealed)).toEqual(identity);
    expect(vault.open(CPTS, OTHER, other)).toBeNull();
    expect(() => vault.seal(CPTS, OTHER, identity)).toThrow(IdentityErasedError);
  });

  it('opens to null for a patient it never sealed for', () => {
    const sealed = vault.seal(CPTS, PATIENT, identity);
    expect(vault.open(CPTS, OTHER, sealed)).toBeNull();
  });

  it('remembers pending erasures until the key is destroyed or the mark cleared', () => {
    vault.markErasurePending(CPTS, PATIENT);
    vault.markErasurePending(CPTS, OTHER);
    expect(vault.pendingErasures().map((p) => p.patientId)).toEqual(expect.arrayContaining([PATIENT, OTHER]));
    vault.destroy(CPTS, PATIENT);
    vault.clearErasurePending(CPTS, OTHER);
    expect(vault.pendingErasures()).toEqual([]);
  });

  it('keeps the service’s own keys: random, one per name, the same after a reopen', () => {
    const first = vault.serviceKey('idempotency-fingerprint');
    expect(first).toHaveLength(32);
    expect(vault.serviceKey('idempotency-fingerprint').equals(first)).toBe(true);
    expect(vault.serviceKey('blind-index:cpts-a').equals(first)).toBe(false);
    vault.close();
    vault = new IdentityVault(path);
    expect(vault.serviceKey('idempotency-fingerprint').equals(first)).toBe(true);
  });
});
