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
import { decideCorrectionCommand, isCorrectionCommand } from '../shared/corrections';
import { entryShape } from '../shared/http/corrections';
import type { CptsStreamCommand, RegisterCpts } from './cpts.commands';
import { cptsCorrections, cptsEvolver, decideCpts } from './cpts.decider';
import {
  AchievementDto,
  CrisisDto,
  ExternalIndicatorDto,
  OnDto,
  StartMissionDto,
  UpdatePopulationDto,
} from './cpts.dto';

/** A command on a CPTS's own stream, as the CommandBus carries it (`cptsId` from the meta). */
export class CptsCommandMessage {
  constructor(
    readonly meta: CommandMeta,
    readonly command: CptsStreamCommand,
  ) {}
}

const corrections = {
  ...cptsCorrections,
  shape: entryShape({
    AchievementRecorded: AchievementDto,
    MissionStarted: StartMissionDto,
    CrisisDeclared: CrisisDto,
    CrisisPlanDrafted: OnDto,
    CrisisPlanUpdated: OnDto,
    CptsPopulationUpdated: UpdatePopulationDto,
    ExternalIndicatorRecorded: ExternalIndicatorDto,
  }),
};

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

@CommandHandler(CptsCommandMessage)
export class CptsCommandHandler implements ICommandHandler<CptsCommandMessage, CommandOutcome> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ meta, command }: CptsCommandMessage): Promise<CommandOutcome> {
    if (command.type === 'RegisterCpts') return this.register(meta, command);
    await requireCpts(this.store, meta.cptsId);
    return runCommand(this.store, meta, {
      ...cptsEvolver,
      streamId: streamId('cpts', meta.cptsId),
      id: meta.cptsId,
      decide: ({ state, history }, decision) =>
        isCorrectionCommand(command)
          ? decideCorrectionCommand(command, history, corrections, undefined, decision)
          : decideCpts(command, state, decision),
    });
  }

  /** The CPTS's stream, then the national protocols' streams (see `publishNationalProtocols`). */
  private async register(meta: CommandMeta, command: RegisterCpts): Promise<CommandOutcome> {
    const cpts = await runCommand(this.store, meta, {
      ...cptsEvolver,
      streamId: streamId('cpts', meta.cptsId),
      id: meta.cptsId,
      decide: ({ state }, decision) => decideCpts(command, state, decision),
    });
    const seeded = await publishNationalProtocols(this.store, meta, meta.cptsId);
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

export const cptsCommandHandlers = [CptsCommandHandler];
