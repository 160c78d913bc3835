import 'reflect-metadata';
import { OverdueNotifier } from '@parcours/cross-capability';
import { NotificationDispatcher, NotificationReactor } from '@parcours/domain';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { Projections } from '@parcours/projections';
import { ConfigError } from '@parcours/platform';
import { Logger } from 'nestjs-pino';
import type { Server } from 'node:http';
import { configuredPort, createApp } from './app';

const SHUTDOWN_GRACE_MS = 10_000;

async function bootstrap(): Promise<void> {
  const app = await createApp(process.env);
  const logger = app.get(Logger);
  const port = configuredPort(app);
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
      // The notifiers and the dispatcher stop first (the attempts in hand recorded), and the projections
      // are given what they wrote last (a few seconds at most) before they stop with the application.
      Promise.all([
        app.get(NotificationReactor, { strict: false }).stop(),
        app.get(OverdueNotifier, { strict: false }).stop(),
        app.get(NotificationDispatcher, { strict: false }).stop(),
      ])
        .then(async () => {
          const head = await app.get<EventStore>(EVENT_STORE).headPosition();
          await app.get(Projections).waitFor(head, 5_000);
        })
        .catch(() => undefined)
        .then(() => app.close())
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
