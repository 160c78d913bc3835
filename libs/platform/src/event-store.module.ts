import {
  type DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  EVENT_STORE,
  EventStoreDbEventStore,
  SqliteEventStore,
  type EventStore,
} from '@parcours/event-store';
import { join } from 'node:path';
import type { AppConfig } from './config';

type StoreConfig = Pick<
  AppConfig,
  | 'EVENT_STORE'
  | 'DATA_DIR'
  | 'SQLITE_SYNCHRONOUS'
  | 'EVENTSTORE_CONNECTION_STRING'
  | 'EVENTSTORE_USERNAME'
  | 'EVENTSTORE_PASSWORD'
  | 'EVENTSTORE_TLS_CA_FILE'
  | 'EVENTSTORE_DEADLINE_MS'
> &
  Partial<Pick<AppConfig, 'SQLITE_WRITER'>>;

/** The connection string with the CA file added (the client reads it as `tlsCAFile`). */
export function eventStoreConnectionString(config: StoreConfig): string {
  const base = config.EVENTSTORE_CONNECTION_STRING!;
  if (!config.EVENTSTORE_TLS_CA_FILE || /[?&]tlsCAFile=/i.test(base)) return base;
  const separator = base.includes('?') ? '&' : '?';
  return `${base}${separator}tlsCAFile=${encodeURIComponent(config.EVENTSTORE_TLS_CA_FILE)}`;
}

/** Opens the configured adapter: the embedded SQLite file in DATA_DIR, or EventStoreDB. */
export function openEventStore(config: StoreConfig, options: { pollIntervalMs?: number } = {}): EventStore {
  if (config.EVENT_STORE === 'eventstoredb') {
    return new EventStoreDbEventStore({
      connectionString: eventStoreConnectionString(config),
      username: config.EVENTSTORE_USERNAME,
      password: config.EVENTSTORE_PASSWORD,
      deadlineMs: config.EVENTSTORE_DEADLINE_MS,
    });
  }
  return new SqliteEventStore({
    path: join(config.DATA_DIR, 'events.db'),
    synchronous: config.SQLITE_SYNCHRONOUS,
    // Only where it is configured (the API and the CLI); a store that only reads never starts the thread.
    writerThread: config.SQLITE_WRITER === 'thread',
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
  });
}

class EventStoreCloser implements OnApplicationShutdown {
  private readonly logger = new Logger('event-store');
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Runs after the HTTP server has stopped taking requests (see main.ts): in-flight appends are written. */
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    this.logger.log('event store closed');
  }
}

@Global()
@Module({})
export class EventStoreModule {
  static forRoot(): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [
        {
          provide: EVENT_STORE,
          inject: [ConfigService],
          useFactory: (config: ConfigService<AppConfig, true>) =>
            openEventStore({
              EVENT_STORE: config.get('EVENT_STORE', { infer: true }),
              DATA_DIR: config.get('DATA_DIR', { infer: true }),
              SQLITE_SYNCHRONOUS: config.get('SQLITE_SYNCHRONOUS', { infer: true }),
              SQLITE_WRITER: config.get('SQLITE_WRITER', { infer: true }),
              EVENTSTORE_CONNECTION_STRING: config.get('EVENTSTORE_CONNECTION_STRING', { infer: true }),
              EVENTSTORE_USERNAME: config.get('EVENTSTORE_USERNAME', { infer: true }),
              EVENTSTORE_PASSWORD: config.get('EVENTSTORE_PASSWORD', { infer: true }),
              EVENTSTORE_TLS_CA_FILE: config.get('EVENTSTORE_TLS_CA_FILE', { infer: true }),
              EVENTSTORE_DEADLINE_MS: config.get('EVENTSTORE_DEADLINE_MS', { infer: true }),
            }),
        },
        EventStoreCloser,
      ],
      exports: [EVENT_STORE],
    };
  }
}
