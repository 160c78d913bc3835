import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ConfigService } from '@nestjs/config';
import {
  type AppConfig,
  bodyParserErrors,
  ConfigError,
  createValidationPipe,
  jsonBodyParser,
} from '@parcours/platform';
import { Logger } from 'nestjs-pino';
import type { Server } from 'node:http';
import { AppModule } from './app.module';
import { serveWeb, WEB_DIR } from './web/serve-web';

const SHUTDOWN_GRACE_MS = 10_000;

async function bootstrap(): Promise<void> {
  const module = AppModule.forRoot(process.env);
  const app = await NestFactory.create<NestExpressApplication>(module, {
    bufferLogs: true,
    bodyParser: false,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  app.disable('x-powered-by');
  app.use(jsonBodyParser(), bodyParserErrors);
  app.useGlobalPipes(createValidationPipe());
  if (!serveWeb(app))
    logger.warn(`The web UI is not built (no ${WEB_DIR}/index.html): run npm run build`, 'main');

  const openApi = new DocumentBuilder()
    .setTitle('Parcours API')
    .setDescription(
      'Care pathways of a CPTS, recorded as immutable events. Errors are application/problem+json (RFC 9457).',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'api/docs-json',
  });

  const port = app.get(ConfigService<AppConfig, true>).get('PORT', { infer: true });
  await app.listen(port);
  const server: Server = app.getHttpServer();
  const address = server.address();
  logger.log(
    `Parcours API listening on port ${typeof address === 'object' && address ? address.port : port}`,
    'main',
  );

  // Graceful shutdown: stop taking requests, let those in flight finish (their appends are acknowledged
  // only once durable), then close the store, which writes whatever is still queued.
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: finishing in-flight requests`, 'main');
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    server.close(() => {
      clearTimeout(force);
      app
        .close()
        .then(() => {
          logger.log('stopped', 'main');
          process.exit(0);
        })
        .catch((error: unknown) => {
          logger.error(error, 'main');
          process.exit(1);
        });
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`Parcours cannot start. ${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `Parcours failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
