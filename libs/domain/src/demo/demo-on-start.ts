import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import type { AppConfig } from '@parcours/platform';
import { lastDayOfPreviousMonth } from './calendar';
import { DEMO_CPTS_ID, DemoSeedAborted, DemoSeedError, DemoSeeder, type DemoProgress } from './demo-seeder';

/**
 * `npm start` on a fresh machine shows a living CPTS (api.md, "Starting it"): in dev mode, with
 * `SEED_DEMO=true` (the default) and an empty store, the demo CPTS is loaded once the server listens.
 *
 * - It never delays the start: the decision is taken at bootstrap (the store is empty before any request
 *   can change that), the seed itself starts on the server's `listening` event and runs in the
 *   background while the API answers.
 * - A refused command is logged with its rule; the server keeps running.
 * - On shutdown the seed stops between two commands and is awaited before the store closes (the store's
 *   close() then writes what is queued): no command is left half-written. What ran stays; the CLI's
 *   `seed demo` completes it (its commands replay what is there).
 */
@Injectable()
export class DemoOnStart implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('demo');
  private readonly abort = new AbortController();
  private running?: Promise<void>;

  constructor(
    private readonly seeder: DemoSeeder,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly config: ConfigService<AppConfig, true>,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.get('AUTH_MODE', { infer: true }) !== 'dev') return;
    if (!this.config.get('SEED_DEMO', { infer: true })) return;
    if ((await this.store.headPosition()) !== 0n) return;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as
      { once(event: 'listening', listener: () => void): unknown } | undefined;
    if (!server) return; // no HTTP server (an application context): nothing to do at start
    server.once('listening', () => {
      this.running = this.run();
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.abort.abort();
    await this.running;
  }

  private async run(): Promise<void> {
    const until = lastDayOfPreviousMonth(new Date());
    this.logger.log(
      `the store is empty: loading the demo CPTS ${DEMO_CPTS_ID} (a year of activity until ${until}) ` +
        'in the background; SEED_DEMO=false skips it',
    );
    let reported = 0;
    const onProgress = ({ done, total }: DemoProgress) => {
      const tenth = Math.floor((done * 10) / total);
      if (tenth > reported && done < total) {
        reported = tenth;
        this.logger.log(`demo seed: ${tenth * 10} % (${done}/${total} commands)`);
      }
    };
    try {
      const report = await this.seeder.seed({ until, onProgress, signal: this.abort.signal });
      this.logger.log(`demo seed done: ${JSON.stringify(report)}`);
    } catch (error) {
      if (error instanceof DemoSeedAborted) {
        this.logger.warn(`${error.message}; \`npm run cli -- seed demo --until ${until}\` completes it`);
      } else if (error instanceof DemoSeedError) {
        this.logger.error(`demo seed failed${error.rule ? ` (rule ${error.rule})` : ''}: ${error.message}`);
      } else {
        this.logger.error(
          `demo seed failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
      }
    }
  }
}
