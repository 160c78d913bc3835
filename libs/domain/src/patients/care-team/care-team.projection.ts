import { defineProjection, type ProjectedEvent, table, type Tables } from '@parcours/projections';
import type { PathwayEvent } from '../../pathways/pathway.events';
import type { CorrectionEvent } from '../../shared/corrections';
import type { StoredEvent } from '../../shared/decider';
import { parseStreamId } from '../../shared/ids';
import { foldHistory, historyTable, recordInHistory } from '../../shared/stream-history';
import { careCircle, patientEvolver } from '../patient.decider';
import type { PatientEvent } from '../patient.events';

export const CARE_TEAM = 'care-team';

export type CareTeamEvent = PatientEvent | PathwayEvent | CorrectionEvent;

/**
 * One member's place in a patient's circle: in it today (`current` 1: added and not removed, the médecin
 * traitant or the pharmacien correspondant, not blocked), or a past stay (`current` 0, with its end).
 * `stay_id` is the addition's event id, or the basis for the médecin traitant and pharmacien correspondant.
 */
export interface CircleRow {
  cpts_id: string;
  patient_id: string;
  stay_id: string;
  member_id: string;
  basis: 'care-team' | 'medecin-traitant' | 'pharmacien-correspondant';
  role: string | null;
  from_day: string | null;
  to_day: string | null;
  current: number;
}

/** A pathway: its patient, and whether it is open (its involvements last while it is). */
export interface InvolvementPathwayRow {
  cpts_id: string;
  pathway_id: string;
  patient_id: string;
  /** Closures and reopenings in stream order, by event id: a voided one leaves. */
  lifecycle: Array<{ eventId: string; closed: boolean }>;
  open: number;
}

/** A referral's recipient, kept until it is accepted (or its `to` corrected). */
export interface InvolvementReferralRow {
  cpts_id: string;
  pathway_id: string;
  referral_id: string;
  event_id: string;
  member_id: string | null;
}

/** A professional involved in a pathway: the recipient of an accepted referral, or who applied a protocol. */
export interface InvolvementRow {
  cpts_id: string;
  pathway_id: string;
  /** The `ReferralAccepted` or `ProtocolApplied` that involves them. */
  source_event_id: string;
  patient_id: string;
  member_id: string;
  reason: 'referral' | 'protocol';
  since: string;
  referral_id: string | null;
}

const tables = {
  circle: table<CircleRow>({
    columns: {
      cpts_id: 'TEXT',
      patient_id: 'TEXT',
      stay_id: 'TEXT',
      member_id: 'TEXT',
      basis: 'TEXT',
      role: 'TEXT NULL',
      from_day: 'TEXT NULL',
      to_day: 'TEXT NULL',
      current: 'INTEGER',
    },
    key: ['cpts_id', 'patient_id', 'stay_id'],
    indexes: [['cpts_id', 'member_id', 'current']],
  }),
  histories: historyTable(),
  pathways: table<InvolvementPathwayRow>({
    columns: { cpts_id: 'TEXT', pathway_id: 'TEXT', patient_id: 'TEXT', lifecycle: 'JSON', open: 'INTEGER' },
    key: ['cpts_id', 'pathway_id'],
  }),
  referrals: table<InvolvementReferralRow>({
    columns: {
      cpts_id: 'TEXT',
      pathway_id: 'TEXT',
      referral_id: 'TEXT',
      event_id: 'TEXT',
      member_id: 'TEXT NULL',
    },
    key: ['cpts_id', 'pathway_id', 'referral_id'],
  }),
  involvements: table<InvolvementRow>({
    columns: {
      cpts_id: 'TEXT',
      pathway_id: 'TEXT',
      source_event_id: 'TEXT',
      patient_id: 'TEXT',
      member_id: 'TEXT',
      reason: 'TEXT',
      since: 'TEXT',
      referral_id: 'TEXT NULL',
    },
    key: ['cpts_id', 'pathway_id', 'source_event_id'],
    indexes: [
      ['cpts_id', 'member_id'],
      ['cpts_id', 'patient_id'],
    ],
  }),
};

