import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import type { AppConfig } from '@parcours/platform';
import { InvalidArgumentError } from 'commander';
import {
  DemoSeeder,
  type DemoProgress,
  EARLIEST_UNTIL,
  isCalendarDate,
  lastDayOfPreviousMonth,
  parisToday,
} from '@parcours/domain';
import { withApplication } from './cli-context';

export interface SeedDemoOptions {
  seed: number;
  until?: string;
  cpts: string;
}

/** `--seed <n>`: a whole number (the same seed gives the same CPTS). */
export function seedNumber(value: string): number {
  if (!/^\d{1,10}$/.test(value) || Number(value) > 0xffffffff) {
    throw new InvalidArgumentError('the seed is a whole number from 0 to 4294967295');
  }
  return Number(value);
}

/** `--until <date>`: a past day; business times may not lie in the future. */
export function pastDate(value: string): string {
  if (!isCalendarDate(value)) throw new InvalidArgumentError('a date is YYYY-MM-DD');
  const today = parisToday(new Date());
  if (value >= today) throw new InvalidArgumentError(`the year shown must be over: a day before ${today}`);
  if (value < EARLIEST_UNTIL)
    throw new InvalidArgumentError(`the demo's year ends on ${EARLIEST_UNTIL} or later`);
  return value;
}

/**
 * `seed demo`: loads the demo CPTS through the domain's commands, without the HTTP server. Progress goes
 * to stderr (on a terminal only); the report is one JSON line on stdout. Running it again appends nothing.
 * Ctrl-C stops between two commands; running it again completes the demo.
 */
export async function seedDemo(config: AppConfig, options: SeedDemoOptions): Promise<void> {
  if (config.AUTH_MODE !== 'dev') {
    // Not a usage mistake but a refusal: demo patients have no place in a production store.
    throw new Error('seed demo: refused with AUTH_MODE=oidc — the demo CPTS has no place in production');
  }
  const until = options.until ?? lastDayOfPreviousMonth(new Date());
  const abort = new AbortController();
  const interrupt = () => abort.abort();
  process.once('SIGINT', interrupt);
  try {
    await withApplication(config, async (app) => {
      const seeder = new DemoSeeder(app.get(CommandBus), app.get<EventStore>(EVENT_STORE));
      const progress = new StderrProgress();
      try {
        const report = await seeder.seed({
          cptsId: options.cpts,
          seed: options.seed,
          until,
          onProgress: (p) => progress.update(p),
          signal: abort.signal,
        });
        progress.end();
        process.stdout.write(`${JSON.stringify(report)}\n`);
      } catch (error) {
        progress.end();
        throw error;
      }
    });
  } finally {
    process.off('SIGINT', interrupt);
  }
}

/** One line on stderr, rewritten every 100 commands, when stderr is a terminal (nothing in a pipe or a log). */
class StderrProgress {
  private readonly enabled = process.stderr.isTTY === true;
  private written = false;

  update({ phase, done, total }: DemoProgress): void {
    if (!this.enabled || (done % 100 !== 0 && done !== total)) return;
    const percent = Math.floor((done * 100) / total);
    process.stderr.write(`\rseed demo: ${done}/${total} commands (${percent} %), ${phase}   `);
    this.written = true;
  }

  end(): void {
    if (this.written) process.stderr.write('\n');
    this.written = false;
  }
}
