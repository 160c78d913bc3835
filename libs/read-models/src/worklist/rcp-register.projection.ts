import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@parcours/event-store';
import type { Projection, ProjectionHandler, ReadStore, TableNamer } from '@parcours/projections';
import { parisDate, rcpEvolver } from '@parcours/domain';
import { foldHistory, openStreamHistories } from '../shared/stream-history';
import { assertTenant, openTenants, streamParts } from './tenants';

export const RCP_REGISTER_PROJECTION = 'rcp-register';

export interface RcpRegisterItem {
  id: string;
  heldAt: string;
  convenedBy: string;
  format: string;
  complex: boolean;
  durationMinutes: number;
  participantCount: number;
  /** The distinct professions present (members' from their `MemberJoined`), sorted. */
  professions: string[];
  cases: Array<{ pathwayId: string; reviewOn?: string }>;
}

interface RcpRow {
  rcp_id: string;
  held_at: string;
  convened_by: string;
  format: string;
  complex: number;
  duration_minutes: number;
  participant_count: number;
  professions: string;
  cases: string;
}

/**
 * The RCP register: one row per RCP as its stream now stands (corrected, or gone once voided), with what
 * a register shows (not the decisions, which stay on `GET …/rcps/{id}`). Member professions come from
 * `MemberJoined`, which the log always has before an RCP that names the member (the RCP rule checks the
 * member exists).
 */
export const rcpRegisterProjection: Projection = {
  name: RCP_REGISTER_PROJECTION,
  version: 2,
  filter: { eventTypes: ['CptsRegistered', 'MemberJoined', 'RcpHeld', 'EntryCorrected', 'EntryVoided'] },
  open(db: Database.Database, table: TableNamer): ProjectionHandler {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${table('members')} (
        cpts_id TEXT NOT NULL, member_id TEXT NOT NULL, profession TEXT NOT NULL,
        PRIMARY KEY (cpts_id, member_id)) STRICT;
      CREATE TABLE IF NOT EXISTS ${table('rcps')} (
        cpts_id TEXT NOT NULL, rcp_id TEXT NOT NULL,
        held_at TEXT NOT NULL, held_ms INTEGER NOT NULL, held_on TEXT NOT NULL,
        convened_by TEXT NOT NULL, format TEXT NOT NULL, complex INTEGER NOT NULL,
        duration_minutes INTEGER NOT NULL, participant_count INTEGER NOT NULL,
        professions TEXT NOT NULL, cases TEXT NOT NULL,
        PRIMARY KEY (cpts_id, rcp_id)) STRICT;
      CREATE INDEX IF NOT EXISTS ${table('rcps_by_day')} ON ${table('rcps')} (cpts_id, held_on);
    `);
    const tenant = openTenants(db, table);
    const saveMember = db.prepare(
      `INSERT OR REPLACE INTO ${table('members')} (cpts_id, member_id, profession) VALUES (?, ?, ?)`,
    );
    const profession = db.prepare<[string, string], { profession: string }>(
      `SELECT profession FROM ${table('members')} WHERE cpts_id = ? AND member_id = ?`,
    );
    const histories = openStreamHistories(db, table);
    const dropRcp = db.prepare(`DELETE FROM ${table('rcps')} WHERE cpts_id = ? AND rcp_id = ?`);
    const saveRcp = db.prepare(
      `INSERT OR REPLACE INTO ${table('rcps')} (cpts_id, rcp_id, held_at, held_ms, held_on, convened_by, format,
         complex, duration_minutes, participant_count, professions, cases)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    return {
      apply(event: RecordedEvent): void {
        const data = event.data;
        if (event.type === 'CptsRegistered') return tenant(event);
        if (event.type === 'MemberJoined') {
          const member = streamParts(event.streamId, 'member');
          if (member) saveMember.run(member.cptsId, member.id, String(data.profession));
          return;
        }
        const rcp = streamParts(event.streamId, 'rcp');
        if (!rcp) return;
        const held = foldHistory(rcpEvolver, histories.record(event));
        if (!held.exists) {
          dropRcp.run(rcp.cptsId, rcp.id);
          return;
        }
        const participants = held.participants as Array<{ memberId?: string; profession?: string }>;
        const professions = new Set<string>();
        for (const participant of participants) {
          const known =
            participant.memberId !== undefined
              ? profession.get(rcp.cptsId, participant.memberId)?.profession
              : participant.profession;
          if (known !== undefined) professions.add(known);
        }
        const cases = held.cases.map((c) => ({
          pathwayId: c.pathwayId,
          ...(c.reviewOn === undefined ? {} : { reviewOn: c.reviewOn }),
        }));
        const { heldAt } = held;
        saveRcp.run(
          rcp.cptsId,
          rcp.id,
          heldAt,
          Date.parse(heldAt),
          parisDate(heldAt),
          held.convenedBy,
          held.format,
          held.complex ? 1 : 0,
          held.durationMinutes,
          participants.length,
          JSON.stringify([...professions].sort()),
          JSON.stringify(cases),
        );
      },
    };
  },
};

/** Newest first; `from`/`to` are Paris dates, the period `[from, to)`. */
export function readRcpRegister(
  readStore: ReadStore,
  cptsId: string,
  period: { from?: string; to?: string },
): { items: RcpRegisterItem[]; count: number } {
  const table = readStore.tables(RCP_REGISTER_PROJECTION);
  assertTenant(readStore.db, table, cptsId);
  const where = ['cpts_id = ?'];
  const params: string[] = [cptsId];
  if (period.from !== undefined) {
    where.push('held_on >= ?');
    params.push(period.from);
  }
  if (period.to !== undefined) {
    where.push('held_on < ?');
    params.push(period.to);
  }
  const rows = readStore.db
    .prepare<string[], RcpRow>(
      `SELECT * FROM ${table('rcps')} WHERE ${where.join(' AND ')} ORDER BY held_ms DESC, rcp_id DESC`,
    )
    .all(...params);
  const items = rows.map((row): RcpRegisterItem => ({
    id: row.rcp_id,
    heldAt: row.held_at,
    convenedBy: row.convened_by,
    format: row.format,
    complex: row.complex === 1,
    durationMinutes: row.duration_minutes,
    participantCount: row.participant_count,
    professions: JSON.parse(row.professions) as string[],
    cases: JSON.parse(row.cases) as RcpRegisterItem['cases'],
  }));
  return { items, count: items.length };
}
