import { defineProjection, type ProjectedEvent, type ReadStore, table } from '@parcours/projections';
import type { CorrectionEvent } from '../../shared/corrections';
import { NotFoundError } from '../../shared/errors';
import { parseStreamId } from '../../shared/ids';
import type { CptsEvent } from '../cpts.events';

export const CPTS_HISTORY = 'cpts-history';

/** An event of a CPTS stream as the financing folds it. */
export interface CptsHistoryEvent {
  type: string;
  data: Record<string, unknown>;
  /** When the store accepted it, ISO 8601. */
  recordedAt: string;
  revision?: number;
  eventId?: string;
}

/** The events of the CPTS stream, and the corrections of its entries (those of other streams are not kept). */
export type CptsHistoryProjectionEvent = CptsEvent | CorrectionEvent;

interface EventRow {
  cpts_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  recorded_at: string;
}

const tables = {
  events: table<EventRow>({
    columns: {
      cpts_id: 'TEXT',
      revision: 'INTEGER',
      event_id: 'TEXT',
      type: 'TEXT',
      data: 'TEXT',
      recorded_at: 'TEXT',
    },
    key: ['cpts_id', 'revision'],
    appendOnly: true,
  }),
};

/**
 * Keeps the events of every `cpts-<id>` stream (type, data, recorded time): few per CPTS, and what the
 * financing folds. Keeping the events rather than a folded state lets `asOf` replay them as known then;
 * the first one (`CptsRegistered`) also says the CPTS exists, for the reads of every capability.
 */
export const cptsHistoryProjection = defineProjection<CptsHistoryProjectionEvent>()({
  name: CPTS_HISTORY,
  version: 3,
  tables,
  open: ({ events }) => {
    const keep = (event: ProjectedEvent<CptsHistoryProjectionEvent>): void => {
      const stream = parseStreamId(event.streamId);
      // Only the CPTS stream itself: `cpts-<id>`, never a `<category>-<id>.<x>` with corrections of its own.
      if (stream?.category !== 'cpts' || stream.id !== undefined) return;
      events.put({
        cpts_id: stream.cptsId,
        revision: event.revision,
        event_id: event.metadata.eventId,
        type: event.type,
        data: JSON.stringify(event.data),
        // Normalised to UTC with milliseconds so that `asOf` compares as text.
        recorded_at: new Date(event.metadata.recordedAt).toISOString(),
      });
    };
    return {
      CptsRegistered: keep,
      CptsPopulationUpdated: keep,
      AciContractSigned: keep,
      MissionStarted: keep,
      AchievementRecorded: keep,
      CrisisDeclared: keep,
      CrisisPlanDrafted: keep,
      CrisisPlanUpdated: keep,
      ExternalIndicatorRecorded: keep,
      EntryCorrected: keep,
      EntryVoided: keep,
    };
  },
});

/** The CPTS stream's events recorded at or before `asOf`, in stream order; [] for an unknown CPTS. */
export function readCptsHistory(readStore: ReadStore, cptsId: string, asOf?: string): CptsHistoryEvent[] {
  const events = readStore.tables(CPTS_HISTORY)('events');
  const rows = readStore.db
    .prepare<
      [string, string],
      { revision: number; event_id: string; type: string; data: string; recorded_at: string }
    >(
      `SELECT revision, event_id, type, data, recorded_at FROM "${events}"
       WHERE cpts_id = ? AND recorded_at <= ? ORDER BY revision`,
    )
    .all(cptsId, asOf === undefined ? '9999-12-31T23:59:59.999Z' : new Date(asOf).toISOString());
  return rows.map((row) => ({
    type: row.type,
    data: JSON.parse(row.data) as Record<string, unknown>,
    recordedAt: row.recorded_at,
    revision: row.revision,
    eventId: row.event_id,
  }));
}

/**
 * The reads of every capability answer 404 for a CPTS a token names but that was never registered (as
 * the commands do), from the read store: its stream's first event is kept here.
 */
export function assertCptsKnown(readStore: ReadStore, cptsId: string): void {
  const events = readStore.tables(CPTS_HISTORY)('events');
  const found = readStore.db
    .prepare(`SELECT 1 FROM "${events}" WHERE cpts_id = ? AND revision = 0 AND type = 'CptsRegistered'`)
    .get(cptsId);
  if (!found) {
    throw new NotFoundError({ fr: `La CPTS ${cptsId} n’existe pas.`, en: `CPTS ${cptsId} does not exist.` });
  }
}
