import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { memberEvolver, type MemberState } from '../members/member.decider';
import { type CommandMeta, type CommandOutcome, load, runCommand } from '../shared/command-runner';
import { NotFoundError } from '../shared/errors';
import { streamId } from '../shared/ids';
import { requireCpts } from '../shared/tenant';
import { decideHoldRcp, rcpEvolver, type RcpFacts } from './rcp.decider';
import type { RcpHeld } from './rcp.events';

export class HoldRcp {
  constructor(
    readonly meta: CommandMeta,
    readonly data: RcpHeld,
  ) {}
}

export const rcpNotFound = () =>
  new NotFoundError({ fr: 'Cette RCP n’existe pas.', en: 'This RCP does not exist.' });

/**
 * The members and pathways the RCP names, read from this CPTS's streams (another CPTS's are simply not
 * found there). Pathways only need to exist: their stream is non-empty.
 */
async function loadFacts(store: EventStore, cptsId: string, command: RcpHeld): Promise<RcpFacts> {
  const memberIds = new Set([command.convenedBy]);
  for (const participant of command.participants) {
    if ('memberId' in participant) memberIds.add(participant.memberId);
  }
  const pathwayIds = new Set(command.cases.map((rcpCase) => rcpCase.pathwayId));
  const [members, pathways] = await Promise.all([
    Promise.all(
      [...memberIds].map(async (id): Promise<[string, MemberState]> => {
        const { state } = await load(store, streamId('member', cptsId, id), memberEvolver);
        return [id, state];
      }),
    ),
    Promise.all(
      [...pathwayIds].map(async (id): Promise<[string, boolean]> => {
        const first = await store.readStream(streamId('pathway', cptsId, id), { maxCount: 1 });
        return [id, first.length > 0];
      }),
    ),
  ]);
  return { members: Object.fromEntries(members), pathways: Object.fromEntries(pathways) };
}

@CommandHandler(HoldRcp)
export class HoldRcpHandler implements ICommandHandler<HoldRcp, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ meta, data }: HoldRcp): Promise<CommandOutcome> {
    await requireCpts(this.store, meta.cptsId);
    const rcpId = meta.ids.newId('rcp');
    return runCommand(this.store, meta, {
      ...rcpEvolver,
      streamId: streamId('rcp', meta.cptsId, rcpId),
      id: rcpId,
      // Facts are read inside decide, so that a decision taken again after a conflict sees them afresh.
      decide: async (state) =>
        decideHoldRcp(data, state, await loadFacts(this.store, meta.cptsId, data), meta.now),
    });
  }
}

export const rcpCommandHandlers = [HoldRcpHandler];
