import type Database from 'better-sqlite3';
import {
  effectiveEvents,
  patientEvolver,
  rcpEvolver,
  type StoredEvent,
  unscheduledCareEvolver,
} from '@parcours/domain';
import { foldHistory, openStreamHistories } from '../shared/stream-history';
import type { RecordedEvent } from '@parcours/event-store';
import type { Projection, ProjectionHandler, TableNamer } from '@parcours/projections';
import { openTenants, streamParts } from './tenants';
import {
  medecinTraitantItem,
  orientationItem,
  pathwayItems,
  type PathwayFacts,
  type RcpCaseFact,
  TRACKED_ENTRY_TYPES,
  type TrackedEntry,
  type WorklistItem,
} from './worklist.rules';

export const WORKLIST_PROJECTION = 'worklist';

/** Everything that opens, closes, moves or hides an item — and nothing else. */
export const WORKLIST_EVENT_TYPES = [
  'CptsRegistered',
  'PathwayOpened',
  'PatientReferred',
  'ReferralAccepted',
  'ReferralDeclined',
  'ReferralCompleted',
  'DischargeNotified',
  'MedicationReconciliationSent',
  'FollowUpCompleted',
  'PathwayClosed',
  'PathwayReopened',
  'EntryCorrected',
  'EntryVoided',
  'RcpHeld',
  'UnscheduledCareRequested',
  'UnscheduledCareOriented',
  'UnscheduledCareClosed',
  'PatientRegistered',
  'MedecinTraitantSearchRegistered',
  'MedecinTraitantAssigned',
  'MedecinTraitantSearchClosed',
  'ProfessionalAccessBlocked',
  'ProfessionalAccessUnblocked',
];

/** What the worklist keeps of an event of a record's stream: never an identity. */
function withoutIdentity(event: StoredEvent): StoredEvent {
  if (event.type !== 'PatientRegistered') return event;
  const { identity: _identity, ...data } = event.data as Record<string, unknown>;
  return { ...event, data };
}

interface PathwayRow {
  patient_id: string | null;
  status: 'open' | 'closed';
  entries: string;
}

interface CaseRow {
  rcp_event_id: string;
  rcp_stream_id: string;
  held_at: string;
  review_on: string | null;
}

/**
 * The worklist (`docs/indicators.md`, Worklist). A pathway's items are derived from its followed entries
 * (corrections merged, voidings marked) and the RCP cases about it, and recomputed as a whole on each of
 * its events: a correction that moves `dischargeAt`, a voiding, a closure or a reopening then needs no
 * rule of its own. Unscheduled-care requests, médecin-traitant searches and RCPs are read from their
 * stream as it now stands (the write side's own fold, corrections and voidings applied), kept per stream
 * in `histories` and folded again on each of its events. `overdue` is not stored: it depends on the
 * reader's clock.
 */
