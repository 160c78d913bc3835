import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { memberEvolver, type MemberState } from '../members/member.decider';
import { patientEvolver, type PatientState } from '../patients/patient.decider';
import { pathwayEvolver, type PathwayState } from '../pathways/pathway.decider';
import { type CommandMeta, type CommandOutcome, load, runCommand } from '../shared/command-runner';
import { correctedData, decideCorrectionCommand, isCorrectionCommand } from '../shared/corrections';
import { NotFoundError } from '../shared/errors';
import { entryShape } from '../shared/http/corrections';
import { streamId } from '../shared/ids';
import { requireCpts } from '../shared/tenant';
import type { RcpStreamCommand } from './rcp.commands';
import { decideRcp, rcpCorrections, rcpEvolver, type RcpFacts } from './rcp.decider';
import { HoldRcpDto } from './rcp.dto';
import type { RcpHeld } from './rcp.events';

/** A command on an RCP's stream, as the CommandBus carries it (no rcpId: a new RCP). */
export class RcpCommandMessage {
  constructor(
    readonly meta: CommandMeta,
    readonly rcpId: string | null,
    readonly command: RcpStreamCommand,
  ) {}
}

export const rcpNotFound = () =>
  new NotFoundError({ fr: 'Cette RCP n’existe pas.', en: 'This RCP does not exist.' });

const corrections = { ...rcpCorrections, shape: entryShape({ RcpHeld: HoldRcpDto }) };

@CommandHandler(RcpCommandMessage)
export class RcpCommandHandler implements ICommandHandler<RcpCommandMessage, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /**
   * The members, pathways and patients the RCP names, read from this CPTS's streams (another CPTS's are
   * simply not found there).
   */
  private async facts(cptsId: string, rcp: Partial<RcpHeld>): Promise<RcpFacts> {
    const memberIds = new Set<string>(typeof rcp.convenedBy === 'string' ? [rcp.convenedBy] : []);
    for (const participant of Array.isArray(rcp.participants) ? rcp.participants : []) {
      if ('memberId' in participant) memberIds.add(participant.memberId);
    }
    const members: Record<string, MemberState> = {};
    for (const id of memberIds) {
      members[id] = (await load(this.store, streamId('member', cptsId, id), memberEvolver)).state;
    }
    const pathways: Record<string, PathwayState> = {};
    const patients: Record<string, PatientState> = {};
    for (const { pathwayId } of Array.isArray(rcp.cases) ? rcp.cases : []) {
      const pathway = (await load(this.store, streamId('pathway', cptsId, pathwayId), pathwayEvolver)).state;
      pathways[pathwayId] = pathway;
      if (pathway.exists && !(pathway.patientId in patients)) {
        patients[pathway.patientId] = (
          await load(this.store, streamId('patient', cptsId, pathway.patientId), patientEvolver)
        ).state;
      }
    }
    return { members, pathways, patients };
  }

  async execute({ meta, rcpId, command }: RcpCommandMessage): Promise<CommandOutcome> {
    await requireCpts(this.store, meta.cptsId);
    const id = rcpId ?? meta.ids.newId('rcp');
    return runCommand(this.store, meta, {
      ...rcpEvolver,
      streamId: streamId('rcp', meta.cptsId, id),
      id,
      // Facts are read inside decide, so that a decision taken again after a conflict sees them afresh.
      decide: async ({ state, history }, decision) => {
        if (!isCorrectionCommand(command)) {
          return decideRcp(command, state, await this.facts(meta.cptsId, command.data), decision);
        }
        if (history.length === 0) throw rcpNotFound();
        const data = (correctedData(history, command) ?? {}) as Partial<RcpHeld>;
        const facts = await this.facts(meta.cptsId, data);
        return decideCorrectionCommand(command, history, corrections, facts, decision);
      },
    });
  }
}

export const rcpCommandHandlers = [RcpCommandHandler];
