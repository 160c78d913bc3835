import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@parcours/event-store';
import type { Projection, ProjectionHandler, ReadStore, TableNamer } from '@parcours/projections';
import { parisDate, unscheduledCareEvolver } from '@parcours/domain';
import { foldHistory, openStreamHistories } from '../shared/stream-history';
import { assertTenant, openTenants, streamParts } from './tenants';

export const UNSCHEDULED_CARE_LOG_PROJECTION = 'unscheduled-care-log';

export const UNSCHEDULED_CARE_STATUSES = ['requested', 'oriented', 'closed'] as const;
export type UnscheduledCareStatus = (typeof UNSCHEDULED_CARE_STATUSES)[number];

export interface UnscheduledCareLogItem {
  id: string;
  receivedAt: string;
  channel: string;
  viaSas: boolean;
  motive: string;
  patientId?: string;
  status: UnscheduledCareStatus;
  orientedTo?: string;
  appointmentAt?: string;
  closedAt?: string;
}

interface RequestRow {
  request_id: string;
  received_at: string;
  channel: string;
  via_sas: number;
  motive: string;
  patient_id: string | null;
  status: UnscheduledCareStatus;
  oriented_to: string | null;
  appointment_at: string | null;
  closed_at: string | null;
}

/**
 * The log of unscheduled-care requests (soins non programmés): one row per request as its stream now
 * stands, with its answer (a voided orientation makes it a request to orient again; a voided request leaves
 * the log).
 */
export const unscheduledCareLogProjection: Projection = {
  name: UNSCHEDULED_CARE_LOG_PROJECTION,
  version: 2,
  filter: {
    eventTypes: [
      'CptsRegistered',
      'UnscheduledCareRequested',
      'UnscheduledCareOriented',
      'UnscheduledCareClosed',
      'EntryCorrected',
      'EntryVoided',
    ],
  },
  open(db: Database.Database, table: TableNamer): ProjectionHandler {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${table('requests')} (
        cpts_id TEXT NOT NULL, request_id TEXT NOT NULL,
        received_at TEXT NOT NULL, received_ms INTEGER NOT NULL, received_on TEXT NOT NULL,
        channel TEXT NOT NULL, via_sas INTEGER NOT NULL, motive TEXT NOT NULL, patient_id TEXT,
        status TEXT NOT NULL, oriented_to TEXT, appointment_at TEXT, closed_at TEXT,
        PRIMARY KEY (cpts_id, request_id)) STRICT;
      CREATE INDEX IF NOT EXISTS ${table('requests_by_day')} ON ${table('requests')} (cpts_id, received_on);
    `);
    const tenant = openTenants(db, table);
    const histories = openStreamHistories(db, table);
    const save = db.prepare(
      `INSERT OR REPLACE INTO ${table('requests')} (cpts_id, request_id, received_at, received_ms, received_on,
         channel, via_sas, motive, patient_id, status, oriented_to, appointment_at, closed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const drop = db.prepare(`DELETE FROM ${table('requests')} WHERE cpts_id = ? AND request_id = ?`);
    return {
      apply(event: RecordedEvent): void {
        if (event.type === 'CptsRegistered') return tenant(event);
        const snp = streamParts(event.streamId, 'snp');
        if (!snp) return;
        const request = foldHistory(unscheduledCareEvolver, histories.record(event));
        if (!request.exists) {
          drop.run(snp.cptsId, snp.id);
          return;
        }
        const { receivedAt, orientation, closure } = request;
        save.run(
          snp.cptsId,
          snp.id,
          receivedAt,
          Date.parse(receivedAt),
          parisDate(receivedAt),
          request.channel,
          request.viaSas ? 1 : 0,
          request.motive,
          request.patientId ?? null,
          request.status,
          orientation?.toMemberId ?? null,
          orientation?.appointmentAt ?? null,
          closure?.closedAt ?? null,
        );
      },
    };
  },
};

/** Newest first; `from`/`to` are Paris dates of `receivedAt`, the period `[from, to)`. */
export function readUnscheduledCareLog(
  readStore: ReadStore,
  cptsId: string,
  query: { from?: string; to?: string; status?: UnscheduledCareStatus },
): { items: UnscheduledCareLogItem[]; count: number } {
  const table = readStore.tables(UNSCHEDULED_CARE_LOG_PROJECTION);
  assertTenant(readStore.db, table, cptsId);
  const where = ['cpts_id = ?'];
  const params: string[] = [cptsId];
  if (query.from !== undefined) {
    where.push('received_on >= ?');
    params.push(query.from);
  }
  if (query.to !== undefined) {
    where.push('received_on < ?');
    params.push(query.to);
  }
  if (query.status !== undefined) {
    where.push('status = ?');
    params.push(query.status);
  }
  const rows = readStore.db
    .prepare<string[], RequestRow>(
      `SELECT * FROM ${table('requests')} WHERE ${where.join(' AND ')}
       ORDER BY received_ms DESC, request_id DESC`,
    )
    .all(...params);
  const items = rows.map((row): UnscheduledCareLogItem => ({
    id: row.request_id,
    receivedAt: row.received_at,
    channel: row.channel,
    viaSas: row.via_sas === 1,
    motive: row.motive,
    ...(row.patient_id === null ? {} : { patientId: row.patient_id }),
    status: row.status,
    ...(row.oriented_to === null ? {} : { orientedTo: row.oriented_to }),
    ...(row.appointment_at === null ? {} : { appointmentAt: row.appointment_at }),
    ...(row.closed_at === null ? {} : { closedAt: row.closed_at }),
  }));
  return { items, count: items.length };
}
