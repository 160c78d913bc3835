import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { actorOf, principalOf } from '@parcours/auth';
import { invalidInput, type LocalizedProblemError, type Texts } from '@parcours/platform';
import type { Request } from 'express';
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { CommandMeta } from '../command-runner';
import { IdSource } from '../ids';

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

function invalidHeader(header: string, message: Texts): LocalizedProblemError {
  return invalidInput(header, message, 'invalid-header');
}

/** `If-Match: "3"` (an ETag as GET returns it) or `If-Match: 3`. */
export function parseIfMatch(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(value);
  if (!match) {
    throw invalidHeader('If-Match', {
      fr: 'If-Match doit être une révision, par exemple "3"',
      en: 'If-Match must be a revision, e.g. "3"',
    });
  }
  return Number(match[1]);
}

export function parseIdempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!KEY_PATTERN.test(value)) {
    throw invalidHeader('Idempotency-Key', {
      fr: 'Idempotency-Key doit compter 1 à 200 caractères ASCII visibles',
      en: 'Idempotency-Key must be 1 to 200 visible ASCII characters',
    });
  }
  return value;
}

/**
 * The command's metadata from the request: the authenticated actor, the tenant of the path, the request
 * id as correlation, the Idempotency-Key and If-Match headers, and the server's clock.
 */
export const Meta = createParamDecorator((_: unknown, context: ExecutionContext): CommandMeta => {
  const request = context.switchToHttp().getRequest<Request & { id?: unknown }>();
  const principal = principalOf(request);
  if (!principal) throw new Error('a command route must not be public in the access policy');
  const cptsId = (request.params.cptsId as string | undefined) ?? principal.cpts;
  if (!cptsId) throw new Error('a command needs a CPTS');
  const idempotencyKey = parseIdempotencyKey(request.header('idempotency-key'));
  return {
    cptsId,
    actor: actorOf(principal),
    correlationId: typeof request.id === 'string' ? request.id : randomUUID(),
    commandId: uuidv7(),
    source: request.header('x-parcours-client') === 'ui' ? 'ui' : 'api',
    expectedRevision: parseIfMatch(request.header('if-match')),
    ids: new IdSource(cptsId, idempotencyKey),
    now: new Date(),
  };
});
