import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { memberEvolver, type MemberState } from '../members/member.decider';
import { patientEvolver } from '../patients/patient.decider';
import { type CommandMeta, type CommandOutcome, load, runCommand } from '../shared/command-runner';
import { correctedData, decideCorrectionCommand, isCorrectionCommand } from '../shared/corrections';
import { NotFoundError } from '../shared/errors';
import { entryShape } from '../shared/http/corrections';
import { streamId } from '../shared/ids';
import { requireCpts } from '../shared/tenant';
import type { UnscheduledCareStreamCommand } from './unscheduled-care.commands';
import {
  decideUnscheduledCare,
  unscheduledCareCorrections,
  unscheduledCareEvolver,
  type UnscheduledCareFacts,
} from './unscheduled-care.decider';
import {
  CloseUnscheduledCareDto,
  OrientUnscheduledCareDto,
  RequestUnscheduledCareDto,
} from './unscheduled-care.dto';

/** A command on a request's stream, as the CommandBus carries it (no requestId: a new request). */
export class UnscheduledCareCommandMessage {
  constructor(
    readonly meta: CommandMeta,
    readonly requestId: string | null,
    readonly command: UnscheduledCareStreamCommand,
  ) {}
}

export const requestNotFound = () =>
  new NotFoundError({
    fr: 'Cette demande de soins non programmés n’existe pas.',
    en: 'This unscheduled-care request does not exist.',
  });

const corrections = {
  ...unscheduledCareCorrections,
  shape: entryShape({
    UnscheduledCareRequested: RequestUnscheduledCareDto,
    UnscheduledCareOriented: OrientUnscheduledCareDto,
    UnscheduledCareClosed: CloseUnscheduledCareDto,
  }),
};

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

@CommandHandler(UnscheduledCareCommandMessage)
export class UnscheduledCareCommandHandler implements ICommandHandler<
  UnscheduledCareCommandMessage,
  CommandOutcome
> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** The patient and the member a decision names, read in this CPTS (another CPTS's are unknown here). */
  private async facts(cptsId: string, patientId?: string, memberId?: string): Promise<UnscheduledCareFacts> {
    const patient =
      patientId === undefined
        ? undefined
        : (await load(this.store, streamId('patient', cptsId, patientId), patientEvolver)).state;
    const members: Record<string, MemberState> = {};
    if (memberId !== undefined) {
      members[memberId] = (await load(this.store, streamId('member', cptsId, memberId), memberEvolver)).state;
    }
    return { ...(patient === undefined ? {} : { patient }), members };
  }

  async execute({ meta, requestId, command }: UnscheduledCareCommandMessage): Promise<CommandOutcome> {
    await requireCpts(this.store, meta.cptsId);
    const id = requestId ?? meta.ids.newId('snp');
    return runCommand(this.store, meta, {
      ...unscheduledCareEvolver,
      streamId: streamId('snp', meta.cptsId, id),
      id,
      decide: async ({ state, history }, decision) => {
        if (command.type !== 'RequestUnscheduledCare' && history.length === 0) throw requestNotFound();
        if (isCorrectionCommand(command)) {
          const data = correctedData(history, command);
          const patientId = text(data?.patientId) ?? (state.exists ? state.patientId : undefined);
          const facts = await this.facts(meta.cptsId, patientId, text(data?.toMemberId));
          return decideCorrectionCommand(command, history, corrections, facts, decision);
        }
        if (command.type !== 'RequestUnscheduledCare' && !state.exists) throw requestNotFound();
        const patientId =
          command.type === 'RequestUnscheduledCare'
            ? command.data.patientId
            : state.exists
              ? state.patientId
              : undefined;
        const memberId = command.type === 'OrientUnscheduledCare' ? command.data.toMemberId : undefined;
        return decideUnscheduledCare(
          command,
          state,
          await this.facts(meta.cptsId, patientId, memberId),
          decision,
        );
      },
    });
  }
}

export const unscheduledCareCommandHandlers = [UnscheduledCareCommandHandler];
