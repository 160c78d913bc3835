import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { memberEvolver, type MemberState } from '../members/member.decider';
import { PatientFacts as PatientFactsService } from '../patients';
import { protocolEvolver } from '../protocols';
import { type CommandMeta, type CommandOutcome, load, runCommand } from '../shared/command-runner';
import { broken, NotFoundError, RuleViolation } from '../shared/errors';
import { flattenValidationErrors } from '@parcours/platform';
import { streamId } from '../shared/ids';
import { requireCpts } from '../shared/tenant';
import {
  decideAcceptReferral,
  decideClose,
  decideCompleteReferral,
  decideCorrect,
  decideDeclineReferral,
  decideDischarge,
  decideFollowUp,
  decideMedicationReconciliation,
  decideOpen,
  decideProtocolApplication,
  decideRefer,
  decideReopen,
  decideVoid,
  MEMBER_FIELDS,
  pathwayEvolver,
  type OpenPathway,
  type PathwayFacts,
  type PathwayState,
} from './pathway.decider';
import type { PathwayEvent, PathwayOpened } from './pathway.events';
import { ENTRY_DTO } from './pathways.dto';

/** Opens a new pathway for a patient of the CPTS. */
export class OpenPathwayCommand {
  constructor(
    readonly meta: CommandMeta,
    readonly data: PathwayOpened,
  ) {}
}

/** Any event on an existing pathway; `type` picks the decision (table below). */
export class RecordPathwayEvent {
  constructor(
    readonly meta: CommandMeta,
    readonly pathwayId: string,
    readonly event: Exclude<PathwayEvent, { type: 'PathwayOpened' }>,
    /** The id answered: what the event creates (referral, discharge, application), else the pathway. */
    readonly answerId: string,
  ) {}
}

type Decide = (data: never, state: OpenPathway, facts: PathwayFacts, now: Date) => PathwayEvent[];

/** Event type → its decision. The decider functions are pure; this table is the only routing. */
const DECISIONS: Record<RecordPathwayEvent['event']['type'], Decide> = {
  PatientReferred: decideRefer,
  ReferralAccepted: decideAcceptReferral,
  ReferralDeclined: decideDeclineReferral,
  ReferralCompleted: decideCompleteReferral,
  DischargeNotified: decideDischarge,
  MedicationReconciliationSent: decideMedicationReconciliation,
  FollowUpCompleted: decideFollowUp,
  ProtocolApplied: decideProtocolApplication,
  PathwayClosed: decideClose,
  PathwayReopened: decideReopen,
  EntryCorrected: decideCorrect,
  EntryVoided: (data, state, facts) => decideVoid(data, state, facts),
};

export const pathwayNotFound = () =>
  new NotFoundError({ fr: 'Ce parcours n’existe pas.', en: 'This pathway does not exist.' });

/** Member ids an event names (in its data, in its recipient, in a correction). */
function memberIdsOf(data: Record<string, unknown>): string[] {
  const ids = MEMBER_FIELDS.map((field) => data[field]).filter((v): v is string => typeof v === 'string');
  const to = data.to as { memberId?: unknown } | undefined;
  if (typeof to?.memberId === 'string') ids.push(to.memberId);
  const correction = data.correction as Record<string, unknown> | undefined;
  return correction ? [...ids, ...memberIdsOf(correction)] : ids;
}

/** Loads what the pathway rules need to know of other records (all within this CPTS). */
class FactsLoader {
  constructor(
    private readonly store: EventStore,
    private readonly patients: PatientFactsService,
  ) {}

  async load(meta: CommandMeta, patientId: string, data: Record<string, unknown>): Promise<PathwayFacts> {
    const patient = await this.patients.load(meta.cptsId, patientId);
    if (!patient.exists) {
      throw broken(
        'unknown-patient',
        'Ce patient n’existe pas dans cette CPTS.',
        'This patient does not exist in this CPTS.',
        'patientId',
      );
    }
    const members: Record<string, MemberState> = {};
    for (const id of new Set(memberIdsOf(data))) {
      members[id] = (await load(this.store, streamId('member', meta.cptsId, id), memberEvolver)).state;
    }
    const protocol =
      typeof data.protocolCode === 'string'
        ? (await load(this.store, streamId('protocol', meta.cptsId, data.protocolCode), protocolEvolver))
            .state
        : undefined;
    const { state } = patient;
    return {
      patient: {
        sex: state.sex,
        birthDate: patient.birthDate,
        birthYear: state.birthYear,
        earliestBusinessTime: patient.earliestBusinessTime,
        blockedMemberIds: state.blockedMemberIds,
        consents: state.consents,
      },
      members,
      protocol,
      actor: meta.actor,
    };
  }
}

@CommandHandler(OpenPathwayCommand)
export class OpenPathwayHandler implements ICommandHandler<OpenPathwayCommand, CommandOutcome> {
  private readonly facts: FactsLoader;
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    patients: PatientFactsService,
  ) {
    this.facts = new FactsLoader(store, patients);
  }

  async execute({ meta, data }: OpenPathwayCommand): Promise<CommandOutcome> {
    await requireCpts(this.store, meta.cptsId);
    const pathwayId = meta.ids.newId('pathway');
    return runCommand(this.store, meta, {
      ...pathwayEvolver,
      streamId: streamId('pathway', meta.cptsId, pathwayId),
      id: pathwayId,
      decide: async (state) =>
        decideOpen(data, state, await this.facts.load(meta, data.patientId, { ...data }), meta.now),
    });
  }
}

@CommandHandler(RecordPathwayEvent)
export class RecordPathwayEventHandler implements ICommandHandler<RecordPathwayEvent, CommandOutcome> {
  private readonly facts: FactsLoader;
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    patients: PatientFactsService,
  ) {
    this.facts = new FactsLoader(store, patients);
  }

  async execute({ meta, pathwayId, event, answerId }: RecordPathwayEvent): Promise<CommandOutcome> {
    await requireCpts(this.store, meta.cptsId);
    const data = event.data as unknown as Record<string, unknown>;
    return runCommand(this.store, meta, {
      ...pathwayEvolver,
      streamId: streamId('pathway', meta.cptsId, pathwayId),
      id: answerId,
      decide: async (state: PathwayState) => {
        if (!state.exists) throw pathwayNotFound();
        const facts = await this.facts.load(meta, state.patientId, data);
        if (event.type === 'EntryCorrected') await assertStillValid(state, event.data);
        return DECISIONS[event.type](event.data as never, state, facts, meta.now);
      },
    });
  }
}

/** A corrected entry must still be a valid entry of its type: the same DTO that validated it checks it again. */
async function assertStillValid(
  state: OpenPathway,
  correction: { targetEventId: string; correction: Record<string, unknown> },
) {
  const target = state.entries.find((e) => e.eventId === correction.targetEventId);
  const dto = target && ENTRY_DTO[target.type];
  if (!target || !dto) return; // the decider refuses these with their own rule
  const merged = plainToInstance(dto, { ...target.data, ...correction.correction });
  const errors = await validate(merged, { whitelist: true, forbidUnknownValues: true });
  if (errors.length === 0) return;
  const [first] = flattenValidationErrors(errors).map((e) => ({
    path: `correction.${e.path}`,
    message: e.message,
  }));
  throw new RuleViolation(
    'correction-invalid',
    {
      fr: `La correction rend l’entrée invalide : ${first.message}`,
      en: `The correction makes the entry invalid: ${first.message}`,
    },
    first.path,
  );
}

export const pathwayCommandHandlers = [OpenPathwayHandler, RecordPathwayEventHandler];
