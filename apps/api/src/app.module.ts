import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthModule } from '@parcours/auth';
import { DemoModule, DomainModule } from '@parcours/domain';
import { EventStoreModule, loadConfig, ProblemFilter } from '@parcours/platform';
import { ProjectionsModule } from '@parcours/projections';
import { ReadModelsModule } from '@parcours/read-models';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { HealthController } from './health/health.controller';

/** Request ids: the caller's `X-Request-Id` when it is sane, else a new one; it becomes the correlation id. */
function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
}

@Module({})
export class AppModule {
  /** `env` is validated here, so a bad variable stops the start before anything listens. */
  static forRoot(env: Record<string, string | undefined> = process.env): DynamicModule {
    const config = loadConfig(env);
    return {
      module: AppModule,
      imports: [
        // Configuration is the environment only (api.md); validated once above, served by ConfigService.
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: () => config }),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            genReqId: requestId,
            // Tokens and cookies are secrets; bodies may carry health data: neither is ever logged.
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
              censor: '[redacted]',
            },
            customProps: () => ({ service: 'parcours-api' }),
            autoLogging: { ignore: (request) => request.url === '/health' },
          },
        }),
        CqrsModule.forRoot(),
        EventStoreModule.forRoot(),
        AuthModule.forRoot({
          mode: config.AUTH_MODE,
          dataDir: config.DATA_DIR,
          oidcIssuer: config.OIDC_ISSUER,
          oidcAudience: config.OIDC_AUDIENCE,
        }),
        DomainModule,
        ProjectionsModule.forRoot(),
        ReadModelsModule,
        // Dev mode with SEED_DEMO (the default) and an empty store: the demo CPTS, loaded once listening.
        DemoModule.loadOnStart(),
      ],
      controllers: [HealthController],
      providers: [{ provide: APP_FILTER, useClass: ProblemFilter }],
    };
  }
}
