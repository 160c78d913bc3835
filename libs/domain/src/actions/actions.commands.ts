import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { memberEvolver, type MemberState } from '../members/member.decider';
import { type CommandMeta, type CommandOutcome, load, runCommand } from '../shared/command-runner';
import { NotFoundError } from '../shared/errors';
import { streamId } from '../shared/ids';
import { requireCpts } from '../shared/tenant';
import {
  actionEvolver,
  type ActionMembers,
  type ActionState,
  decideHoldPreventionAction,
  decideHoldTraining,
} from './action.decider';
import type { ActionEvent, PreventionActionHeld, TrainingHeld } from './action.events';

export class HoldPreventionAction {
  constructor(
    readonly meta: CommandMeta,
    readonly data: PreventionActionHeld,
  ) {}
}
export class HoldTraining {
  constructor(
    readonly meta: CommandMeta,
    readonly data: TrainingHeld,
  ) {}
}

export const actionNotFound = () =>
  new NotFoundError({ fr: 'Cette action n’existe pas.', en: 'This action does not exist.' });

async function loadMembers(store: EventStore, cptsId: string, memberIds: string[]): Promise<ActionMembers> {
  const entries = await Promise.all(
    [...new Set(memberIds)].map(async (id): Promise<[string, MemberState]> => {
      const { state } = await load(store, streamId('member', cptsId, id), memberEvolver);
      return [id, state];
    }),
  );
  return Object.fromEntries(entries);
}

/** Creates a new action stream; members are read inside decide, so a decision taken again sees them afresh. */
async function newAction(
  store: EventStore,
  meta: CommandMeta,
  memberIds: string[],
  decide: (state: ActionState, members: ActionMembers) => ActionEvent[],
): Promise<CommandOutcome> {
  await requireCpts(store, meta.cptsId);
  const actionId = meta.ids.newId('action');
  return runCommand(store, meta, {
    ...actionEvolver,
    streamId: streamId('action', meta.cptsId, actionId),
    id: actionId,
    decide: async (state) => decide(state, await loadMembers(store, meta.cptsId, memberIds)),
  });
}

@CommandHandler(HoldPreventionAction)
export class HoldPreventionActionHandler implements ICommandHandler<HoldPreventionAction, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  execute({ meta, data }: HoldPreventionAction): Promise<CommandOutcome> {
    return newAction(this.store, meta, data.memberIds, (state, members) =>
      decideHoldPreventionAction(data, state, members, meta.now),
    );
  }
}

@CommandHandler(HoldTraining)
export class HoldTrainingHandler implements ICommandHandler<HoldTraining, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  execute({ meta, data }: HoldTraining): Promise<CommandOutcome> {
    return newAction(this.store, meta, data.attendeeMemberIds, (state, members) =>
      decideHoldTraining(data, state, members, meta.now),
    );
  }
}

export const actionCommandHandlers = [HoldPreventionActionHandler, HoldTrainingHandler];
