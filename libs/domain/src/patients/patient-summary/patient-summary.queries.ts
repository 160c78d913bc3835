import { Injectable } from '@nestjs/common';
import { ReadStore } from '@parcours/projections';
import { MemberDirectoryQueries } from '../../members/member-directory/member-directory.queries';
import { PathwayViewQueries } from '../../pathways/pathway-view/pathway-view.queries';
import { DEFAULT_PAGE, MAX_PAGE } from '../../pathways/pathway-view/pathway-view.queries';
import {
  fullState,
  PATIENT_SUMMARY,
  type PatientRow,
  type PatientSummaryState,
  type StoredPatientState,
} from './patient-summary.projection';

/** A row as SQLite gives it: the state still as text. */
type StoredRow = Omit<PatientRow, 'state'> & { state: string };

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

/** The reads of the patients capability that need no identity, and the blocks other reads check. */
@Injectable()
export class PatientSummaryQueries {
  constructor(
    private readonly readStore: ReadStore,
    private readonly pathways: PathwayViewQueries,
    private readonly members: MemberDirectoryQueries,
  ) {}

  patient(cptsId: string, patientId: string): { revision: number; state: PatientSummaryState } | null {
    const patients = this.readStore.tables(PATIENT_SUMMARY)('patients');
    const row = this.readStore
      .prepare<[string, string], StoredRow>(
        `SELECT * FROM "${patients}" WHERE cpts_id = ? AND patient_id = ?`,
      )
      .get(cptsId, patientId);
    return row
      ? { revision: row.revision, state: fullState(JSON.parse(row.state) as StoredPatientState) }
      : null;
  }

  isBlocked(cptsId: string, patientId: string, memberId: string): boolean {
    const blocks = this.readStore.tables(PATIENT_SUMMARY)('blocks');
    return (
      this.readStore
        .prepare(`SELECT 1 FROM "${blocks}" WHERE cpts_id = ? AND patient_id = ? AND member_id = ?`)
        .get(cptsId, patientId, memberId) !== undefined
    );
  }

  /** Display names of members of this CPTS (unknown ids are absent). */
  memberNames(cptsId: string, memberIds: string[]): Map<string, string> {
    return this.members.names(cptsId, memberIds);
  }

  pathwaysOf(cptsId: string, patientId: string) {
    return this.pathways.ofPatient(cptsId, patientId);
  }

  /**
   * The pseudonymous list of patients, by id (stable: a page never shifts when patients are registered
   * meanwhile, and a cursor is the last id seen). Filters read columns of the fold, which has no identity.
   */
  list(cptsId: string, filter: PatientListFilter): { items: PatientListItem[]; nextAfter: string | null } {
    const patients = this.readStore.tables(PATIENT_SUMMARY)('patients');
    const where = ['cpts_id = @cptsId'];
    const params: Record<string, unknown> = { cptsId };
    if (filter.hasMedecinTraitant !== undefined) {
      where.push('has_medecin_traitant = @hasMt');
      params.hasMt = filter.hasMedecinTraitant ? 1 : 0;
    }
    if (filter.birthYear !== undefined) {
      where.push('birth_year = @birthYear');
      params.birthYear = filter.birthYear;
    }
    if (filter.after !== undefined) {
      const cursor = decodePatientCursor(filter.after);
      if (cursor === null) throw new Error('invalid cursor'); // validated by the DTO before
      where.push('patient_id > @afterId');
      params.afterId = cursor.patientId;
    }
    const limit = Math.min(Math.max(filter.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
    params.limit = limit + 1;
    const rows = this.readStore
      .prepare<[Record<string, unknown>], StoredRow>(
        `SELECT * FROM "${patients}" WHERE ${where.join(' AND ')} ORDER BY patient_id LIMIT @limit`,
      )
      .all(params);
    const page = rows.slice(0, limit);
    const parsed = page.map((row) => ({
      row,
      state: fullState(JSON.parse(row.state) as StoredPatientState),
    }));
    const names = this.memberNames(
      cptsId,
      parsed.map(({ state }) => state.medecinTraitantMemberId).filter((id): id is string => !!id),
    );
    const counts = this.pathways.countsOf(
      cptsId,
      page.map((row) => row.patient_id),
    );
    const items = parsed.map(({ row, state }): PatientListItem => {
      const mt = state.medecinTraitantMemberId;
      const count = counts.get(row.patient_id);
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
        pathwayCount: count?.total ?? 0,
        openPathwayCount: count?.open ?? 0,
      };
    });
    const last = page.at(-1);
    return { items, nextAfter: rows.length > limit && last ? encodePatientCursor(last.patient_id) : null };
  }
}
