import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { memberEvolver } from '../members/member.decider';
import { type CommandMeta, type CommandOutcome, load, runCommand } from '../shared/command-runner';
import { NotFoundError } from '../shared/errors';
import { streamId } from '../shared/ids';
import { requireCpts } from '../shared/tenant';
import {
  decideCloseUnscheduledCare,
  decideOrientUnscheduledCare,
  decideRequestUnscheduledCare,
  type PatientFacts,
  unscheduledCareEvolver,
  type UnscheduledCareState,
} from './unscheduled-care.decider';
import type {
  UnscheduledCareClosed,
  UnscheduledCareEvent,
  UnscheduledCareOriented,
  UnscheduledCareRequested,
} from './unscheduled-care.events';

export class RequestUnscheduledCare {
  constructor(
    readonly meta: CommandMeta,
    readonly data: UnscheduledCareRequested,
  ) {}
}
export class OrientUnscheduledCare {
  constructor(
    readonly meta: CommandMeta,
    readonly requestId: string,
    readonly data: UnscheduledCareOriented,
  ) {}
}
export class CloseUnscheduledCare {
  constructor(
    readonly meta: CommandMeta,
    readonly requestId: string,
    readonly data: UnscheduledCareClosed,
  ) {}
}

export const requestNotFound = () =>
  new NotFoundError({
    fr: 'Cette demande de soins non programmés n’existe pas.',
    en: 'This unscheduled-care request does not exist.',
  });

/**
 * A patient of this CPTS is one whose stream has events. Its birth year is in clear in `PatientRegistered`
 * (the identity is not), so it is read when there, to keep the request after the patient's birth.
 */
async function loadPatient(store: EventStore, cptsId: string, patientId: string): Promise<PatientFacts> {
  const [first] = await store.readStream(streamId('patient', cptsId, patientId), { maxCount: 1 });
  if (!first) return { exists: false };
  const birthYear = first.type === 'PatientRegistered' ? first.data.birthYear : undefined;
  return typeof birthYear === 'number' ? { exists: true, birthYear } : { exists: true };
}

/** Runs a decision on an existing request's stream; 404 when there is no such request. */
async function onRequest(
  store: EventStore,
  meta: CommandMeta,
  requestId: string,
  decide: (state: UnscheduledCareState) => Promise<UnscheduledCareEvent[]> | UnscheduledCareEvent[],
): Promise<CommandOutcome> {
  await requireCpts(store, meta.cptsId);
  return runCommand(store, meta, {
    ...unscheduledCareEvolver,
    streamId: streamId('snp', meta.cptsId, requestId),
    id: requestId,
    decide: (state) => {
      if (!state.exists) throw requestNotFound();
      return decide(state);
    },
  });
}

@CommandHandler(RequestUnscheduledCare)
export class RequestUnscheduledCareHandler implements ICommandHandler<
  RequestUnscheduledCare,
  CommandOutcome
> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ meta, data }: RequestUnscheduledCare): Promise<CommandOutcome> {
    await requireCpts(this.store, meta.cptsId);
    const requestId = meta.ids.newId('snp');
    return runCommand(this.store, meta, {
      ...unscheduledCareEvolver,
      streamId: streamId('snp', meta.cptsId, requestId),
      id: requestId,
      decide: async (state) => {
        const patient =
          data.patientId === undefined
            ? undefined
            : await loadPatient(this.store, meta.cptsId, data.patientId);
        return decideRequestUnscheduledCare(data, state, patient, meta.now);
      },
    });
  }
}

@CommandHandler(OrientUnscheduledCare)
export class OrientUnscheduledCareHandler implements ICommandHandler<OrientUnscheduledCare, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ meta, requestId, data }: OrientUnscheduledCare): Promise<CommandOutcome> {
    return onRequest(this.store, meta, requestId, async (state) => {
      const { state: member } = await load(
        this.store,
        streamId('member', meta.cptsId, data.toMemberId),
        memberEvolver,
      );
      return decideOrientUnscheduledCare(data, state, member);
    });
  }
}

@CommandHandler(CloseUnscheduledCare)
export class CloseUnscheduledCareHandler implements ICommandHandler<CloseUnscheduledCare, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ meta, requestId, data }: CloseUnscheduledCare): Promise<CommandOutcome> {
    return onRequest(this.store, meta, requestId, (state) =>
      decideCloseUnscheduledCare(data, state, meta.now),
    );
  }
}

export const unscheduledCareCommandHandlers = [
  RequestUnscheduledCareHandler,
  OrientUnscheduledCareHandler,
  CloseUnscheduledCareHandler,
];
