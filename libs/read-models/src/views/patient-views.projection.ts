import {
  parseStreamId,
  patientEvolver,
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
 * - `patients` — the write side's fold without the sealed identity (`state`, JSON), and `revision`
 * - `blocks` — (patient, member) pairs currently blocked, for joins from the pathway list and view
 */
export const patientViewsProjection: Projection = {
  name: PATIENT_VIEWS,
  version: 1,
  filter: { streamPrefixes: ['patient-'] },
  open(db: Database.Database, table: TableNamer) {
    const patients = table('patients');
    const blocks = table('blocks');
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${patients} (
        cpts_id TEXT NOT NULL, patient_id TEXT NOT NULL, revision INTEGER NOT NULL, state TEXT NOT NULL,
        PRIMARY KEY (cpts_id, patient_id)) STRICT;
      CREATE TABLE IF NOT EXISTS ${blocks} (
        cpts_id TEXT NOT NULL, patient_id TEXT NOT NULL, member_id TEXT NOT NULL,
        PRIMARY KEY (cpts_id, patient_id, member_id)) STRICT;
      CREATE INDEX IF NOT EXISTS ${blocks}_member ON ${blocks} (cpts_id, member_id);
    `);
    const get = db.prepare<[string, string], { state: string }>(
      `SELECT state FROM ${patients} WHERE cpts_id = ? AND patient_id = ?`,
    );
    const upsert = db.prepare(
      `INSERT INTO ${patients} (cpts_id, patient_id, revision, state) VALUES (?, ?, ?, ?)
       ON CONFLICT (cpts_id, patient_id) DO UPDATE SET revision = excluded.revision, state = excluded.state`,
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
        const previous: PatientState = row
          ? ({ exists: true, ...(JSON.parse(row.state) as PatientSummaryState) } as PatientState)
          : patientEvolver.initialState();
        const next = patientEvolver.evolve(previous, toStored<PatientEvent>(event));
        if (!next.exists) return;
        const { exists: _exists, sealedIdentity: _sealed, ...kept } = next;
        upsert.run(stream.cptsId, stream.id, event.revision, JSON.stringify(kept));
        clearBlocks.run(stream.cptsId, stream.id);
        for (const memberId of kept.blockedMemberIds) addBlock.run(stream.cptsId, stream.id, memberId);
      },
    };
  },
};
