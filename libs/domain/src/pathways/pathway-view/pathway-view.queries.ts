import { Injectable } from '@nestjs/common';
import type { EventStore, RecordedEvent, StreamReader } from '@parcours/event-store';
import { type MemoryTables, projectInMemory, ReadStore } from '@parcours/projections';
import { visibleToMember } from '../../patients/care-team/care-team.queries';
import { PATIENT_SUMMARY } from '../../patients/patient-summary/patient-summary.projection';
import { streamId } from '../../shared/ids';
import { upcast } from '../../shared/upcasting';
import {
  PATHWAY_VIEW,
  type PathwayRow,
  pathwayViewProjection,
  type PendingRow,
} from './pathway-view.projection';
import {
  type PathwaySummary,
  type PendingDue,
  shapePathwayView,
  type StoredPathwayView,
  summaryOf,
  timelineOf,
} from './pathway-view';

export const MAX_PAGE = 200;
export const DEFAULT_PAGE = 50;

export interface PathwayListFilter {
  status?: 'open' | 'closed';
  kind?: string;
  patientId?: string;
  limit?: number;
  /** The cursor a previous page gave as `nextAfter`. */
  after?: string;
  /**
   * A professional: only the pathways of the patients whose care circle holds them, or in which they are
   * involved; those of patients who blocked them are left out.
   */
  hiddenFrom?: string;
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

/** A pathway's row and its pending steps, as the pathway-view read model holds them. */
interface PathwayRows {
  row: PathwayRow;
  pending: PendingRow[];
}

/** A pathway's rows in the served generation of the read store. */
function servedRows(readStore: ReadStore, cptsId: string, pathwayId: string): PathwayRows | null {
  const table = readStore.tables(PATHWAY_VIEW);
  const row = readStore
    .prepare<[string, string], PathwayRow>(
      `SELECT * FROM "${table('pathways')}" WHERE cpts_id = ? AND pathway_id = ?`,
    )
    .get(cptsId, pathwayId);
  if (!row) return null;
  const pending = readStore
    .prepare<[string, string], PendingRow>(
      `SELECT * FROM "${table('pending')}" WHERE cpts_id = ? AND pathway_id = ?`,
    )
    .all(cptsId, pathwayId);
  return { row, pending };
}

/** A pathway's rows after a replay in memory, read back as the read store gives them (key order). */
function replayedRows(
  tables: MemoryTables<typeof pathwayViewProjection>,
  cptsId: string,
  pathwayId: string,
): PathwayRows | null {
  const [row] = tables.pathways.stored(cptsId, pathwayId);
  return row ? { row, pending: tables.pending.stored(cptsId, pathwayId) } : null;
}

const recordedBy = (asOf: number) => (event: { metadata: { recordedAt: string } }) =>
  Date.parse(event.metadata.recordedAt) <= asOf;

/**
 * The reads of the pathways capability: the view and the list from the served generation (a 503 before the
 * first build), and the view as known at a time, replayed from the event store.
 */
@Injectable()
export class PathwayViewQueries {
  constructor(private readonly readStore: ReadStore) {}

  /**
   * The view of a pathway: its row and steps from the served generation (a 503 before the first build),
   * its timeline from its stream in the event store, read up to the revision the row stands at — the
   * view is the read model's, whatever was appended since.
   */
  async view(store: StreamReader, cptsId: string, pathwayId: string): Promise<StoredPathwayView | null> {
    const rows = servedRows(this.readStore, cptsId, pathwayId);
    if (!rows) return null;
    const stream = await store.readStream(streamId('pathway', cptsId, pathwayId), {
      maxCount: rows.row.revision + 1,
    });
    return shapePathwayView(rows.row, rows.pending, timelineOf(stream.map(upcast)));
  }

  /** The patient a pathway is about, from the served generation (`null`: no such pathway). */
  patientOf(cptsId: string, pathwayId: string): string | null {
    const pathways = this.readStore.tables(PATHWAY_VIEW)('pathways');
    const row = this.readStore
      .prepare<[string, string], { patient_id: string }>(
        `SELECT patient_id FROM "${pathways}" WHERE cpts_id = ? AND pathway_id = ?`,
      )
      .get(cptsId, pathwayId);
    return row?.patient_id ?? null;
  }

  /**
   * The pathway as it was known at `asOf` (`GET …/pathways/{id}?asOf=`): its stream and the RCPs that
   * discussed it, read from the event store, keeping only the events recorded at or before `asOf`, applied
   * by the same projection to tables in memory and read back as the read store gives its rows — so a replay
   * up to the last recorded event gives exactly the live view. The served read model's index of every RCP
   * that ever discussed the pathway only says which streams to read.
   */
  async asOf(
    store: EventStore,
    cptsId: string,
    pathwayId: string,
    asOf: number,
  ): Promise<StoredPathwayView | null> {
    const known = recordedBy(asOf);
    const stream = (await store.readStream(streamId('pathway', cptsId, pathwayId))).filter(known).map(upcast);
    if (stream.length === 0) return null;
    const events: RecordedEvent[] = [...stream];
    for (const rcpStream of this.rcpStreamsOf(cptsId, pathwayId)) {
      events.push(...(await store.readStream(rcpStream)).filter(known));
    }
    const rows = replayedRows(projectInMemory(pathwayViewProjection, events, upcast), cptsId, pathwayId);
    return rows && shapePathwayView(rows.row, rows.pending, timelineOf(stream));
  }

