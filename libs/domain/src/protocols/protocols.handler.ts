import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { memberEvolver, type MemberState } from '../members/member.decider';
import { type CommandMeta, type CommandOutcome, load, runCommand } from '../shared/command-runner';
import { NotFoundError } from '../shared/errors';
import { streamId } from '../shared/ids';
import { requireCpts } from '../shared/tenant';
import type { ProtocolCommand } from './protocol.commands';
import { decideProtocol, protocolEvolver } from './protocol.decider';

/** A command on a protocol's stream (`protocol-<cptsId>.<code>`), as the CommandBus carries it. */
export class ProtocolCommandMessage {
  constructor(
    readonly meta: CommandMeta,
    readonly code: string,
    readonly command: ProtocolCommand,
  ) {}
}

export const protocolNotFound = () =>
  new NotFoundError({
    fr: 'Ce protocole n’existe pas dans cette CPTS.',
    en: 'This protocol does not exist in this CPTS.',
  });

const unknown: MemberState = { exists: false };

/** The first version of a code creates its stream; everything else needs the protocol (a 404 otherwise). */
@CommandHandler(ProtocolCommandMessage)
export class ProtocolCommandHandler implements ICommandHandler<ProtocolCommandMessage, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  private async member(cptsId: string, id: string): Promise<MemberState> {
    return (await load(this.store, streamId('member', cptsId, id), memberEvolver)).state;
  }

  async execute({ meta, code, command }: ProtocolCommandMessage): Promise<CommandOutcome> {
    await requireCpts(this.store, meta.cptsId);
    return runCommand(this.store, meta, {
      ...protocolEvolver,
      streamId: streamId('protocol', meta.cptsId, code),
      id: code,
      decide: async ({ state }, decision) => {
        if (command.type !== 'PublishProtocol' && !state.exists) throw protocolNotFound();
        // Read in this CPTS only: a member of another CPTS is simply not found (`unknown-member`).
        const facts =
          command.type === 'RegisterProtocolAdherent'
            ? {
                member: await this.member(meta.cptsId, command.data.memberId),
                doctor: await this.member(meta.cptsId, command.data.delegatingDoctorMemberId),
              }
            : { member: unknown, doctor: unknown };
        return decideProtocol(command, state, facts, decision);
      },
    });
  }
}

export const protocolCommandHandlers = [ProtocolCommandHandler];
