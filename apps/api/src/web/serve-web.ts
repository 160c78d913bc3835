import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where `npm run build` puts the UI (apps/web/build.mjs): `dist/web`, beside `dist/apps`. */
export const WEB_DIR = resolve(__dirname, '..', '..', '..', '..', 'web');

/**
 * Serves the coordinators' web UI (apps/web, built into dist/web) at `/`. The UI is a client of the
 * public API like any other; only its files are served here. Its responses carry a strict
 * Content-Security-Policy (own scripts, styles and API only; no inline code, no framing), set by helmet
 * on the UI's files only, since Swagger UI at /api/docs needs inline scripts. With OpenID Connect the UI
 * also talks to the identity provider (discovery, token and revocation endpoints): its origin, and no
 * other, is added to `connect-src`.
 *
 * Returns false when the UI was not built (the API still serves).
 */
export function serveWeb(
  app: NestExpressApplication,
  options: { dir?: string; identityProvider?: string } = {},
): boolean {
  const dir = options.dir ?? WEB_DIR;
  if (!existsSync(join(dir, 'index.html'))) return false;
  const connectSrc = ["'self'"];
  if (options.identityProvider) connectSrc.push(new URL(options.identityProvider).origin);
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc,
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
  });
  const files = express.static(dir, {
    index: 'index.html',
    // No hashed file names: the browser revalidates (ETag) so a new build is picked up at once.
    setHeaders: (response) => response.setHeader('Cache-Control', 'no-cache'),
  });
  app.use((request: express.Request, response: express.Response, next: express.NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    if (request.path.startsWith('/api') || request.path === '/health') return next();
    headers(request, response, (error?: unknown) => {
      if (error) next(error);
      else files(request, response, next);
    });
  });
  return true;
}
