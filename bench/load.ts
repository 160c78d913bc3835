/**
 * An evenly paced, open-loop load generator for the HTTP benchmarks: request i is due at `start + i / rate`
 * whatever happened to the ones before, and its latency counts from that due time, not from when it was
 * sent — a server that falls behind is charged for the queue it builds (a closed loop, or `autocannon -R`
 * sending each second's requests in one burst, would hide it). Requests go over a fixed pool of keep-alive
 * sockets (node:http), the way a reverse proxy talks to the service.
 */
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  token: string;
  body?: unknown;
}

export interface LoadResult {
  /** Requests due in the window. */
  scheduled: number;
  completed: number;
  /** Answers that were not 2xx, by status (0: the request failed). */
  errors: Record<string, number>;
  /** Latencies from the due time to the end of the response, ms, sorted. */
  latencies: number[];
  /** How late each request was sent after its due time (the generator's own delay), ms, sorted. */
  sendDelays: number[];
  /** Completed requests per second of the window. */
  throughput: number;
  seconds: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

export class HttpClient {
  private readonly agent: Agent;

  constructor(
    private readonly base: URL,
    sockets = 64,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  /** One request; resolves with the status and the body (0 when the request itself failed). */
  send(request: LoadRequest): Promise<{ status: number; body: string }> {
    const payload = request.body === undefined ? undefined : JSON.stringify(request.body);
    return new Promise((resolve) => {
      const req = httpRequest(
        {
          host: this.base.hostname,
          port: this.base.port,
          path: request.path,
          method: request.method,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${request.token}`,
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', () => resolve({ status: 0, body: '' }));
        },
      );
      req.on('error', () => resolve({ status: 0, body: '' }));
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `rate` requests per second for `seconds`, request i built by `make(i)`. Waits for the last answer (at
 * most `drainMs` after the window), then reports.
 */
export async function openLoop(
  client: HttpClient,
  rate: number,
  seconds: number,
  make: (i: number) => LoadRequest,
  drainMs = 30_000,
): Promise<LoadResult> {
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const latencies: number[] = [];
  const sendDelays: number[] = [];
  const errors: Record<string, number> = {};
  let completed = 0;
  const inFlight = new Set<Promise<void>>();
  const now = () => performance.now();
  const start = now() + 50;
  for (let i = 0; i < total; i += 1) {
    const due = start + i * interval;
    const wait = due - now();
    if (wait > 1) await sleep(wait - 0.5);
    // Requests whose time has come are sent at once, late or not: the load does not slow with the server.
    sendDelays.push(Math.max(0, now() - due));
    const sent = client.send(make(i)).then(({ status }) => {
      const ended = now();
      latencies.push(ended - due);
      completed += 1;
      if (status < 200 || status >= 300) errors[String(status)] = (errors[String(status)] ?? 0) + 1;
    });
    inFlight.add(sent);
    void sent.then(() => inFlight.delete(sent));
  }
  const windowEnd = now();
  await Promise.race([Promise.all([...inFlight]), sleep(drainMs)]);
  const elapsed = (Math.max(windowEnd, now()) - start) / 1000;
  latencies.sort((a, b) => a - b);
  sendDelays.sort((a, b) => a - b);
  for (let i = completed; i < total; i += 1) errors.timeout = (errors.timeout ?? 0) + 1;
  return {
    scheduled: total,
    completed,
    errors,
    latencies,
    sendDelays,
    throughput: completed / elapsed,
    seconds: elapsed,
  };
}

/** `p50 / p99 / max` of a result, ms. */
export function latencySummary(result: LoadResult): { p50: number; p99: number; max: number } {
  return {
    p50: percentile(result.latencies, 0.5),
    p99: percentile(result.latencies, 0.99),
    max: result.latencies[result.latencies.length - 1] ?? Number.NaN,
  };
}

/** CPU seconds a process used so far (user + system, all its threads), from /proc. */
export function processCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}
