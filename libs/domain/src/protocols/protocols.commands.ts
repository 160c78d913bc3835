import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { memberEvolver } from '../members/member.decider';
import { type CommandMeta, type CommandOutcome, load, runCommand } from '../shared/command-runner';
import { NotFoundError } from '../shared/errors';
import { streamId } from '../shared/ids';
import { requireCpts } from '../shared/tenant';
import {
  decidePublish,
  decideRegisterAdherent,
  decideRetire,
  protocolEvolver,
  type ProtocolState,
} from './protocol.decider';
import type {
  ProtocolAdherentRegistered,
  ProtocolEvent,
  ProtocolPublished,
  ProtocolRetired,
} from './protocol.events';

/** Commands of the protocols capability, each with its handler (see `runCommand`). */

export class PublishProtocol {
  constructor(
    readonly meta: CommandMeta,
    readonly data: ProtocolPublished,
  ) {}
}
export class RegisterProtocolAdherent {
  constructor(
    readonly meta: CommandMeta,
    readonly code: string,
    readonly data: ProtocolAdherentRegistered,
  ) {}
}
export class RetireProtocol {
  constructor(
    readonly meta: CommandMeta,
    readonly code: string,
    readonly data: ProtocolRetired,
  ) {}
}

export const protocolNotFound = () =>
  new NotFoundError({
    fr: 'Ce protocole n’existe pas dans cette CPTS.',
    en: 'This protocol does not exist in this CPTS.',
  });

type Published = Extract<ProtocolState, { exists: true }>;

/** Runs a decision on an existing protocol's stream; 404 when the CPTS has no protocol of that code. */
async function onProtocol(
  store: EventStore,
  meta: CommandMeta,
  code: string,
  decide: (state: Published) => ProtocolEvent[] | Promise<ProtocolEvent[]>,
): Promise<CommandOutcome> {
  await requireCpts(store, meta.cptsId);
  return runCommand(store, meta, {
    ...protocolEvolver,
    streamId: streamId('protocol', meta.cptsId, code),
    id: code,
    decide: (state) => {
      if (!state.exists) throw protocolNotFound();
      return decide(state);
    },
  });
}

@CommandHandler(PublishProtocol)
export class PublishProtocolHandler implements ICommandHandler<PublishProtocol, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async execute({ meta, data }: PublishProtocol): Promise<CommandOutcome> {
    await requireCpts(this.store, meta.cptsId);
    // The first version of a code creates its stream; later ones append to it.
    return runCommand(this.store, meta, {
      ...protocolEvolver,
      streamId: streamId('protocol', meta.cptsId, data.code),
      id: data.code,
      decide: (state) => decidePublish(data, state),
    });
  }
}

@CommandHandler(RegisterProtocolAdherent)
export class RegisterProtocolAdherentHandler implements ICommandHandler<
  RegisterProtocolAdherent,
  CommandOutcome
> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  execute({ meta, code, data }: RegisterProtocolAdherent): Promise<CommandOutcome> {
    return onProtocol(this.store, meta, code, async (state) => {
      // Read in this CPTS only: a member of another CPTS is simply not found (`unknown-member`).
      const [member, doctor] = await Promise.all(
        [data.memberId, data.delegatingDoctorMemberId].map(
          async (id) => (await load(this.store, streamId('member', meta.cptsId, id), memberEvolver)).state,
        ),
      );
      return decideRegisterAdherent(data, state, { member, doctor }, meta.now);
    });
  }
}

@CommandHandler(RetireProtocol)
export class RetireProtocolHandler implements ICommandHandler<RetireProtocol, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  execute({ meta, code, data }: RetireProtocol): Promise<CommandOutcome> {
    return onProtocol(this.store, meta, code, (state) => decideRetire(data, state));
  }
}

export const protocolCommandHandlers = [
  PublishProtocolHandler,
  RegisterProtocolAdherentHandler,
  RetireProtocolHandler,
];