  /** The RCP streams that discussed this pathway (for as-of replays, which read them from the store). */
  rcpStreamsOf(cptsId: string, pathwayId: string): string[] {
    const table = this.readStore.tables(PATHWAY_VIEW)('rcp_index');
    return this.readStore
      .prepare<[string, string], { rcp_stream: string }>(
        `SELECT rcp_stream FROM "${table}" WHERE cpts_id = ? AND pathway_id = ? ORDER BY rcp_stream`,
      )
      .all(cptsId, pathwayId)
      .map((row) => row.rcp_stream);
  }

  /**
   * The pending steps of these pathways, to shape their summaries: only the columns a summary needs (a
   * page of 50 pathways reads hundreds of steps, and better-sqlite3 builds each row's object column by
   * column).
   */
  private pendingOf(cptsId: string, pathwayIds: string[]): Map<string, PendingDue[]> {
    const byPathway = new Map<string, PendingDue[]>(pathwayIds.map((id) => [id, []]));
    if (pathwayIds.length === 0) return byPathway;
    const table = this.readStore.tables(PATHWAY_VIEW)('pending');
    const rows = this.readStore
      .prepare<unknown[], [string, PendingDue['kind'], string, number, string]>(
        `SELECT pathway_id, kind, due_at, overdue_from_ms, ref_id FROM "${table}" WHERE cpts_id = ? AND pathway_id IN (${pathwayIds.map(() => '?').join(', ')})`,
      )
      .raw(true)
      .all(cptsId, ...pathwayIds);
    for (const [pathwayId, kind, dueAt, overdueFromMs, refId] of rows) {
      byPathway.get(pathwayId)?.push({ kind, due_at: dueAt, overdue_from_ms: overdueFromMs, ref_id: refId });
    }
    return byPathway;
  }

  list(cptsId: string, filter: PathwayListFilter): { items: PathwaySummary[]; nextAfter: string | null } {
    const pathways = this.readStore.tables(PATHWAY_VIEW)('pathways');
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
      const blocks = this.readStore.tables(PATIENT_SUMMARY)('blocks');
      where.push(
        `NOT EXISTS (SELECT 1 FROM "${blocks}" b WHERE b.cpts_id = p.cpts_id AND b.patient_id = p.patient_id AND b.member_id = @memberId)`,
      );
      params.memberId = filter.hiddenFrom;
      let bound = 0;
      where.push(
        visibleToMember(
          this.readStore,
          { patient: 'p.patient_id', pathway: 'p.pathway_id' },
          cptsId,
          filter.hiddenFrom,
          (value) => {
            const name = `visible${bound++}`;
            params[name] = value;
            return `@${name}`;
          },
        ),
      );
    }
    const limit = Math.min(Math.max(filter.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
    params.limit = limit + 1;
    const rows = this.readStore
      .prepare<[Record<string, unknown>], PathwayRow>(
        `SELECT p.* FROM "${pathways}" p WHERE ${where.join(' AND ')}
         ORDER BY p.opened_ms DESC, p.pathway_id DESC LIMIT @limit`,
      )
      .all(params);
    const page = rows.slice(0, limit);
    const pending = this.pendingOf(
      cptsId,
      page.map((row) => row.pathway_id),
    );
    const last = page.at(-1);
    return {
      items: page.map((row) => summaryOf(row, pending.get(row.pathway_id) ?? [])),
      nextAfter: rows.length > limit && last ? encodeCursor(last.opened_ms, last.pathway_id) : null,
    };
  }

  /** Every pathway of a patient, newest first. */
  ofPatient(cptsId: string, patientId: string): PathwaySummary[] {
    const pathways = this.readStore.tables(PATHWAY_VIEW)('pathways');
    const rows = this.readStore
      .prepare<[string, string], PathwayRow>(
        `SELECT * FROM "${pathways}" WHERE cpts_id = ? AND patient_id = ? ORDER BY opened_ms DESC, pathway_id DESC`,
      )
      .all(cptsId, patientId);
    const pending = this.pendingOf(
      cptsId,
      rows.map((row) => row.pathway_id),
    );
    return rows.map((row) => summaryOf(row, pending.get(row.pathway_id) ?? []));
  }

  /** How many pathways each of these patients has, and how many are open (the patient list). */
  countsOf(cptsId: string, patientIds: string[]): Map<string, { total: number; open: number }> {
    const counts = new Map<string, { total: number; open: number }>();
    if (patientIds.length === 0) return counts;
    const pathways = this.readStore.tables(PATHWAY_VIEW)('pathways');
    const rows = this.readStore
      .prepare<unknown[], { patient_id: string; total: number; open: number }>(
        `SELECT patient_id, COUNT(*) AS total, SUM(status = 'open') AS open FROM "${pathways}"
         WHERE cpts_id = ? AND patient_id IN (${patientIds.map(() => '?').join(', ')}) GROUP BY patient_id`,
      )
      .all(cptsId, ...patientIds);
    for (const row of rows) counts.set(row.patient_id, { total: row.total, open: row.open });
    return counts;
  }
}
