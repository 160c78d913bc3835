import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { memberEvolver, type MemberState } from '../members/member.decider';
import { PatientFacts as PatientFactsService } from '../patients/patient-facts';
import { protocolEvolver } from '../protocols/protocol.decider';
import { type CommandMeta, type CommandOutcome, load, runCommand } from '../shared/command-runner';
import { correctedData, decideCorrectionCommand, isCorrectionCommand } from '../shared/corrections';
import { broken, NotFoundError } from '../shared/errors';
import { entryShape } from '../shared/http/corrections';
import { streamId } from '../shared/ids';
import { requireCpts } from '../shared/tenant';
import type { PathwayStreamCommand } from './pathway.commands';
import { decidePathway, pathwayCorrections, pathwayEvolver, type PathwayFacts } from './pathway.decider';
import type { PathwayEvent } from './pathway.events';
import { ENTRY_DTO } from './pathways.dto';

/** A command on a pathway's stream, as the CommandBus carries it (no pathwayId: a new pathway). */
export class PathwayCommandMessage {
  constructor(
    readonly meta: CommandMeta,
    readonly pathwayId: string | null,
    readonly command: PathwayStreamCommand,
  ) {}
}

export const pathwayNotFound = () =>
  new NotFoundError({ fr: 'Ce parcours n’existe pas.', en: 'This pathway does not exist.' });

/** Fields naming a member, in an entry's data or its recipient. */
const MEMBER_FIELDS = [
  'fromMemberId',
  'toMemberId',
  'byMemberId',
  'pharmacistMemberId',
  'gpMemberId',
] as const;

function memberIdsOf(data: Record<string, unknown>): string[] {
  const ids = MEMBER_FIELDS.map((field) => data[field]).filter((v): v is string => typeof v === 'string');
  const to = data.to as { memberId?: unknown } | undefined;
  if (typeof to?.memberId === 'string') ids.push(to.memberId);
  return ids;
}

/** The answer's `id`: what the command created (referral, discharge, application), else the pathway. */
function answerId(pathwayId: string, events: Array<{ type: string; data: object }>): string {
  const [event] = events as PathwayEvent[];
  switch (event?.type) {
    case 'PatientReferred':
    case 'ReferralAccepted':
    case 'ReferralDeclined':
    case 'ReferralCompleted':
      return event.data.referralId;
    case 'DischargeNotified':
      return event.data.dischargeId;
    case 'ProtocolApplied':
      return event.data.applicationId;
    default:
      return pathwayId;
  }
}

const corrections = { ...pathwayCorrections, shape: entryShape(ENTRY_DTO) };

/**
 * Loads the pathway, then what its rules need of other records (all within this CPTS: another CPTS's
 * record is simply not found), decides, appends. Facts are read inside the decision, so that a decision
 * taken again after a conflict sees them afresh.
 */
@CommandHandler(PathwayCommandMessage)
export class PathwayCommandHandler implements ICommandHandler<PathwayCommandMessage, CommandOutcome> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly patients: PatientFactsService,
  ) {}

  private async facts(
    cptsId: string,
    patientId: string,
    data: Record<string, unknown>,
  ): Promise<PathwayFacts> {
    const patient = await this.patients.load(cptsId, patientId);
    if (!patient.exists) {
      throw broken(
        'unknown-patient',
        'Ce patient n’existe pas dans cette CPTS.',
        'This patient does not exist in this CPTS.',
        'patientId',
      );
    }
    const protocol =
      typeof data.protocolCode === 'string'
        ? (await load(this.store, streamId('protocol', cptsId, data.protocolCode), protocolEvolver)).state
        : undefined;
    // The members the entry names, and the delegating doctors of the protocol's adherents.
    const ids = new Set(memberIdsOf(data));
    if (protocol?.exists)
      for (const adherent of protocol.adherents) ids.add(adherent.delegatingDoctorMemberId);
    const members: Record<string, MemberState> = {};
    for (const id of ids) {
      members[id] = (await load(this.store, streamId('member', cptsId, id), memberEvolver)).state;
    }
    const { state } = patient;
    return {
      patient: {
        sex: state.sex,
        birthDate: patient.birthDate,
        birthYear: state.birthYear,
        earliestBusinessTime: patient.earliestBusinessTime,
        record: state,
      },
      members,
      ...(protocol === undefined ? {} : { protocol }),
    };
  }

  async execute({ meta, pathwayId, command }: PathwayCommandMessage): Promise<CommandOutcome> {
    await requireCpts(this.store, meta.cptsId);
    const id = pathwayId ?? meta.ids.newId('pathway');
    return runCommand(this.store, meta, {
      ...pathwayEvolver,
      streamId: streamId('pathway', meta.cptsId, id),
      id: (events) => answerId(id, events),
      decide: async ({ state, history }, decision) => {
        if (command.type === 'OpenPathway') {
          return decidePathway(
            command,
            state,
            await this.facts(meta.cptsId, command.data.patientId, command.data as never),
            decision,
          );
        }
        if (!state.exists) throw pathwayNotFound();
        if (isCorrectionCommand(command)) {
          const data = correctedData(history, command) ?? {};
          const facts = await this.facts(meta.cptsId, state.patientId, data);
          return decideCorrectionCommand(command, history, corrections, facts, decision);
        }
        const facts = await this.facts(
          meta.cptsId,
          state.patientId,
          command.data as unknown as Record<string, unknown>,
        );
        return decidePathway(command, state, facts, decision);
      },
    });
  }
}

export const pathwayCommandHandlers = [PathwayCommandHandler];
