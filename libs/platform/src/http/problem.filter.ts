import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Inject,
  Logger,
  Optional,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import {
  IdempotencyConflictError,
  InvalidEventError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
  storageUnavailable,
  type StoreUnavailableReason,
} from '@parcours/event-store';
import type { Request, Response } from 'express';
import { problem, ProblemError, PROBLEM_CONTENT_TYPE, type Problem } from './problem';

/**
 * Turns every error that reaches HTTP into `application/problem+json`. Client mistakes get their 4xx with
 * what was wrong; unknown errors get a bare 500 (details only in the log, never in the response).
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');
  /** Where the SQLite files live, to tell a full disk from a read-only one behind an I/O error. */
  private readonly dataDir: string | undefined;

  constructor(@Optional() @Inject(ConfigService) config?: ConfigService) {
    this.dataDir = config?.get<string>('DATA_DIR');
  }

  catch(caught: unknown, host: ArgumentsHost): void {
    // The other SQLite files (read store, idempotency records, access log, keys) fail with their disk too:
    // a 503 that says why, as the event store's own failures are.
    const error = storageUnavailable(caught, 'data files', this.dataDir) ?? caught;
    if (error !== caught) this.logger.warn((error as Error).message);
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    const body = this.toProblem(error, preferredLanguage(request.headers['accept-language']));
    if (body.status >= 500 && body.status !== 503) this.logger.error(error);
    if (response.headersSent) return;
    if (body.status === 503) {
      const seconds = error instanceof StoreUnavailableError ? error.retryAfterSeconds : 5;
      response.setHeader('Retry-After', String(seconds));
    }
    if (body.status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
    response.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }

  toProblem(error: unknown, language: 'fr' | 'en' = 'fr'): Problem {
    if (error instanceof ProblemError) return error.problem;
    // Domain errors (rules broken, unknown records, stale If-Match) describe themselves.
    if (isProblemSource(error)) return error.toProblem(language);
    if (error instanceof WrongExpectedRevisionError) {
      return problem(
        409,
        'concurrency-conflict',
        language === 'fr'
          ? 'Quelqu’un d’autre a modifié cet enregistrement entre-temps ; rechargez-le et réessayez.'
          : 'Someone else changed this record first; reload it and try again.',
        {
          expected: String(error.expected),
          actual: String(error.actual),
        },
      );
    }
    if (error instanceof IdempotencyConflictError) return problem(409, 'idempotency-conflict', error.message);
    if (error instanceof InvalidEventError) return problem(400, 'invalid-event', error.message);
    if (error instanceof StoreUnavailableError) {
      return problem(503, 'store-unavailable', unavailableDetail(error.reason, language), {
        reason: error.reason,
      });
    }
    if (error instanceof HttpException) return fromHttpException(error);
    return problem(500, 'internal', 'Internal error.');
  }
}

/** What a client (and the person behind the UI) is told; the store's own message stays in the logs. */
function unavailableDetail(reason: StoreUnavailableReason, language: 'fr' | 'en'): string {
  if (reason === 'disk-full') {
    return language === 'fr'
      ? "Le disque qui porte les données est plein : rien n'a été enregistré. La consultation reste possible ; réessayez quand de la place aura été libérée."
      : 'The disk that holds the data is full: nothing was recorded. Reading still works; try again once space has been freed.';
  }
  if (reason === 'read-only') {
    return language === 'fr'
      ? "Le disque qui porte les données est en lecture seule : rien n'a été enregistré. La consultation reste possible ; réessayez quand il sera de nouveau accessible en écriture."
      : 'The disk that holds the data is read-only: nothing was recorded. Reading still works; try again once it is writable again.';
  }
  return language === 'fr'
    ? "Le magasin d'événements ne peut pas prendre cette demande pour l'instant : rien n'a été enregistré. Réessayez dans un instant."
    : 'The event store cannot take this request now; nothing was recorded. Try again shortly.';
}

function fromHttpException(error: HttpException): Problem {
  const status = error.getStatus();
  const response = error.getResponse();
  if (typeof response === 'object' && response !== null && 'type' in response && 'status' in response) {
    return response as Problem; // already a problem document (e.g. from the validation pipe)
  }
  const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
  const detail = Array.isArray(message)
    ? message.join('; ')
    : typeof message === 'string'
      ? message
      : error.message;
  return problem(status, slugFor(status), detail);
}

function slugFor(status: number): string {
  switch (status) {
    case 400:
      return 'bad-request';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 405:
      return 'method-not-allowed';
    case 409:
      return 'conflict';
    case 412:
      return 'precondition-failed';
    case 413:
      return 'body-too-large';
    case 415:
      return 'unsupported-media-type';
    case 422:
      return 'rule-broken';
    case 429:
      return 'rate-limited';
    default:
      return status >= 500 ? 'internal' : 'error';
  }
}

interface ProblemSource {
  toProblem(language: 'fr' | 'en'): Problem;
}

function isProblemSource(error: unknown): error is ProblemSource {
  return error instanceof Error && typeof (error as Partial<ProblemSource>).toProblem === 'function';
}

/** French unless the client prefers English (the UI and its users are French). */
export function preferredLanguage(header: string | undefined): 'fr' | 'en' {
  const ranked = (header ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())).find(Boolean);
      return { tag: tag.split('-')[0], q: q ? Number(q[1]) : 1 };
    })
    .filter((entry) => entry.tag === 'fr' || entry.tag === 'en')
    .sort((a, b) => b.q - a.q);
  return ranked[0]?.tag === 'en' ? 'en' : 'fr';
}
