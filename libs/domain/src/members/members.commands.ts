import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { type CommandMeta, type CommandOutcome, runCommand } from '../shared/command-runner';
import { NotFoundError } from '../shared/errors';
import { streamId } from '../shared/ids';
import { requireCpts } from '../shared/tenant';
import {
  decideIntern,
  decideJoin,
  decideLeave,
  decideParticipation,
  memberEvolver,
  type MemberState,
} from './member.decider';
import type {
  InternHosted,
  MemberEvent,
  MemberJoined,
  MemberLeft,
  ParticipationRecorded,
} from './member.events';

/** Commands of the members capability, each with its handler: load, decide, append (see runCommand). */

export class JoinMember {
  constructor(
    readonly meta: CommandMeta,
    readonly data: MemberJoined,
  ) {}
}
export class LeaveCpts {
  constructor(
    readonly meta: CommandMeta,
    readonly memberId: string,
    readonly data: MemberLeft,
  ) {}
}
export class RecordParticipation {
  constructor(
    readonly meta: CommandMeta,
    readonly memberId: string,
    readonly data: ParticipationRecorded,
  ) {}
}
export class HostIntern {
  constructor(
    readonly meta: CommandMeta,
    readonly memberId: string,
    readonly data: InternHosted,
  ) {}
}

const memberNotFound = () =>
  new NotFoundError({ fr: 'Ce membre n’existe pas.', en: 'This member does not exist.' });

/** Runs a decision on an existing member's stream; 404 when there is no such member. */
async function onMember(
  store: EventStore,
  meta: CommandMeta,
  memberId: string,
  decide: (state: MemberState) => MemberEvent[],
): Promise<CommandOutcome> {
  await requireCpts(store, meta.cptsId);
  return runCommand(store, meta, {
    ...memberEvolver,
    streamId: streamId('member', meta.cptsId, memberId),
    id: memberId,
    decide: (state) => {
      if (!state.exists) throw memberNotFound();
      return decide(state);
    },
  });
}

@CommandHandler(JoinMember)
export class JoinMemberHandler implements ICommandHandler<JoinMember, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async execute({ meta, data }: JoinMember): Promise<CommandOutcome> {
    await requireCpts(this.store, meta.cptsId);
    const memberId = meta.ids.newId('member');
    return runCommand(this.store, meta, {
      ...memberEvolver,
      streamId: streamId('member', meta.cptsId, memberId),
      id: memberId,
      decide: (state) => decideJoin(data, state, meta.now),
    });
  }
}

@CommandHandler(LeaveCpts)
export class LeaveCptsHandler implements ICommandHandler<LeaveCpts, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  execute({ meta, memberId, data }: LeaveCpts): Promise<CommandOutcome> {
    return onMember(this.store, meta, memberId, (state) => decideLeave(data, state, meta.now));
  }
}

@CommandHandler(RecordParticipation)
export class RecordParticipationHandler implements ICommandHandler<RecordParticipation, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  execute({ meta, memberId, data }: RecordParticipation): Promise<CommandOutcome> {
    return onMember(this.store, meta, memberId, (state) => decideParticipation(data, state, meta.now));
  }
}

@CommandHandler(HostIntern)
export class HostInternHandler implements ICommandHandler<HostIntern, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  execute({ meta, memberId, data }: HostIntern): Promise<CommandOutcome> {
    return onMember(this.store, meta, memberId, (state) => decideIntern(data, state, meta.now));
  }
}

export const memberCommandHandlers = [
  JoinMemberHandler,
  LeaveCptsHandler,
  RecordParticipationHandler,
  HostInternHandler,
];

export { memberNotFound };
