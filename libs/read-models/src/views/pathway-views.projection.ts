import { parseStreamId, rcpEvolver } from '@parcours/domain';
import { foldHistory, openStreamHistories } from '../shared/stream-history';
import type { RecordedEvent } from '@parcours/event-store';
import type { Projection, TableNamer } from '@parcours/projections';
import type Database from 'better-sqlite3';
import {
  emptyPathway,
  rcpCaseFor,
  shapePathwayView,
  stepPathway,
  type FoldedPathway,
  type RcpCaseRef,
  type StoredPathwayView,
} from './pathway-view';

export const PATHWAY_VIEWS = 'pathway-views';

export interface PathwayRow {
  cpts_id: string;
  pathway_id: string;
  patient_id: string;
  kind: string;
  status: 'open' | 'closed';
  opened_at: string;
  opened_ms: number;
  closed_at: string | null;
  revision: number;
  pending_count: number;
  next_due_at: string | null;
  view: string;
}

/**
 * The pathway view and list (`api.md`, `GET …/pathways`, `GET …/pathways/{id}`): one row per pathway with
 * its summary columns (for filters and paging) and the whole view as JSON, recomputed from the folded
 * stream at each of its events. RCPs join in through `rcp_cases`, for the `rcp.revue` pending step; an
 * as-of replay uses that index only to find which RCP streams to read.
 *
 * Tables:
 * - `pathways` — summary columns, `folded` (the stream's events + actors) and `view` (StoredPathwayView)
 * - `rcp_cases` — which RCP discussed which pathway, when, and the review it set
 * - `histories` — each RCP stream's events, folded again as it now stands on a correction or voiding
 * - `rcp_index` — every RCP stream that ever discussed a pathway (never cleared), for as-of replays
 */
