import {
  type CorrectionEvent,
  parseStreamId,
  patientEvolver,
  stateOf,
  type StoredEvent,
  toStored,
  type PatientEvent,
  type PatientState,
} from '@parcours/domain';
import type { RecordedEvent } from '@parcours/event-store';
import type { Projection, TableNamer } from '@parcours/projections';
import type Database from 'better-sqlite3';

export const PATIENT_VIEWS = 'patient-views';

/** The patient as the read side keeps it: never the identity, not even sealed. */
export type PatientSummaryState = Omit<Extract<PatientState, { exists: true }>, 'sealedIdentity' | 'exists'>;

/**
 * What may be shown of a patient without an identity (`GET …/patients/{id}/summary`), and the blocks the
 * other views check a professional against.
 *
 * Tables:
 * - `patients` — the write side's fold without the sealed identity (`state`, JSON), `revision`, and the
 *   stream's events without the identity (`history`, JSON), folded again as they now stand when a
 *   correction or a voiding arrives
 * - `blocks` — (patient, member) pairs currently blocked, for joins from the pathway list and view
 */
type PatientHistory = Array<StoredEvent<PatientEvent | CorrectionEvent>>;

/** The read side never keeps an identity, not even sealed: the registration and its corrections lose it. */
function withoutIdentity(
  event: StoredEvent<PatientEvent | CorrectionEvent>,
): StoredEvent<PatientEvent | CorrectionEvent> {
  if (event.type !== 'PatientRegistered' && event.type !== 'PatientIdentityCorrected') return event;
  const { identity: _identity, ...data } = event.data;
  return { ...event, data } as unknown as StoredEvent<PatientEvent | CorrectionEvent>;
}

export const patientViewsProjection: Projection = {
  name: PATIENT_VIEWS,
  version: 2,
  filter: { streamPrefixes: ['patient-'] },
  open(db: Database.Database, table: TableNamer) {
    const patients = table('patients');
    const blocks = table('blocks');
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${patients} (
        cpts_id TEXT NOT NULL, patient_id TEXT NOT NULL, revision INTEGER NOT NULL, state TEXT NOT NULL,
        history TEXT NOT NULL,
        PRIMARY KEY (cpts_id, patient_id)) STRICT;
      CREATE TABLE IF NOT EXISTS ${blocks} (
        cpts_id TEXT NOT NULL, patient_id TEXT NOT NULL, member_id TEXT NOT NULL,
        PRIMARY KEY (cpts_id, patient_id, member_id)) STRICT;
      CREATE INDEX IF NOT EXISTS ${blocks}_member ON ${blocks} (cpts_id, member_id);
    `);
    const get = db.prepare<[string, string], { history: string }>(
      `SELECT history FROM ${patients} WHERE cpts_id = ? AND patient_id = ?`,
    );
    const upsert = db.prepare(
      `INSERT INTO ${patients} (cpts_id, patient_id, revision, state, history) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (cpts_id, patient_id) DO UPDATE SET revision = excluded.revision, state = excluded.state,
         history = excluded.history`,
    );
    const clearBlocks = db.prepare(`DELETE FROM ${blocks} WHERE cpts_id = ? AND patient_id = ?`);
    const addBlock = db.prepare(
      `INSERT OR IGNORE INTO ${blocks} (cpts_id, patient_id, member_id) VALUES (?, ?, ?)`,
    );

    return {
      apply(event: RecordedEvent) {
        const stream = parseStreamId(event.streamId);
        if (stream?.category !== 'patient' || !stream.id) return;
        const row = get.get(stream.cptsId, stream.id);
        const history = row ? (JSON.parse(row.history) as PatientHistory) : [];
        history.push(withoutIdentity(toStored<PatientEvent | CorrectionEvent>(event)));
        const next: PatientState = stateOf(patientEvolver, history);
        if (!next.exists) return;
        const { exists: _exists, sealedIdentity: _sealed, ...kept } = next;
        upsert.run(stream.cptsId, stream.id, event.revision, JSON.stringify(kept), JSON.stringify(history));
        clearBlocks.run(stream.cptsId, stream.id);
        for (const memberId of kept.blockedMemberIds) addBlock.run(stream.cptsId, stream.id, memberId);
      },
    };
  },
};
