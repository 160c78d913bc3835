import { assertActiveMember, type MemberState } from '../members/member.decider';
import type { Evolver, StoredEvent } from '../shared/decider';
import { broken } from '../shared/errors';
import { FUTURE_TOLERANCE_MS, parisDate } from '../shared/time';
import type { ActionEvent, PreventionActionHeld, TrainingHeld } from './action.events';

export type ActionState =
  | { exists: false }
  | (PreventionActionHeld & { exists: true; kind: 'prevention-action' })
  | (TrainingHeld & { exists: true; kind: 'training' });

export const actionEvolver: Evolver<ActionState, ActionEvent> = {
  initialState: () => ({ exists: false }),
  evolve: (state, event: StoredEvent<ActionEvent>): ActionState => {
    switch (event.type) {
      case 'PreventionActionHeld':
        return { ...event.data, exists: true, kind: 'prevention-action' };
      case 'TrainingHeld':
        return { ...event.data, exists: true, kind: 'training' };
      default:
        return state;
    }
  },
};

/** The members the command names, as loaded from this CPTS (absent from the map: unknown here). */
export type ActionMembers = Readonly<Record<string, MemberState>>;

const unknownMember: MemberState = { exists: false };

function assertNew(state: ActionState): void {
  if (state.exists) throw broken('action-exists', 'Cette action existe déjà.', 'This action exists already.');
}

/**
 * A calendar date is in the future when it is after today in Paris (with the usual 5 minutes' skew). The
 * kernel's `notInFuture` reads a date as midnight UTC, which would refuse "today" for the first one or two
 * hours of a Paris day.
 */
function dateNotInFuture(date: string, now: Date, path: string): void {
  const today = parisDate(now.getTime() + FUTURE_TOLERANCE_MS);
  if (date > today) {
    throw broken(
      'business-time-in-future',
      `La date ${date} est dans le futur.`,
      `The date ${date} lies in the future.`,
      path,
    );
  }
}

/** Each member once, each a member of this CPTS on the day. */
function assertMembers(memberIds: string[], members: ActionMembers, on: string, field: string): void {
  const seen = new Set<string>();
  memberIds.forEach((memberId, index) => {
    const path = `${field}[${index}]`;
    if (seen.has(memberId)) {
      throw broken(
        'duplicate-member',
        'Ce membre figure deux fois dans la liste.',
        'This member is listed twice.',
        path,
      );
    }
    seen.add(memberId);
    assertActiveMember(members[memberId] ?? unknownMember, on, path);
  });
}

export function decideHoldPreventionAction(
  command: PreventionActionHeld,
  state: ActionState,
  members: ActionMembers,
  now: Date,
): ActionEvent[] {
  assertNew(state);
  dateNotInFuture(command.heldOn, now, 'heldOn');
  assertMembers(command.memberIds, members, command.heldOn, 'memberIds');
  return [{ type: 'PreventionActionHeld', data: command }];
}

export function decideHoldTraining(
  command: TrainingHeld,
  state: ActionState,
  members: ActionMembers,
  now: Date,
): ActionEvent[] {
  assertNew(state);
  dateNotInFuture(command.heldOn, now, 'heldOn');
  // A training is recorded for the members it trained (`qualite.formations`, `adhesion.membres-actifs`).
  if (command.attendeeMemberIds.length === 0) {
    throw broken(
      'training-needs-an-attendee',
      'Une formation compte au moins un membre participant.',
      'A training has at least one member attending.',
      'attendeeMemberIds',
    );
  }
  assertMembers(command.attendeeMemberIds, members, command.heldOn, 'attendeeMemberIds');
  return [{ type: 'TrainingHeld', data: command }];
}