export const worklistProjection: Projection = {
  name: WORKLIST_PROJECTION,
  version: 2,
  filter: { eventTypes: WORKLIST_EVENT_TYPES },
  open(db: Database.Database, table: TableNamer): ProjectionHandler {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${table('pathways')} (
        cpts_id TEXT NOT NULL, pathway_id TEXT NOT NULL, patient_id TEXT,
        status TEXT NOT NULL, entries TEXT NOT NULL,
        PRIMARY KEY (cpts_id, pathway_id)) STRICT;
      CREATE TABLE IF NOT EXISTS ${table('rcp_cases')} (
        seq INTEGER PRIMARY KEY,
        cpts_id TEXT NOT NULL, pathway_id TEXT NOT NULL, rcp_event_id TEXT NOT NULL,
        rcp_stream_id TEXT NOT NULL, held_at TEXT NOT NULL, held_ms INTEGER NOT NULL, review_on TEXT,
        UNIQUE (cpts_id, pathway_id, rcp_event_id)) STRICT;
      CREATE TABLE IF NOT EXISTS ${table('items')} (
        item_key TEXT PRIMARY KEY, cpts_id TEXT NOT NULL, kind TEXT NOT NULL,
        due_at TEXT NOT NULL, overdue_from_ms INTEGER NOT NULL,
        stream_id TEXT NOT NULL, pathway_id TEXT, patient_id TEXT,
        summary TEXT NOT NULL, opened_by TEXT NOT NULL) STRICT;
      CREATE INDEX IF NOT EXISTS ${table('items_by_due')} ON ${table('items')} (cpts_id, overdue_from_ms);
      CREATE INDEX IF NOT EXISTS ${table('items_by_pathway')} ON ${table('items')} (cpts_id, pathway_id);
      CREATE INDEX IF NOT EXISTS ${table('items_by_stream')} ON ${table('items')} (stream_id, kind);
      CREATE TABLE IF NOT EXISTS ${table('blocks')} (
        cpts_id TEXT NOT NULL, patient_id TEXT NOT NULL, member_id TEXT NOT NULL,
        PRIMARY KEY (cpts_id, patient_id, member_id)) STRICT;
    `);
    const tenant = openTenants(db, table);
    const sql = {
      pathway: db.prepare<[string, string], PathwayRow>(
        `SELECT patient_id, status, entries FROM ${table('pathways')} WHERE cpts_id = ? AND pathway_id = ?`,
      ),
      savePathway: db.prepare(
        `INSERT INTO ${table('pathways')} (cpts_id, pathway_id, patient_id, status, entries) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (cpts_id, pathway_id) DO UPDATE SET
           patient_id = excluded.patient_id, status = excluded.status, entries = excluded.entries`,
      ),
      cases: db.prepare<[string, string], CaseRow>(
        `SELECT rcp_event_id, rcp_stream_id, held_at, review_on FROM ${table('rcp_cases')}
         WHERE cpts_id = ? AND pathway_id = ? ORDER BY held_ms, seq`,
      ),
      addCase: db.prepare(
        `INSERT OR IGNORE INTO ${table('rcp_cases')}
         (cpts_id, pathway_id, rcp_event_id, rcp_stream_id, held_at, held_ms, review_on) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertItem: db.prepare(
        `INSERT OR REPLACE INTO ${table('items')}
         (item_key, cpts_id, kind, due_at, overdue_from_ms, stream_id, pathway_id, patient_id, summary, opened_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      deletePathwayItems: db.prepare(`DELETE FROM ${table('items')} WHERE cpts_id = ? AND pathway_id = ?`),
      deleteStreamItems: db.prepare(`DELETE FROM ${table('items')} WHERE stream_id = ? AND kind = ?`),
      block: db.prepare(
        `INSERT OR IGNORE INTO ${table('blocks')} (cpts_id, patient_id, member_id) VALUES (?, ?, ?)`,
      ),
      clearBlocks: db.prepare(`DELETE FROM ${table('blocks')} WHERE cpts_id = ? AND patient_id = ?`),
      casesOfRcp: db.prepare<[string, string], { pathway_id: string }>(
        `SELECT pathway_id FROM ${table('rcp_cases')} WHERE cpts_id = ? AND rcp_stream_id = ?`,
      ),
      dropCasesOfRcp: db.prepare(`DELETE FROM ${table('rcp_cases')} WHERE cpts_id = ? AND rcp_stream_id = ?`),
    };
    const histories = openStreamHistories(db, table, withoutIdentity);

    const insertItem = (cptsId: string, item: WorklistItem) =>
      sql.insertItem.run(
        `${item.kind}|${item.openedBy}|${item.pathwayId ?? ''}`,
        cptsId,
        item.kind,
        item.dueAt,
        item.overdueFromMs,
        item.streamId,
        item.pathwayId ?? null,
        item.patientId ?? null,
        item.summary,
        item.openedBy,
      );

    const loadPathway = (cptsId: string, pathwayId: string): PathwayFacts | null => {
      const row = sql.pathway.get(cptsId, pathwayId);
      if (!row) return null;
      return {
        cptsId,
        pathwayId,
        streamId: `pathway-${cptsId}.${pathwayId}`,
        ...(row.patient_id === null ? {} : { patientId: row.patient_id }),
        status: row.status,
        entries: JSON.parse(row.entries) as TrackedEntry[],
      };
    };

    const savePathway = (pathway: PathwayFacts) =>
      sql.savePathway.run(
        pathway.cptsId,
        pathway.pathwayId,
        pathway.patientId ?? null,
        pathway.status,
        JSON.stringify(pathway.entries),
      );

    /** Replaces the pathway's items (RCP reviews included) by those its facts give now. */
    const recompute = (cptsId: string, pathwayId: string) => {
      const pathway = loadPathway(cptsId, pathwayId) ?? {
        // An RCP about a pathway this model has not seen (never expected: the RCP rule checks it exists).
        cptsId,
        pathwayId,
        streamId: `pathway-${cptsId}.${pathwayId}`,
        status: 'open' as const,
        entries: [],
      };
      const cases = sql.cases.all(cptsId, pathwayId).map((row): RcpCaseFact => ({
        rcpEventId: row.rcp_event_id,
        rcpStreamId: row.rcp_stream_id,
        heldAt: row.held_at,
        ...(row.review_on === null ? {} : { reviewOn: row.review_on }),
      }));
      sql.deletePathwayItems.run(cptsId, pathwayId);
      for (const item of pathwayItems(pathway, cases)) insertItem(cptsId, item);
    };

    const onPathway = (event: RecordedEvent, cptsId: string, pathwayId: string) => {
      const data = event.data;
      let pathway = loadPathway(cptsId, pathwayId);
      if (event.type === 'PathwayOpened') {
        const patientId = typeof data.patientId === 'string' ? data.patientId : undefined;
        pathway = {
          cptsId,
          pathwayId,
          streamId: event.streamId,
          ...(patientId === undefined ? {} : { patientId }),
          status: 'open',
          entries: pathway?.entries ?? [],
        };
      } else {
        pathway ??= { cptsId, pathwayId, streamId: event.streamId, status: 'open', entries: [] };
        if (event.type === 'PathwayClosed') pathway.status = 'closed';
        else if (event.type === 'PathwayReopened') pathway.status = 'open';
        else if (event.type === 'EntryCorrected' || event.type === 'EntryVoided') {
          const target = pathway.entries.find((entry) => entry.eventId === data.targetEventId);
          // Corrections of entries the worklist does not follow (an opening, a protocol application) change nothing.
          if (!target) return;
          if (event.type === 'EntryVoided') target.voided = true;
          else target.data = { ...target.data, ...(data.correction as Record<string, unknown>) };
        } else if (TRACKED_ENTRY_TYPES.has(event.type)) {
          pathway.entries.push({
            eventId: event.metadata.eventId,
            type: event.type,
            data: { ...data },
            voided: false,
          });
        } else {
          return;
        }
      }
      savePathway(pathway);
      recompute(cptsId, pathwayId);
    };

    /** An RCP's cases as its stream now stands: a corrected RCP moves them, a voided one takes them away. */
    const onRcp = (event: RecordedEvent, cptsId: string) => {
      const history = histories.record(event);
      const rcp = foldHistory(rcpEvolver, history);
      const touched = new Set(sql.casesOfRcp.all(cptsId, event.streamId).map((row) => row.pathway_id));
      sql.dropCasesOfRcp.run(cptsId, event.streamId);
      if (rcp.exists) {
        const rcpEventId = effectiveEvents(history)[0]?.context.eventId;
        for (const rcpCase of rcp.cases) {
          sql.addCase.run(
            cptsId,
            rcpCase.pathwayId,
            rcpEventId ?? event.metadata.eventId,
            event.streamId,
            rcp.heldAt,
            Date.parse(rcp.heldAt),
            rcpCase.reviewOn ?? null,
          );
          touched.add(rcpCase.pathwayId);
        }
      }
      for (const pathwayId of touched) recompute(cptsId, pathwayId);
    };

    /** A request to orient while it is neither oriented nor closed, as its stream now stands. */
    const onRequest = (event: RecordedEvent, cptsId: string) => {
      const history = histories.record(event);
      const request = foldHistory(unscheduledCareEvolver, history);
      sql.deleteStreamItems.run(event.streamId, 'snp.orientation');
      if (!request.exists || request.status !== 'requested') return;
      const [requested] = effectiveEvents(history);
      const item = orientationItem({
        streamId: event.streamId,
        eventId: requested.context.eventId,
        receivedAt: request.receivedAt,
        channel: request.channel,
        viaSas: request.viaSas,
        ...(request.patientId === undefined ? {} : { patientId: request.patientId }),
      });
      if (item) insertItem(cptsId, item);
    };

    /** The patient's open médecin-traitant search (not assigned, not closed), and the blocks of today. */
    const onPatient = (event: RecordedEvent, cptsId: string, patientId: string) => {
      const history = histories.record(event);
      const patient = foldHistory(patientEvolver, history);
      sql.deleteStreamItems.run(event.streamId, 'mt.recherche');
      sql.clearBlocks.run(cptsId, patientId);
      if (!patient.exists) return;
      for (const memberId of patient.blockedMemberIds) sql.block.run(cptsId, patientId, memberId);
      const search = patient.medecinTraitantSearch;
      if (search === undefined) return;
      const item = medecinTraitantItem({
        streamId: event.streamId,
        eventId: search.eventId,
        patientId,
        registeredOn: search.registeredOn,
        priority: search.priority,
      });
      if (item) insertItem(cptsId, item);
    };

    return {
      apply(event: RecordedEvent): void {
        if (event.type === 'CptsRegistered') {
          tenant(event);
          return;
        }
        const pathway = streamParts(event.streamId, 'pathway');
        if (pathway) return onPathway(event, pathway.cptsId, pathway.id);
        const rcp = streamParts(event.streamId, 'rcp');
        if (rcp) return onRcp(event, rcp.cptsId);
        const snp = streamParts(event.streamId, 'snp');
        if (snp) return onRequest(event, snp.cptsId);
        const patient = streamParts(event.streamId, 'patient');
        if (patient) return onPatient(event, patient.cptsId, patient.id);
      },
    };
  },
};
