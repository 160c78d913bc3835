import { actorOf, type Principal } from '@parcours/auth';
import type { EventSource } from '@parcours/event-store';
import { LocalizedProblemError } from '@parcours/platform';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import type { ImportContext } from './importer';

/** The import's context from an HTTP request: the CPTS of the path, the caller, the request id. */
export function importContext(
  request: Request & { id?: unknown },
  principal: Principal,
  cptsId: string,
  source: EventSource,
): ImportContext {
  return {
    cptsId,
    actor: actorOf(principal),
    correlationId: typeof request.id === 'string' ? request.id : randomUUID(),
    source,
    now: new Date(),
  };
}

/**
 * The request body as bytes, for the routes that read a file (a CSV in Latin-1 is not text until it is
 * decoded) or parse their own format: at most `limit` bytes, a 413 beyond — read no further.
 */
export async function rawBody(request: Request, limit: number): Promise<Buffer> {
  if (request.readableEnded || (request as { _body?: unknown })._body === true) {
    // The JSON parser already read it: this route takes a file, not JSON.
    throw new LocalizedProblemError(415, 'unsupported-media-type', {
      fr: 'Envoyez le fichier lui-même (par exemple text/csv), pas du JSON.',
      en: 'Send the file itself (e.g. text/csv), not JSON.',
    });
  }
  const declared = Number(request.header('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > limit) {
      request.unpipe();
      request.resume();
      throw tooLarge(limit);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): LocalizedProblemError {
  const mib = Math.round(limit / 1024 / 1024);
  return new LocalizedProblemError(413, 'body-too-large', {
    fr: `Le corps de la requête dépasse ${mib} Mio.`,
    en: `The request body is larger than ${mib} MiB.`,
  });
}