/** The read side never keeps an identity, not even sealed. */
function withoutIdentity(event: StoredEvent<PatientEvent | CorrectionEvent>) {
  if (event.type !== 'PatientRegistered' && event.type !== 'PatientIdentityCorrected') return event;
  const { identity: _identity, ...data } = event.data;
  return { ...event, data } as unknown as StoredEvent<PatientEvent | CorrectionEvent>;
}

type T = Tables<typeof tables>;

/** The patient's circle, folded again from its stream as it now stands (corrections and voidings merged). */
function onPatient({ circle, histories }: T, event: ProjectedEvent<PatientEvent | CorrectionEvent>): void {
  const stream = parseStreamId(event.streamId);
  if (stream?.category !== 'patient' || !stream.id) return;
  const { cptsId, id: patientId } = stream;
  const state = foldHistory(patientEvolver, recordInHistory(histories, event, withoutIdentity));
  const rows: CircleRow[] = [];
  if (state.exists) {
    const row = (stay: string, fields: Omit<CircleRow, 'cpts_id' | 'patient_id' | 'stay_id'>): CircleRow => ({
      cpts_id: cptsId,
      patient_id: patientId,
      stay_id: stay,
      ...fields,
    });
    const now = careCircle(state);
    for (const member of now) {
      rows.push(
        row(member.eventId ?? member.basis, {
          member_id: member.memberId,
          basis: member.basis,
          role: member.role ?? null,
          from_day: member.from ?? null,
          to_day: null,
          current: 1,
        }),
      );
    }
    const listed = new Set(rows.map((r) => r.stay_id));
    for (const [eventId, stay] of Object.entries(state.careTeam)) {
      if (listed.has(eventId)) continue;
      rows.push(
        row(eventId, {
          member_id: stay.memberId,
          basis: 'care-team',
          role: stay.role,
          from_day: stay.from,
          to_day: stay.to ?? null,
          current: 0,
        }),
      );
    }
  }
  const kept = new Set(rows.map((r) => r.stay_id));
  for (const before of circle.scan(cptsId, patientId)) {
    if (!kept.has(before.stay_id)) circle.delete(cptsId, patientId, before.stay_id);
  }
  for (const r of rows) circle.put(r);
}

const pathwayOf = (event: { streamId: string }) => {
  const stream = parseStreamId(event.streamId);
  return stream?.category === 'pathway' && stream.id
    ? { cptsId: stream.cptsId, pathwayId: stream.id }
    : undefined;
};

function setLifecycle(
  pathways: T['pathways'],
  row: InvolvementPathwayRow,
  lifecycle: InvolvementPathwayRow['lifecycle'],
): void {
  const last = lifecycle[lifecycle.length - 1];
  pathways.put({ ...row, lifecycle, open: last?.closed ? 0 : 1 });
}

/**
 * The care circle of each patient (`GET …/patients/{id}/care-team`, and the reads that follow it) and the
 * professionals involved in each pathway: the recipient of a referral once accepted, who applied a
 * protocol — for as long as the pathway is open.
 */
