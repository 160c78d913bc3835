/**
 * An evenly paced open-loop load generator over HTTP/1.1 keep-alive.
 *
 * Request i is due at start + i / rate, whatever happened to the ones before it (open loop: a slow server
 * does not slow the arrivals down, as real clients do not wait for each other). Its latency is measured
 * from that scheduled time, not from when it could actually be sent, so time spent queued behind a stalled
 * server — in the generator or in the kernel — counts (no coordinated omission). Arrivals are spread
 * evenly: a timer wakes every millisecond and sends what has fallen due, rather than bursts per second.
 *
 * Bounded in time and count: `seconds` of arrivals, at most `maxInFlight` outstanding (beyond, a request
 * counts as an error: the server is not keeping up), and a `timeoutMs` per request.
 */
import { Agent, request, type OutgoingHttpHeaders } from 'node:http';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: string;
  /** A label to report latencies per kind of request in a mix. */
  kind?: string;
}

export interface LoadOptions {
  /** http://host:port */
  url: string;
  rate: number;
  seconds: number;
  /** The i-th request (0-based). */
  next: (i: number) => LoadRequest;
  /** Statuses that count as success (default 2xx). */
  ok?: (status: number) => boolean;
  maxInFlight?: number;
  timeoutMs?: number;
  /** Called with each successful answer (its body parsed lazily by the caller) and its timing. */
  onAnswer?: (i: number, status: number, body: string, answeredAt: number) => void;
}

export interface KindResult {
  sent: number;
  errors: number;
  /** Milliseconds from scheduled time to the last byte of the answer, sorted. */
  latencies: Float64Array;
}

export interface LoadResult {
  rate: number;
  seconds: number;
  sent: number;
  errors: number;
  /** What went wrong, counted: `status 503`, `timeout`, `ECONNRESET`, `too many in flight`. */
  errorKinds: Record<string, number>;
  /** The arrival rate actually achieved (sent / arrival window). */
  achievedRate: number;
  /** The generator's own lateness: how far behind schedule sends went out, p99 in ms. */
  sendLagP99: number;
  byKind: Record<string, KindResult>;
  all: KindResult;
}

/** Nearest-rank percentile of sorted values. */
export function percentileOf(sorted: Float64Array | readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

const now = (): number => performance.now();

export async function openLoop(options: LoadOptions): Promise<LoadResult> {
  const { rate, seconds } = options;
  const total = Math.floor(rate * seconds);
  const ok = options.ok ?? ((status: number) => status >= 200 && status < 300);
  const maxInFlight = options.maxInFlight ?? Math.max(256, rate);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const target = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: maxInFlight, maxFreeSockets: maxInFlight });

  const latency = new Float64Array(total);
  const kinds = new Array<string>(total);
  const failed = new Uint8Array(total);
  const sendLag = new Float64Array(total);
  const errorKinds: Record<string, number> = {};
  const fail = (i: number, why: string): void => {
    failed[i] = 1;
    errorKinds[why] = (errorKinds[why] ?? 0) + 1;
  };

  let inFlight = 0;
  let sent = 0;
  let settled = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const settle = (): void => {
    settled += 1;
    if (settled === total) done();
  };

  const start = now() + 20;
  const due = (i: number): number => start + (i * 1000) / rate;

  const fire = (i: number): void => {
    const scheduled = due(i);
    sendLag[i] = now() - scheduled;
    const spec = options.next(i);
    kinds[i] = spec.kind ?? 'all';
    if (inFlight >= maxInFlight) {
      latency[i] = Number.POSITIVE_INFINITY;
      fail(i, 'too many in flight');
      settle();
      return;
    }
    inFlight += 1;
    const headers: OutgoingHttpHeaders = { ...spec.headers };
    if (spec.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(spec.body);
    }
    let finishedOne = false;
    const end = (why: string | null, status = 0, body = ''): void => {
      if (finishedOne) return;
      finishedOne = true;
      inFlight -= 1;
      const answeredAt = now();
      latency[i] = answeredAt - scheduled;
      if (why) fail(i, why);
      else options.onAnswer?.(i, status, body, answeredAt);
      settle();
    };
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: spec.method,
        path: spec.path,
        headers,
        agent,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          end(ok(status) ? null : `status ${status}`, status, Buffer.concat(chunks).toString());
        });
        res.on('error', (error: NodeJS.ErrnoException) => end(error.code ?? error.message));
      },
    );
    req.on('timeout', () => {
      req.destroy();
      end('timeout');
    });
    req.on('error', (error: NodeJS.ErrnoException) => end(error.code ?? error.message));
    req.end(spec.body);
  };

  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const t = now();
      while (sent < total && due(sent) <= t) {
        fire(sent);
        sent += 1;
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    setTimeout(tick, Math.max(0, start - now()));
  });
  const arrivalWindow = (now() - start) / 1000;
  if (total > 0) await finished;
  agent.destroy();

  const group = (indices: number[]): KindResult => {
    const values = indices.filter((i) => !failed[i]).map((i) => latency[i]);
    const sorted = Float64Array.from(values).sort();
    return { sent: indices.length, errors: indices.length - values.length, latencies: sorted };
  };
  const byIndex = new Map<string, number[]>();
  for (let i = 0; i < total; i += 1) {
    const list = byIndex.get(kinds[i]) ?? [];
    list.push(i);
    byIndex.set(kinds[i], list);
  }
  const byKind = Object.fromEntries([...byIndex].map(([kind, indices]) => [kind, group(indices)]));
  const all = group(Array.from({ length: total }, (_, i) => i));
  return {
    rate,
    seconds,
    sent: total,
    errors: all.errors,
    errorKinds,
    achievedRate: total / Math.max(arrivalWindow, 1e-9),
    sendLagP99: percentileOf(Float64Array.from(sendLag).sort(), 0.99),
    byKind,
    all,
  };
}
