import { defineProjection, type ProjectedEvent, type ReadStore, table } from '@parcours/projections';
import { assertCptsKnown } from '../../cpts/cpts-history/cpts-history.projection';
import type { CorrectionEvent } from '../../shared/corrections';
import { visibleToMember } from '../../patients/care-team/care-team.queries';
import { PATIENT_SUMMARY } from '../../patients/patient-summary/patient-summary.projection';
import { parseStreamId } from '../../shared/ids';
import { parisDate } from '../../shared/paris-time';
import { foldHistory, historyTable, recordInHistory } from '../../shared/stream-history';
import { orientationDue } from '../../shared/delays';
import { unscheduledCareEvolver, type UnscheduledCareStatus } from '../unscheduled-care.decider';
import type { UnscheduledCareEvent } from '../unscheduled-care.events';

export const UNSCHEDULED_CARE_LOG = 'unscheduled-care-log';

export const UNSCHEDULED_CARE_STATUSES = [
  'requested',
  'oriented',
  'closed',
] as const satisfies readonly UnscheduledCareStatus[];

export type UnscheduledCareLogEvent = UnscheduledCareEvent | CorrectionEvent;

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

export interface RequestRow {
  cpts_id: string;
  request_id: string;
  received_at: string;
  received_ms: number;
  received_on: string;
  channel: string;
  via_sas: number;
  motive: string;
  patient_id: string | null;
  status: UnscheduledCareStatus;
  oriented_to: string | null;
  appointment_at: string | null;
  closed_at: string | null;
  /** The request's first event: what opens the worklist's `snp.orientation` item. */
  requested_by: string;
  /** When orienting it is due (receivedAt + 24 h) and overdue, for the worklist; null if not a time. */
  orientation_due_at: string | null;
  orientation_due_ms: number | null;
}

const tables = {
  requests: table<RequestRow>({
    columns: {
      cpts_id: 'TEXT',
      request_id: 'TEXT',
      received_at: 'TEXT',
      received_ms: 'INTEGER',
      received_on: 'TEXT',
      channel: 'TEXT',
      via_sas: 'INTEGER',
      motive: 'TEXT',
      patient_id: 'TEXT NULL',
      status: 'TEXT',
      oriented_to: 'TEXT NULL',
      appointment_at: 'TEXT NULL',
      closed_at: 'TEXT NULL',
      requested_by: 'TEXT',
      orientation_due_at: 'TEXT NULL',
      orientation_due_ms: 'INTEGER NULL',
    },
    key: ['cpts_id', 'request_id'],
    indexes: [
      ['cpts_id', 'received_on'],
      ['cpts_id', 'status', 'orientation_due_ms'],
    ],
  }),
  histories: historyTable(),
};

/**
 * The log of unscheduled-care requests (soins non programmés): one row per request as its stream now
 * stands, with its answer (a voided orientation makes it a request to orient again; a voided request leaves
 * the log). The worklist reads the requests still to orient from here.
 */
export const unscheduledCareLogProjection = defineProjection<UnscheduledCareLogEvent>()({
  name: UNSCHEDULED_CARE_LOG,
  version: 4,
  rebuildCost: 2,
  tables,
  open: ({ requests, histories }) => {
    const apply = (event: ProjectedEvent<UnscheduledCareLogEvent>): void => {
      const stream = parseStreamId(event.streamId);
      if (stream?.category !== 'snp' || stream.id === undefined) return;
      const history = recordInHistory(histories, event);
      const request = foldHistory(unscheduledCareEvolver, history);
      if (!request.exists) {
        requests.delete(stream.cptsId, stream.id);
        return;
      }
      const { receivedAt, orientation, closure } = request;
      const due = orientationDue(receivedAt);
      requests.put({
        cpts_id: stream.cptsId,
        request_id: stream.id,
        received_at: receivedAt,
        received_ms: Date.parse(receivedAt),
        received_on: parisDate(receivedAt),
        channel: request.channel,
        via_sas: request.viaSas ? 1 : 0,
        motive: request.motive,
        patient_id: request.patientId ?? null,
        status: request.status,
        oriented_to: orientation?.toMemberId ?? null,
        appointment_at: orientation?.appointmentAt ?? null,
        closed_at: closure?.closedAt ?? null,
        requested_by: history[0].context.eventId,
        orientation_due_at: due ? due.dueAt : null,
        orientation_due_ms: due ? due.overdueFromMs : null,
      });
    };
    return {
      UnscheduledCareRequested: apply,
      UnscheduledCareOriented: apply,
      UnscheduledCareClosed: apply,
      EntryCorrected: apply,
      EntryVoided: apply,
    };
  },
});

/** Newest first; `from`/`to` are Paris dates of `receivedAt`, the period `[from, to)`. */
export function readUnscheduledCareLog(
  readStore: ReadStore,
  cptsId: string,
  query: {
    from?: string;
    to?: string;
    status?: UnscheduledCareStatus;
    /**
     * A professional reading: a request about a registered patient only when oriented to them or about a
     * patient of their care circle (never one who blocked them); requests about nobody registered, all.
     */
    visibleTo?: string;
  },
): { items: UnscheduledCareLogItem[]; count: number } {
  assertCptsKnown(readStore, cptsId);
  const table = readStore.tables(UNSCHEDULED_CARE_LOG);
  const where = ['r.cpts_id = ?'];
  const params: string[] = [cptsId];
  const bind = (value: string) => {
    params.push(value);
    return '?';
  };
  if (query.visibleTo !== undefined) {
    const member = query.visibleTo;
    const blocks = readStore.tables(PATIENT_SUMMARY)('blocks');
    // Placeholders are bound in the order they appear in the text.
    const oriented = `r.oriented_to = ${bind(member)}`;
    const inCircle = visibleToMember(
      readStore,
      { patient: 'r.patient_id', pathway: null },
      cptsId,
      member,
      bind,
    );
    const blocked = `EXISTS (SELECT 1 FROM "${blocks}" b WHERE b.cpts_id = ${bind(cptsId)} AND b.patient_id = r.patient_id AND b.member_id = ${bind(member)})`;
    where.push(`(r.patient_id IS NULL OR ((${oriented} OR ${inCircle}) AND NOT ${blocked}))`);
  }
  if (query.from !== undefined) {
    where.push('r.received_on >= ?');
    params.push(query.from);
  }
  if (query.to !== undefined) {
    where.push('r.received_on < ?');
    params.push(query.to);
  }
  if (query.status !== undefined) {
    where.push('r.status = ?');
    params.push(query.status);
  }
  const rows = readStore
    .prepare<string[], RequestRow>(
      `SELECT r.* FROM "${table('requests')}" r WHERE ${where.join(' AND ')}
       ORDER BY r.received_ms DESC, r.request_id DESC`,
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
