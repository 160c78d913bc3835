import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  EVENT_STORE,
  type EventStore,
  type NewEvent,
  WrongExpectedRevisionError,
} from '@parcours/event-store';
import { nationalProtocolStreams } from '../protocols/national-protocols';
import { type CommandMeta, type CommandOutcome, runCommand } from '../shared/command-runner';
import { streamId } from '../shared/ids';
import { requireCpts } from '../shared/tenant';
import {
  cptsEvolver,
  type CptsState,
  decideCrisisPlan,
  decideDeclareCrisis,
  decideRecordAchievement,
  decideRegister,
  decideSignContract,
  decideStartMission,
  decideUpdatePopulation,
  type RecordCrisisPlan,
  type SignContract,
} from './cpts.decider';
import type {
  AchievementRecorded,
  CptsEvent,
  CptsPopulationUpdated,
  CptsRegistered,
  CrisisDeclared,
  MissionStarted,
} from './cpts.events';

/** Commands of the CPTS capability, each with its handler (see `runCommand`). */

export class RegisterCpts {
  constructor(
    /** Built from the body's `id`: the tenant being created (see the controller). */
    readonly meta: CommandMeta,
    readonly data: CptsRegistered & { id: string },
  ) {}
}
export class UpdatePopulation {
  constructor(
    readonly meta: CommandMeta,
    readonly data: CptsPopulationUpdated,
  ) {}
}
export class SignAciContract {
  constructor(
    readonly meta: CommandMeta,
    readonly data: SignContract,
  ) {}
}
export class StartMission {
  constructor(
    readonly meta: CommandMeta,
    readonly data: MissionStarted,
  ) {}
}
export class RecordAchievement {
  constructor(
    readonly meta: CommandMeta,
    readonly data: AchievementRecorded,
  ) {}
}
export class DeclareCrisis {
  constructor(
    readonly meta: CommandMeta,
    readonly data: CrisisDeclared,
  ) {}
}
export class RecordCrisisPlanStep {
  constructor(
    readonly meta: CommandMeta,
    readonly data: RecordCrisisPlan,
  ) {}
}

/** Runs a decision on the CPTS's own stream (`cpts-<cptsId>`); 404 when the CPTS is not registered. */
async function onCpts(
  store: EventStore,
  meta: CommandMeta,
  decide: (state: CptsState) => CptsEvent[],
): Promise<CommandOutcome> {
  await requireCpts(store, meta.cptsId);
  return runCommand(store, meta, {
    ...cptsEvolver,
    streamId: streamId('cpts', meta.cptsId),
    id: meta.cptsId,
    decide,
  });
}

/** What happened to one national protocol's stream during a registration. */
type Seeded = { appended: true; position: bigint; replayed: boolean } | { appended: false };

/**
 * Publishes the national cooperation protocols into a new CPTS's `protocol-<cptsId>.<code>` streams, one
 * atomic append per stream (both versions of a protocol go together).
 *
 * The registration spans several streams and the store has no multi-stream transaction, so this step is
 * made safe to run again rather than atomic with the registration:
 * - event ids come from the command's `IdSource` with an index per catalogue entry (the registration
 *   itself is index 0; entry k of `NATIONAL_PROTOCOLS` is index k + 1), so under one Idempotency-Key a
 *   retry offers the store exactly the events it may already hold, and the store answers them as a
 *   replay (same ids, same stream, same order) instead of appending them twice;
 * - each stream is created with expected revision `no_stream`: a stream that exists but does not hold
 *   these events (a coordinator published that code by hand meanwhile) is left as it is.
 * A crash between the CPTS's append and these appends is therefore repaired by retrying the request with
 * the same Idempotency-Key. Without a key a retry is refused (`cpts-exists`) and a missing protocol must
 * be published through `POST …/protocols`.
 */
