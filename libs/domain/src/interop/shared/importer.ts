import { Inject, Injectable } from '@nestjs/common';
import { BlindIndex, IdentityVault } from '@parcours/crypto';
import {
  type Actor,
  EVENT_STORE,
  type EventSource,
  type EventStore,
  WrongExpectedRevisionError,
} from '@parcours/event-store';
import { v7 as uuidv7 } from 'uuid';
import { CptsCommandHandler, CptsCommandMessage } from '../../cpts/cpts.handler';
import { PathwayCommandHandler, PathwayCommandMessage } from '../../pathways/pathways.handler';
import { PatientFacts } from '../../patients/patient-facts';
import { StagedPatientIndex } from '../../patients/patient-index';
import { PatientCommandHandler, PatientCommandMessage } from '../../patients/patients.handler';
import { type CommandMeta, type CommandOutcome, load } from '../../shared/command-runner';
import type { DomainEvent, Evolver } from '../../shared/decider';
import { ContentionError } from '../../shared/errors';
import { IdempotencyStore } from '../../shared/http/idempotency.port';
import { IdSource } from '../../shared/ids';
import { requireCpts } from '../../shared/tenant';
import { CptsDirectory } from './directory';
import { type CommittedStream, StagedEventStore } from './staged-store';

/** Who imports, into which CPTS, from which format (the envelope's `source`). */
export interface ImportContext {
  cptsId: string;
  actor: Actor;
  correlationId: string;
  source: EventSource;
  now: Date;
}

export type ImportMessage = PatientCommandMessage | PathwayCommandMessage | CptsCommandMessage;

/**
 * One attempt at an import: the same command handlers as the API's, over a store that stages their
 * appends (`StagedEventStore`), and what the CPTS holds already (`CptsDirectory`).
 */
export class ImportSession {
  private readonly patients: PatientCommandHandler;
  private readonly pathways: PathwayCommandHandler;
  private readonly cpts: CptsCommandHandler;

  constructor(
    readonly context: ImportContext,
    readonly store: StagedEventStore,
    readonly directory: CptsDirectory,
    vault: IdentityVault,
    idempotency: IdempotencyStore,
    /** The patients registered by this import are indexed once it is committed, not before. */
    readonly index: StagedPatientIndex,
  ) {
    this.patients = new PatientCommandHandler(store, vault, idempotency, index);
    this.pathways = new PathwayCommandHandler(store, new PatientFacts(store, vault));
    this.cpts = new CptsCommandHandler(store);
  }

  /**
   * The metadata of one imported command. Its ids — of what it creates and of its events — are derived
   * from `key`, which an import derives from what it imports (a resource's identifier, a file's row), as
   * the API derives them from an Idempotency-Key: importing the same thing again finds its own events and
   * appends nothing.
   */
  meta(key: string): CommandMeta {
    const { cptsId, actor, correlationId, source, now } = this.context;
    return {
      cptsId,
      actor,
      correlationId,
      commandId: uuidv7(),
      source,
      ids: new IdSource(cptsId, `import\n${key}`),
      now,
    };
  }

  /** The id a command with this key assigns for `purpose` (a new patient, pathway, referral…). */
  idFor(key: string, purpose: string): string {
    return this.meta(key).ids.newId(purpose);
  }

  execute(message: ImportMessage): Promise<CommandOutcome> {
    if (message instanceof PatientCommandMessage) return this.patients.execute(message);
    if (message instanceof PathwayCommandMessage) return this.pathways.execute(message);
    return this.cpts.execute(message);
  }

  /** A stream as this import sees it (what is stored, and what the import staged on it). */
  async state<S, E extends DomainEvent>(streamId: string, evolver: Evolver<S, E>): Promise<S> {
    return (await load(this.store, streamId, evolver)).state;
  }
}

export interface ImportCommit<T> {
  result: T;
  /** The streams appended to, in order; empty when everything was there already (a re-import). */
  committed: CommittedStream[];
  /** True when nothing was appended. */
  replayed: boolean;
  /** The global position of the last event appended (for `consistentWith`), if any. */
  position?: bigint;
}

/** How often an import is decided again because someone else changed one of its streams meanwhile. */
const MAX_ATTEMPTS = 5;

/**
 * All or nothing, over an event store that appends per stream: every command of an import is decided
 * first — by the API's handlers, against a staging store — and nothing is appended unless all of them
 * pass. Then the staged events are appended stream by stream, each expecting the revision its decisions
 * saw. A concurrent change refuses that append, and the whole import is decided again on the new state.
 *
 * The store has no multi-stream transaction, so a crash (or the store failing) between two streams'
 * appends leaves the streams before it written: importing the same input again completes it, because
 * every id is derived from the input and the events already stored are recognised, not appended twice.
 */
@Injectable()
export class Importer {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdentityVault) private readonly vault: IdentityVault,
    private readonly idempotency: IdempotencyStore,
    @Inject(BlindIndex) private readonly index: BlindIndex,
  ) {}

  async run<T>(
    context: ImportContext,
    plan: (session: ImportSession) => Promise<T>,
    options: { onWrite?: (done: number, total: number) => void } = {},
  ): Promise<ImportCommit<T>> {
    await requireCpts(this.store, context.cptsId);
    for (let attempt = 1; ; attempt += 1) {
      const staged = new StagedEventStore(this.store);
      const directory = await CptsDirectory.load(this.store, this.vault, context.cptsId);
      const index = new StagedPatientIndex(this.index);
      const session = new ImportSession(context, staged, directory, this.vault, this.idempotency, index);
      const result = await plan(session);
      try {
        const committed = await staged.commit(options.onWrite);
        index.flush();
        const appended = committed.filter((stream) => !stream.replayed);
        const position = appended.reduce<bigint | undefined>(
          (max, stream) => (max === undefined || stream.position > max ? stream.position : max),
          undefined,
        );
        return {
          result,
          committed,
          replayed: appended.length === 0,
          ...(position === undefined ? {} : { position }),
        };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= MAX_ATTEMPTS) throw new ContentionError(error.streamId);
      }
    }
  }
}
