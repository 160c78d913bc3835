import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteAccessLog } from './sqlite-access-log';

const P1 = '0193a0e0-0000-7000-8000-000000000001';
const P2 = '0193a0e0-0000-7000-8000-000000000002';
const read = (patientId: string, cptsId = 'cpts-a') => ({
  cptsId,
  patientId,
  actorId: 'member-1',
  role: 'professional',
  purpose: 'consultation',
  requestId: 'req-1',
});

describe('SqliteAccessLog', () => {
  let dir: string;
  let path: string;
  let log: SqliteAccessLog;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'parcours-access-log-'));
    path = join(dir, 'access-log.db');
    log = new SqliteAccessLog(path);
  });
  afterEach(() => {
    log.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists one CPTS’s entries newest first, filtered by period and patient', () => {
    log.record(read(P1), new Date('2026-03-01T09:00:00Z'));
    log.record(read(P2), new Date('2026-03-02T09:00:00Z'));
    log.record(read(P1), new Date('2026-03-03T09:00:00Z'));
    log.record(read(P1, 'cpts-b'), new Date('2026-03-04T09:00:00Z'));
    const all = log.list({ cptsId: 'cpts-a', limit: 10 });
    expect(all.map((e) => e.at)).toEqual([
      '2026-03-03T09:00:00.000Z',
      '2026-03-02T09:00:00.000Z',
      '2026-03-01T09:00:00.000Z',
    ]);
    expect(all[0]).toEqual({ id: expect.any(String), at: '2026-03-03T09:00:00.000Z', ...read(P1) });
    expect(log.list({ cptsId: 'cpts-a', patientId: P1, limit: 10 })).toHaveLength(2);
    expect(
      log.list({
        cptsId: 'cpts-a',
        from: '2026-03-02T00:00:00.000Z',
        to: '2026-03-03T00:00:00.000Z',
        limit: 10,
      }),
    ).toEqual([expect.objectContaining({ patientId: P2 })]);
    expect(log.list({ cptsId: 'cpts-a', limit: 1 })).toHaveLength(1);
  });

  it('filters by the start of the purpose (the emergency accesses), matching no wildcard', () => {
    log.record({ ...read(P1), purpose: 'bris-de-glace:urgence-vitale' });
    log.record(read(P1));
    log.record({ ...read(P2), purpose: 'bris-de-glace%' });
    expect(log.list({ cptsId: 'cpts-a', purposePrefix: 'bris-de-glace:', limit: 10 })).toEqual([
      expect.objectContaining({ patientId: P1, purpose: 'bris-de-glace:urgence-vitale' }),
    ]);
    expect(log.list({ cptsId: 'cpts-a', purposePrefix: 'bris-de-glace_', limit: 10 })).toEqual([]);
  });

  it('refuses any update or delete, even from another SQL client', () => {
    log.record(read(P1));
    const db = new Database(path);
    try {
      expect(() => db.prepare("UPDATE access_log SET actor_id = 'someone-else'").run()).toThrow(
        /append-only/,
      );
      expect(() => db.prepare('DELETE FROM access_log').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
    expect(log.list({ cptsId: 'cpts-a', limit: 10 })).toEqual([
      expect.objectContaining({ actorId: 'member-1' }),
    ]);
  });

  it('is readable by its owner only', () => {
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  describe('its hash chain', () => {
    /** Another SQL client with write access: lifts the triggers, as an intruder would. */
    const tamper = (sql: string) => {
      log.close();
      const db = new Database(path);
      db.exec('DROP TRIGGER access_log_no_update; DROP TRIGGER access_log_no_delete;');
      db.exec(sql);
      db.close();
      log = new SqliteAccessLog(path);
    };
    const fill = () => {
      for (let i = 0; i < 5; i++) log.record(read(i % 2 ? P1 : P2), new Date(Date.UTC(2026, 2, 1 + i)));
      log.record(read(P1, 'cpts-b'));
    };

    it('verifies per CPTS, and across the file', () => {
      fill();
      expect(log.verify('cpts-a')).toEqual({ ok: true, entries: 5, broken: [] });
      expect(log.verify('cpts-b')).toEqual({ ok: true, entries: 1, broken: [] });
      expect(log.verify()).toEqual({ ok: true, entries: 6, broken: [] });
    });

    it('finds an entry changed in place', () => {
      fill();
      tamper("UPDATE access_log SET purpose = 'autre' WHERE seq = 3");
      expect(log.verify('cpts-a')).toMatchObject({
        ok: false,
        broken: [{ seq: 3, problem: 'hash-mismatch' }],
      });
      expect(log.verify('cpts-b').ok).toBe(true);
    });

    it('finds an entry removed from the middle', () => {
      fill();
      tamper('DELETE FROM access_log WHERE seq = 2');
      expect(log.verify('cpts-a')).toMatchObject({
        ok: false,
        entries: 4,
        broken: [{ seq: 3, problem: 'prev-hash-mismatch' }],
      });
    });

    it('finds entries reordered', () => {
      fill();
      tamper('UPDATE access_log SET seq = -1 WHERE seq = 2; UPDATE access_log SET seq = 2 WHERE seq = 4;');
      expect(log.verify('cpts-a').ok).toBe(false);
    });

    it('chains the entries of a log written before chaining, once, and keeps them append-only', () => {
      log.close();
      rmSync(path);
      const old = new Database(path);
      old.exec(`CREATE TABLE access_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, at TEXT NOT NULL,
        cpts_id TEXT NOT NULL, patient_id TEXT NOT NULL, actor_id TEXT NOT NULL, role TEXT NOT NULL,
        purpose TEXT NOT NULL, request_id TEXT NOT NULL) STRICT;
        CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
          BEGIN SELECT RAISE(ABORT, 'the access log is append-only: no update'); END;
        CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
          BEGIN SELECT RAISE(ABORT, 'the access log is append-only: no delete'); END;
        INSERT INTO access_log (id, at, cpts_id, patient_id, actor_id, role, purpose, request_id)
          VALUES ('e1', '2026-01-01T00:00:00.000Z', 'cpts-a', '${P1}', 'm', 'coordinator', 'consultation', 'r1'),
                 ('e2', '2026-01-02T00:00:00.000Z', 'cpts-a', '${P2}', 'm', 'coordinator', 'consultation', 'r2');`);
      old.close();
      log = new SqliteAccessLog(path);
      log.record(read(P1));
      expect(log.verify('cpts-a')).toEqual({ ok: true, entries: 3, broken: [] });
      const db = new Database(path);
      try {
        expect(() => db.prepare("UPDATE access_log SET actor_id = 'x'").run()).toThrow(/append-only/);
      } finally {
        db.close();
      }
    });
  });
});
