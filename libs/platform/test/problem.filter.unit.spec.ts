import type { ArgumentsHost } from '@nestjs/common';
import { StoreUnavailableError } from '@parcours/event-store';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProblemFilter } from '../src';

/** Runs the filter on `error` and records what it sends. */
function answer(error: unknown) {
  const sent: { status?: number; headers: Record<string, string>; body?: Record<string, unknown> } = {
    headers: {},
  };
  const response = {
    headersSent: false,
    setHeader: (name: string, value: string) => (sent.headers[name] = value),
    status(code: number) {
      sent.status = code;
      return this;
    },
    type() {
      return this;
    },
    send(body: string) {
      sent.body = JSON.parse(body) as Record<string, unknown>;
      return this;
    },
  };
  const host = {
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({ headers: {} }) }),
  } as unknown as ArgumentsHost;
  new ProblemFilter().catch(error, host);
  return sent;
}

describe('problem filter: the store cannot serve now', () => {
  it.each([
    ['access-denied', 30],
    ['not-leader', 1],
    ['not-ready', 2],
    ['deadline-exceeded', 2],
    ['disk-full', 30],
    ['read-only', 30],
    ['unavailable', 5],
  ] as const)('%s is a 503 store-unavailable naming the reason, with Retry-After: %d', (reason, seconds) => {
    const sent = answer(new StoreUnavailableError('EventStoreDB said no', { reason }));
    expect(sent.status).toBe(503);
    expect(sent.headers['Retry-After']).toBe(String(seconds));
    expect(sent.body).toMatchObject({
      status: 503,
      type: expect.stringMatching(/store-unavailable$/) as string,
      reason,
    });
    // What the store said stays in the logs: it may name hosts or users.
    expect(JSON.stringify(sent.body)).not.toContain('EventStoreDB said no');
  });

  it('an error of the embedded store without a reason is "unavailable", retried after 5 s', () => {
    const sent = answer(new StoreUnavailableError('disk full'));
    expect(sent).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '5' },
      body: { reason: 'unavailable' },
    });
  });

  it('honours a retry delay the store chose', () => {
    const sent = answer(
      new StoreUnavailableError('read-only', { reason: 'unavailable', retryAfterSeconds: 60 }),
    );
    expect(sent.headers['Retry-After']).toBe('60');
  });
});

describe('problem filter: the disk under the other SQLite files', () => {
  /** The error SQLite really raises when a write needs a page past the file's limit (a full disk). */
  function diskFullError(): unknown {
    const db = new Database(':memory:');
    try {
      db.exec('CREATE TABLE t (x TEXT)');
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
      db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(100_000));
    } catch (error) {
      return error;
    } finally {
      db.close();
    }
    throw new Error('expected SQLITE_FULL');
  }

  /** The error SQLite raises on a write to a file it could only open for reading. */
  function readOnlyError(): unknown {
    const dir = mkdtempSync(join(tmpdir(), 'parcours-ro-'));
    try {
      new Database(join(dir, 'f.db')).exec('CREATE TABLE t (x TEXT)');
      const db = new Database(join(dir, 'f.db'), { readonly: true });
      try {
        db.prepare('INSERT INTO t VALUES (1)').run();
      } catch (error) {
        return error;
      } finally {
        db.close();
      }
      throw new Error('expected SQLITE_READONLY');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('a full disk is a 503 disk-full with Retry-After, saying in French (and English) that reads still work', () => {
    const sent = answer(diskFullError());
    expect(sent).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '30' },
      body: { reason: 'disk-full', type: expect.stringMatching(/store-unavailable$/) as string },
    });
    expect(sent.body?.detail).toMatch(
      /disque .* plein.*rien n'a été enregistré.*consultation reste possible/,
    );
  });

  it('a read-only file is a 503 read-only with Retry-After', () => {
    const sent = answer(readOnlyError());
    expect(sent).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '30' },
      body: { reason: 'read-only' },
    });
    expect(sent.body?.detail).toMatch(/lecture seule/);
  });

  it('any other SQLite error (a constraint: a bug) stays a bare 500', () => {
    const db = new Database(':memory:');
    let error: unknown;
    try {
      db.exec('CREATE TABLE t (x TEXT UNIQUE)');
      db.prepare('INSERT INTO t VALUES (1)').run();
      db.prepare('INSERT INTO t VALUES (1)').run();
    } catch (caught) {
      error = caught;
    } finally {
      db.close();
    }
    const sent = answer(error);
    expect(sent.status).toBe(500);
    expect(sent.headers['Retry-After']).toBeUndefined();
  });
});