async function publishNationalProtocols(
  store: EventStore,
  meta: CommandMeta,
  cptsId: string,
): Promise<Seeded[]> {
  const results: Seeded[] = [];
  for (const { code, versions } of nationalProtocolStreams()) {
    const events: NewEvent[] = versions.map(({ index, data }) => ({
      eventId: meta.ids.eventId(index + 1),
      type: 'ProtocolPublished',
      data: { ...data },
      metadata: {
        cptsId,
        actor: meta.actor,
        correlationId: meta.correlationId,
        causationId: meta.commandId,
        source: meta.source,
      },
    }));
    try {
      const result = await store.append(streamId('protocol', cptsId, code), events, {
        expectedRevision: 'no_stream',
      });
      results.push({ appended: true, position: result.position, replayed: result.replayed });
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      results.push({ appended: false });
    }
  }
  return results;
}

@CommandHandler(RegisterCpts)
export class RegisterCptsHandler implements ICommandHandler<RegisterCpts, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async execute({ meta, data }: RegisterCpts): Promise<CommandOutcome> {
    const { id, ...registered } = data;
    const cpts = await runCommand(this.store, meta, {
      ...cptsEvolver,
      streamId: streamId('cpts', id),
      id,
      decide: (state) => decideRegister(registered, state),
    });
    const seeded = await publishNationalProtocols(this.store, meta, id);
    // The answer covers every event of the command: `position` is the last one (for consistentWith),
    // and it is a replay (200) only when this run appended nothing at all.
    let position = cpts.position;
    let replayed = cpts.replayed;
    for (const stream of seeded) {
      if (!stream.appended) continue;
      if (stream.position > position) position = stream.position;
      replayed &&= stream.replayed;
    }
    return { ...cpts, position, replayed };
  }
}

@CommandHandler(UpdatePopulation)
export class UpdatePopulationHandler implements ICommandHandler<UpdatePopulation, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  execute({ meta, data }: UpdatePopulation): Promise<CommandOutcome> {
    return onCpts(this.store, meta, (state) => decideUpdatePopulation(data, state, meta.now));
  }
}

@CommandHandler(SignAciContract)
export class SignAciContractHandler implements ICommandHandler<SignAciContract, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  execute({ meta, data }: SignAciContract): Promise<CommandOutcome> {
    return onCpts(this.store, meta, (state) => decideSignContract(data, state, meta.now));
  }
}

@CommandHandler(StartMission)
export class StartMissionHandler implements ICommandHandler<StartMission, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  execute({ meta, data }: StartMission): Promise<CommandOutcome> {
    return onCpts(this.store, meta, (state) => decideStartMission(data, state, meta.now));
  }
}

@CommandHandler(RecordAchievement)
export class RecordAchievementHandler implements ICommandHandler<RecordAchievement, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  execute({ meta, data }: RecordAchievement): Promise<CommandOutcome> {
    return onCpts(this.store, meta, (state) => decideRecordAchievement(data, state, meta.now));
  }
}

@CommandHandler(DeclareCrisis)
export class DeclareCrisisHandler implements ICommandHandler<DeclareCrisis, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  execute({ meta, data }: DeclareCrisis): Promise<CommandOutcome> {
    return onCpts(this.store, meta, (state) => decideDeclareCrisis(data, state, meta.now));
  }
}

@CommandHandler(RecordCrisisPlanStep)
export class RecordCrisisPlanStepHandler implements ICommandHandler<RecordCrisisPlanStep, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  execute({ meta, data }: RecordCrisisPlanStep): Promise<CommandOutcome> {
    return onCpts(this.store, meta, (state) => decideCrisisPlan(data, state, meta.now));
  }
}

export const cptsCommandHandlers = [
  RegisterCptsHandler,
  UpdatePopulationHandler,
  SignAciContractHandler,
  StartMissionHandler,
  RecordAchievementHandler,
  DeclareCrisisHandler,
  RecordCrisisPlanStepHandler,
];
