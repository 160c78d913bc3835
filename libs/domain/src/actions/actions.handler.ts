import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { memberEvolver, type MemberState } from '../members/member.decider';
import { type CommandMeta, type CommandOutcome, load, runCommand } from '../shared/command-runner';
import { correctedData, decideCorrectionCommand, isCorrectionCommand } from '../shared/corrections';
import { NotFoundError } from '../shared/errors';
import { entryShape } from '../shared/http/corrections';
import { streamId } from '../shared/ids';
import { requireCpts } from '../shared/tenant';
import type { ActionStreamCommand } from './action.commands';
import { actionCorrections, actionEvolver, type ActionMembers, decideAction } from './action.decider';
import { HoldPreventionActionDto, HoldTrainingDto } from './actions.dto';

/** A command on an action's stream, as the CommandBus carries it (no actionId: a new action). */
export class ActionCommandMessage {
  constructor(
    readonly meta: CommandMeta,
    readonly actionId: string | null,
    readonly command: ActionStreamCommand,
  ) {}
}

export const actionNotFound = () =>
  new NotFoundError({ fr: 'Cette action n’existe pas.', en: 'This action does not exist.' });

async function loadMembers(store: EventStore, cptsId: string, memberIds: unknown): Promise<ActionMembers> {
  const ids = Array.isArray(memberIds) ? memberIds.filter((id): id is string => typeof id === 'string') : [];
  const entries = await Promise.all(
    [...new Set(ids)].map(async (id): Promise<[string, MemberState]> => {
      const { state } = await load(store, streamId('member', cptsId, id), memberEvolver);
      return [id, state];
    }),
  );
  return Object.fromEntries(entries);
}

const corrections = {
  ...actionCorrections,
  shape: entryShape({ PreventionActionHeld: HoldPreventionActionDto, TrainingHeld: HoldTrainingDto }),
};

/** Members are read inside the decision, so that a decision taken again after a conflict sees them afresh. */
@CommandHandler(ActionCommandMessage)
export class ActionCommandHandler implements ICommandHandler<ActionCommandMessage, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ meta, actionId, command }: ActionCommandMessage): Promise<CommandOutcome> {
    await requireCpts(this.store, meta.cptsId);
    const id = actionId ?? meta.ids.newId('action');
    return runCommand(this.store, meta, {
      ...actionEvolver,
      streamId: streamId('action', meta.cptsId, id),
      id,
      decide: async ({ state, history }, decision) => {
        if (!isCorrectionCommand(command)) {
          const named =
            command.type === 'HoldTraining' ? command.data.attendeeMemberIds : command.data.memberIds;
          return decideAction(command, state, await loadMembers(this.store, meta.cptsId, named), decision);
        }
        if (history.length === 0) throw actionNotFound();
        const data = correctedData(history, command);
        const members = await loadMembers(
          this.store,
          meta.cptsId,
          data?.memberIds ?? data?.attendeeMemberIds,
        );
        return decideCorrectionCommand(command, history, corrections, members, decision);
      },
    });
  }
}

export const actionCommandHandlers = [ActionCommandHandler];
