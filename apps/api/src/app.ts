import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import {
  type AppConfig,
  assertServableConfig,
  bodyParserErrors,
  createValidationPipe,
  jsonBodyParser,
  loadConfig,
  secureDataDir,
} from '@parcours/platform';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { OverdueNotifier } from '@parcours/cross-capability';
import { NotificationDispatcher, NotificationReactor } from '@parcours/domain';
import { AppModule } from './app.module';
import { serveWeb, WEB_DIR } from './web/serve-web';

const API_DOCS_PATH = 'api/docs';

/**
 * The API as it serves, without listening: `main.ts` listens; tests that need the application in-process
 * (the access matrix) get exactly what production runs. Throws `ConfigError` on a bad environment.
 */
export async function createApp(
  env: Record<string, string | undefined> = process.env,
): Promise<NestExpressApplication> {
  const config = loadConfig(env);
  assertServableConfig(config);
  secureDataDir(config.DATA_DIR);

  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  // The notifier follows the log in the API process, and starts with it; so do the overdue sweep and the
  // dispatcher, which sends what they recorded for e-mail and webhooks.
  app.get(NotificationReactor, { strict: false }).enable();
  app.get(OverdueNotifier, { strict: false }).enable();
  app.get(NotificationDispatcher, { strict: false }).enable();
  app.disable('x-powered-by');
  // No ETag computed from an answer's body: answers are `no-store` (never revalidated), and a hash of an
  // answer carrying health data is a fingerprint of it. A route that names a version (a pathway's
  // revision, for `If-Match`) sets its own.
  app.set('etag', false);
  app.use(apiHeaders());
  app.use(jsonBodyParser(), bodyParserErrors);
  app.useGlobalPipes(createValidationPipe());
  const identityProvider = config.AUTH_MODE === 'oidc' ? config.OIDC_ISSUER : undefined;
  if (!serveWeb(app, { identityProvider }))
    logger.warn(`The web UI is not built (no ${WEB_DIR}/index.html): run npm run build`, 'main');
  if (config.API_DOCS) serveApiDocs(app);
  if (config.AUTH_MODE === 'dev') warnDevAuth(logger, config);
  return app;
}

/**
 * Headers on every API answer: helmet's defaults with a Content-Security-Policy that allows nothing (an
 * API answer is data, never a page), and `Cache-Control: no-store` — answers carry health data, which no
 * browser or proxy cache may keep. The UI's files get their own policy (`serveWeb`), and the Swagger UI,
 * when enabled, needs inline scripts.
 */
function apiHeaders(): (request: Request, response: Response, next: NextFunction) => void {
  const strict = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
    },
    referrerPolicy: { policy: 'no-referrer' },
  });
  return (request, response, next) => {
    if (!request.path.startsWith('/api') && request.path !== '/health') return next();
    if (request.path.startsWith(`/${API_DOCS_PATH}`) && !request.path.startsWith('/api/docs-json')) {
      return next();
    }
    response.setHeader('Cache-Control', 'no-store');
    strict(request, response, next);
  };
}

function serveApiDocs(app: NestExpressApplication): void {
  const openApi = new DocumentBuilder()
    .setTitle('Parcours API')
    .setDescription(
      'Care pathways of a CPTS, recorded as immutable events. Errors are application/problem+json (RFC 9457).',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup(API_DOCS_PATH, app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'api/docs-json',
  });
}

/** Dev authentication must never go unnoticed: it lets anyone who reaches the API sign in as anyone. */
function warnDevAuth(logger: Logger, config: AppConfig): void {
  const reach = config.DEV_TOKENS_REMOTE ? 'from ANY host (DEV_TOKENS_REMOTE=true)' : 'from this machine';
  logger.warn(
    [
      '************************************************************************',
      'DEV AUTHENTICATION (AUTH_MODE=dev): anyone can mint a token for any role',
      `${reach} through POST /api/v1/dev/tokens. For a developer's machine only;`,
      'a deployment sets AUTH_MODE=oidc with OIDC_ISSUER and OIDC_AUDIENCE.',
      '************************************************************************',
    ].join('\n'),
    'auth',
  );
}

export function configuredPort(app: NestExpressApplication): number {
  return app.get(ConfigService<AppConfig, true>).get('PORT', { infer: true });
}
