import { Injectable } from '@nestjs/common';
import { parisDate } from '@parcours/domain';
import { ReadStore } from '@parcours/projections';
import { MEMBER_DIRECTORY } from './member-directory.projection';
import { PATIENT_VIEWS, type PatientSummaryState } from './patient-views.projection';
import type { PathwaySummary, StoredPathwayView } from './pathway-view';
import { PATHWAY_VIEWS, type PathwayRow } from './pathway-views.projection';

export const MAX_PAGE = 200;
export const DEFAULT_PAGE = 50;

export interface PathwayListFilter {
  status?: 'open' | 'closed';
  kind?: string;
  patientId?: string;
  limit?: number;
  /** The cursor a previous page gave as `nextAfter`. */
  after?: string;
  /** A professional: pathways of patients who blocked them are left out. */
  hiddenFrom?: string;
}

export interface MemberDirectoryItem {
  id: string;
  displayName: string;
  profession: string;
  structure?: { kind: string; name: string; finess?: string };
  mode: string;
  joinedOn: string;
  leftOn?: string;
  sasParticipant: boolean;
  activity: { last12Months: number; lastAt?: string };
}

/** `after` cursors: the sort key of the last item of a page, opaque to clients. */
export function encodeCursor(openedMs: number, pathwayId: string): string {
  return Buffer.from(`${openedMs}|${pathwayId}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { openedMs: number; pathwayId: string } | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  const match = /^(-?\d{1,16})\|([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { openedMs: Number(match[1]), pathwayId: match[2] } : null;
}

/** `after` cursors of the patient list: the last patient id of a page, opaque to clients. */
export function encodePatientCursor(patientId: string): string {
  return Buffer.from(`patient|${patientId}`, 'utf8').toString('base64url');
}

export function decodePatientCursor(cursor: string): { patientId: string } | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  const match = /^patient\|([0-9a-f-]{36})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { patientId: match[1] } : null;
}

export interface PatientListFilter {
  hasMedecinTraitant?: boolean;
  birthYear?: number;
  limit?: number;
  /** The cursor a previous page gave as `nextAfter`. */
  after?: string;
}

/** A line of the patient list: what the summary shows, never an identity. */
export interface PatientListItem {
  id: string;
  revision: number;
  sex: string;
  birthYear: number;
  ald: boolean;
  precarious: boolean;
  hasMedecinTraitant: boolean;
  medecinTraitant: { memberId: string; displayName: string | null } | null;
  medecinTraitantSearch: boolean;
  erased: boolean;
  pathwayCount: number;
  openPathwayCount: number;
}

export function summaryOf(row: PathwayRow): PathwaySummary {
  return {
    id: row.pathway_id,
    patientId: row.patient_id,
    kind: row.kind,
    status: row.status,
    openedAt: row.opened_at,
    ...(row.closed_at === null ? {} : { closedAt: row.closed_at }),
    revision: row.revision,
    pendingCount: row.pending_count,
    ...(row.next_due_at === null ? {} : { nextDueAt: row.next_due_at }),
  };
}

/** A year before a Paris day, as a day (29 February falls back on the string order, which is enough). */
const yearBefore = (day: string): string => `${Number(day.slice(0, 4)) - 1}${day.slice(4)}`;

/**
 * The reads of the views, each from the active generation of its projection (a 503 before the first
 * build). Reads across projections join their tables in the one read store.
 */
@Injectable()
export class ViewsQueries {
  constructor(private readonly readStore: ReadStore) {}

  private get db() {
    return this.readStore.db;
  }

  pathwayView(cptsId: string, pathwayId: string): StoredPathwayView | null {
    const pathways = this.readStore.tables(PATHWAY_VIEWS)('pathways');
    const row = this.db
      .prepare<[string, string], { view: string }>(
        `SELECT view FROM ${pathways} WHERE cpts_id = ? AND pathway_id = ?`,
      )
      .get(cptsId, pathwayId);
    return row ? (JSON.parse(row.view) as StoredPathwayView) : null;
  }

  /** The RCP streams that discussed this pathway (for as-of replays, which read them from the store). */
  rcpStreamsOf(cptsId: string, pathwayId: string): string[] {
    const cases = this.readStore.tables(PATHWAY_VIEWS)('rcp_index');
    return this.db
      .prepare<[string, string], { rcp_stream: string }>(
        `SELECT rcp_stream FROM ${cases} WHERE cpts_id = ? AND pathway_id = ? ORDER BY rcp_stream`,
      )
      .all(cptsId, pathwayId)
      .map((row) => row.rcp_stream);
  }

  isBlocked(cptsId: string, patientId: string, memberId: string): boolean {
    const blocks = this.readStore.tables(PATIENT_VIEWS)('blocks');
    return (
      this.db
        .prepare(`SELECT 1 FROM ${blocks} WHERE cpts_id = ? AND patient_id = ? AND member_id = ?`)
        .get(cptsId, patientId, memberId) !== undefined
    );
  }

  listPathways(
    cptsId: string,
    filter: PathwayListFilter,
  ): { items: PathwaySummary[]; nextAfter: string | null } {
    const pathways = this.readStore.tables(PATHWAY_VIEWS)('pathways');
    const where = ['p.cpts_id = @cptsId'];
    const params: Record<string, unknown> = { cptsId };
    if (filter.status !== undefined) {
      where.push('p.status = @status');
      params.status = filter.status;
    }
    if (filter.kind !== undefined) {
      where.push('p.kind = @kind');
      params.kind = filter.kind;
    }
    if (filter.patientId !== undefined) {
      where.push('p.patient_id = @patientId');
      params.patientId = filter.patientId;
    }
    if (filter.after !== undefined) {
      const cursor = decodeCursor(filter.after);
      if (cursor === null) throw new Error('invalid cursor'); // validated by the DTO before
      where.push('(p.opened_ms < @afterMs OR (p.opened_ms = @afterMs AND p.pathway_id < @afterId))');
      params.afterMs = cursor.openedMs;
      params.afterId = cursor.pathwayId;
    }
    if (filter.hiddenFrom !== undefined) {
      const blocks = this.readStore.tables(PATIENT_VIEWS)('blocks');
      where.push(
        `NOT EXISTS (SELECT 1 FROM ${blocks} b WHERE b.cpts_id = p.cpts_id AND b.patient_id = p.patient_id AND b.member_id = @memberId)`,
      );
      params.memberId = filter.hiddenFrom;
    }
    const limit = Math.min(Math.max(filter.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
    params.limit = limit + 1;
    const rows = this.db
      .prepare<[Record<string, unknown>], PathwayRow>(
        `SELECT p.* FROM ${pathways} p WHERE ${where.join(' AND ')}
         ORDER BY p.opened_ms DESC, p.pathway_id DESC LIMIT @limit`,
      )
      .all(params);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(summaryOf),
      nextAfter: rows.length > limit && last ? encodeCursor(last.opened_ms, last.pathway_id) : null,
    };
  }

  patient(cptsId: string, patientId: string): { revision: number; state: PatientSummaryState } | null {
    const patients = this.readStore.tables(PATIENT_VIEWS)('patients');
    const row = this.db
      .prepare<[string, string], { revision: number; state: string }>(
        `SELECT revision, state FROM ${patients} WHERE cpts_id = ? AND patient_id = ?`,
      )
      .get(cptsId, patientId);
    return row ? { revision: row.revision, state: JSON.parse(row.state) as PatientSummaryState } : null;
  }

  /**
   * The pseudonymous list of patients, by id (stable: a page never shifts when patients are registered
   * meanwhile, and a cursor is the last id seen). Filters read the stored fold, which has no identity.
   */
  listPatients(
    cptsId: string,
    filter: PatientListFilter,
  ): { items: PatientListItem[]; nextAfter: string | null } {
    const patients = this.readStore.tables(PATIENT_VIEWS)('patients');
    const pathways = this.readStore.tables(PATHWAY_VIEWS)('pathways');
    const where = ['p.cpts_id = @cptsId'];
    const params: Record<string, unknown> = { cptsId };
    if (filter.hasMedecinTraitant !== undefined) {
      where.push("json_extract(p.state, '$.hasMedecinTraitant') = @hasMt");
      params.hasMt = filter.hasMedecinTraitant ? 1 : 0;
    }
    if (filter.birthYear !== undefined) {
      where.push("json_extract(p.state, '$.birthYear') = @birthYear");
      params.birthYear = filter.birthYear;
    }
    if (filter.after !== undefined) {
      const cursor = decodePatientCursor(filter.after);
      if (cursor === null) throw new Error('invalid cursor'); // validated by the DTO before
      where.push('p.patient_id > @afterId');
      params.afterId = cursor.patientId;
    }
    const limit = Math.min(Math.max(filter.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
    params.limit = limit + 1;
    const rows = this.db
      .prepare<
        [Record<string, unknown>],
        { patient_id: string; revision: number; state: string; total: number; open: number }
      >(
        `SELECT p.patient_id, p.revision, p.state,
           (SELECT COUNT(*) FROM ${pathways} w WHERE w.cpts_id = p.cpts_id AND w.patient_id = p.patient_id) AS total,
           (SELECT COUNT(*) FROM ${pathways} w WHERE w.cpts_id = p.cpts_id AND w.patient_id = p.patient_id
              AND w.status = 'open') AS open
         FROM ${patients} p WHERE ${where.join(' AND ')}
         ORDER BY p.patient_id LIMIT @limit`,
      )
      .all(params);
    const page = rows.slice(0, limit);
    const parsed = page.map((row) => ({ row, state: JSON.parse(row.state) as PatientSummaryState }));
    const names = this.memberNames(
      cptsId,
      parsed.map(({ state }) => state.medecinTraitantMemberId).filter((id): id is string => !!id),
    );
    const items = parsed.map(({ row, state }): PatientListItem => {
      const mt = state.medecinTraitantMemberId;
      return {
        id: row.patient_id,
        revision: row.revision,
        sex: state.sex,
        birthYear: state.birthYear,
        ald: state.ald,
        precarious: state.precarious,
        hasMedecinTraitant: state.hasMedecinTraitant,
        medecinTraitant: mt === undefined ? null : { memberId: mt, displayName: names.get(mt) ?? null },
        medecinTraitantSearch: state.medecinTraitantSearch !== undefined,
        erased: state.erased,
        pathwayCount: row.total,
        openPathwayCount: row.open,
      };
    });
    const last = page.at(-1);
    return {
      items,
      nextAfter: rows.length > limit && last ? encodePatientCursor(last.patient_id) : null,
    };
  }

  /** Every pathway of a patient, newest first. */
  pathwaysOfPatient(cptsId: string, patientId: string): PathwaySummary[] {
    const pathways = this.readStore.tables(PATHWAY_VIEWS)('pathways');
    return this.db
      .prepare<[string, string], PathwayRow>(
        `SELECT * FROM ${pathways} WHERE cpts_id = ? AND patient_id = ? ORDER BY opened_ms DESC, pathway_id DESC`,
      )
      .all(cptsId, patientId)
      .map(summaryOf);
  }

  /** Display names of members of this CPTS (unknown ids are absent). */
  memberNames(cptsId: string, memberIds: string[]): Map<string, string> {
    const ids = [...new Set(memberIds)];
    if (ids.length === 0) return new Map();
    const members = this.readStore.tables(MEMBER_DIRECTORY)('members');
    const rows = this.db
      .prepare<unknown[], { member_id: string; display_name: string }>(
        `SELECT member_id, display_name FROM ${members} WHERE cpts_id = ? AND member_id IN (${ids.map(() => '?').join(', ')})`,
      )
      .all(cptsId, ...ids);
    return new Map(rows.map((row) => [row.member_id, row.display_name]));
  }

  /**
   * The directory, by display name. `active`: joined on or before today and not left before today (the
   * day of leaving still counts), today being the Paris day of `now`.
   */
  members(
    cptsId: string,
    filter: { active?: boolean; profession?: string },
    now: Date,
  ): MemberDirectoryItem[] {
    const names = this.readStore.tables(MEMBER_DIRECTORY);
    const [members, activity] = [names('members'), names('activity')];
    const today = parisDate(now.getTime());
    const where = ['m.cpts_id = @cptsId'];
    const params: Record<string, unknown> = { cptsId, today, since: yearBefore(today) };
    const active = 'm.joined_on <= @today AND (m.left_on IS NULL OR m.left_on >= @today)';
    if (filter.active === true) where.push(`(${active})`);
    if (filter.active === false) where.push(`NOT (${active})`);
    if (filter.profession !== undefined) {
      where.push('m.profession = @profession');
      params.profession = filter.profession;
    }
    const rows = this.db
      .prepare<
        [Record<string, unknown>],
        {
          member_id: string;
          display_name: string;
          profession: string;
          structure: string | null;
          mode: string;
          joined_on: string;
          left_on: string | null;
          sas_participant: number;
          recent: number;
          last_at: string | null;
        }
      >(
        `SELECT m.*,
           (SELECT COUNT(*) FROM ${activity} a WHERE a.cpts_id = m.cpts_id AND a.member_id = m.member_id
              AND a.on_date > @since AND a.on_date <= @today) AS recent,
           (SELECT a.at FROM ${activity} a WHERE a.cpts_id = m.cpts_id AND a.member_id = m.member_id
              ORDER BY a.at_ms DESC, a.event_id DESC LIMIT 1) AS last_at
         FROM ${members} m WHERE ${where.join(' AND ')}
         ORDER BY m.display_name COLLATE NOCASE, m.member_id`,
      )
      .all(params);
    return rows.map((row) => ({
      id: row.member_id,
      displayName: row.display_name,
      profession: row.profession,
      ...(row.structure === null
        ? {}
        : { structure: JSON.parse(row.structure) as MemberDirectoryItem['structure'] }),
      mode: row.mode,
      joinedOn: row.joined_on,
      ...(row.left_on === null ? {} : { leftOn: row.left_on }),
      sasParticipant: row.sas_participant === 1,
      activity: { last12Months: row.recent, ...(row.last_at === null ? {} : { lastAt: row.last_at }) },
    }));
  }
}
