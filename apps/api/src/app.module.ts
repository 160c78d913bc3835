import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthGuard, AuthModule, parseRoleMap } from '@parcours/auth';
import { DemoModule, DomainModule, upcast } from '@parcours/domain';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { type AppConfig, EventStoreModule, ProblemFilter } from '@parcours/platform';
import { ProjectionsModule, projectionWorkerScript } from '@parcours/projections';
import { CrossCapabilityModule } from '@parcours/cross-capability';
import { SqliteStoresModule } from '@parcours/sqlite-stores';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { IncomingMessage } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { ACCESS_POLICY } from './access-policy';
import { HealthController } from './health/health.controller';
import { requestForLog, responseForLog } from './security/log-redaction';
import { AddressRateLimitGuard, rateLimitsModule, UserRateLimitGuard } from './security/rate-limits';
import { StoreTenantDirectory } from './tenant-directory';

/** Request ids: the caller's `X-Request-Id` when it is sane, else a new one; it becomes the correlation id. */
function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID();
}

/** The projection thread's script; without it, the projections run on the request thread. */
const PROJECTION_WORKER = projectionWorkerScript(__dirname);

@Module({})
export class AppModule {
  /** The application for a configuration already validated (`loadConfig`). */
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Configuration is the environment only (api.md); validated once above, served by ConfigService.
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, validate: () => config }),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            genReqId: requestId,
            serializers: { req: requestForLog, res: responseForLog },
            // Tokens and cookies are secrets; bodies may carry health data: neither is ever logged.
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
              censor: '[redacted]',
            },
            // Every line names the service (bound once, not per request as `customProps` would).
            base: { pid: process.pid, hostname: hostname(), service: 'parcours-api' },
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
          oidcClaims: {
            rolesClaim: config.OIDC_ROLES_CLAIM,
            cptsClaim: config.OIDC_CPTS_CLAIM,
            roleMap: config.OIDC_ROLE_MAP === undefined ? undefined : parseRoleMap(config.OIDC_ROLE_MAP),
          },
          oidcJwksCooldownSeconds: config.OIDC_JWKS_COOLDOWN_SECONDS,
          oidcClient: {
            clientId: config.OIDC_CLIENT_ID,
            scope: config.OIDC_SCOPE,
            resource: config.OIDC_RESOURCE,
          },
          maxTokenLifetimeSeconds: config.TOKEN_MAX_LIFETIME_SECONDS,
          clockSkewSeconds: config.TOKEN_CLOCK_SKEW_SECONDS,
          devTokensRemote: config.DEV_TOKENS_REMOTE,
          policy: ACCESS_POLICY,
          tenants: {
            useFactory: (store: EventStore) => new StoreTenantDirectory(store),
            inject: [EVENT_STORE],
          },
        }),
        rateLimitsModule(config),
        SqliteStoresModule.forRoot(),
        DomainModule,
        ProjectionsModule.forRoot({
          ...(PROJECTION_WORKER ? { workerScript: PROJECTION_WORKER } : {}),
          upcast,
        }),
        CrossCapabilityModule,
        // Dev mode with SEED_DEMO (the default) and an empty store: the demo CPTS, loaded once listening.
        DemoModule.loadOnStart(),
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        // The guards, in the order they run: a flood is cut by address before any token is verified;
        // then who you are and what you may do (the access policy); then each user's own budget.
        { provide: APP_GUARD, useClass: AddressRateLimitGuard },
        { provide: APP_GUARD, useExisting: AuthGuard },
        { provide: APP_GUARD, useClass: UserRateLimitGuard },
      ],
    };
  }
}