export const pathwayViewsProjection: Projection = {
  name: PATHWAY_VIEWS,
  version: 2,
  filter: { streamPrefixes: ['pathway-', 'rcp-'] },
  open(db: Database.Database, table: TableNamer) {
    const pathways = table('pathways');
    const rcpCases = table('rcp_cases');
    const rcpIndex = table('rcp_index');
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${pathways} (
        cpts_id TEXT NOT NULL, pathway_id TEXT NOT NULL, patient_id TEXT NOT NULL, kind TEXT NOT NULL,
        status TEXT NOT NULL, opened_at TEXT NOT NULL, opened_ms INTEGER NOT NULL, closed_at TEXT,
        revision INTEGER NOT NULL, pending_count INTEGER NOT NULL, next_due_at TEXT,
        folded TEXT NOT NULL, view TEXT NOT NULL,
        PRIMARY KEY (cpts_id, pathway_id)) STRICT;
      CREATE INDEX IF NOT EXISTS ${pathways}_recent ON ${pathways} (cpts_id, opened_ms DESC, pathway_id DESC);
      CREATE INDEX IF NOT EXISTS ${pathways}_patient ON ${pathways} (cpts_id, patient_id);
      CREATE TABLE IF NOT EXISTS ${rcpCases} (
        cpts_id TEXT NOT NULL, pathway_id TEXT NOT NULL, rcp_id TEXT NOT NULL, rcp_stream TEXT NOT NULL,
        held_at TEXT NOT NULL, review_on TEXT,
        PRIMARY KEY (cpts_id, pathway_id, rcp_id)) STRICT;
      CREATE TABLE IF NOT EXISTS ${rcpIndex} (
        cpts_id TEXT NOT NULL, pathway_id TEXT NOT NULL, rcp_stream TEXT NOT NULL,
        PRIMARY KEY (cpts_id, pathway_id, rcp_stream)) STRICT;
    `);
    const folded = db.prepare<[string, string], { folded: string }>(
      `SELECT folded FROM ${pathways} WHERE cpts_id = ? AND pathway_id = ?`,
    );
    const upsert = db.prepare(
      `INSERT INTO ${pathways} (cpts_id, pathway_id, patient_id, kind, status, opened_at, opened_ms, closed_at,
         revision, pending_count, next_due_at, folded, view)
       VALUES (@cpts_id, @pathway_id, @patient_id, @kind, @status, @opened_at, @opened_ms, @closed_at,
         @revision, @pending_count, @next_due_at, @folded, @view)
       ON CONFLICT (cpts_id, pathway_id) DO UPDATE SET patient_id = excluded.patient_id, kind = excluded.kind,
         status = excluded.status, opened_at = excluded.opened_at, opened_ms = excluded.opened_ms,
         closed_at = excluded.closed_at, revision = excluded.revision, pending_count = excluded.pending_count,
         next_due_at = excluded.next_due_at, folded = excluded.folded, view = excluded.view`,
    );
    const casesOf = db.prepare<
      [string, string],
      { rcp_id: string; held_at: string; review_on: string | null }
    >(
      `SELECT rcp_id, held_at, review_on FROM ${rcpCases} WHERE cpts_id = ? AND pathway_id = ? ORDER BY rcp_id`,
    );
    const rcpHistories = openStreamHistories(db, table);
    const casesOfRcp = db.prepare<[string, string], { pathway_id: string }>(
      `SELECT pathway_id FROM ${rcpCases} WHERE cpts_id = ? AND rcp_id = ?`,
    );
    const dropCasesOfRcp = db.prepare(`DELETE FROM ${rcpCases} WHERE cpts_id = ? AND rcp_id = ?`);
    const indexRcp = db.prepare(
      `INSERT OR IGNORE INTO ${rcpIndex} (cpts_id, pathway_id, rcp_stream) VALUES (?, ?, ?)`,
    );
    const addCase = db.prepare(
      `INSERT INTO ${rcpCases} (cpts_id, pathway_id, rcp_id, rcp_stream, held_at, review_on) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (cpts_id, pathway_id, rcp_id) DO UPDATE SET held_at = excluded.held_at, review_on = excluded.review_on`,
    );

    const cases = (cptsId: string, pathwayId: string): RcpCaseRef[] =>
      casesOf.all(cptsId, pathwayId).map((row) => ({
        rcpId: row.rcp_id,
        heldAt: row.held_at,
        ...(row.review_on === null ? {} : { reviewOn: row.review_on }),
      }));

    const save = (cptsId: string, pathwayId: string, state: FoldedPathway): void => {
      const view = shapePathwayView(pathwayId, state, cases(cptsId, pathwayId));
      if (!view) return; // events before any PathwayOpened: nothing to show
      upsert.run(pathwayRow(cptsId, state, view));
    };

    return {
      apply(event: RecordedEvent) {
        const stream = parseStreamId(event.streamId);
        if (!stream?.id) return;
        if (stream.category === 'pathway') {
          const previous = folded.get(stream.cptsId, stream.id);
          const state = previous ? (JSON.parse(previous.folded) as FoldedPathway) : emptyPathway();
          save(stream.cptsId, stream.id, stepPathway(state, event));
        } else if (stream.category === 'rcp') {
          // The RCP as its stream now stands: a correction moves its cases, a voiding takes them away.
          const rcp = foldHistory(rcpEvolver, rcpHistories.record(event));
          const touched = new Set(casesOfRcp.all(stream.cptsId, stream.id).map((c) => c.pathway_id));
          dropCasesOfRcp.run(stream.cptsId, stream.id);
          if (rcp.exists) {
            for (const pathwayId of new Set(rcp.cases.map((c) => c.pathwayId))) {
              const found = rcpCaseFor(stream.id, rcp, pathwayId)!;
              addCase.run(
                stream.cptsId,
                pathwayId,
                stream.id,
                event.streamId,
                found.heldAt,
                found.reviewOn ?? null,
              );
              indexRcp.run(stream.cptsId, pathwayId, event.streamId);
              touched.add(pathwayId);
            }
          }
          for (const pathwayId of touched) {
            const previous = folded.get(stream.cptsId, pathwayId);
            if (previous) save(stream.cptsId, pathwayId, JSON.parse(previous.folded) as FoldedPathway);
          }
        }
      },
    };
  },
};

function pathwayRow(
  cptsId: string,
  folded: FoldedPathway,
  view: StoredPathwayView,
): PathwayRow & { folded: string } {
  return {
    cpts_id: cptsId,
    pathway_id: view.id,
    patient_id: view.patientId,
    kind: view.kind,
    status: view.status,
    opened_at: view.openedAt,
    opened_ms: finiteOr0(Date.parse(view.openedAt)),
    closed_at: view.closedAt ?? null,
    revision: view.revision,
    pending_count: view.pending.length,
    next_due_at: view.pending.reduce<string | null>(
      (min, step) => (min === null || Date.parse(step.dueAt) < Date.parse(min) ? step.dueAt : min),
      null,
    ),
    folded: JSON.stringify(folded),
    view: JSON.stringify(view),
  };
}

/** A refused event would stop the projection: an unparsable time sorts last rather than failing. */
const finiteOr0 = (ms: number): number => (Number.isFinite(ms) ? ms : 0);
