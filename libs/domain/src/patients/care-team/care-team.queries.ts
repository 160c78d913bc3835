import { Injectable } from '@nestjs/common';
import { ReadStore } from '@parcours/projections';
import { MemberDirectoryQueries } from '../../members/member-directory/member-directory.queries';
import { CARE_TEAM, type CircleRow, type InvolvementRow } from './care-team.projection';

export interface CareTeamView {
  patientId: string;
  /** In the circle today, the médecin traitant first, then the pharmacien correspondant, then by date. */
  members: Array<{
    memberId: string;
    displayName: string | null;
    basis: CircleRow['basis'];
    role: string | null;
    from: string | null;
    /** The addition a removal or a correction targets (members added to the circle only). */
    eventId: string | null;
  }>;
  /** Stays that ended, latest first; a stay without an end is suspended by the patient's block. */
  past: Array<{
    memberId: string;
    displayName: string | null;
    role: string | null;
    from: string | null;
    to: string | null;
    blocked: boolean;
    eventId: string;
  }>;
  /** Involved in one of the patient's open pathways (a referral accepted, a protocol applied). */
  involved: Array<{
    memberId: string;
    displayName: string | null;
    pathwayId: string;
    reason: InvolvementRow['reason'];
    since: string;
  }>;
}

const BASIS_ORDER: Record<CircleRow['basis'], number> = {
  'medecin-traitant': 0,
  'pharmacien-correspondant': 1,
  'care-team': 2,
};

/** The care circle read model: who is around a patient, and whether a member is. */
@Injectable()
export class CareTeamQueries {
  constructor(
    private readonly readStore: ReadStore,
    private readonly members: MemberDirectoryQueries,
  ) {}

  private table(name: string): string {
    return this.readStore.tables(CARE_TEAM)(name);
  }

  circle(cptsId: string, patientId: string): CareTeamView {
    const rows = this.readStore
      .prepare<[string, string], CircleRow>(
        `SELECT * FROM "${this.table('circle')}" WHERE cpts_id = ? AND patient_id = ?`,
      )
      .all(cptsId, patientId);
    const involved = this.readStore
      .prepare<[string, string], InvolvementRow>(
        `SELECT i.* FROM "${this.table('involvements')}" i JOIN "${this.table('pathways')}" p
           ON p.cpts_id = i.cpts_id AND p.pathway_id = i.pathway_id
         WHERE i.cpts_id = ? AND i.patient_id = ? AND p.open = 1
         ORDER BY i.since, i.pathway_id, i.member_id`,
      )
      .all(cptsId, patientId);
    const names = this.members.names(cptsId, [
      ...rows.map((row) => row.member_id),
      ...involved.map((row) => row.member_id),
    ]);
    const name = (memberId: string) => names.get(memberId) ?? null;
    const byDate = (a: string | null, b: string | null) => (a ?? '').localeCompare(b ?? '');
    return {
      patientId,
      members: rows
        .filter((row) => row.current === 1)
        .sort((a, b) => BASIS_ORDER[a.basis] - BASIS_ORDER[b.basis] || byDate(a.from_day, b.from_day))
        .map((row) => ({
          memberId: row.member_id,
          displayName: name(row.member_id),
          basis: row.basis,
          role: row.role,
          from: row.from_day,
          eventId: row.basis === 'care-team' ? row.stay_id : null,
        })),
      past: rows
        .filter((row) => row.current === 0)
        .sort((a, b) => byDate(b.to_day, a.to_day))
        .map((row) => ({
          memberId: row.member_id,
          displayName: name(row.member_id),
          role: row.role,
          from: row.from_day,
          to: row.to_day,
          blocked: row.to_day === null,
          eventId: row.stay_id,
        })),
      involved: involved.map((row) => ({
        memberId: row.member_id,
        displayName: name(row.member_id),
        pathwayId: row.pathway_id,
        reason: row.reason,
        since: row.since,
      })),
    };
  }

  /** In the patient's circle today (added and not removed, médecin traitant, pharmacien correspondant). */
  inCircle(cptsId: string, patientId: string, memberId: string): boolean {
    return (
      this.readStore
        .prepare(
          `SELECT 1 FROM "${this.table('circle')}" WHERE cpts_id = ? AND patient_id = ? AND member_id = ? AND current = 1`,
        )
        .get(cptsId, patientId, memberId) !== undefined
    );
  }

  /** Involved in this pathway while it is open. */
  involvedIn(cptsId: string, pathwayId: string, memberId: string): boolean {
    return (
      this.readStore
        .prepare(
          `SELECT 1 FROM "${this.table('involvements')}" i JOIN "${this.table('pathways')}" p
             ON p.cpts_id = i.cpts_id AND p.pathway_id = i.pathway_id
           WHERE i.cpts_id = ? AND i.pathway_id = ? AND i.member_id = ? AND p.open = 1`,
        )
        .get(cptsId, pathwayId, memberId) !== undefined
    );
  }

  /** Involved in one of the patient's open pathways. */
  involvedWith(cptsId: string, patientId: string, memberId: string): boolean {
    return (
      this.readStore
        .prepare(
          `SELECT 1 FROM "${this.table('involvements')}" i JOIN "${this.table('pathways')}" p
             ON p.cpts_id = i.cpts_id AND p.pathway_id = i.pathway_id
           WHERE i.cpts_id = ? AND i.patient_id = ? AND i.member_id = ? AND p.open = 1`,
        )
        .get(cptsId, patientId, memberId) !== undefined
    );
  }
}

/**
 * An SQL condition that holds on a row a professional may see: its patient's care circle holds them today,
 * or they are involved in its pathway while it is open. `bind` adds a parameter and returns its
 * placeholder, in the order of the text (positional `?` or named `@x`).
 */
export function visibleToMember(
  readStore: ReadStore,
  columns: { patient: string; pathway: string | null },
  cptsId: string,
  memberId: string,
  bind: (value: string) => string,
): string {
  const table = readStore.tables(CARE_TEAM);
  const inCircle = `EXISTS (SELECT 1 FROM "${table('circle')}" c WHERE c.cpts_id = ${bind(cptsId)} AND c.member_id = ${bind(memberId)} AND c.current = 1 AND c.patient_id = ${columns.patient})`;
  if (columns.pathway === null) return inCircle;
  const involved = `EXISTS (SELECT 1 FROM "${table('involvements')}" i JOIN "${table('pathways')}" ip ON ip.cpts_id = i.cpts_id AND ip.pathway_id = i.pathway_id WHERE i.cpts_id = ${bind(cptsId)} AND i.member_id = ${bind(memberId)} AND ip.open = 1 AND i.pathway_id = ${columns.pathway})`;
  return `(${inCircle} OR ${involved})`;
}
