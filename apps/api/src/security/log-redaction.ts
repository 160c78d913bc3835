import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Query parameters whose values may be logged: periods, paging, filters by code. Anything else — a
 * search term, a token someone put in the URL (`?access_token=`), a name — is logged as `[redacted]`,
 * since a query string can carry a secret or an identity.
 */
const LOGGABLE_PARAMETERS = new Set([
  'from',
  'to',
  'asOf',
  'after',
  'limit',
  'status',
  'kind',
  'granularity',
  'consistentWith',
  'contractYear',
  'active',
  'hasMedecinTraitant',
  'birthYear',
]);

/** A URL for the log: the path as is (ids are pseudonymous), query values only where known harmless. */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const query = new URLSearchParams(url.slice(mark + 1));
  const shown = [...query.keys()].map((key) =>
    LOGGABLE_PARAMETERS.has(key) ? `${key}=${encodeURIComponent(query.get(key) ?? '')}` : `${key}=[redacted]`,
  );
  return `${url.slice(0, mark)}?${shown.join('&')}`;
}

/**
 * What a request's log line says about it: method, redacted URL, the client's address. Not the headers
 * (tokens, cookies), not the body (health data), not the parsed query (it would repeat what was redacted).
 */
export function requestForLog(request: IncomingMessage & { id?: unknown; raw?: IncomingMessage }): object {
  const raw = request.raw ?? request;
  return {
    id: request.id,
    method: raw.method,
    url: redactUrl((raw as { originalUrl?: string }).originalUrl ?? raw.url ?? ''),
    remoteAddress: raw.socket?.remoteAddress,
  };
}

/**
 * What a request's log line says about its answer: the status. Not the headers: a download's file name
 * (`Content-Disposition`) names its record, and the other headers are the same on every answer.
 */
export function responseForLog(response: ServerResponse): object {
  return { statusCode: response.statusCode };
}
