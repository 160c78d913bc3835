import Database from 'better-sqlite3';
import canonicalize from 'canonicalize';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteIdempotencyStore } from './sqlite-idempotency.store';

const registration = {
  method: 'POST',
  path: '/api/v1/cpts/cpts-a/patients',
  body: { identity: { familyName: 'Lemaire', givenName: 'Odile', birthDate: '1951-04-12' } },
};

describe('SqliteIdempotencyStore', () => {
  let dir: string;
  let path: string;
  let key: Buffer;
  let store: SqliteIdempotencyStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'parcours-idempotency-'));
    path = join(dir, 'idempotency.db');
    key = randomBytes(32);
    store = new SqliteIdempotencyStore(path, key);
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fingerprints a request under its key: not the plain hash a guess could be checked against', () => {
    const plain = createHash('sha256').update(canonicalize(registration)!).digest('hex');
    const fingerprint = store.fingerprint(registration);
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprint).not.toBe(plain);
    expect(
      new SqliteIdempotencyStore(join(dir, 'other.db'), randomBytes(32)).fingerprint(registration),
    ).not.toBe(fingerprint);
    // Key order does not matter: a retry serialised differently is the same request.
    expect(
      store.fingerprint({ body: registration.body, path: registration.path, method: registration.method }),
    ).toBe(fingerprint);
  });

  it('forgets every request of a stream, and only those, overwriting them in the file', () => {
    const fingerprint = store.fingerprint(registration);
    store.put('cpts-a', 'k1', {
      requestHash: fingerprint,
      status: 201,
      body: {},
      streamId: 'patient-cpts-a.p1',
    });
    store.put('cpts-a', 'k2', { requestHash: 'other', status: 201, body: {}, streamId: 'patient-cpts-a.p1' });
    store.put('cpts-a', 'k3', { requestHash: 'kept', status: 201, body: {}, streamId: 'patient-cpts-a.p2' });
    expect(store.forgetStream('patient-cpts-a.p1')).toBe(2);
    expect(store.get('cpts-a', 'k1')).toBeNull();
    expect(store.get('cpts-a', 'k2')).toBeNull();
    expect(store.get('cpts-a', 'k3')).toMatchObject({ requestHash: 'kept' });
    store.close();
    const bytes = ['', '-wal'].map((suffix) => {
      try {
        return readFileSync(`${path}${suffix}`).toString('latin1');
      } catch {
        return '';
      }
    });
    expect(bytes.some((content) => content.includes(fingerprint))).toBe(false);
    store = new SqliteIdempotencyStore(path, key);
  });

  it('drops the records of an older file, whose fingerprints were unkeyed', () => {
    store.close();
    rmSync(path);
    const old = new Database(path);
    old.exec(`CREATE TABLE responses (scope TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL,
      status INTEGER NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (scope, key)) STRICT;
      INSERT INTO responses VALUES ('cpts-a', 'k1', 'deadbeef', 201, '{}', '2026-01-01T00:00:00Z');`);
    old.close();
    store = new SqliteIdempotencyStore(path, key);
    expect(store.get('cpts-a', 'k1')).toBeNull();
    store.put('cpts-a', 'k1', { requestHash: 'x', status: 201, body: { id: 'a' }, streamId: 's' });
    expect(store.get('cpts-a', 'k1')).toEqual({ requestHash: 'x', status: 201, body: { id: 'a' } });
  });
});
