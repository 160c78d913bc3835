import { Inject, Injectable } from '@nestjs/common';
import { CommandBus, type ICommand } from '@nestjs/cqrs';
import { type Actor, EVENT_STORE, type EventStore } from '@parcours/event-store';
import type { CommandMeta, CommandOutcome } from '../shared/command-runner';
import { RuleViolation } from '../shared/errors';
import { type Category, parseStreamId, streamId } from '../shared/ids';
import { type DateString, isCalendarDate, lastDayOfPreviousMonth, parisToday } from './calendar';
import { type BuiltDemoPlan, buildDemoPlan } from './demo-plan';
import type { DemoPhase, DemoStep } from './plan';

/** The demo tenant and seed `npm start` loads (api.md, "Starting it"). */
export const DEMO_CPTS_ID = 'cpts-demo';
export const DEMO_SEED = 2026;
/** Commands in flight at once: enough for the store's group commit to write several per transaction. */
export const DEMO_LANES = 8;
/** The demo's year must lie within the national protocols' and the ACI avenant 2's time. */
export const EARLIEST_UNTIL = '2022-12-31';

const DEMO_ACTOR: Actor = { id: 'system:demo', role: 'system' };

export interface DemoSeedOptions {
  cptsId?: string;
  seed?: number;
  /** Last day of the year of activity, `YYYY-MM-DD` (Paris); default: the last day of the previous month. */
  until?: DateString;
  onProgress?: (progress: DemoProgress) => void;
  /** Stops the seed between two commands (never inside one): the application is shutting down. */
  signal?: AbortSignal;
  lanes?: number;
}

export interface DemoProgress {
  phase: string;
  done: number;
  total: number;
}

export interface DemoReport {
  cptsId: string;
  seed: number;
  until: DateString;
  /** Commands sent; `replayed` of them were already in the store (a re-run appends nothing). */
  commands: number;
  replayed: number;
  /** Events this run appended, in all and per type. */
  events: number;
  eventsByType: Record<string, number>;
  durationMs: number;
}

/** The seed could not run, or a command was refused: `rule` names the broken rule when there is one. */
export class DemoSeedError extends Error {
  constructor(
    message: string,
    readonly rule?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DemoSeedError';
  }
}

/** The seed was asked to stop (shutdown): what ran is stored, a new run resumes it. */
export class DemoSeedAborted extends DemoSeedError {
  constructor(
    readonly done: number,
    readonly total: number,
  ) {
    super(`demo seed interrupted after ${done} of ${total} commands`, 'demo-aborted');
    this.name = 'DemoSeedAborted';
  }
}

/**
 * Loads the demo CPTS — a CPTS of taille 2 and one year of its activity — through the CommandBus, the
 * same path as the API's commands: every rule is checked, the identities are sealed, the hash chains
 * are built. The data comes from `seed` and `until` only (`buildDemoPlan`); each command carries the
 * idempotency key `demo-<seed>-<n>`, so its ids and event ids are the same on every run and a run on a
 * store that has the demo already replays every command and appends nothing (or completes an
 * interrupted run).
 */
@Injectable()
export class DemoSeeder {
  constructor(
    private readonly commands: CommandBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async seed(options: DemoSeedOptions = {}): Promise<DemoReport> {
    const startedAt = Date.now(); // only for durationMs: the data never depends on the clock
    const cptsId = options.cptsId ?? DEMO_CPTS_ID;
    const seed = options.seed ?? DEMO_SEED;
    const until = options.until ?? lastDayOfPreviousMonth(new Date());
    assertOptions(seed, until, new Date());

    const built = buildDemoPlan({ cptsId, seed, until });
    await this.assertNoOtherDemo(built);
    const headBefore = await this.store.headPosition();

    const run = new Run(this.commands, built, options);
    for (const phase of built.plan.phases) await run.phase(phase);

    const eventsByType = await this.countAppended(cptsId, headBefore, run.appendedBy);
    return {
      cptsId,
      seed,
      until,
      commands: run.done,
      replayed: run.replayed,
      events: Object.values(eventsByType).reduce((sum, n) => sum + n, 0),
      eventsByType,
      durationMs: Date.now() - startedAt,
    };
  }

  /**
   * The demo may run again on a store that has it (it then replays), but not over another CPTS of that
   * id, nor over a demo of another seed or year: their commands would mix with these.
   */
  private async assertNoOtherDemo({ plan, firstEventId, signedOn, window }: BuiltDemoPlan): Promise<void> {
    const events = await this.store.readStream(streamId('cpts', plan.cptsId));
    if (events.length === 0) return;
    if (events[0].metadata.eventId !== firstEventId) {
      throw new DemoSeedError(
        `The CPTS ${plan.cptsId} already exists and is not the demo of seed ${plan.seed}: ` +
          `choose another --cpts (or --seed), or an empty DATA_DIR.`,
        'demo-conflict',
      );
    }
    const contract = events.find((event) => event.type === 'AciContractSigned');
    if (contract && contract.data.signedOn !== signedOn) {
      throw new DemoSeedError(
        `The CPTS ${plan.cptsId} holds the demo of seed ${plan.seed} for another year than the one ending ` +
          `${window.until}: run it with the --until it was made with, or use another --cpts.`,
        'demo-conflict',
      );
    }
  }

  /** Events appended by this run's commands (their causation is the command id), per type. */
  private async countAppended(
    cptsId: string,
    after: bigint,
    commandIds: ReadonlySet<string>,
  ): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    if (commandIds.size === 0) return counts;
    const categories: Category[] = [
      'cpts',
      'member',
      'patient',
      'pathway',
      'rcp',
      'protocol',
      'snp',
      'action',
    ];
    const filter = { streamPrefixes: categories.map((category) => streamId(category, cptsId)) };
    let position = after === 0n ? undefined : after;
    for (;;) {
      const page = await this.store.readAll({ after: position, maxCount: 1000, filter });
      for (const event of page) {
        if (parseStreamId(event.streamId)?.cptsId !== cptsId) continue; // `cpts-demo2` shares the prefix
        if (!commandIds.has(event.metadata.causationId)) continue;
        counts[event.type] = (counts[event.type] ?? 0) + 1;
      }
      if (page.length < 1000) break;
      position = page[page.length - 1].position;
    }
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
  }
}

