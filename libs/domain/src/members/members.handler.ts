import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { type CommandMeta, type CommandOutcome, runCommand } from '../shared/command-runner';
import { decideCorrectionCommand, isCorrectionCommand } from '../shared/corrections';
import { NotFoundError } from '../shared/errors';
import { entryShape } from '../shared/http/corrections';
import { streamId } from '../shared/ids';
import { requireCpts } from '../shared/tenant';
import type { MemberStreamCommand } from './member.commands';
import { decideMember, memberCorrections, memberEvolver } from './member.decider';
import { InternDto, LeaveDto, MemberEmailDto, ParticipationDto } from './members.dto';

/** A command on a member's stream, as the CommandBus carries it: who asks, which member (none: a new one). */
export class MemberCommandMessage {
  constructor(
    readonly meta: CommandMeta,
    readonly memberId: string | null,
    readonly command: MemberStreamCommand,
  ) {}
}

export const memberNotFound = () =>
  new NotFoundError({ fr: 'Ce membre n’existe pas.', en: 'This member does not exist.' });

const corrections = {
  ...memberCorrections,
  shape: entryShape({
    MemberLeft: LeaveDto,
    ParticipationRecorded: ParticipationDto,
    InternHosted: InternDto,
    MemberEmailRecorded: MemberEmailDto,
  }),
};

/** Load the member's stream, decide, append (see `runCommand`); 404 for a member that does not exist. */
@CommandHandler(MemberCommandMessage)
export class MemberCommandHandler implements ICommandHandler<MemberCommandMessage, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ meta, memberId, command }: MemberCommandMessage): Promise<CommandOutcome> {
    await requireCpts(this.store, meta.cptsId);
    const id = memberId ?? meta.ids.newId('member');
    return runCommand(this.store, meta, {
      ...memberEvolver,
      streamId: streamId('member', meta.cptsId, id),
      id,
      decide: ({ state, history }, decision) => {
        if (command.type !== 'JoinMember' && !state.exists) throw memberNotFound();
        return isCorrectionCommand(command)
          ? decideCorrectionCommand(command, history, corrections, undefined, decision)
          : decideMember(command, state, decision);
      },
    });
  }
}

export const memberCommandHandlers = [MemberCommandHandler];
