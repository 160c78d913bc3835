import { assertActiveMember, type MemberState } from '../members/member.decider';
import type { Evolver, StoredEvent } from '../shared/decider';
import { broken } from '../shared/errors';
import { checkBusinessTime, instant, notBefore, parisDate } from '../shared/time';
import type {
  UnscheduledCareClosed,
  UnscheduledCareEvent,
  UnscheduledCareOriented,
  UnscheduledCareRequested,
} from './unscheduled-care.events';

export type UnscheduledCareStatus = 'requested' | 'oriented' | 'closed';

export type UnscheduledCareState =
  | { exists: false }
  | (UnscheduledCareRequested & {
      exists: true;
      status: UnscheduledCareStatus;
      orientation?: UnscheduledCareOriented;
      closure?: UnscheduledCareClosed;
    });

export const unscheduledCareEvolver: Evolver<UnscheduledCareState, UnscheduledCareEvent> = {
  initialState: () => ({ exists: false }),
  evolve: (state, event: StoredEvent<UnscheduledCareEvent>): UnscheduledCareState => {
    switch (event.type) {
      case 'UnscheduledCareRequested':
        return { ...event.data, exists: true, status: 'requested' };
      case 'UnscheduledCareOriented':
        return state.exists ? { ...state, status: 'oriented', orientation: event.data } : state;
      case 'UnscheduledCareClosed':
        return state.exists ? { ...state, status: 'closed', closure: event.data } : state;
      default:
        return state;
    }
  },
};

/** The patient a request names, as the handler found it in this CPTS (`birthYear` when it could read it). */
export interface PatientFacts {
  exists: boolean;
  birthYear?: number;
}

/**
 * An orientation is to an appointment for care that could not wait; one further away than this is not
 * unscheduled care any more, and is far more likely a mistyped date that would skew `acces.snp.taux-24h`.
 */
export const MAX_DAYS_TO_APPOINTMENT = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

type Requested = Extract<UnscheduledCareState, { exists: true }>;

export function decideRequestUnscheduledCare(
  command: UnscheduledCareRequested,
  state: UnscheduledCareState,
  patient: PatientFacts | undefined,
  now: Date,
): UnscheduledCareEvent[] {
  if (state.exists) {
    throw broken('request-exists', 'Cette demande existe déjà.', 'This request exists already.');
  }
  checkBusinessTime(command.receivedAt, now, 'receivedAt');
  if (command.channel === 'sas' && !command.viaSas) {
    throw broken(
      'sas-channel-needs-via-sas',
      'Une demande reçue par le canal SAS est une demande via le SAS (viaSas).',
      'A request received on the SAS channel came through the SAS (viaSas).',
      'viaSas',
    );
  }
  if (command.patientId !== undefined) {
    if (!patient?.exists) {
      throw broken(
        'unknown-patient',
        'Ce patient n’existe pas dans cette CPTS.',
        'This patient does not exist in this CPTS.',
        'patientId',
      );
    }
    // Only the birth year is readable without the patient's key: a request before that year is impossible.
    if (
      patient.birthYear !== undefined &&
      Number(parisDate(command.receivedAt).slice(0, 4)) < patient.birthYear
    ) {
      throw broken(
        'business-time-too-early',
        `La date ${command.receivedAt} est antérieure à la naissance du patient (${patient.birthYear}).`,
        `The time ${command.receivedAt} is before the patient’s birth (${patient.birthYear}).`,
        'receivedAt',
      );
    }
  }
  return [{ type: 'UnscheduledCareRequested', data: command }];
}

/** Once answered — with an appointment or by a closure — a request takes no other answer. */
function assertUnanswered(state: UnscheduledCareState): asserts state is Requested {
  // The handler answers 404 first; this keeps the decision total on its own.
  if (!state.exists) {
    throw broken('unknown-request', 'Cette demande n’existe pas.', 'This request does not exist.');
  }
  if (state.status === 'oriented') {
    throw broken(
      'request-already-oriented',
      'Cette demande a déjà été orientée vers un rendez-vous.',
      'This request was already oriented to an appointment.',
    );
  }
  if (state.status === 'closed') {
    throw broken('request-already-closed', 'Cette demande est close.', 'This request is closed.');
  }
}

/**
 * `appointmentAt` is planned, so it may lie in the future (the 5-minute rule is about when things
 * happened); it may not precede the request, nor lie further than MAX_DAYS_TO_APPOINTMENT after it.
 */
export function decideOrientUnscheduledCare(
  command: UnscheduledCareOriented,
  state: UnscheduledCareState,
  toMember: MemberState,
): UnscheduledCareEvent[] {
  assertUnanswered(state);
  notBefore(
    command.appointmentAt,
    state.receivedAt,
    { fr: 'à la demande', en: 'the request' },
    'appointmentAt',
  );
  if (instant(command.appointmentAt) > instant(state.receivedAt) + MAX_DAYS_TO_APPOINTMENT * DAY_MS) {
    throw broken(
      'appointment-too-far',
      `Un rendez-vous de soins non programmés a lieu dans les ${MAX_DAYS_TO_APPOINTMENT} jours suivant la demande.`,
      `An unscheduled-care appointment takes place within ${MAX_DAYS_TO_APPOINTMENT} days of the request.`,
      'appointmentAt',
    );
  }
  assertActiveMember(toMember, command.appointmentAt, 'toMemberId');
  return [{ type: 'UnscheduledCareOriented', data: command }];
}

export function decideCloseUnscheduledCare(
  command: UnscheduledCareClosed,
  state: UnscheduledCareState,
  now: Date,
): UnscheduledCareEvent[] {
  assertUnanswered(state);
  checkBusinessTime(command.closedAt, now, 'closedAt', {
    at: state.receivedAt,
    fr: 'à la demande',
    en: 'the request',
  });
  return [{ type: 'UnscheduledCareClosed', data: command }];
}
