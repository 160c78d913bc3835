import {
  assertCptsKnown,
  type OpenSearchRow,
  parisDate,
  parisDayStart,
  PATHWAY_VIEW,
  PENDING_INDEX,
  PATIENT_SUMMARY,
  type PendingRow,
  type RequestRow,
  streamId,
  UNSCHEDULED_CARE_LOG,
  visibleToMember,
} from '@parcours/domain';
import type { ReadStore } from '@parcours/projections';
import { type AssignmentRow, WORKLIST_ASSIGNMENTS } from './assignments/assignments.projection';
import {
  orientationSummary,
  pathwayItemSummary,
  searchSummary,
  type WorklistEntry,
  type WorklistKind,
} from './worklist';

/**
 * `priority` (the default): what came in today first (newest first), then what is overdue, then the rest,
 * each by due date; `oldest`: oldest due first, whatever came in today.
 */
export const WORKLIST_SORTS = ['priority', 'oldest'] as const;
export type WorklistSort = (typeof WORKLIST_SORTS)[number];

export interface WorklistQuery {
  kinds?: WorklistKind[];
  sort?: WorklistSort;
  /** Only items of pathways of these kinds (other items have no pathway and are left out). */
  pathwayKinds?: string[];
  /** Skip this many items of the order (paging). */
  offset?: number;
  /** true: only overdue items; false: only those not overdue yet. */
  overdue?: boolean;
  pathwayId?: string;
  patientId?: string;
  limit: number;
  /**
   * A professional reading: only the items about patients whose care circle holds them (or of pathways
   * they are involved in); those about patients who blocked them are left out.
   */
  hideBlockedFor?: string;
  /** Only the items assigned to this member or coordinator, or (`none`) those assigned to nobody. */
  assigned?: { memberId: string } | { coordinatorId: string } | 'none';
}

/** An item before `overdue` is decided, with its sort keys (`rank`, then `key`: see `WORKLIST_SORTS`). */
type Item = Omit<WorklistEntry, 'overdue'> & { overdueFromMs: number; rank: number; key: number };

