import { type DynamicModule, type INestApplicationContext, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { DomainModule, upcast } from '@parcours/domain';
import { type AppConfig, EventStoreModule } from '@parcours/platform';
import { ProjectionsModule, projectionWorkerScript } from '@parcours/projections';
import { CrossCapabilityModule } from '@parcours/cross-capability';
import { SqliteStoresModule } from '@parcours/sqlite-stores';

/** The projection thread's script: a rebuild is spread over threads running it. */
const WORKER = projectionWorkerScript(__dirname);

/** What CLI commands that need the application get: the store, the domain, the read models (not running). */
@Module({})
class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: () => config }),
        CqrsModule.forRoot(),
        EventStoreModule.forRoot(),
        SqliteStoresModule.forRoot(),
        DomainModule,
        ProjectionsModule.forRoot({ mode: 'off', upcast, ...(WORKER ? { workerScript: WORKER } : {}) }),
        CrossCapabilityModule,
      ],
    };
  }
}

/** Runs `work` inside an application context (no HTTP), closing it — and so the stores — afterwards. */
export async function withApplication<T>(
  config: AppConfig,
  work: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), {
    logger: ['error', 'warn'],
  });
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
