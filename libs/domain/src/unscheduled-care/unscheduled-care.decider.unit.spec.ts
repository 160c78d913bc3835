import type { MemberState } from '../members/member.decider';
import { decider } from '../shared/testing';
import {
  decideCloseUnscheduledCare,
  decideOrientUnscheduledCare,
  decideRequestUnscheduledCare,
  unscheduledCareEvolver,
} from './unscheduled-care.decider';
import type { UnscheduledCareEvent, UnscheduledCareRequested } from './unscheduled-care.events';

const now = new Date('2026-06-15T10:00:00+02:00');
const doctor: MemberState = {
  exists: true,
  displayName: 'Dr Claire Martin',
  profession: 'medecin-generaliste',
  mode: 'liberal',
  joinedOn: '2025-01-10',
  sasParticipant: true,
  participations: 0,
  hoursOfParticipation: 0,
  interns: 0,
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
});
