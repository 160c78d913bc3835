import 'reflect-metadata';
import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { DomainModule, upcast } from '@parcours/domain';
import { ConfigError, EventStoreModule, loadConfig, secureDataDir, type AppConfig } from '@parcours/platform';
import { Projections, ProjectionsModule } from '@parcours/projections';
import { CrossCapabilityModule } from '@parcours/cross-capability';
import { SqliteStoresModule } from '@parcours/sqlite-stores';
import { hostname } from 'node:os';
import { Logger, LoggerModule } from 'nestjs-pino';

/**
 * The projection runner alone: for deployments where the API runs with PROJECTIONS=off and this process
 * follows the event store (EventStoreDB) and writes the read store the API instances read.
 */
@Module({})
class ProjectorModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: () => config }),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            base: { pid: process.pid, hostname: hostname(), service: 'parcours-projector' },
          },
        }),
        CqrsModule.forRoot(),
        EventStoreModule.forRoot(),
        SqliteStoresModule.forRoot(),
        DomainModule,
        ProjectionsModule.forRoot({ mode: 'inline', upcast }),
        CrossCapabilityModule,
      ],
    };
  }
}

const STATUS_EVERY_MS = 30_000;

async function bootstrap(): Promise<void> {
  const config = loadConfig(process.env);
  secureDataDir(config.DATA_DIR);
  const app = await NestFactory.createApplicationContext(ProjectorModule.forRoot(config), {
    bufferLogs: true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  await app.init();
  const projections = app.get(Projections);
  logger.log('Parcours projector running', 'projector');
  const report = setInterval(() => {
    void projections.status().then((statuses) => {
      for (const s of statuses)
        logger.log(
          `${s.name} v${s.version} ${s.state} position ${s.position} lag ${s.lag ?? '?'}`,
          'projector',
        );
    });
  }, STATUS_EVERY_MS).unref();
  const stop = (signal: NodeJS.Signals) => {
    logger.log(`${signal} received: stopping`, 'projector');
    clearInterval(report);
    app
      .close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`Parcours projector cannot start. ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `Parcours projector failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
