import { json, type ErrorRequestHandler, type RequestHandler } from 'express';
import { problem, ProblemError } from './problem';

/** The largest body the API reads (api.md): beyond it, a 413 and nothing read further. */
export const BODY_LIMIT = '1mb';

/** body-parser marks its errors with `type`; each is the client's doing, never a 500. */
const PARSER_PROBLEMS: Record<string, [number, string, string]> = {
  'entity.too.large': [413, 'body-too-large', 'The request body is larger than 1 MiB.'],
  'entity.parse.failed': [400, 'malformed-json', 'The request body is not valid JSON'],
  'entity.verify.failed': [400, 'malformed-json', 'The request body is not valid JSON'],
  'encoding.unsupported': [415, 'unsupported-encoding', 'The request body encoding is not supported.'],
  'charset.unsupported': [415, 'unsupported-charset', 'The request body charset is not supported.'],
  'request.aborted': [400, 'request-aborted', 'The request was aborted by the client.'],
  'request.size.invalid': [400, 'bad-content-length', 'The request size does not match its Content-Length.'],
};

/** Parses JSON bodies (`application/json` and `application/*+json`) up to `BODY_LIMIT`. */
export function jsonBodyParser(): RequestHandler {
  return json({ limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] });
}

/**
 * Placed right after the parser: turns its errors into problem documents before Nest sees them (Nest
 * would keep only the message of a JSON syntax error, and answer the others with a 500).
 */
export const bodyParserErrors: ErrorRequestHandler = (error: unknown, _request, _response, next) => {
  const type = (error as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !(type in PARSER_PROBLEMS)) return next(error);
  const [status, slug, detail] = PARSER_PROBLEMS[type];
  const reason = type === 'entity.parse.failed' ? `: ${(error as Error).message}` : '';
  next(new ProblemError(problem(status, slug, `${detail}${reason}`)));
};
