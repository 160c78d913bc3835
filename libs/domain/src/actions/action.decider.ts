import { assertActiveMember, type MemberState } from '../members/member.decider';
import type { CorrectionRules } from '../shared/corrections';
import type { Decision, Evolver, StoredEvent } from '../shared/decider';
import { broken } from '../shared/errors';
import { notInFuture } from '../shared/time';
import type { ActionCommand } from './action.commands';
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

/** An action's stream holds one record: its first event. */
function actionStreamRules(state: ActionState): void {
  if (state.exists) throw broken('action-exists', 'Cette action existe déjà.', 'This action exists already.');
}

/** The one decision of the actions capability: the command, the stream, the members it names, the clock. */
export function decideAction(
  command: ActionCommand,
  state: ActionState,
  members: ActionMembers,
  decision: Decision,
): ActionEvent[] {
  actionStreamRules(state);
  notInFuture(command.data.heldOn, decision.now, 'heldOn');
  switch (command.type) {
    case 'HoldPreventionAction':
      assertMembers(command.data.memberIds, members, command.data.heldOn, 'memberIds');
      return [
        { type: 'PreventionActionHeld', data: { ...command.data, memberIds: [...command.data.memberIds] } },
      ];
    case 'HoldTraining':
      // A training is recorded for the members it trained (`qualite.formations`, `adhesion.membres-actifs`).
      if (command.data.attendeeMemberIds.length === 0) {
        throw broken(
          'training-needs-an-attendee',
          'Une formation compte au moins un membre participant.',
          'A training has at least one member attending.',
          'attendeeMemberIds',
        );
      }
      assertMembers(command.data.attendeeMemberIds, members, command.data.heldOn, 'attendeeMemberIds');
      return [
        {
          type: 'TrainingHeld',
          data: { ...command.data, attendeeMemberIds: [...command.data.attendeeMemberIds] },
        },
      ];
  }
}

const commandOf = (entry: ActionEvent): ActionCommand =>
  entry.type === 'PreventionActionHeld'
    ? { type: 'HoldPreventionAction', data: entry.data }
    : { type: 'HoldTraining', data: entry.data };

/** An action is corrected as a whole record, or voided (the action did not take place). */
export const actionCorrections: CorrectionRules<ActionState, ActionEvent, ActionMembers> = {
  evolver: actionEvolver,
  correctable: { PreventionActionHeld: {}, TrainingHeld: {} },
  voidable: new Set(),
  recordVoidable: true,
  redecide: (entry, before, members, decision) =>
    void decideAction(commandOf(entry), before, members, decision),
  recheck: () => undefined,
};
