import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { StoreUnavailableError } from '@parcours/event-store';
import { preferredLanguage, type Problem, ProblemFilter } from '@parcours/platform';
import type { Request, Response } from 'express';
import type { Json } from './fhir-bundle';
import { FHIR_BASE } from './fhir-codes';

export const FHIR_CONTENT_TYPE = 'application/fhir+json; charset=utf-8';

/** FHIR's issue type for an HTTP status (`http://hl7.org/fhir/issue-type`). */
function issueCode(status: number): string {
  switch (status) {
    case 400:
      return 'invalid';
    case 401:
      return 'login';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 409:
    case 412:
      return 'conflict';
    case 413:
      return 'too-costly';
    case 415:
      return 'not-supported';
    case 422:
      return 'business-rule';
    case 429:
      return 'throttled';
    case 503:
      return 'transient';
    default:
      return status >= 500 ? 'exception' : 'processing';
  }
}

/**
 * A problem document as a FHIR OperationOutcome: an issue per problem named (its `expression` the FHIR
 * path, or the field), the broken rule as a coding of Parcours's rule code system.
 */
export function operationOutcome(problem: Problem): Json {
  const code = issueCode(problem.status);
  const rule = typeof problem.rule === 'string' ? problem.rule : undefined;
  const details = (text: string) => ({
    ...(rule ? { coding: [{ system: `${FHIR_BASE}/CodeSystem/rule`, code: rule }] } : {}),
    text,
  });
  const errors = problem.errors ?? [];
  const issue =
    errors.length > 0
      ? errors.map(({ path, message }) => ({
          severity: 'error',
          code,
          details: details(message),
          diagnostics: `${path}: ${message}`,
          expression: [path],
        }))
      : [
          {
            severity: 'error',
            code,
            details: details(problem.detail ?? problem.title),
            diagnostics: problem.detail ?? problem.title,
          },
        ];
  return { resourceType: 'OperationOutcome', issue };
}

/**
 * The FHIR routes answer every error as an OperationOutcome (`application/fhir+json`), with the status
 * the API gives the same error as a problem document; a 500 stays a bare "internal error".
 */
@Catch()
export class OperationOutcomeFilter implements ExceptionFilter {
  private readonly problems = new ProblemFilter();
  private readonly logger = new Logger('fhir');

  catch(error: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<Request>();
    const response = host.switchToHttp().getResponse<Response>();
    const problem = this.problems.toProblem(error, preferredLanguage(request.headers['accept-language']));
    if (problem.status >= 500 && problem.status !== 503) this.logger.error(error);
    if (response.headersSent) return;
    if (problem.status === 503) {
      response.setHeader(
        'Retry-After',
        String(error instanceof StoreUnavailableError ? error.retryAfterSeconds : 5),
      );
    }
    if (problem.status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
    response
      .status(problem.status)
      .setHeader('Content-Type', FHIR_CONTENT_TYPE)
      .send(JSON.stringify(operationOutcome(problem)));
  }
}
