import type { MemberState } from '../members/member.decider';
import type { PatientState } from '../patients/patient.decider';
import { type CorrectionEvent, decideCorrectionCommand } from '../shared/corrections';
import type { StoredEvent } from '../shared/decider';
import { changeOf, decider, decisionAt, lastOf } from '../shared/testing';
import {
  decideUnscheduledCare,
  unscheduledCareCorrections,
  unscheduledCareEvolver,
  type UnscheduledCareState,
} from './unscheduled-care.decider';
import type {
  UnscheduledCareClosed,
  UnscheduledCareEvent,
  UnscheduledCareOriented,
  UnscheduledCareRequested,
} from './unscheduled-care.events';

/** A registered patient born in `birthYear`, who blocked `blocked` from 1 January 2026. */
const patientBorn = (birthYear: number, blocked: string[] = []): PatientState => ({
  exists: true,
  sex: 'F',
  birthYear,
  registeredStatus: { ald: false, precarious: false },
  statusUpdates: {},
  careTeam: {},
  ald: false,
  precarious: false,
  hasMedecinTraitant: true,
  consentHistory: {},
  consents: {},
  blockHistory: Object.fromEntries(
    blocked.map((memberId) => [memberId, { memberId, on: '2026-01-01', blocked: true }]),
  ),
  blockedMemberIds: blocked,
  erased: false,
  sealedIdentity: { alg: 'A256GCM', iv: '', ciphertext: '', tag: '' },
});
const decideRequestUnscheduledCare = (
  data: UnscheduledCareRequested,
  state: UnscheduledCareState,
  patient: { exists: boolean; birthYear?: number } | undefined,
  moment: Date,
) =>
  decideUnscheduledCare(
    { type: 'RequestUnscheduledCare', data },
    state,
    {
      ...(patient === undefined
        ? {}
        : { patient: patient.exists ? patientBorn(patient.birthYear ?? 1900) : { exists: false } }),
      members: {},
    },
    decisionAt(moment),
  );
const decideOrientUnscheduledCare = (
  data: UnscheduledCareOriented,
  state: UnscheduledCareState,
  toMember: MemberState,
) =>
  decideUnscheduledCare(
    { type: 'OrientUnscheduledCare', data },
    state,
    { members: { [data.toMemberId]: toMember } },
    decisionAt(now),
  );
const decideCloseUnscheduledCare = (data: UnscheduledCareClosed, state: UnscheduledCareState, moment: Date) =>
  decideUnscheduledCare({ type: 'CloseUnscheduledCare', data }, state, { members: {} }, decisionAt(moment));

const now = new Date('2026-06-15T10:00:00+02:00');
const doctor: MemberState = {
  exists: true,
  displayName: 'Dr Claire Martin',
  profession: 'medecin-generaliste',
  mode: 'liberal',
  joinedOn: '2025-01-10',
  sasParticipant: true,
  participations: {},
  interns: {},
};
const leavingDoctor: MemberState = { ...doctor, leftOn: '2026-06-15' };

const requested: UnscheduledCareRequested = {
  receivedAt: '2026-06-15T08:10:00+02:00',
  channel: 'telephone',
  motive: 'Fièvre depuis trois jours',
  viaSas: false,
};
const requestedEvent: UnscheduledCareEvent = { type: 'UnscheduledCareRequested', data: requested };
const orientation = { toMemberId: 'doctor', appointmentAt: '2026-06-15T14:30:00+02:00' };
const orientedEvent: UnscheduledCareEvent = { type: 'UnscheduledCareOriented', data: orientation };
const closure = { closedAt: '2026-06-15T09:00:00+02:00', reason: 'Conseil téléphonique suffisant' };
const closedEvent: UnscheduledCareEvent = { type: 'UnscheduledCareClosed', data: closure };
const snp = decider(unscheduledCareEvolver);

