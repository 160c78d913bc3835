import { Injectable } from '@nestjs/common';
import { ReadStore } from '@parcours/projections';
import { parisDate } from '../../shared/paris-time';
import { MEMBER_DIRECTORY, type MemberRow } from './member-directory.projection';

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

/** A year before a Paris day, as a day (29 February falls back on the string order, which is enough). */
const yearBefore = (day: string): string => `${Number(day.slice(0, 4)) - 1}${day.slice(4)}`;

/** The reads of the member directory. */
@Injectable()
export class MemberDirectoryQueries {
  constructor(private readonly readStore: ReadStore) {}

  /** Display names of members of this CPTS (unknown ids are absent). */
  names(cptsId: string, memberIds: string[]): Map<string, string> {
    const ids = [...new Set(memberIds)];
    if (ids.length === 0) return new Map();
    const members = this.readStore.tables(MEMBER_DIRECTORY)('members');
    const rows = this.readStore
      .prepare<unknown[], { member_id: string; display_name: string }>(
        `SELECT member_id, display_name FROM "${members}" WHERE cpts_id = ? AND member_id IN (${ids.map(() => '?').join(', ')})`,
      )
      .all(cptsId, ...ids);
    return new Map(rows.map((row) => [row.member_id, row.display_name]));
  }

  /**
   * The directory, by display name. `active`: joined on or before today and not left before today (the
   * day of leaving still counts), today being the Paris day of `now`.
   */
  list(cptsId: string, filter: { active?: boolean; profession?: string }, now: Date): MemberDirectoryItem[] {
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
    const rows = this.readStore
      .prepare<[Record<string, unknown>], MemberRow & { recent: number; last_at: string | null }>(
        `SELECT m.*,
           (SELECT COUNT(*) FROM "${activity}" a WHERE a.cpts_id = m.cpts_id AND a.member_id = m.member_id
              AND a.on_date > @since AND a.on_date <= @today) AS recent,
           (SELECT a.at FROM "${activity}" a WHERE a.cpts_id = m.cpts_id AND a.member_id = m.member_id
              ORDER BY a.at_ms DESC, a.event_id DESC LIMIT 1) AS last_at
         FROM "${members}" m WHERE ${where.join(' AND ')}
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
