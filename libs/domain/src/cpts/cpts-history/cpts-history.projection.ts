import { parseStreamId } from '../../shared/ids';
import type { RecordedEvent } from '@parcours/event-store';
import type { Projection, ReadStore } from '@parcours/projections';

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

/**
 * Keeps the events of every `cpts-<id>` stream (type, data, recorded time): few per CPTS, and what the
 * financing folds. Keeping the events rather than a folded state lets `asOf` replay them as known then.
 */
export const cptsHistoryProjection: Projection = {
  name: CPTS_HISTORY,
  version: 1,
  filter: { streamPrefixes: ['cpts-'] },
  open(db, table) {
    const events = table('events');
    db.exec(`
      CREATE TABLE IF NOT EXISTS "${events}" (
        cpts_id     TEXT    NOT NULL,
        revision    INTEGER NOT NULL,
        event_id    TEXT    NOT NULL,
        type        TEXT    NOT NULL,
        data        TEXT    NOT NULL,
        recorded_at TEXT    NOT NULL,
        PRIMARY KEY (cpts_id, revision)) STRICT;
    `);
    const insert = db.prepare(
      `INSERT INTO "${events}" (cpts_id, revision, event_id, type, data, recorded_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (cpts_id, revision) DO NOTHING`,
    );
    return {
      apply(event: RecordedEvent) {
        const stream = parseStreamId(event.streamId);
        // Only the CPTS stream itself: `cpts-<id>`, never a `<category>-<id>.<x>` that would share the prefix.
        if (stream?.category !== 'cpts' || stream.id !== undefined) return;
        insert.run(
          stream.cptsId,
          event.revision,
          event.metadata.eventId,
          event.type,
          JSON.stringify(event.data),
          // Normalised to UTC with milliseconds so that `asOf` compares as text.
          new Date(event.metadata.recordedAt).toISOString(),
        );
      },
    };
  },
};

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
