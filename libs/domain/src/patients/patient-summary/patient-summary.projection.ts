import { defineProjection, type ProjectedEvent, table } from '@parcours/projections';
import type { CorrectionEvent } from '../../shared/corrections';
import type { StoredEvent } from '../../shared/decider';
import { medecinTraitantDue } from '../../shared/delays';
import { parseStreamId } from '../../shared/ids';
import { foldHistory, historyTable, recordInHistory } from '../../shared/stream-history';
import { patientEvolver, type PatientState, registrationDefaults } from '../patient.decider';
import type { PatientEvent } from '../patient.events';

export const PATIENT_SUMMARY = 'patient-summary';

export type PatientSummaryEvent = PatientEvent | CorrectionEvent;

/** The patient as the read side keeps it: never the identity, not even sealed. */
export type PatientSummaryState = Omit<Extract<PatientState, { exists: true }>, 'sealedIdentity' | 'exists'>;

type DefaultedField = keyof ReturnType<typeof registrationDefaults>;
/**
 * A patient's state as stored: without the fields that still hold what a registration starts a patient
 * with (`registrationDefaults`, which most patients keep: `compactState`); read back with them (`fullState`).
 */
export type StoredPatientState = Omit<PatientSummaryState, DefaultedField> &
  Partial<Pick<PatientSummaryState, DefaultedField>>;

const DEFAULT_JSON: Record<string, string> = Object.fromEntries(
  Object.entries(registrationDefaults()).map(([field, value]) => [field, JSON.stringify(value)]),
);

export function compactState(state: PatientSummaryState): StoredPatientState {
  return Object.fromEntries(
    Object.entries(state).filter(
      ([field, value]) =>
        !Object.hasOwn(DEFAULT_JSON, field) || JSON.stringify(value) !== DEFAULT_JSON[field],
    ),
  ) as StoredPatientState;
}

export function fullState(stored: StoredPatientState): PatientSummaryState {
  return { ...registrationDefaults(), ...stored };
}

export interface PatientRow {
  cpts_id: string;
  patient_id: string;
  revision: number;
  state: StoredPatientState;
  has_medecin_traitant: number;
  birth_year: number;
}

export interface BlockRow {
  cpts_id: string;
  patient_id: string;
  member_id: string;
}

/** A médecin-traitant search still open (not assigned, not closed): the worklist's `mt.recherche`. */
export interface OpenSearchRow {
  cpts_id: string;
  patient_id: string;
  event_id: string;
  registered_on: string;
  priority: string;
  due_at: string;
  overdue_from_ms: number;
}

const tables = {
  patients: table<PatientRow>({
    columns: {
      cpts_id: 'TEXT',
      patient_id: 'TEXT',
      revision: 'INTEGER',
      state: 'JSON',
      has_medecin_traitant: 'INTEGER',
      birth_year: 'INTEGER',
    },
    key: ['cpts_id', 'patient_id'],
  }),
  blocks: table<BlockRow>({
    columns: { cpts_id: 'TEXT', patient_id: 'TEXT', member_id: 'TEXT' },
    key: ['cpts_id', 'patient_id', 'member_id'],
    indexes: [['cpts_id', 'member_id']],
  }),
  open_searches: table<OpenSearchRow>({
    columns: {
      cpts_id: 'TEXT',
      patient_id: 'TEXT',
      event_id: 'TEXT',
      registered_on: 'TEXT',
      priority: 'TEXT',
      due_at: 'TEXT',
      overdue_from_ms: 'INTEGER',
    },
    key: ['cpts_id', 'patient_id'],
    indexes: [['cpts_id', 'overdue_from_ms']],
  }),
  histories: historyTable(),
};

/** The read side never keeps an identity, not even sealed: the registration and its corrections lose it. */
function withoutIdentity(event: StoredEvent<PatientSummaryEvent>): StoredEvent<PatientSummaryEvent> {
  if (event.type !== 'PatientRegistered' && event.type !== 'PatientIdentityCorrected') return event;
  const { identity: _identity, ...data } = event.data;
  return { ...event, data } as unknown as StoredEvent<PatientSummaryEvent>;
}

/**
 * What may be shown of a patient without an identity (`GET …/patients/{id}/summary`, the pseudonymous
 * list), the blocks the other reads check a professional against, and the médecin-traitant searches still
 * open (the worklist). A patient's stream is short (the record of one person, not of their care): it is
 * kept without the identity and folded again as it now stands by the write side's `evolve`, so that a
 * correction or a voiding needs no rule of its own.
 */
export const patientSummaryProjection = defineProjection<PatientSummaryEvent>()({
  name: PATIENT_SUMMARY,
  version: 5,
  rebuildCost: 5,
  tables,
  open: ({ patients, blocks, open_searches: searches, histories }) => {
    const apply = (event: ProjectedEvent<PatientSummaryEvent>): void => {
      const stream = parseStreamId(event.streamId);
      if (stream?.category !== 'patient' || !stream.id) return;
      const { cptsId, id: patientId } = stream;
      const next = foldHistory(patientEvolver, recordInHistory(histories, event, withoutIdentity));
      if (!next.exists) return;
      const before = patients.get(cptsId, patientId);
      const { exists: _exists, sealedIdentity: _sealed, ...kept } = next;
      patients.put({
        cpts_id: cptsId,
        patient_id: patientId,
        revision: event.revision,
        state: compactState(kept),
        has_medecin_traitant: kept.hasMedecinTraitant ? 1 : 0,
        birth_year: kept.birthYear,
      });
      const blocked = new Set(kept.blockedMemberIds);
      const previously = before ? fullState(before.state).blockedMemberIds : [];
      for (const memberId of previously)
        if (!blocked.has(memberId)) blocks.delete(cptsId, patientId, memberId);
      for (const memberId of blocked)
        blocks.put({ cpts_id: cptsId, patient_id: patientId, member_id: memberId });
      const search = kept.medecinTraitantSearch;
      const due = search && medecinTraitantDue(search.registeredOn);
      if (!search || !due) {
        searches.delete(cptsId, patientId);
        return;
      }
      searches.put({
        cpts_id: cptsId,
        patient_id: patientId,
        event_id: search.eventId,
        registered_on: search.registeredOn,
        priority: search.priority,
        due_at: due.dueAt,
        overdue_from_ms: due.overdueFromMs,
      });
    };
    return {
      PatientRegistered: apply,
      MedecinTraitantSearchRegistered: apply,
      MedecinTraitantAssigned: apply,
      ConsentRecorded: apply,
      ProfessionalAccessBlocked: apply,
      ProfessionalAccessUnblocked: apply,
      PharmacienCorrespondantDesignated: apply,
      PatientIdentityErased: apply,
      PatientIdentityCorrected: apply,
      PatientStatusUpdated: apply,
      MedecinTraitantSearchClosed: apply,
      CareTeamMemberAdded: apply,
      CareTeamMemberRemoved: apply,
      EntryCorrected: apply,
      EntryVoided: apply,
    };
  },
});
