import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  type CommandMeta,
  type CommandOutcome,
  correctedData,
  decideCorrectionCommand,
  entryShape,
  isCorrectionCommand,
  load,
  memberEvolver,
  NotFoundError,
  requireCpts,
  runCommand,
  streamId,
} from '@parcours/domain';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import {
  assignmentCorrections,
  assignmentEvolver,
  type AssignmentFacts,
  decideAssignment,
  workItemId,
} from './assignment.decider';
import type { AssignmentStreamCommand } from './assignment.events';
import { AssignWorkItemDto } from './assignment.dto';

/** A command on a worklist item's stream; `itemId` null: an assignment, whose item names the stream. */
export class AssignmentCommandMessage {
  constructor(
    readonly meta: CommandMeta,
    readonly itemId: string | null,
    readonly command: AssignmentStreamCommand,
  ) {}
}

export const itemNotFound = () =>
  new NotFoundError({
    fr: 'Cet élément de la liste de travail n’a jamais été affecté.',
    en: 'This worklist item was never assigned.',
  });

const corrections = { ...assignmentCorrections, shape: entryShape({ WorkItemAssigned: AssignWorkItemDto }) };

/** The member an assignment names is read inside the decision (afresh when it is taken again). */
@CommandHandler(AssignmentCommandMessage)
export class AssignmentCommandHandler implements ICommandHandler<AssignmentCommandMessage, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  private async facts(cptsId: string, assignee: unknown): Promise<AssignmentFacts> {
    const memberId = (assignee as { memberId?: unknown } | null | undefined)?.memberId;
    if (typeof memberId !== 'string') return {};
    return { member: (await load(this.store, streamId('member', cptsId, memberId), memberEvolver)).state };
  }

  async execute({ meta, itemId, command }: AssignmentCommandMessage): Promise<CommandOutcome> {
    await requireCpts(this.store, meta.cptsId);
    const id =
      itemId ??
      (command.type === 'AssignWorkItem' ? workItemId(command.data.kind, command.data.openedBy) : '');
    return runCommand(this.store, meta, {
      ...assignmentEvolver,
      streamId: streamId('worklist', meta.cptsId, id),
      id,
      decide: async ({ state, history }, decision) => {
        if (!isCorrectionCommand(command)) {
          return decideAssignment(
            command,
            state,
            await this.facts(meta.cptsId, command.data.assignee),
            decision,
          );
        }
        if (history.length === 0) throw itemNotFound();
        const data = correctedData(history, command);
        return decideCorrectionCommand(
          command,
          history,
          corrections,
          await this.facts(meta.cptsId, data?.assignee),
          decision,
        );
      },
    });
  }
}
