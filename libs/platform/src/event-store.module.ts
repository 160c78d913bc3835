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

/** Opens the configured adapter: the embedded SQLite file in DATA_DIR, or EventStoreDB. */
export function openEventStore(
  config: Pick<AppConfig, 'EVENT_STORE' | 'DATA_DIR' | 'SQLITE_SYNCHRONOUS' | 'EVENTSTORE_CONNECTION_STRING'>,
): EventStore {
  if (config.EVENT_STORE === 'eventstoredb') {
    return new EventStoreDbEventStore(config.EVENTSTORE_CONNECTION_STRING!);
  }
  return new SqliteEventStore({
    path: join(config.DATA_DIR, 'events.db'),
    synchronous: config.SQLITE_SYNCHRONOUS,
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
              EVENTSTORE_CONNECTION_STRING: config.get('EVENTSTORE_CONNECTION_STRING', { infer: true }),
            }),
        },
        EventStoreCloser,
      ],
      exports: [EVENT_STORE],
    };
  }
}
