import type { Evolver, StoredEvent } from '../shared/decider';
import { broken } from '../shared/errors';
import { checkBusinessTime, compareBusinessTimes, instant } from '../shared/time';
import type {
  InternHosted,
  MemberEvent,
  MemberJoined,
  MemberLeft,
  ParticipationRecorded,
} from './member.events';

export type MemberState =
  | { exists: false }
  | (MemberJoined & {
      exists: true;
      leftOn?: string;
      participations: number;
      hoursOfParticipation: number;
      interns: number;
    });

export const memberEvolver: Evolver<MemberState, MemberEvent> = {
  initialState: () => ({ exists: false }),
  evolve: (state, event: StoredEvent<MemberEvent>): MemberState => {
    switch (event.type) {
      case 'MemberJoined':
        return { ...event.data, exists: true, participations: 0, hoursOfParticipation: 0, interns: 0 };
      case 'MemberLeft':
        return state.exists ? { ...state, leftOn: event.data.leftOn } : state;
      case 'ParticipationRecorded':
        return state.exists
          ? {
              ...state,
              participations: state.participations + 1,
              hoursOfParticipation: state.hoursOfParticipation + event.data.hours,
            }
          : state;
      case 'InternHosted':
        return state.exists ? { ...state, interns: state.interns + 1 } : state;
      default:
        return state;
    }
  },
};

type Joined = Extract<MemberState, { exists: true }>;

/** A member referenced by another event must exist and must not have left before `at` (`events.md`). */
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

export function decideJoin(command: MemberJoined, state: MemberState, now: Date): MemberEvent[] {
  if (state.exists) throw broken('member-exists', 'Ce membre existe déjà.', 'This member exists already.');
  checkBusinessTime(command.joinedOn, now, 'joinedOn');
  return [{ type: 'MemberJoined', data: command }];
}

export function decideLeave(command: MemberLeft, state: MemberState, now: Date): MemberEvent[] {
  assertJoined(state);
  if (state.leftOn !== undefined) {
    throw broken(
      'member-has-left',
      `Ce membre a déjà quitté la CPTS (${state.leftOn}).`,
      `This member already left (${state.leftOn}).`,
      'leftOn',
    );
  }
  checkBusinessTime(command.leftOn, now, 'leftOn', { at: state.joinedOn, fr: 'à l’adhésion', en: 'joining' });
  return [{ type: 'MemberLeft', data: command }];
}

export function decideParticipation(
  command: ParticipationRecorded,
  state: MemberState,
  now: Date,
): MemberEvent[] {
  assertJoined(state);
  checkBusinessTime(command.on, now, 'on', { at: state.joinedOn, fr: 'à l’adhésion', en: 'joining' });
  assertActiveMember(state, command.on, 'on');
  return [{ type: 'ParticipationRecorded', data: command }];
}

export function decideIntern(command: InternHosted, state: MemberState, now: Date): MemberEvent[] {
  assertJoined(state);
  if (instant(command.to) < instant(command.from)) {
    throw broken(
      'period-reversed',
      'La fin de stage précède son début.',
      'The internship ends before it starts.',
      'to',
    );
  }
  checkBusinessTime(command.from, now, 'from', { at: state.joinedOn, fr: 'à l’adhésion', en: 'joining' });
  assertActiveMember(state, command.from, 'from');
  return [{ type: 'InternHosted', data: command }];
}
