import { assertActiveMember, type MemberState } from '../members/member.decider';
import { assertNotBlocked, assertNotBlockedAt, type PatientState } from '../patients/patient.decider';
import type { CorrectionRules } from '../shared/corrections';
import type { Decision, Evolver, StoredEvent } from '../shared/decider';
import { broken } from '../shared/errors';
import { parisDate } from '../shared/paris-time';
import { checkBusinessTime, instant, notBefore, plannedWithinAYear } from '../shared/time';
import type { UnscheduledCareCommand } from './unscheduled-care.commands';
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

/**
 * What a decision on a request needs of other records: the patient it is about (folded from its stream,
 * for the birth year and the blocks; undefined when it names none) and the member it is oriented to.
 */
export interface UnscheduledCareFacts {
  patient?: PatientState;
  members: Readonly<Record<string, MemberState>>;
}

/**
 * An orientation is to an appointment for care that could not wait; one further away than this is not
 * unscheduled care any more, and is far more likely a mistyped date that would skew `acces.snp.taux-24h`.
 */
export const MAX_DAYS_TO_APPOINTMENT = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

type Requested = Extract<UnscheduledCareState, { exists: true }>;

/** Once answered — with an appointment or by a closure — a request takes no other answer. */
function assertUnanswered(state: UnscheduledCareState): asserts state is Requested {
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

const REQUEST = { fr: 'à la demande', en: 'the request' };

/** What an entry must obey given the request's stream before it (also rechecked after a correction). */
export function unscheduledCareStreamRules(event: UnscheduledCareEvent, state: UnscheduledCareState): void {
  switch (event.type) {
    case 'UnscheduledCareRequested':
      if (state.exists) {
        throw broken('request-exists', 'Cette demande existe déjà.', 'This request exists already.');
      }
      if (event.data.channel === 'sas' && !event.data.viaSas) {
        throw broken(
          'sas-channel-needs-via-sas',
          'Une demande reçue par le canal SAS est une demande via le SAS (viaSas).',
          'A request received on the SAS channel came through the SAS (viaSas).',
          'viaSas',
        );
      }
      return;
    case 'UnscheduledCareOriented': {
      assertUnanswered(state);
      const { appointmentAt } = event.data;
      notBefore(appointmentAt, state.receivedAt, REQUEST, 'appointmentAt');
      if (instant(appointmentAt) > instant(state.receivedAt) + MAX_DAYS_TO_APPOINTMENT * DAY_MS) {
        throw broken(
          'appointment-too-far',
          `Un rendez-vous de soins non programmés a lieu dans les ${MAX_DAYS_TO_APPOINTMENT} jours suivant la demande.`,
          `An unscheduled-care appointment takes place within ${MAX_DAYS_TO_APPOINTMENT} days of the request.`,
          'appointmentAt',
        );
      }
      return;
    }
    case 'UnscheduledCareClosed':
      assertUnanswered(state);
      notBefore(event.data.closedAt, state.receivedAt, REQUEST, 'closedAt');
      return;
  }
}

/** The patient a request names: registered here, born by then, and not blocking the professional involved. */
function patientRules(
  event: UnscheduledCareEvent,
  state: UnscheduledCareState,
  facts: UnscheduledCareFacts,
  decision: Decision,
): void {
  const patientId =
    event.type === 'UnscheduledCareRequested'
      ? event.data.patientId
      : state.exists
        ? state.patientId
        : undefined;
  if (patientId === undefined) return;
  const patient = facts.patient;
  if (!patient?.exists) {
    throw broken(
      'unknown-patient',
      'Ce patient n’existe pas dans cette CPTS.',
      'This patient does not exist in this CPTS.',
      'patientId',
    );
  }
  if (decision.actor.role === 'professional') assertNotBlocked(patient, [decision.actor.id]);
  if (event.type === 'UnscheduledCareRequested') {
    // Only the birth year is read here (the identity stays sealed): a request before that year is impossible.
    if (Number(parisDate(event.data.receivedAt).slice(0, 4)) < patient.birthYear) {
      throw broken(
        'business-time-too-early',
        `La date ${event.data.receivedAt} est antérieure à la naissance du patient (${patient.birthYear}).`,
        `The time ${event.data.receivedAt} is before the patient’s birth (${patient.birthYear}).`,
        'receivedAt',
      );
    }
  }
  if (event.type === 'UnscheduledCareOriented') {
    assertNotBlockedAt(patient, event.data.toMemberId, event.data.appointmentAt, 'toMemberId');
  }
}

/** The one decision on a request: the command, the request's stream, the patient and member named, the clock. */
export function decideUnscheduledCare(
  command: UnscheduledCareCommand,
  state: UnscheduledCareState,
  facts: UnscheduledCareFacts,
  decision: Decision,
): UnscheduledCareEvent[] {
  const { now } = decision;
  let event: UnscheduledCareEvent;
  switch (command.type) {
    case 'RequestUnscheduledCare':
      event = { type: 'UnscheduledCareRequested', data: command.data };
      unscheduledCareStreamRules(event, state);
      checkBusinessTime(command.data.receivedAt, now, 'receivedAt');
      break;
    case 'OrientUnscheduledCare':
      event = { type: 'UnscheduledCareOriented', data: command.data };
      unscheduledCareStreamRules(event, state);
      // The appointment is planned: it may lie ahead, up to a year.
      plannedWithinAYear(command.data.appointmentAt, now, 'appointmentAt');
      assertActiveMember(
        facts.members[command.data.toMemberId] ?? { exists: false },
        command.data.appointmentAt,
        'toMemberId',
      );
      break;
    case 'CloseUnscheduledCare':
      event = { type: 'UnscheduledCareClosed', data: command.data };
      unscheduledCareStreamRules(event, state);
      checkBusinessTime(command.data.closedAt, now, 'closedAt');
      break;
  }
  patientRules(event, state, facts, decision);
  return [event];
}

function commandOf(entry: UnscheduledCareEvent): UnscheduledCareCommand {
  switch (entry.type) {
    case 'UnscheduledCareRequested':
      return { type: 'RequestUnscheduledCare', data: entry.data };
    case 'UnscheduledCareOriented':
      return { type: 'OrientUnscheduledCare', data: entry.data };
    case 'UnscheduledCareClosed':
      return { type: 'CloseUnscheduledCare', data: entry.data };
  }
}

/** The request, its orientation and its closure are corrected; voiding the request voids the record. */
export const unscheduledCareCorrections: CorrectionRules<
  UnscheduledCareState,
  UnscheduledCareEvent,
  UnscheduledCareFacts
> = {
  evolver: unscheduledCareEvolver,
  correctable: {
    UnscheduledCareRequested: { optional: ['patientId'] },
    UnscheduledCareOriented: {},
    UnscheduledCareClosed: {},
  },
  voidable: new Set(['UnscheduledCareOriented', 'UnscheduledCareClosed']),
  recordVoidable: true,
  redecide: (entry, before, facts, decision) =>
    void decideUnscheduledCare(commandOf(entry), before, facts, decision),
  recheck: (entry, before) => unscheduledCareStreamRules(entry, before),
};