/** By rank, then key, then kind, then the event that opened it, then the pathway. */
function compare(a: Item, b: Item): number {
  return (
    a.rank - b.rank ||
    a.key - b.key ||
    (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
    (a.openedBy < b.openedBy ? -1 : a.openedBy > b.openedBy ? 1 : 0) ||
    ((a.pathwayId ?? '') < (b.pathwayId ?? '') ? -1 : (a.pathwayId ?? '') > (b.pathwayId ?? '') ? 1 : 0)
  );
}

/** One source of items: its rows past the filters, oldest due first (its own index), and how many. */
interface Source {
  rows(limit: number): Item[];
  count(): number;
}

/**
 * Open items in the order asked (`WORKLIST_SORTS`); `overdue` against `now` (the server clock, at read time). Each source is
 * read in the order of its own index and the first `limit` of them merged, so a page costs the same
 * whatever the number of items; `total` counts them all.
 */
export function readWorklist(
  readStore: ReadStore,
  cptsId: string,
  query: WorklistQuery,
  now: Date,
): { items: WorklistEntry[]; count: number; total: number; offset: number; at: string } {
  assertCptsKnown(readStore, cptsId);
  const nowMs = now.getTime();
  const todayStartMs = parisDayStart(parisDate(nowMs));
  const priority = (query.sort ?? 'priority') === 'priority';
  const offset = query.offset ?? 0;
  const fetched = offset + query.limit;
  /**
   * The rank and key of each row, in SQL over a source's columns: with `priority`, what was opened today
   * ranks 0 (newest first), what is overdue 1, the rest 2 (each by due date); with `oldest`, one rank.
   */
  const order = (due: string, openedMs: string) => {
    if (!priority) return { rank: '0', key: due, params: [] as number[] };
    return {
      rank: `CASE WHEN ${openedMs} >= ? THEN 0 WHEN ${due} <= ? THEN 1 ELSE 2 END`,
      key: `CASE WHEN ${openedMs} >= ? THEN -(${openedMs}) ELSE ${due} END`,
      params: [todayStartMs, nowMs, todayStartMs],
    };
  };
  /** Milliseconds of an ISO 8601 text column (with its offset), as SQLite reads it. */
  const msOf = (column: string) => `CAST(ROUND((julianday(${column}) - 2440587.5) * 86400000) AS INTEGER)`;
  const wanted = (kind: WorklistKind) =>
    !query.kinds || query.kinds.length === 0 || query.kinds.includes(kind);
  const blocks = readStore.tables(PATIENT_SUMMARY)('blocks');
  const pathwaysTable = readStore.tables(PATHWAY_VIEW)('pathways');
  const assignmentsTable = readStore.tables(WORKLIST_ASSIGNMENTS)('assignments');

  /** The filters every source shares, on its own columns. */
  const filters = (columns: {
    due: string;
    patient: string;
    pathway: string | null;
    kind: string;
    openedBy: string;
  }) => {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (query.assigned !== undefined) {
      const assigned = `SELECT 1 FROM "${assignmentsTable}" a WHERE a.cpts_id = ? AND a.kind = ${columns.kind} AND a.opened_by = ${columns.openedBy}`;
      if (query.assigned === 'none') {
        where.push(`NOT EXISTS (${assigned})`);
        params.push(cptsId);
      } else if ('memberId' in query.assigned) {
        where.push(`EXISTS (${assigned} AND a.member_id = ?)`);
        params.push(cptsId, query.assigned.memberId);
      } else {
        where.push(`EXISTS (${assigned} AND a.coordinator_id = ?)`);
        params.push(cptsId, query.assigned.coordinatorId);
      }
    }
    if (query.overdue !== undefined) {
      where.push(query.overdue ? `${columns.due} <= ?` : `${columns.due} > ?`);
      params.push(nowMs);
    }
    if (query.pathwayId !== undefined) {
      if (columns.pathway === null) return null; // only pathway items belong to a pathway
      where.push(`${columns.pathway} = ?`);
      params.push(query.pathwayId);
    }
    if (query.pathwayKinds !== undefined && query.pathwayKinds.length > 0) {
      if (columns.pathway === null) return null;
      where.push(
        `EXISTS (SELECT 1 FROM "${pathwaysTable}" w WHERE w.cpts_id = ? AND w.pathway_id = ${columns.pathway} AND w.kind IN (${query.pathwayKinds.map(() => '?').join(', ')}))`,
      );
      params.push(cptsId, ...query.pathwayKinds);
    }
    if (query.patientId !== undefined) {
      where.push(`${columns.patient} = ?`);
      params.push(query.patientId);
    }
    if (query.hideBlockedFor !== undefined) {
      where.push(
        `NOT EXISTS (SELECT 1 FROM "${blocks}" b WHERE b.cpts_id = ? AND b.patient_id = ${columns.patient} AND b.member_id = ?)`,
      );
      params.push(cptsId, query.hideBlockedFor);
      const visible = visibleToMember(readStore, columns, cptsId, query.hideBlockedFor, (value) => {
        params.push(value);
        return '?';
      });
      // A request about nobody registered names no patient: nothing of anyone's to hide.
      where.push(columns.pathway === null ? `(${columns.patient} IS NULL OR ${visible})` : visible);
    }
    return { where: where.map((w) => ` AND ${w}`).join(''), params };
  };

  const sources: Source[] = [];
  const pathwayKinds = (
    ['sortie.pharmacien', 'sortie.suivi', 'adressage.reponse', 'rcp.revue'] as const
  ).filter(wanted);
  const onPathways = filters({
    due: 'p.overdue_from_ms',
    patient: 'p.patient_id',
    pathway: 'p.pathway_id',
    kind: 'p.kind',
    openedBy: 'p.opened_by',
  });
  if (pathwayKinds.length > 0 && onPathways) {
    const pending = readStore.tables(PATHWAY_VIEW)('pending');
    const where = `WHERE p.cpts_id = ? AND p.kind IN (${pathwayKinds.map(() => '?').join(', ')})${onPathways.where}`;
    const from = `FROM "${pending}" p ${where}`;
    const params = [cptsId, ...pathwayKinds, ...onPathways.params];
    const ties = 'p.kind, p.opened_by, p.pathway_id';
    /**
     * The first `limit` steps of one range, read in the order of the pending steps' index on that column
     * (`PENDING_INDEX`), named so that the planner never sorts the whole table instead.
     */
    const range = (bounds: string, values: number[], by: keyof typeof PENDING_INDEX, limit: number) =>
      readStore
        .prepare<unknown[], PendingRow>(
          `SELECT p.* FROM "${pending}" p INDEXED BY "${pending}_i${PENDING_INDEX[by]}" ${where}${bounds} ORDER BY p.${by}${by === 'at_ms' ? ' DESC' : ''}, ${ties} LIMIT ?`,
        )
        .all(...params, ...values, limit);
    const item = (step: PendingRow, rank: number, key: number): Item => ({
      rank,
      key,
      kind: step.kind,
      dueAt: step.due_at,
      overdueFromMs: step.overdue_from_ms,
      streamId: step.stream_id,
      pathwayId: step.pathway_id,
      patientId: step.patient_id,
      summary: pathwayItemSummary(step),
      openedBy: step.opened_by,
    });
    sources.push({
      // The three ranks as three ranges: opened today (by `at_ms`, newest first), then overdue, then the
      // rest (by `overdue_from_ms`), each read only as far as the page needs.
      rows: (limit) =>
        priority
          ? [
              ...range(' AND p.at_ms >= ?', [todayStartMs], 'at_ms', limit).map((step) =>
                item(step, 0, -step.at_ms),
              ),
              ...range(
                ' AND p.at_ms < ? AND p.overdue_from_ms <= ?',
                [todayStartMs, nowMs],
                'overdue_from_ms',
                limit,
              ).map((step) => item(step, 1, step.overdue_from_ms)),
              ...range(
                ' AND p.at_ms < ? AND p.overdue_from_ms > ?',
                [todayStartMs, nowMs],
                'overdue_from_ms',
                limit,
              ).map((step) => item(step, 2, step.overdue_from_ms)),
            ]
          : range('', [], 'overdue_from_ms', limit).map((step) => item(step, 0, step.overdue_from_ms)),
      count: () =>
        readStore.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n ${from}`).get(...params)!.n,
    });
  }
  const onRequests = filters({
    due: 'r.orientation_due_ms',
    patient: 'r.patient_id',
    pathway: null,
    kind: "'snp.orientation'",
    openedBy: 'r.requested_by',
  });
  if (wanted('snp.orientation') && onRequests) {
    const requests = readStore.tables(UNSCHEDULED_CARE_LOG)('requests');
    const from = `FROM "${requests}" r WHERE r.cpts_id = ? AND r.status = 'requested' AND r.orientation_due_ms IS NOT NULL${onRequests.where}`;
    const params = [cptsId, ...onRequests.params];
    const sort = order('r.orientation_due_ms', msOf('r.received_at'));
    sources.push({
      rows: (limit) =>
        readStore
          .prepare<unknown[], RequestRow & { rank: number; key: number }>(
            `SELECT r.*, ${sort.rank} AS rank, ${sort.key} AS key ${from} ORDER BY rank, key, r.requested_by LIMIT ?`,
          )
          .all(...sort.params, ...params, limit)
          .map((request) => ({
            rank: request.rank,
            key: request.key,
            kind: 'snp.orientation' as const,
            dueAt: request.orientation_due_at!,
            overdueFromMs: request.orientation_due_ms!,
            streamId: streamId('snp', cptsId, request.request_id),
            ...(request.patient_id === null ? {} : { patientId: request.patient_id }),
            summary: orientationSummary({
              receivedAt: request.received_at,
              channel: request.channel,
              viaSas: request.via_sas === 1,
            }),
            openedBy: request.requested_by,
          })),
      count: () =>
        readStore.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n ${from}`).get(...params)!.n,
    });
  }
  const onSearches = filters({
    due: 's.overdue_from_ms',
    patient: 's.patient_id',
    pathway: null,
    kind: "'mt.recherche'",
    openedBy: 's.event_id',
  });
  if (wanted('mt.recherche') && onSearches) {
    const searches = readStore.tables(PATIENT_SUMMARY)('open_searches');
    const from = `FROM "${searches}" s WHERE s.cpts_id = ?${onSearches.where}`;
    const params = [cptsId, ...onSearches.params];
    // A search is registered on a day: opened today when that day is today (a day starts in Paris).
    const sort = order(
      's.overdue_from_ms',
      `(CASE WHEN s.registered_on >= '${parisDate(nowMs)}' THEN ${todayStartMs} ELSE 0 END)`,
    );
    sources.push({
      rows: (limit) =>
        readStore
          .prepare<unknown[], OpenSearchRow & { rank: number; key: number }>(
            `SELECT s.*, ${sort.rank} AS rank, ${sort.key} AS key ${from} ORDER BY rank, key, s.event_id LIMIT ?`,
          )
          .all(...sort.params, ...params, limit)
          .map((search) => ({
            rank: search.rank,
            key: search.key,
            kind: 'mt.recherche' as const,
            dueAt: search.due_at,
            overdueFromMs: search.overdue_from_ms,
            streamId: streamId('patient', cptsId, search.patient_id),
            patientId: search.patient_id,
            summary: searchSummary({ registeredOn: search.registered_on, priority: search.priority }),
            openedBy: search.event_id,
          })),
      count: () =>
        readStore.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n ${from}`).get(...params)!.n,
    });
  }

  const page = sources
    .flatMap((source) => source.rows(fetched))
    .sort(compare)
    .slice(offset, fetched);
  const total = sources.reduce((sum, source) => sum + source.count(), 0);
  const assignees = assigneesOf(readStore, assignmentsTable, cptsId, page);
  const items = page.map(({ overdueFromMs, rank: _rank, key: _key, ...item }): WorklistEntry => {
    const assignee = assignees.get(`${item.kind}\n${item.openedBy}`);
    return { ...item, overdue: nowMs >= overdueFromMs, ...(assignee ? { assignee } : {}) };
  });
  return { items, count: items.length, total, offset, at: now.toISOString() };
}

/** Who works each of these items, by `kind\nopenedBy`. */
function assigneesOf(
  readStore: ReadStore,
  assignments: string,
  cptsId: string,
  items: Array<{ kind: string; openedBy: string }>,
): Map<string, NonNullable<WorklistEntry['assignee']>> {
  const found = new Map<string, NonNullable<WorklistEntry['assignee']>>();
  if (items.length === 0) return found;
  const rows = readStore
    .prepare<unknown[], AssignmentRow>(
      `SELECT * FROM "${assignments}" WHERE cpts_id = ? AND opened_by IN (${items.map(() => '?').join(', ')})`,
    )
    .all(cptsId, ...items.map((item) => item.openedBy));
  for (const row of rows) {
    found.set(`${row.kind}\n${row.opened_by}`, {
      itemId: row.item_id,
      ...(row.member_id === null ? {} : { memberId: row.member_id }),
      ...(row.coordinator_id === null ? {} : { coordinatorId: row.coordinator_id }),
      assignedAt: row.assigned_at,
    });
  }
  return found;
}

/** What the worklist shows of a patient without their identity. */
export interface WorklistPatient {
  id: string;
  sex: string;
  birthYear: number;
  erased: boolean;
}

/** The pseudonymous facts of these patients (the patient summaries), by id. */
export function worklistPatients(
  readStore: ReadStore,
  cptsId: string,
  ids: string[],
): Map<string, WorklistPatient> {
  const found = new Map<string, WorklistPatient>();
  if (ids.length === 0) return found;
  const patients = readStore.tables(PATIENT_SUMMARY)('patients');
  const rows = readStore
    .prepare<unknown[], { patient_id: string; birth_year: number; sex: string; erased: number | null }>(
      `SELECT patient_id, birth_year, json_extract(state, '$.sex') AS sex, json_extract(state, '$.erased') AS erased
         FROM "${patients}" WHERE cpts_id = ? AND patient_id IN (${ids.map(() => '?').join(', ')})`,
    )
    .all(cptsId, ...ids);
  for (const row of rows) {
    found.set(row.patient_id, {
      id: row.patient_id,
      sex: row.sex,
      birthYear: row.birth_year,
      erased: row.erased === 1,
    });
  }
  return found;
}
