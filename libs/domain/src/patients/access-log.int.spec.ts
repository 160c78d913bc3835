import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessLogWindow, parisDayStart } from './access-log.controller';
import { PatientAccessLog } from './access-log';

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

describe('PatientAccessLog', () => {
  let dir: string;
  let path: string;
  let log: PatientAccessLog;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'parcours-access-log-'));
    path = join(dir, 'access-log.db');
    log = new PatientAccessLog(path);
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

  it('takes a date as a whole Paris day', () => {
    expect(parisDayStart('2026-01-15')).toBe('2026-01-14T23:00:00.000Z');
    expect(parisDayStart('2026-07-15')).toBe('2026-07-14T22:00:00.000Z');
    expect(accessLogWindow('2026-03-01', '2026-03-31')).toEqual({
      from: '2026-02-28T23:00:00.000Z',
      to: '2026-03-31T22:00:00.000Z',
    });
    expect(accessLogWindow(undefined, '2026-03-01T10:00:00+01:00')).toEqual({
      from: undefined,
      to: '2026-03-01T09:00:00.001Z',
    });
  });
});
