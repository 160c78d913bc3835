import type { CorrectionRules } from '../shared/corrections';
import type { Decision, Evolver, StoredEvent } from '../shared/decider';
import { broken } from '../shared/errors';
import { checkBusinessTime, compareBusinessTimes, instant } from '../shared/time';
import type { MemberCommand } from './member.commands';
import type {
  InternHosted,
  MemberEvent,
  MemberJoined,
  NotificationPreferencesSet,
  ParticipationRecorded,
} from './member.events';

/** A member as the rules need it: the joining's data, the departure, and the entries by event id. */
export type MemberState =
  | { exists: false }
  | (MemberJoined & {
      exists: true;
      leftOn?: string;
      participations: Record<string, ParticipationRecorded>;
      interns: Record<string, InternHosted>;
      email?: string;
      preferences?: NotificationPreferencesSet;
    });

type Joined = Extract<MemberState, { exists: true }>;

export const memberEvolver: Evolver<MemberState, MemberEvent> = {
  initialState: () => ({ exists: false }),
  evolve: (state, event: StoredEvent<MemberEvent>): MemberState => {
    if (event.type === 'MemberJoined') {
      return { ...event.data, exists: true, participations: {}, interns: {} };
    }
    if (!state.exists) return state;
    const id = event.context.eventId;
    switch (event.type) {
      case 'MemberLeft':
        return { ...state, leftOn: event.data.leftOn };
      case 'ParticipationRecorded':
        return { ...state, participations: { ...state.participations, [id]: event.data } };
      case 'InternHosted':
        return { ...state, interns: { ...state.interns, [id]: event.data } };
      case 'MemberEmailRecorded':
        return { ...state, email: event.data.email };
      case 'NotificationPreferencesSet':
        return { ...state, preferences: event.data };
      default:
        return state;
    }
  },
};

/** A member referenced by another event must exist and must not have left before `at` (`docs/rules.md`). */
export function assertActiveMember(member: MemberState, at: string, path: string): asserts member is Joined {
  if (!member.exists) {
    throw broken(
      'unknown-member',
      'Ce membre n’existe pas dans cette CPTS.',
      'This member does not exist in this CPTS.',
      path,
    );
  }
  if (compareBusinessTimes(at, member.joinedOn) < 0) {
    throw broken(
      'member-not-yet-joined',
      `Ce membre n’a rejoint la CPTS que le ${member.joinedOn}.`,
      `This member only joined the CPTS on ${member.joinedOn}.`,
      path,
    );
  }
  // The day of leaving still counts; the Paris calendar day is what a user means by a date.
  if (member.leftOn !== undefined && compareBusinessTimes(at, member.leftOn) > 0) {
    throw broken(
      'member-has-left',
      `Ce membre a quitté la CPTS le ${member.leftOn}.`,
      `This member left the CPTS on ${member.leftOn}.`,
      path,
    );
  }
}

function assertJoined(state: MemberState): asserts state is Joined {
  if (!state.exists) throw broken('unknown-member', 'Ce membre n’existe pas.', 'This member does not exist.');
}

const JOINING = { fr: 'à l’adhésion', en: 'joining' };

// ---- the stream's own rules --------------------------------------------------------------------------

/** What an entry must obey given the member's stream before it (also rechecked after a correction). */
export function memberStreamRules(event: MemberEvent, state: MemberState): void {
  if (event.type === 'MemberJoined') {
    if (state.exists) throw broken('member-exists', 'Ce membre existe déjà.', 'This member exists already.');
    return;
  }
  assertJoined(state);
  switch (event.type) {
    case 'MemberLeft':
      if (state.leftOn !== undefined) {
        throw broken(
          'member-has-left',
          `Ce membre a déjà quitté la CPTS (${state.leftOn}).`,
          `This member already left (${state.leftOn}).`,
          'leftOn',
        );
      }
      checkWithin(state, event.data.leftOn, 'leftOn');
      return;
    case 'ParticipationRecorded':
      checkWithin(state, event.data.on, 'on');
      return;
    case 'InternHosted':
      if (instant(event.data.to) < instant(event.data.from)) {
        throw broken(
          'period-reversed',
          'La fin de stage précède son début.',
          'The internship ends before it starts.',
          'to',
        );
      }
      checkWithin(state, event.data.from, 'from');
      return;
    case 'MemberEmailRecorded':
    case 'NotificationPreferencesSet':
      // Nobody is told anything any more after leaving: how to reach them is of no use then.
      if (state.leftOn !== undefined) {
        throw broken(
          'member-has-left',
          `Ce membre a quitté la CPTS le ${state.leftOn}.`,
          `This member left the CPTS on ${state.leftOn}.`,
        );
      }
      if (event.type === 'NotificationPreferencesSet' && event.data.quietHours) {
        const { from, to } = event.data.quietHours;
        if (from === to) {
          throw broken(
            'quiet-hours-empty',
            'Les heures calmes commencent et finissent à la même heure.',
            'Quiet hours start and end at the same time.',
            'quietHours.to',
          );
        }
      }
      return;
  }
}