export const careTeamProjection = defineProjection<CareTeamEvent>()({
  name: CARE_TEAM,
  version: 2,
  rebuildCost: 12,
  tables,
  open: (t) => {
    const { pathways, referrals, involvements } = t;
    const patient = (event: ProjectedEvent<PatientEvent | CorrectionEvent>) => onPatient(t, event);
    const ignore = () => undefined;
    const involve = (
      event: ProjectedEvent<PathwayEvent>,
      memberId: string,
      reason: InvolvementRow['reason'],
      since: string,
      referralId: string | null,
    ) => {
      const at = pathwayOf(event);
      const pathway = at && pathways.get(at.cptsId, at.pathwayId);
      if (!at || !pathway) return;
      involvements.put({
        cpts_id: at.cptsId,
        pathway_id: at.pathwayId,
        source_event_id: event.metadata.eventId,
        patient_id: pathway.patient_id,
        member_id: memberId,
        reason,
        since,
        referral_id: referralId,
      });
    };
    const lifecycle = (event: ProjectedEvent<PathwayEvent>, closed: boolean) => {
      const at = pathwayOf(event);
      const row = at && pathways.get(at.cptsId, at.pathwayId);
      if (!row) return;
      setLifecycle(pathways, row, [...row.lifecycle, { eventId: event.metadata.eventId, closed }]);
    };
    /** A correction or a voiding on a pathway: of a referral, an acceptance, an application, a closure. */
    const changed = (event: ProjectedEvent<CorrectionEvent>) => {
      const at = pathwayOf(event);
      if (!at) return;
      const { cptsId, pathwayId } = at;
      const target = event.data.targetEventId;
      const voided = event.type === 'EntryVoided';
      const correction = event.type === 'EntryCorrected' ? event.data.correction : {};
      const pathway = pathways.get(cptsId, pathwayId);
      if (pathway && pathway.lifecycle.some((entry) => entry.eventId === target) && voided) {
        setLifecycle(
          pathways,
          pathway,
          pathway.lifecycle.filter((entry) => entry.eventId !== target),
        );
        return;
      }
      const involvement = involvements.get(cptsId, pathwayId, target);
      if (involvement) {
        if (voided) {
          involvements.delete(cptsId, pathwayId, target);
          return;
        }
        const since = correction.acceptedAt ?? correction.appliedAt;
        const by = correction.byMemberId;
        involvements.put({
          ...involvement,
          ...(typeof since === 'string' ? { since } : {}),
          ...(typeof by === 'string' ? { member_id: by } : {}),
        });
        return;
      }
      const referral = referrals.scan(cptsId, pathwayId).find((row) => row.event_id === target);
      if (!referral) return;
      const to = correction.to as { memberId?: string } | undefined;
      const memberId = voided ? null : to === undefined ? referral.member_id : (to.memberId ?? null);
      referrals.put({ ...referral, member_id: memberId });
      for (const row of involvements.scan(cptsId, pathwayId)) {
        if (row.referral_id !== referral.referral_id) continue;
        if (memberId === null) involvements.delete(cptsId, pathwayId, row.source_event_id);
        else involvements.put({ ...row, member_id: memberId });
      }
    };
    return {
      PatientRegistered: patient,
      MedecinTraitantSearchRegistered: patient,
      MedecinTraitantAssigned: patient,
      MedecinTraitantSearchClosed: patient,
      ConsentRecorded: patient,
      ProfessionalAccessBlocked: patient,
      ProfessionalAccessUnblocked: patient,
      PharmacienCorrespondantDesignated: patient,
      PatientIdentityErased: patient,
      PatientIdentityCorrected: patient,
      PatientStatusUpdated: patient,
      CareTeamMemberAdded: patient,
      CareTeamMemberRemoved: patient,
      PathwayOpened: (event) => {
        const at = pathwayOf(event);
        if (!at) return;
        pathways.put({
          cpts_id: at.cptsId,
          pathway_id: at.pathwayId,
          patient_id: event.data.patientId,
          lifecycle: [],
          open: 1,
        });
      },
      PatientReferred: (event) => {
        const at = pathwayOf(event);
        if (!at) return;
        referrals.put({
          cpts_id: at.cptsId,
          pathway_id: at.pathwayId,
          referral_id: event.data.referralId,
          event_id: event.metadata.eventId,
          member_id: event.data.to.memberId ?? null,
        });
      },
      ReferralAccepted: (event) => {
        const at = pathwayOf(event);
        const referral = at && referrals.get(at.cptsId, at.pathwayId, event.data.referralId);
        if (!referral?.member_id) return;
        involve(event, referral.member_id, 'referral', event.data.acceptedAt, referral.referral_id);
      },
      ProtocolApplied: (event) =>
        involve(event, event.data.byMemberId, 'protocol', event.data.appliedAt, null),
      PathwayClosed: (event) => lifecycle(event, true),
      PathwayReopened: (event) => lifecycle(event, false),
      ReferralDeclined: ignore,
      ReferralCompleted: ignore,
      DischargeNotified: ignore,
      MedicationReconciliationSent: ignore,
      FollowUpCompleted: ignore,
      // Each looks at its own streams only (a patient's, a pathway's).
      EntryCorrected: (event) => {
        patient(event);
        changed(event);
      },
      EntryVoided: (event) => {
        patient(event);
        changed(event);
      },
    };
  },
});
