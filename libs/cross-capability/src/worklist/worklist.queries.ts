import {
  assertCptsKnown,
  type OpenSearchRow,
  PATHWAY_VIEW,
  PATIENT_SUMMARY,
  type PendingRow,
  type RequestRow,
  streamId,
  UNSCHEDULED_CARE_LOG,
  visibleToMember,
} from '@parcours/domain';
import type { ReadStore } from '@parcours/projections';
import {
  orientationSummary,
  pathwayItemSummary,
  searchSummary,
  type WorklistEntry,
  type WorklistKind,
} from './worklist';

export interface WorklistQuery {
  kinds?: WorklistKind[];
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
}

/** An item before `overdue` is decided, with its sort key. */
type Item = Omit<WorklistEntry, 'overdue'> & { overdueFromMs: number };

/** Oldest due first, then kind, then the event that opened it, then the pathway. */
function compare(a: Item, b: Item): number {
  return (
    a.overdueFromMs - b.overdueFromMs ||
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
 * Open items, oldest due first; `overdue` against `now` (the server clock, at read time). Each source is
 * read in the order of its own index and the first `limit` of them merged, so a page costs the same
 * whatever the number of items; `total` counts them all.
 */
export function readWorklist(
  readStore: ReadStore,
  cptsId: string,
  query: WorklistQuery,
  now: Date,
): { items: WorklistEntry[]; count: number; total: number; at: string } {
  assertCptsKnown(readStore, cptsId);
  const nowMs = now.getTime();
  const wanted = (kind: WorklistKind) =>
    !query.kinds || query.kinds.length === 0 || query.kinds.includes(kind);
  const blocks = readStore.tables(PATIENT_SUMMARY)('blocks');

  /** The filters every source shares, on its own columns. */
  const filters = (columns: { due: string; patient: string; pathway: string | null }) => {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (query.overdue !== undefined) {
      where.push(query.overdue ? `${columns.due} <= ?` : `${columns.due} > ?`);
      params.push(nowMs);
    }
    if (query.pathwayId !== undefined) {
      if (columns.pathway === null) return null; // only pathway items belong to a pathway
      where.push(`${columns.pathway} = ?`);
      params.push(query.pathwayId);
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
  const onPathways = filters({ due: 'p.overdue_from_ms', patient: 'p.patient_id', pathway: 'p.pathway_id' });
  if (pathwayKinds.length > 0 && onPathways) {
    const pending = readStore.tables(PATHWAY_VIEW)('pending');
    const from = `FROM "${pending}" p WHERE p.cpts_id = ? AND p.kind IN (${pathwayKinds.map(() => '?').join(', ')})${onPathways.where}`;
    const params = [cptsId, ...pathwayKinds, ...onPathways.params];
    sources.push({
      rows: (limit) =>
        readStore
          .prepare<unknown[], PendingRow>(
            `SELECT p.* ${from} ORDER BY p.overdue_from_ms, p.kind, p.opened_by, p.pathway_id LIMIT ?`,
          )
          .all(...params, limit)
          .map((step) => ({
            kind: step.kind,
            dueAt: step.due_at,
            overdueFromMs: step.overdue_from_ms,
            streamId: step.stream_id,
            pathwayId: step.pathway_id,
            patientId: step.patient_id,
            summary: pathwayItemSummary(step),
            openedBy: step.opened_by,
          })),
      count: () =>
        readStore.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n ${from}`).get(...params)!.n,
    });
  }
  const onRequests = filters({ due: 'r.orientation_due_ms', patient: 'r.patient_id', pathway: null });
  if (wanted('snp.orientation') && onRequests) {
    const requests = readStore.tables(UNSCHEDULED_CARE_LOG)('requests');
    const from = `FROM "${requests}" r WHERE r.cpts_id = ? AND r.status = 'requested' AND r.orientation_due_ms IS NOT NULL${onRequests.where}`;
    const params = [cptsId, ...onRequests.params];
    sources.push({
      rows: (limit) =>
        readStore
          .prepare<unknown[], RequestRow>(
            `SELECT r.* ${from} ORDER BY r.orientation_due_ms, r.requested_by LIMIT ?`,
          )
          .all(...params, limit)
          .map((request) => ({
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
  const onSearches = filters({ due: 's.overdue_from_ms', patient: 's.patient_id', pathway: null });
  if (wanted('mt.recherche') && onSearches) {
    const searches = readStore.tables(PATIENT_SUMMARY)('open_searches');
    const from = `FROM "${searches}" s WHERE s.cpts_id = ?${onSearches.where}`;
    const params = [cptsId, ...onSearches.params];
    sources.push({
      rows: (limit) =>
        readStore
          .prepare<unknown[], OpenSearchRow>(
            `SELECT s.* ${from} ORDER BY s.overdue_from_ms, s.event_id LIMIT ?`,
          )
          .all(...params, limit)
          .map((search) => ({
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
    .flatMap((source) => source.rows(query.limit))
    .sort(compare)
    .slice(0, query.limit);
  const total = sources.reduce((sum, source) => sum + source.count(), 0);
  const items = page.map(({ overdueFromMs, ...item }): WorklistEntry => ({
    ...item,
    overdue: nowMs >= overdueFromMs,
  }));
  return { items, count: items.length, total, at: now.toISOString() };
}