describe('unscheduled care decider', () => {
  describe('request', () => {
    it('records UnscheduledCareRequested', () => {
      snp
        .given()
        .when((s) => decideRequestUnscheduledCare(requested, s, undefined, now))
        .then([requestedEvent]);
    });
    it('records it for a registered patient', () => {
      const forPatient = { ...requested, patientId: 'patient-1' };
      snp
        .given()
        .when((s) => decideRequestUnscheduledCare(forPatient, s, { exists: true, birthYear: 1950 }, now))
        .then([{ type: 'UnscheduledCareRequested', data: forPatient }]);
    });
    it('refuses a request recorded twice on one stream', () => {
      snp
        .given(requestedEvent)
        .when((s) => decideRequestUnscheduledCare(requested, s, undefined, now))
        .thenBreaks('request-exists');
    });
    it('refuses a request received in the future', () => {
      snp
        .given()
        .when((s) =>
          decideRequestUnscheduledCare(
            { ...requested, receivedAt: '2026-06-15T10:06:00+02:00' },
            s,
            undefined,
            now,
          ),
        )
        .thenBreaks('business-time-in-future', 'receivedAt');
    });
    it('refuses a patient who is not registered in this CPTS', () => {
      snp
        .given()
        .when((s) =>
          decideRequestUnscheduledCare({ ...requested, patientId: 'elsewhere' }, s, { exists: false }, now),
        )
        .thenBreaks('unknown-patient', 'patientId');
    });
    it('refuses a request before the patient’s birth year', () => {
      snp
        .given()
        .when((s) =>
          decideRequestUnscheduledCare(
            { ...requested, patientId: 'newborn', receivedAt: '2025-12-31T23:00:00+01:00' },
            s,
            { exists: true, birthYear: 2026 },
            now,
          ),
        )
        .thenBreaks('business-time-too-early', 'receivedAt');
    });
    it('refuses the SAS channel without viaSas', () => {
      snp
        .given()
        .when((s) =>
          decideRequestUnscheduledCare({ ...requested, channel: 'sas', viaSas: false }, s, undefined, now),
        )
        .thenBreaks('sas-channel-needs-via-sas', 'viaSas');
    });
  });

  describe('orientation', () => {
    it('records UnscheduledCareOriented, the appointment being in the future', () => {
      const tomorrow = { ...orientation, appointmentAt: '2026-06-16T09:00:00+02:00' };
      snp
        .given(requestedEvent)
        .when((s) => decideOrientUnscheduledCare(tomorrow, s, doctor))
        .then([{ type: 'UnscheduledCareOriented', data: tomorrow }]);
    });
    it('folds it into the state', () => {
      snp
        .given(requestedEvent, orientedEvent)
        .when((s) => {
          expect(s).toMatchObject({ status: 'oriented', orientation });
          return [];
        })
        .then([]);
    });
    it('refuses orienting a request that does not exist', () => {
      snp
        .given()
        .when((s) => decideOrientUnscheduledCare(orientation, s, doctor))
        .thenBreaks('unknown-request');
    });
    it('refuses orienting twice', () => {
      snp
        .given(requestedEvent, orientedEvent)
        .when((s) => decideOrientUnscheduledCare(orientation, s, doctor))
        .thenBreaks('request-already-oriented');
    });
    it('refuses orienting a closed request', () => {
      snp
        .given(requestedEvent, closedEvent)
        .when((s) => decideOrientUnscheduledCare(orientation, s, doctor))
        .thenBreaks('request-already-closed');
    });
    it('refuses an appointment before the request', () => {
      snp
        .given(requestedEvent)
        .when((s) =>
          decideOrientUnscheduledCare(
            { ...orientation, appointmentAt: '2026-06-15T08:00:00+02:00' },
            s,
            doctor,
          ),
        )
        .thenBreaks('business-time-too-early', 'appointmentAt');
    });
    it('refuses an appointment more than 30 days after the request', () => {
      snp
        .given(requestedEvent)
        .when((s) =>
          decideOrientUnscheduledCare(
            { ...orientation, appointmentAt: '2026-07-15T08:11:00+02:00' },
            s,
            doctor,
          ),
        )
        .thenBreaks('appointment-too-far', 'appointmentAt');
    });
    it('refuses a member unknown in this CPTS', () => {
      snp
        .given(requestedEvent)
        .when((s) => decideOrientUnscheduledCare(orientation, s, { exists: false }))
        .thenBreaks('unknown-member', 'toMemberId');
    });
    it('refuses a member who will have left by the appointment', () => {
      snp
        .given(requestedEvent)
        .when((s) =>
          decideOrientUnscheduledCare(
            { ...orientation, appointmentAt: '2026-06-16T09:00:00+02:00' },
            s,
            leavingDoctor,
          ),
        )
        .thenBreaks('member-has-left', 'toMemberId');
    });
  });

  describe('closure', () => {
    it('records UnscheduledCareClosed', () => {
      snp
        .given(requestedEvent)
        .when((s) => decideCloseUnscheduledCare(closure, s, now))
        .then([closedEvent]);
    });
    it('refuses closing a request that does not exist', () => {
      snp
        .given()
        .when((s) => decideCloseUnscheduledCare(closure, s, now))
        .thenBreaks('unknown-request');
    });
    it('refuses closing twice', () => {
      snp
        .given(requestedEvent, closedEvent)
        .when((s) => decideCloseUnscheduledCare(closure, s, now))
        .thenBreaks('request-already-closed');
    });
    it('refuses closing an oriented request (a closure means no appointment)', () => {
      snp
        .given(requestedEvent, orientedEvent)
        .when((s) => decideCloseUnscheduledCare(closure, s, now))
        .thenBreaks('request-already-oriented');
    });
    it('refuses a closure before the request', () => {
      snp
        .given(requestedEvent)
        .when((s) =>
          decideCloseUnscheduledCare({ ...closure, closedAt: '2026-06-15T08:00:00+02:00' }, s, now),
        )
        .thenBreaks('business-time-too-early', 'closedAt');
    });
    it('refuses a closure in the future', () => {
      snp
        .given(requestedEvent)
        .when((s) =>
          decideCloseUnscheduledCare({ ...closure, closedAt: '2026-06-15T12:00:00+02:00' }, s, now),
        )
        .thenBreaks('business-time-in-future', 'closedAt');
    });
  });

  describe('blocks and planned times', () => {
    const aboutPatient: UnscheduledCareEvent = {
      type: 'UnscheduledCareRequested',
      data: { ...requested, patientId: 'patient-1' },
    };
    it('refuses orienting a request about a patient to a professional the patient blocked', () => {
      snp
        .given(aboutPatient)
        .when((s) =>
          decideUnscheduledCare(
            { type: 'OrientUnscheduledCare', data: orientation },
            s,
            { patient: patientBorn(1950, ['doctor']), members: { doctor } },
            decisionAt(now),
          ),
        )
        .thenBreaks('professional-blocked', 'toMemberId');
    });
    it('refuses anything about the patient from a professional the patient blocked', () => {
      snp
        .given(aboutPatient)
        .when((s) =>
          decideUnscheduledCare(
            { type: 'CloseUnscheduledCare', data: closure },
            s,
            { patient: patientBorn(1950, ['nurse-7']), members: {} },
            { ...decisionAt(now), actor: { id: 'nurse-7', role: 'professional' } },
          ),
        )
        .thenBreaks('professional-blocked');
    });
  });

  describe('corrections and voidings, decided again', () => {
    const change =
      (targetEventId: string, correction?: Record<string, unknown>, patient?: PatientState) =>
      (_: unknown, history: Array<StoredEvent<UnscheduledCareEvent | CorrectionEvent>>) =>
        decideCorrectionCommand(
          changeOf(targetEventId, correction),
          history,
          unscheduledCareCorrections,
          { ...(patient ? { patient } : {}), members: { doctor, other: doctor } },
          decisionAt(now),
        );

    it('refuses an orientation moved before the request, or to a professional the patient blocked', () => {
      snp
        .given(requestedEvent, orientedEvent)
        .when(change('event-1', { appointmentAt: '2026-06-15T08:00:00+02:00' }))
        .thenBreaks('business-time-too-early', 'correction.appointmentAt');
      snp
        .given({ type: 'UnscheduledCareRequested', data: { ...requested, patientId: 'p' } }, orientedEvent)
        .when(change('event-1', { toMemberId: 'other' }, patientBorn(1950, ['other'])))
        .thenBreaks('professional-blocked', 'correction.toMemberId');
    });
    it('refuses a request moved after its closure', () => {
      snp
        .given(requestedEvent, closedEvent)
        .when(change('event-0', { receivedAt: '2026-06-15T09:30:00+02:00' }))
        .thenBreaks('business-time-too-early', 'correction');
    });
    it('voids an orientation (the request is to orient again), and the whole request', () => {
      snp
        .given(requestedEvent, orientedEvent)
        .when(change('event-1'))
        .then([{ type: 'EntryVoided', data: { targetEventId: 'event-1', reason: 'Erreur' } }]);
      snp
        .given(requestedEvent, orientedEvent, {
          type: 'EntryVoided',
          data: { targetEventId: 'event-1', reason: 'x' },
        })
        .when((s) => decideCloseUnscheduledCare(closure, s, now))
        .then([closedEvent]);
      snp
        .given(requestedEvent, orientedEvent)
        .when(change('event-0'))
        .then([{ type: 'EntryVoided', data: { targetEventId: 'event-0', reason: 'Erreur' } }]);
    });
  });

  describe('each rule, tried through a correction', () => {
    const aboutPatient: UnscheduledCareEvent = {
      type: 'UnscheduledCareRequested',
      data: { ...requested, patientId: 'p' },
    };
    const cases: Array<
      [string, UnscheduledCareEvent[], Record<string, unknown>, PatientState | undefined, string]
    > = [
      [
        'business-time-in-future',
        [requestedEvent],
        { receivedAt: '2026-06-15T10:06:00+02:00' },
        undefined,
        'correction.receivedAt',
      ],
      ['sas-channel-needs-via-sas', [requestedEvent], { channel: 'sas' }, undefined, 'correction'],
      [
        'business-time-too-early',
        [aboutPatient],
        { receivedAt: '2025-06-15T08:10:00+02:00' },
        patientBorn(2026),
        'correction.receivedAt',
      ],
      [
        'unknown-patient',
        [requestedEvent],
        { patientId: 'elsewhere' },
        { exists: false },
        'correction.patientId',
      ],
      [
        'appointment-too-far',
        [requestedEvent, orientedEvent],
        { appointmentAt: '2026-07-16T09:00:00+02:00' },
        undefined,
        'correction.appointmentAt',
      ],
      [
        'unknown-member',
        [requestedEvent, orientedEvent],
        { toMemberId: 'stranger' },
        undefined,
        'correction.toMemberId',
      ],
      [
        'member-has-left',
        [requestedEvent, orientedEvent],
        { toMemberId: 'leaving', appointmentAt: '2026-06-16T09:00:00+02:00' },
        undefined,
        'correction.toMemberId',
      ],
      [
        'professional-blocked',
        [aboutPatient, orientedEvent],
        { appointmentAt: '2026-06-15T15:00:00+02:00' },
        patientBorn(1950, ['doctor']),
        'correction',
      ],
      [
        'business-time-too-early',
        [requestedEvent, closedEvent],
        { closedAt: '2026-06-15T08:00:00+02:00' },
        undefined,
        'correction.closedAt',
      ],
      [
        'business-time-in-future',
        [requestedEvent, closedEvent],
        { closedAt: '2026-06-15T12:00:00+02:00' },
        undefined,
        'correction.closedAt',
      ],
    ];
    it.each(cases)('%s', (rule, entries, correction, patient, path) => {
      snp
        .given(...entries)
        .when((_, history) =>
          decideCorrectionCommand(
            changeOf(lastOf(history), correction),
            history,
            unscheduledCareCorrections,
            { ...(patient ? { patient } : {}), members: { doctor, leaving: leavingDoctor } },
            decisionAt(now),
          ),
        )
        .thenBreaks(rule, path);
    });
  });
});
