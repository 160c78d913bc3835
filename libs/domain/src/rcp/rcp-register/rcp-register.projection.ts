import { defineProjection, type ProjectedEvent, type ReadStore, table } from '@parcours/projections';
import { assertCptsKnown } from '../../cpts/cpts-history/cpts-history.projection';
import type { MemberEvent } from '../../members/member.events';
import type { CorrectionEvent } from '../../shared/corrections';
import type { DomainEvent } from '../../shared/decider';
import { parseStreamId } from '../../shared/ids';
import { parisDate } from '../../shared/paris-time';
import { foldHistory, historyTable, recordInHistory } from '../../shared/stream-history';
import { rcpEvolver } from '../rcp.decider';
import type { RcpEvent } from '../rcp.events';

export const RCP_REGISTER = 'rcp-register';

/** The RCPs as their streams stand, and who the members are (for their professions). */
export type RcpRegisterEvent = RcpEvent | CorrectionEvent | Extract<MemberEvent, DomainEvent<'MemberJoined'>>;

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
  cpts_id: string;
  rcp_id: string;
  held_at: string;
  held_ms: number;
  held_on: string;
  convened_by: string;
  format: string;
  complex: number;
  duration_minutes: number;
  participant_count: number;
  professions: string;
  cases: string;
}

interface MemberRow {
  cpts_id: string;
  member_id: string;
  profession: string;
}

const tables = {
  members: table<MemberRow>({
    columns: { cpts_id: 'TEXT', member_id: 'TEXT', profession: 'TEXT' },
    key: ['cpts_id', 'member_id'],
  }),
  rcps: table<RcpRow>({
    columns: {
      cpts_id: 'TEXT',
      rcp_id: 'TEXT',
      held_at: 'TEXT',
      held_ms: 'INTEGER',
      held_on: 'TEXT',
      convened_by: 'TEXT',
      format: 'TEXT',
      complex: 'INTEGER',
      duration_minutes: 'INTEGER',
      participant_count: 'INTEGER',
      professions: 'TEXT',
      cases: 'TEXT',
    },
    key: ['cpts_id', 'rcp_id'],
    indexes: [['cpts_id', 'held_on']],
  }),
  histories: historyTable(),
};

/**
 * The RCP register: one row per RCP as its stream now stands (corrected, or gone once voided), with what
 * a register shows (not the decisions, which stay on `GET …/rcps/{id}`). Member professions come from
 * `MemberJoined`, which the log always has before an RCP that names the member (the RCP rule checks the
 * member exists).
 */
export const rcpRegisterProjection = defineProjection<RcpRegisterEvent>()({
  name: RCP_REGISTER,
  version: 4,
  tables,
  open: ({ members, rcps, histories }) => {
    const onRcp = (event: ProjectedEvent<RcpEvent | CorrectionEvent>): void => {
      const stream = parseStreamId(event.streamId);
      if (stream?.category !== 'rcp' || stream.id === undefined) return;
      const held = foldHistory(rcpEvolver, recordInHistory(histories, event));
      if (!held.exists) {
        rcps.delete(stream.cptsId, stream.id);
        return;
      }
      const professions = new Set<string>();
      for (const participant of held.participants) {
        const known =
          'memberId' in participant
            ? members.get(stream.cptsId, participant.memberId)?.profession
            : participant.profession;
        if (known !== undefined) professions.add(known);
      }
      const cases = held.cases.map((c) => ({
        pathwayId: c.pathwayId,
        ...(c.reviewOn === undefined ? {} : { reviewOn: c.reviewOn }),
      }));
      rcps.put({
        cpts_id: stream.cptsId,
        rcp_id: stream.id,
        held_at: held.heldAt,
        held_ms: Date.parse(held.heldAt),
        held_on: parisDate(held.heldAt),
        convened_by: held.convenedBy,
        format: held.format,
        complex: held.complex ? 1 : 0,
        duration_minutes: held.durationMinutes,
        participant_count: held.participants.length,
        professions: JSON.stringify([...professions].sort()),
        cases: JSON.stringify(cases),
      });
    };
    return {
      MemberJoined: (event) => {
        const stream = parseStreamId(event.streamId);
        if (stream?.category !== 'member' || stream.id === undefined) return;
        members.put({ cpts_id: stream.cptsId, member_id: stream.id, profession: event.data.profession });
      },
      RcpHeld: onRcp,
      EntryCorrected: onRcp,
      EntryVoided: onRcp,
    };
  },
});

/** Newest first; `from`/`to` are Paris dates, the period `[from, to)`. */
export function readRcpRegister(
  readStore: ReadStore,
  cptsId: string,
  period: { from?: string; to?: string },
): { items: RcpRegisterItem[]; count: number } {
  assertCptsKnown(readStore, cptsId);
  const table = readStore.tables(RCP_REGISTER);
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
  const rows = readStore
    .prepare<string[], RcpRow>(
      `SELECT * FROM "${table('rcps')}" WHERE ${where.join(' AND ')} ORDER BY held_ms DESC, rcp_id DESC`,
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