function assertOptions(seed: number, until: string, now: Date): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new DemoSeedError(`The seed must be a whole number ≥ 0 (got ${seed}).`, 'demo-seed-invalid');
  }
  if (!isCalendarDate(until)) {
    throw new DemoSeedError(`until must be a date YYYY-MM-DD (got ${until}).`, 'demo-until-invalid');
  }
  // Business time may not lie in the future: the whole year, its last day included, must be over.
  const today = parisToday(now);
  if (until >= today || until < EARLIEST_UNTIL) {
    throw new DemoSeedError(
      `until must be a day before today (${today}) and not before ${EARLIEST_UNTIL} (got ${until}).`,
      'demo-until-invalid',
    );
  }
}

/**
 * One run of the plan: phases one after the other; in a phase, `lanes` workers take tasks in plan order
 * and run each task's commands in order. On a refused command, or when asked to stop, the workers finish
 * the command in hand and take no other.
 */
class Run {
  done = 0;
  replayed = 0;
  /** The commands that appended (not replays): their events are this run's. */
  readonly appendedBy = new Set<string>();
  private readonly total: number;

  constructor(
    private readonly commands: CommandBus,
    private readonly built: BuiltDemoPlan,
    private readonly options: DemoSeedOptions,
  ) {
    this.total = built.plan.commands;
  }

  async phase({ name, tasks }: DemoPhase): Promise<void> {
    let next = 0;
    let failure: DemoSeedError | undefined;
    const stopped = () => failure !== undefined || this.options.signal?.aborted === true;
    const worker = async (): Promise<void> => {
      while (!stopped() && next < tasks.length) {
        const task = tasks[next];
        next += 1;
        for (const step of task) {
          if (stopped()) return;
          try {
            await this.execute(step);
          } catch (error) {
            failure ??= refused(step, error);
            return;
          }
          this.done += 1;
          this.options.onProgress?.({ phase: name, done: this.done, total: this.total });
        }
      }
    };
    const lanes = Math.max(1, this.options.lanes ?? DEMO_LANES);
    await Promise.all(Array.from({ length: lanes }, worker));
    if (failure) throw failure;
    if (this.options.signal?.aborted) throw new DemoSeedAborted(this.done, this.total);
  }

  private async execute(step: DemoStep): Promise<void> {
    const { plan } = this.built;
    const ids = plan.ids(step.n);
    const meta: CommandMeta = {
      cptsId: plan.cptsId,
      actor: DEMO_ACTOR,
      correlationId: `demo-${plan.seed}`,
      // Derived like every other id, so that a re-run's events would carry the same causation.
      commandId: ids.newId('command'),
      source: 'demo',
      ids,
      now: new Date(),
    };
    const outcome = await this.commands.execute<ICommand, CommandOutcome>(step.command(meta));
    if (outcome.replayed) this.replayed += 1;
    else this.appendedBy.add(meta.commandId);
  }
}

/** A refused command stops the seed: its error names the command and the rule, in English. */
function refused(step: DemoStep, error: unknown): DemoSeedError {
  const what = `demo seed: command #${step.n} (${step.label})`;
  if (error instanceof RuleViolation) {
    const path = error.path === undefined ? '' : ` [${error.path}]`;
    return new DemoSeedError(
      `${what} broke the rule ${error.rule}${path}: ${error.messages.en}`,
      error.rule,
      {
        cause: error,
      },
    );
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new DemoSeedError(`${what} failed: ${message}`, undefined, { cause: error });
}