/** On or after joining, and not after leaving. */
function checkWithin(state: Joined, at: string, path: string): void {
  if (compareBusinessTimes(at, state.joinedOn) < 0) {
    throw broken(
      'business-time-too-early',
      `La date ${at} est antérieure ${JOINING.fr} (${state.joinedOn}).`,
      `The time ${at} is before ${JOINING.en} (${state.joinedOn}).`,
      path,
    );
  }
  assertActiveMember(state, at, path);
}

/** Participations and internships lie within the membership, whatever order they were recorded in. */
export function memberInvariant(state: MemberState): void {
  if (!state.exists) return;
  for (const participation of Object.values(state.participations)) checkWithin(state, participation.on, 'on');
  for (const internship of Object.values(state.interns)) checkWithin(state, internship.from, 'from');
}

// ---- decisions ------------------------------------------------------------------------------------

/** The field of each entry that says when it happened. */
const BUSINESS_TIME: Partial<Record<MemberEvent['type'], string>> = {
  MemberJoined: 'joinedOn',
  MemberLeft: 'leftOn',
  ParticipationRecorded: 'on',
  InternHosted: 'from',
};

/** The stream's rules, then the clock's: not in the future (for the entries that say when they happened). */
function decided(event: MemberEvent, state: MemberState, decision: Decision): MemberEvent[] {
  memberStreamRules(event, state);
  const field = BUSINESS_TIME[event.type];
  if (field !== undefined) {
    checkBusinessTime((event.data as unknown as Record<string, string>)[field], decision.now, field);
  }
  return [event];
}

/** The one decision of the members capability: the command, the member's state, the clock. */
export function decideMember(command: MemberCommand, state: MemberState, decision: Decision): MemberEvent[] {
  switch (command.type) {
    case 'JoinMember':
      return decided({ type: 'MemberJoined', data: { ...command.data } }, state, decision);
    case 'LeaveCpts':
      return decided({ type: 'MemberLeft', data: { leftOn: command.data.leftOn } }, state, decision);
    case 'RecordParticipation':
      return decided({ type: 'ParticipationRecorded', data: { ...command.data } }, state, decision);
    case 'HostIntern':
      return decided({ type: 'InternHosted', data: { ...command.data } }, state, decision);
    case 'RecordMemberEmail':
      return decided({ type: 'MemberEmailRecorded', data: { email: command.data.email } }, state, decision);
    case 'SetNotificationPreferences':
      return decided({ type: 'NotificationPreferencesSet', data: { ...command.data } }, state, decision);
  }
}

/** The command that would have recorded an entry: what a correction decides again. */
function commandOf(entry: MemberEvent): MemberCommand {
  switch (entry.type) {
    case 'MemberJoined':
      return { type: 'JoinMember', data: entry.data };
    case 'MemberLeft':
      return { type: 'LeaveCpts', data: entry.data };
    case 'ParticipationRecorded':
      return { type: 'RecordParticipation', data: entry.data };
    case 'InternHosted':
      return { type: 'HostIntern', data: entry.data };
    case 'MemberEmailRecorded':
      return { type: 'RecordMemberEmail', data: entry.data };
    case 'NotificationPreferencesSet':
      return { type: 'SetNotificationPreferences', data: entry.data };
  }
}

/**
 * Participations, internships, departures and e-mail addresses are corrected and voided; the joining is
 * the record; preferences are set again rather than corrected.
 */
export const memberCorrections: CorrectionRules<MemberState, MemberEvent, undefined> = {
  evolver: memberEvolver,
  correctable: { ParticipationRecorded: {}, InternHosted: {}, MemberLeft: {}, MemberEmailRecorded: {} },
  voidable: new Set(['ParticipationRecorded', 'InternHosted', 'MemberLeft', 'MemberEmailRecorded']),
  redecide: (entry, before, _facts, decision) => void decideMember(commandOf(entry), before, decision),
  recheck: (entry, before) => memberStreamRules(entry, before),
  invariant: memberInvariant,
};
