import type { ReadStore } from '@parcours/projections';
import { assertTenant } from '@parcours/domain';
import { WORKLIST_PROJECTION } from './worklist.projection';
import type { WorklistKind } from './worklist.rules';

export interface WorklistQuery {
  kinds?: WorklistKind[];
  /** true: only overdue items; false: only those not overdue yet. */
  overdue?: boolean;
  pathwayId?: string;
  patientId?: string;
  limit: number;
  /** Items about patients who blocked this member are left out (a professional reading). */
  hideBlockedFor?: string;
}

export interface WorklistEntry {
  kind: WorklistKind;
  dueAt: string;
  overdue: boolean;
  streamId: string;
  pathwayId?: string;
  patientId?: string;
  summary: string;
  openedBy: string;
}

interface ItemRow {
  kind: WorklistKind;
  due_at: string;
  overdue_from_ms: number;
  stream_id: string;
  pathway_id: string | null;
  patient_id: string | null;
  summary: string;
  opened_by: string;
}

/** Open items, oldest due first; `overdue` against `now` (the server clock, at read time). */
export function readWorklist(
  readStore: ReadStore,
  cptsId: string,
  query: WorklistQuery,
  now: Date,
): { items: WorklistEntry[]; count: number; total: number; at: string } {
  const table = readStore.tables(WORKLIST_PROJECTION);
  assertTenant(readStore.db, table, cptsId);
  const nowMs = now.getTime();
  const where = ['i.cpts_id = ?'];
  const params: Array<string | number> = [cptsId];
  if (query.kinds && query.kinds.length > 0) {
    where.push(`i.kind IN (${query.kinds.map(() => '?').join(', ')})`);
    params.push(...query.kinds);
  }
  if (query.overdue !== undefined) {
    where.push(query.overdue ? 'i.overdue_from_ms <= ?' : 'i.overdue_from_ms > ?');
    params.push(nowMs);
  }
  if (query.pathwayId !== undefined) {
    where.push('i.pathway_id = ?');
    params.push(query.pathwayId);
  }
  if (query.patientId !== undefined) {
    where.push('i.patient_id = ?');
    params.push(query.patientId);
  }
  if (query.hideBlockedFor !== undefined) {
    where.push(
      `NOT EXISTS (SELECT 1 FROM ${table('blocks')} b
        WHERE b.cpts_id = i.cpts_id AND b.patient_id = i.patient_id AND b.member_id = ?)`,
    );
    params.push(query.hideBlockedFor);
  }
  const from = `FROM ${table('items')} i WHERE ${where.join(' AND ')}`;
  const total = readStore.db
    .prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n ${from}`)
    .get(...params)!.n;
  const rows = readStore.db
    .prepare<unknown[], ItemRow>(
      `SELECT i.kind, i.due_at, i.overdue_from_ms, i.stream_id, i.pathway_id, i.patient_id, i.summary, i.opened_by
       ${from} ORDER BY i.overdue_from_ms, i.kind, i.opened_by, i.pathway_id LIMIT ?`,
    )
    .all(...params, query.limit);
  const items = rows.map((row): WorklistEntry => ({
    kind: row.kind,
    dueAt: row.due_at,
    overdue: nowMs >= row.overdue_from_ms,
    streamId: row.stream_id,
    ...(row.pathway_id === null ? {} : { pathwayId: row.pathway_id }),
    ...(row.patient_id === null ? {} : { patientId: row.patient_id }),
    summary: row.summary,
    openedBy: row.opened_by,
  }));
  return { items, count: items.length, total, at: now.toISOString() };
}
