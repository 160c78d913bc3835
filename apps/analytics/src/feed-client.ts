import { createWriteStream } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * One page of the pseudonymised feed (`GET …/exports/events.ndjson?after=&limit=`), streamed to a file:
 * the job never holds a page in memory, DuckDB reads the file. `node:http` rather than fetch: the position
 * to resume from comes as an HTTP trailer, which fetch does not expose.
 */

export const NEXT_POSITION_TRAILER = 'parcours-next-position';
export const FEED_SCHEMA_HEADER = 'parcours-feed-schema';

export class FeedError extends Error {}

export interface FeedPage {
  /** Lines written to the file. */
  lines: number;
  /** The `after` of the next request. */
  next: bigint;
  /** The feed's schema version (its header). */
  schema: number;
}

export interface FeedRequest {
  apiUrl: string;
  cptsId: string;
  token: string;
  after: bigint;
  limit: number;
  /** Where the page is written (replaced). */
  file: string;
  /** Milliseconds without a byte from the server before the request is abandoned. */
  idleTimeoutMs?: number;
}

function problemText(body: string): string {
  try {
    const problem = JSON.parse(body) as { detail?: string; title?: string };
    return problem.detail ?? problem.title ?? body.slice(0, 200);
  } catch {
    return body.slice(0, 200);
  }
}

/** Counts the line ends going through. */
class LineCounter extends Transform {
  lines = 0;
  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null, data?: Buffer) => void,
  ) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.lines += 1;
    done(null, chunk);
  }
}

export async function fetchFeedPage(request: FeedRequest): Promise<FeedPage> {
  const url = new URL(
    `api/v1/cpts/${encodeURIComponent(request.cptsId)}/exports/events.ndjson`,
    request.apiUrl.endsWith('/') ? request.apiUrl : `${request.apiUrl}/`,
  );
  url.searchParams.set('after', request.after.toString());
  url.searchParams.set('limit', String(request.limit));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = send(url, {
      headers: { authorization: `Bearer ${request.token}`, accept: 'application/x-ndjson' },
    });
    outgoing.setTimeout(request.idleTimeoutMs ?? 120_000, () =>
      outgoing.destroy(new FeedError(`${url.origin}: no answer for ${request.idleTimeoutMs ?? 120_000} ms`)),
    );
    outgoing.on('response', resolve);
    outgoing.on('error', reject);
    outgoing.end();
  });

  if (response.statusCode !== 200) {
    let body = '';
    for await (const chunk of response) body += String(chunk);
    throw new FeedError(`${url.origin}${url.pathname}: HTTP ${response.statusCode}: ${problemText(body)}`);
  }
  const schema = Number(response.headers[FEED_SCHEMA_HEADER]);
  const counter = new LineCounter();
  await pipeline(response, counter, createWriteStream(request.file));
  const next = response.trailers[NEXT_POSITION_TRAILER];
  if (next === undefined || !/^\d+$/.test(next)) {
    // The server stopped mid-way (or something between cut the trailer off): nothing of it is used.
    throw new FeedError(
      `${url.origin}: the feed response ended without its ${NEXT_POSITION_TRAILER} trailer`,
    );
  }
  return { lines: counter.lines, next: BigInt(next), schema };
}
