/**
 * HTTP benchmark (`npm run bench:http`): the API rows of the performance table in `quality.md`, against the
 * built API (`dist/apps/api/src/main.js`, as `npm start` runs it) on loopback, with an evenly paced
 * open-loop generator (`open-loop.ts`: latency from each request's scheduled time).
 *
 * 1. `POST …/pathways/{id}/referrals` (validation + decide + durable append) at 500 req/s for 30 s over
 *    1 000 pathways: p99 < 25 ms, 0 errors; and meanwhile the live lag (append → visible in every read
 *    model) from `/health` polled every 10 ms: p99 < 50 ms.
 * 2. `GET …/pathways/{id}` at 1 000 req/s for 30 s: p99 < 15 ms. Then the same reads over two API processes
 *    (a second one on the same DATA_DIR, `PROJECTIONS=off`), half each: not a target, what a second request
 *    process would give.
 * 3. The ceiling of each: rising rates, 10 s each, up to the first that misses p99 or has an error.
 * 4. A day's mix, reads ten times the writes (referrals; pathway views, the worklist, pathway lists).
 * 5. A command on a long pathway (500 events) against the same on short ones (5 events): ≤ 1.2×.
 * 6. As-of replay of a 100-event pathway (`GET …/pathways/{id}?asOf=`): < 5 ms.
 * 7. The HTTP stack's floors: the CPU a request costs the API (`GET /health`, a pathway view) against
 *    servers that answer the same pathway view's bytes and do nothing else — bare Node `http`, Express,
 *    Nest over Express (`floor-servers.ts`) — at the same rate: not a target, where a request's time goes.
 *
 * The API runs with `synchronous=FULL`, its appends written on the request thread (`SQLITE_WRITER=inline`,
 * the default), its projections in their thread (`PROJECTIONS=worker`, the default), request logs at `info`
 * (as deployed), and
 * the rate limits raised out of the way. The generator and the API share the machine's cores. Prints the
 * table, writes it to the "HTTP" section of docs/benchmarks.md; exits 0 when a target is missed.
 *
 * Knobs: BENCH_HTTP_SECONDS (length of the steady runs, default 30), BENCH_CEILING_SECONDS (each ceiling
 * step, default 10), BENCH_DIR (where the DATA_DIR goes).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApi, type BenchApi } from './api-process';
import type { FloorServer } from './floor-servers';
import {
  cpuSecondsOf,
  formatCount,
  machineDescription,
  median,
  watchOtherLoad,
  writeSection,
} from './harness';
import {
  inParallel,
  pathwayUrl,
  referralBody,
  referralUrl,
  send,
  setUpCpts,
  type Scenario,
} from './http-scenario';
import { openLoop, percentileOf, type LoadRequest, type LoadResult } from './open-loop';

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0)) throw new Error(`${name} must be a positive number, not ${raw}`);
  return value;
}

const STEADY_SECONDS = numberFromEnv('BENCH_HTTP_SECONDS', 30);
const CEILING_SECONDS = numberFromEnv('BENCH_CEILING_SECONDS', 10);
const PATHWAYS = 1000;
const TARGET = {
  commandRate: 500,
  commandP99: 25,
  readRate: 1000,
  readP99: 15,
  lagP99: 50,
  longVsShort: 1.2,
  asOfMs: 5,
};
const COMMAND_LADDER = [50, 100, 250, 500, 750, 1000, 1250, 1500, 2000, 2500, 3000];
const READ_LADDER = [100, 250, 500, 1000, 1500, 2000, 2500, 3000, 4000, 5000];
/**
 * The floors' rate: one that every server here keeps up with (the API's views keep its request thread
 * about two-thirds busy).
 */
const FLOOR_RATE = 500;
const MISSED = 'TARGET MISSED';

interface Row {
  what: string;
  rate: string;
  p50: string;
  p99: string;
  max: string;
  errors: string;
  target: string;
  met: string;
}

const ms = (value: number): string =>
  !Number.isFinite(value) ? '—' : value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;

function verdict(...checks: Array<[ok: boolean, failure: string]>): string {
  const failed = checks.filter(([ok]) => !ok).map(([, failure]) => failure);
  return failed.length === 0 ? 'yes' : `${MISSED} (${failed.join(', ')})`;
}

function errorsText(result: LoadResult): string {
  if (result.errors === 0) return '0';
  const kinds = Object.entries(result.errorKinds)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(', ');
  return `${result.errors} (${kinds})`;
}

function loadRow(what: string, result: LoadResult, targetP99: number, latencies = result.all.latencies): Row {
  const p99 = percentileOf(latencies, 0.99);
  return {
    what,
    rate: `${formatCount(result.rate)}/s × ${result.seconds} s`,
    p50: ms(percentileOf(latencies, 0.5)),
    p99: ms(p99),
    max: ms(latencies.length > 0 ? latencies[latencies.length - 1] : Number.NaN),
    errors: errorsText(result),
    target: `p99 < ${targetP99} ms, 0 errors`,
    met: verdict([p99 < targetP99, `p99 ${ms(p99)}`], [result.errors === 0, `${result.errors} errors`]),
  };
}

// ---- requests -------------------------------------------------------------------------------------------

const auth = (scenario: Scenario) => ({ authorization: `Bearer ${scenario.token}` });
const pathOf = (url: string): string => new URL(url).pathname + new URL(url).search;

function referralRequest(scenario: Scenario, n: number): LoadRequest {
  const pathwayId = scenario.pathways[n % scenario.pathways.length];
  return {
    method: 'POST',
    path: pathOf(referralUrl(scenario, pathwayId)),
    headers: auth(scenario),
    body: JSON.stringify(referralBody(scenario, n)),
    kind: 'POST …/referrals',
  };
}

function pathwayRequest(scenario: Scenario, n: number): LoadRequest {
  // A stride through the pathways, so that consecutive reads do not hit the same rows.
  const pathwayId = scenario.pathways[(n * 7919) % scenario.pathways.length];
  return {
    method: 'GET',
    path: pathOf(pathwayUrl(scenario, pathwayId)),
    headers: auth(scenario),
    kind: 'GET …/pathways/{id}',
  };
}

// ---- 1. commands at 500/s, with the live lag ---------------------------------------------------------------

interface LagSample {
  at: number;
  applied: bigint;
}

/** Polls /health every 10 ms: how far every projection has applied the log, over time. */
function watchProjections(url: string): { stop(): Promise<LagSample[]> } {
  const samples: LagSample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const sentAt = performance.now();
      try {
        const health = (await send(`${url}/health`)).body as { projections: Array<{ position: string }> };
        const applied = health.projections.reduce(
          (min, p) => (BigInt(p.position) < min ? BigInt(p.position) : min),
          BigInt(Number.MAX_SAFE_INTEGER),
        );
        samples.push({ at: performance.now(), applied });
      } catch {
        // A missed poll only lowers the resolution.
      }
      const wait = 10 - (performance.now() - sentAt);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return samples;
    },
  };
}

/**
 * For each acknowledged command, the first poll answered after its acknowledgement in which every read
 * model had applied its position: an upper bound of its lag (the poll's own round trip is included).
 */
function lags(acks: Array<{ at: number; position: bigint }>, samples: LagSample[]): Float64Array {
  const result: number[] = [];
  let from = 0;
  const sortedAcks = [...acks].sort((a, b) => a.at - b.at);
  for (const ack of sortedAcks) {
    while (from < samples.length && samples[from].at < ack.at) from += 1;
    for (let s = from; s < samples.length; s += 1) {
      if (samples[s].applied >= ack.position) {
        result.push(samples[s].at - ack.at);
        break;
      }
    }
  }
  return Float64Array.from(result).sort();
}

/**
 * The reads at the target's rate over two request processes: a second API on the same DATA_DIR, its
 * projections off (it serves the read store that the first one's projection thread writes), each taking
 * half the requests. The measurement behind "request processes side by side" in what it would take.
 */
async function readsOverTwoProcesses(
  api: BenchApi,
  dataDir: string,
  scenario: Scenario,
): Promise<LoadResult[]> {
  const second = await startApi(dataDir, 60_000, { PROJECTIONS: 'off' });
  try {
    // Warmed up and done with what it does once at start (the notifier's catch-up, the read store's
    // statistics), as the first one is by now.
    await openLoop({ url: second.url, rate: 400, seconds: 3, next: (i) => pathwayRequest(scenario, i) });
    await settle(second.url);
    return await Promise.all(
      [api, second].map((target, p) =>
        openLoop({
          url: target.url,
          rate: TARGET.readRate / 2,
          seconds: STEADY_SECONDS,
          next: (i) => pathwayRequest(scenario, 2 * i + p),
        }),
      ),
    );
  } finally {
    await second.stop();
  }
}

async function commandsWithLag(api: BenchApi, scenario: Scenario, offset: number) {
  const acks: Array<{ at: number; position: bigint }> = [];
  const watcher = watchProjections(api.url);
  const result = await openLoop({
    url: api.url,
    rate: TARGET.commandRate,
    seconds: STEADY_SECONDS,
    next: (i) => referralRequest(scenario, offset + i),
    onAnswer: (_i, _status, body, at) => {
      acks.push({ at, position: BigInt((JSON.parse(body) as { position: string }).position) });
    },
  });
  // The last commands are acknowledged at the very end: watch a second more for them to be applied.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const samples = await watcher.stop();
  return { result, lag: lags(acks, samples), acknowledged: acks.length };
}

// ---- 3. ceilings ---------------------------------------------------------------------------------------------

interface Step {
  rate: number;
  p99: number;
  errors: number;
  ok: boolean;
}

async function ceiling(
  ladder: readonly number[],
  targetP99: number,
  run: (rate: number) => Promise<LoadResult>,
): Promise<{ steps: Step[]; ceiling: number | null }> {
  const steps: Step[] = [];
  let best: number | null = null;
  for (const rate of ladder) {
    const result = await run(rate);
    const p99 = percentileOf(result.all.latencies, 0.99);
    const ok = p99 < targetP99 && result.errors === 0;
    steps.push({ rate, p99, errors: result.errors, ok });
    console.log(`    ${formatCount(rate)}/s: p99 ${ms(p99)}, ${result.errors} errors${ok ? '' : ' — over'}`);
    if (!ok) break;
    best = rate;
  }
  return { steps, ceiling: best };
}

// ---- 5. long vs short pathways, 6. as-of ---------------------------------------------------------------------

/** Appends `count` referrals to a pathway, one after the other. */
async function grow(scenario: Scenario, pathwayId: string, count: number, from: number): Promise<void> {
  for (let n = 0; n < count; n += 1) {
    const answer = await send(referralUrl(scenario, pathwayId), {
      token: scenario.token,
      body: referralBody(scenario, from + n),
    });
    if (answer.status !== 201) throw new Error(`referral: ${answer.status} ${answer.text}`);
  }
}

async function openPathway(scenario: Scenario): Promise<string> {
  const answer = await send(`${scenario.url}/api/v1/cpts/${scenario.cptsId}/pathways`, {
    token: scenario.token,
    body: {
      patientId: scenario.patients[0],
      kind: 'sortie-hospitalisation',
      openedAt: '2026-03-02T09:00:00+01:00',
    },
  });
  if (answer.status !== 201) throw new Error(`pathway: ${answer.status} ${answer.text}`);
  return (answer.body as { id: string }).id;
}

/** Milliseconds of one request, from sending to the last byte. */
async function timedRequest(url: string, init: Parameters<typeof send>[1]): Promise<number> {
  const started = performance.now();
  const answer = await send(url, init);
  const elapsed = performance.now() - started;
  if (answer.status >= 300) throw new Error(`${url}: ${answer.status} ${answer.text}`);
  return elapsed;
}

async function longVersusShort(scenario: Scenario): Promise<{ long: number[]; short: number[] }> {
  const COMMANDS = 100;
  const long = await openPathway(scenario);
  await grow(scenario, long, 499, 500_000);
  const shorts = await inParallel(
    Array.from({ length: COMMANDS }, (_, n) => n),
    8,
    async (n) => {
      const id = await openPathway(scenario);
      await grow(scenario, id, 4, 600_000 + n * 10);
      return id;
    },
  );
  const samples = { long: [] as number[], short: [] as number[] };
  // Alternated, one at a time: both see the same machine, and the long one stays ~500 events long.
  for (let n = 0; n < COMMANDS; n += 1) {
    samples.long.push(
      await timedRequest(referralUrl(scenario, long), {
        token: scenario.token,
        body: referralBody(scenario, 700_000 + n),
      }),
    );
    samples.short.push(
      await timedRequest(referralUrl(scenario, shorts[n]), {
        token: scenario.token,
        body: referralBody(scenario, 800_000 + n),
      }),
    );
  }
  return samples;
}

async function asOfReplay(scenario: Scenario): Promise<{ samples: number[]; events: number }> {
  const id = await openPathway(scenario);
  await grow(scenario, id, 99, 900_000);
  const asOf = new Date().toISOString();
  const url = `${pathwayUrl(scenario, id)}?asOf=${encodeURIComponent(asOf)}`;
  const check = await send(url, { token: scenario.token });
  if (check.status !== 200) throw new Error(`as-of: ${check.status} ${check.text}`);
  const events = ((check.body as { timeline?: unknown[] }).timeline ?? []).length;
  for (let n = 0; n < 20; n += 1) await timedRequest(url, { token: scenario.token });
  const samples: number[] = [];
  for (let n = 0; n < 200; n += 1) samples.push(await timedRequest(url, { token: scenario.token }));
  return { samples, events };
}

// ---- 7. the HTTP stack's floors -------------------------------------------------------------------------

interface Floor {
  what: string;
  /** CPU time of the server's process (every thread) per request, in µs. */
  cpuMicros: number;
  p50: number;
  p99: number;
  errors: number;
}

/** A floor server (`floor-servers.ts`) answering `body`, in a process of its own. */
async function startFloorServer(
  kind: FloorServer,
  body: string,
): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = spawn(process.execPath, [join(__dirname, 'floor-servers.js'), kind], {
    env: { PATH: process.env.PATH, BODY: body },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /PORT (\d+)/.exec(out);
      if (found) resolve(Number(found[1]));
    });
    child.on('exit', (code) => reject(new Error(`floor server ${kind} exited (${code}) before listening`)));
    setTimeout(() => reject(new Error(`floor server ${kind} not listening after 30 s`)), 30_000).unref();
  }).catch((error: unknown) => {
    child.kill();
    throw error;
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid!, stop: () => child.kill() };
}

/** `FLOOR_RATE` GETs of `path` for `CEILING_SECONDS` after a warm-up, and the server's CPU per request. */
async function measureFloor(
  what: string,
  target: { url: string; pid: number },
  path: string,
  headers: Record<string, string>,
): Promise<Floor> {
  const next = (): LoadRequest => ({ method: 'GET', path, headers });
  await openLoop({ url: target.url, rate: FLOOR_RATE, seconds: 3, next });
  const before = cpuSecondsOf(target.pid);
  const result = await openLoop({ url: target.url, rate: FLOOR_RATE, seconds: CEILING_SECONDS, next });
  const cpu = cpuSecondsOf(target.pid) - before;
  return {
    what,
    cpuMicros: (cpu / Math.max(1, result.sent)) * 1e6,
    p50: percentileOf(result.all.latencies, 0.5),
    p99: percentileOf(result.all.latencies, 0.99),
    errors: result.errors,
  };
}

async function floors(api: BenchApi, scenario: Scenario): Promise<{ floors: Floor[]; bytes: number }> {
  const view = pathwayRequest(scenario, 0);
  const sample = await send(`${api.url}${view.path}`, { token: scenario.token });
  if (sample.status !== 200) throw new Error(`GET ${view.path} → ${sample.status}`);
  const found: Floor[] = [];
  for (const [kind, what] of [
    ['node', 'bare Node `http`'],
    ['express', 'Express, one route'],
    ['nest', 'Nest over Express, one controller'],
  ] as const) {
    // A floor that cannot be measured is reported as such: the rows measured before it are kept.
    try {
      const server = await startFloorServer(kind, sample.text);
      try {
        found.push(await measureFloor(`${what}: the same bytes`, server, '/x/1', {}));
      } finally {
        server.stop();
      }
    } catch (error) {
      const failed = { cpuMicros: Number.NaN, p50: Number.NaN, p99: Number.NaN, errors: Number.NaN };
      found.push({ what: `${what}: not measured (${(error as Error).message})`, ...failed });
    }
  }
  found.push(await measureFloor('the API: `GET /health` (no token)', api, '/health', {}));
  found.push(
    await measureFloor('the API: `GET …/pathways/{id}` (one pathway)', api, view.path, auth(scenario)),
  );
  return { floors: found, bytes: Buffer.byteLength(sample.text) };
}

// ---- main ------------------------------------------------------------------------------------------------------

/**
 * Between phases: waits until the API has served what an overloaded phase left queued (requests the
 * generator gave up on are still answered, late) — three probes of `/health` in a row answered within
 * 20 ms, 60 s at most. Returns how long that took.
 */
async function settle(url: string): Promise<number> {
  const started = performance.now();
  for (let quick = 0; quick < 3 && performance.now() - started < 60_000;) {
    const sent = performance.now();
    await fetch(`${url}/health`)
      .then((response) => response.arrayBuffer())
      .catch(() => undefined);
    quick = performance.now() - sent < 20 ? quick + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return performance.now() - started;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const otherLoad = watchOtherLoad();
  const base = process.env.BENCH_DIR || tmpdir();
  mkdirSync(base, { recursive: true });
  const dataDir = mkdtempSync(join(base, 'parcours-bench-http-'));
  const api = await startApi(dataDir, 60_000);
  try {
    console.log(`HTTP benchmark: the built API at ${api.url}, DATA_DIR ${dataDir}`);
    console.log(`setting up a CPTS with ${PATHWAYS} pathways…`);
    const scenario = await setUpCpts(api.url, 'cpts-bench-http', { patients: 200, pathways: PATHWAYS });
    const rows: Row[] = [];
    /** How long the API took to drain after each overloaded phase. */
    const settled: Array<[after: string, ms: number]> = [];
    let offset = 0;

    // Warm-up: the JIT, the page cache, the connections.
    await openLoop({ url: api.url, rate: 200, seconds: 3, next: (i) => referralRequest(scenario, i) });
    await openLoop({ url: api.url, rate: 400, seconds: 3, next: (i) => pathwayRequest(scenario, i) });
    offset += 600;

    console.log(`1. POST …/referrals at ${TARGET.commandRate}/s for ${STEADY_SECONDS} s, with the live lag…`);
    const commands = await commandsWithLag(api, scenario, offset);
    offset += commands.result.sent;
    rows.push(
      loadRow('POST …/referrals (validation, decide, durable append)', commands.result, TARGET.commandP99),
    );
    const lagP99 = percentileOf(commands.lag, 0.99);
    rows.push({
      what: 'live lag: acknowledged → applied by every read model (upper bound)',
      rate: `${formatCount(TARGET.commandRate)} commands/s`,
      p50: ms(percentileOf(commands.lag, 0.5)),
      p99: ms(lagP99),
      max: ms(commands.lag[commands.lag.length - 1] ?? Number.NaN),
      errors:
        commands.lag.length === commands.acknowledged
          ? '0'
          : `${commands.acknowledged - commands.lag.length} never seen`,
      target: `p99 < ${TARGET.lagP99} ms`,
      met: verdict([lagP99 < TARGET.lagP99, `p99 ${ms(lagP99)}`]),
    });

    settled.push(['the commands at 500/s', await settle(api.url)]);
    console.log(`2. GET …/pathways/{id} at ${TARGET.readRate}/s for ${STEADY_SECONDS} s…`);
    const reads = await openLoop({
      url: api.url,
      rate: TARGET.readRate,
      seconds: STEADY_SECONDS,
      next: (i) => pathwayRequest(scenario, i),
    });
    rows.push(loadRow('GET …/pathways/{id}', reads, TARGET.readP99));

    settled.push(['the reads at 1 000/s', await settle(api.url)]);
    console.log(`   the same reads over two API processes…`);
    const split = await readsOverTwoProcesses(api, dataDir, scenario);
    const splitLatencies = Float64Array.from(split.flatMap((r) => [...r.all.latencies])).sort();
    const splitErrors = split.reduce((sum, r) => sum + r.errors, 0);
    rows.push({
      what: 'GET …/pathways/{id} over two API processes (the second: same DATA_DIR, PROJECTIONS=off)',
      rate: `2 × ${formatCount(TARGET.readRate / 2)}/s × ${STEADY_SECONDS} s`,
      p50: ms(percentileOf(splitLatencies, 0.5)),
      p99: ms(percentileOf(splitLatencies, 0.99)),
      max: ms(splitLatencies[splitLatencies.length - 1] ?? Number.NaN),
      errors: splitErrors === 0 ? '0' : split.map(errorsText).join(' + '),
      target: '— (what it would take)',
      met: '—',
    });
    settled.push(['the reads over two processes', await settle(api.url)]);
    console.log(`3. ceilings, ${CEILING_SECONDS} s per step…`);
    console.log('   POST …/referrals');
    const commandCeiling = await ceiling(COMMAND_LADDER, TARGET.commandP99, async (rate) => {
      const result = await openLoop({
        url: api.url,
        rate,
        seconds: CEILING_SECONDS,
        next: (i) => referralRequest(scenario, offset + i),
      });
      offset += result.sent;
      return result;
    });
    settled.push(["the commands' ceiling", await settle(api.url)]);
    console.log('   GET …/pathways/{id}');
    const readCeiling = await ceiling(READ_LADDER, TARGET.readP99, (rate) =>
      openLoop({ url: api.url, rate, seconds: CEILING_SECONDS, next: (i) => pathwayRequest(scenario, i) }),
    );
    const ceilingRow = (
      what: string,
      found: { steps: Step[]; ceiling: number | null },
      target: number,
      p99: number,
    ): Row => {
      const last = found.steps[found.steps.length - 1];
      const passed = found.steps.filter((s) => s.ok);
      const top = passed[passed.length - 1];
      return {
        what,
        rate:
          found.ceiling === null
            ? `< ${formatCount(found.steps[0].rate)}/s`
            : `${formatCount(found.ceiling)}/s`,
        p50: '—',
        p99: top ? ms(top.p99) : ms(last.p99),
        max: '—',
        errors: last.ok
          ? '0'
          : `next step ${formatCount(last.rate)}/s: p99 ${ms(last.p99)}, ${last.errors} errors`,
        target: `≥ ${formatCount(target)}/s with p99 < ${p99} ms`,
        met: verdict([
          (found.ceiling ?? 0) >= target,
          found.ceiling === null ? 'not even the first step' : `${formatCount(found.ceiling)}/s`,
        ]),
      };
    };
    rows.push(
      ceilingRow(
        'ceiling of POST …/referrals (10 s steps)',
        commandCeiling,
        TARGET.commandRate,
        TARGET.commandP99,
      ),
    );
    rows.push(
      ceilingRow('ceiling of GET …/pathways/{id} (10 s steps)', readCeiling, TARGET.readRate, TARGET.readP99),
    );

    settled.push(["the reads' ceiling", await settle(api.url)]);
    console.log(`4. a day's mix: 50 writes/s and 500 reads/s for ${STEADY_SECONDS} s…`);
    const list = `/api/v1/cpts/${scenario.cptsId}/pathways?status=open&limit=50`;
    const worklist = `/api/v1/cpts/${scenario.cptsId}/worklist`;
    const mix = await openLoop({
      url: api.url,
      rate: 550,
      seconds: STEADY_SECONDS,
      next: (i) => {
        if (i % 11 === 0) return referralRequest(scenario, offset + i);
        const r = i % 11;
        if (r <= 6) return pathwayRequest(scenario, i);
        if (r <= 8) return { method: 'GET', path: worklist, headers: auth(scenario), kind: 'GET …/worklist' };
        return { method: 'GET', path: list, headers: auth(scenario), kind: 'GET …/pathways?status=open' };
      },
    });
    offset += mix.sent;
    for (const [kind, result] of Object.entries(mix.byKind)) {
      const target = kind.startsWith('POST') ? TARGET.commandP99 : TARGET.readP99;
      const p99 = percentileOf(result.latencies, 0.99);
      rows.push({
        what: `mix: ${kind}`,
        rate: `${formatCount((result.sent / mix.sent) * 550)}/s of 550/s`,
        p50: ms(percentileOf(result.latencies, 0.5)),
        p99: ms(p99),
        max: ms(result.latencies[result.latencies.length - 1] ?? Number.NaN),
        errors: String(result.errors),
        target: `p99 < ${target} ms, 0 errors`,
        met: verdict([p99 < target, `p99 ${ms(p99)}`], [result.errors === 0, `${result.errors} errors`]),
      });
    }

    settled.push(['the mix', await settle(api.url)]);
    console.log('5. a command on a 500-event pathway vs on 5-event ones…');
    const lvs = await longVersusShort(scenario);
    const ratio = median(lvs.long) / median(lvs.short);
    rows.push({
      what: 'POST …/referrals on a 500-event pathway vs a 5-event one (one at a time)',
      rate: `${lvs.long.length} each`,
      p50: `${ms(median(lvs.long))} vs ${ms(median(lvs.short))}`,
      p99: `${ms(percentileOf(Float64Array.from(lvs.long).sort(), 0.99))} vs ${ms(percentileOf(Float64Array.from(lvs.short).sort(), 0.99))}`,
      max: '—',
      errors: '0',
      target: `median ≤ ${TARGET.longVsShort}× the short one`,
      met:
        ratio <= TARGET.longVsShort ? `yes (${ratio.toFixed(2)}×)` : verdict([false, `${ratio.toFixed(2)}×`]),
    });

    console.log('6. as-of replay of a 100-event pathway…');
    const asOf = await asOfReplay(scenario);
    const asOfMedian = median(asOf.samples);
    rows.push({
      what: `GET …/pathways/{id}?asOf= (as-of replay, ${asOf.events} events in its timeline)`,
      rate: `${asOf.samples.length} one at a time`,
      p50: ms(asOfMedian),
      p99: ms(percentileOf(Float64Array.from(asOf.samples).sort(), 0.99)),
      max: ms(Math.max(...asOf.samples)),
      errors: '0',
      target: `< ${TARGET.asOfMs} ms`,
      met: verdict([asOfMedian < TARGET.asOfMs, `median ${ms(asOfMedian)}`]),
    });

    console.log(`7. the HTTP stack's floors, ${FLOOR_RATE}/s…`);
    const floored = await floors(api, scenario);

    const memory = api.memory();
    const health = (await send(`${api.url}/health`)).body as { store: { position: string } };
    const load = otherLoad(cpuSecondsOf(api.pid));
    report(rows, {
      startedAt,
      load: load.text,
      busy: load.busy,
      events: health.store.position,
      rssMiB: memory?.rssMiB ?? Number.NaN,
      commandCeiling: commandCeiling.steps,
      readCeiling: readCeiling.steps,
      sendLagP99: Math.max(commands.result.sendLagP99, reads.sendLagP99),
      settled,
      floors: floored,
    });
  } finally {
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The floors' table: each server's CPU per request, and its share of what the API's pathway view costs. */
function floorMarkdown({ floors: found, bytes }: { floors: Floor[]; bytes: number }): string {
  const view = found[found.length - 1];
  const cpu = (micros: number) => (Number.isFinite(micros) ? `${formatCount(Math.round(micros))} µs` : '—');
  const share = (micros: number) =>
    Number.isFinite(micros / view.cpuMicros) ? `${Math.round((micros / view.cpuMicros) * 100)} %` : '—';
  return [
    `| floor: a server answering the same pathway view (${(bytes / 1024).toFixed(1)} KiB), ${FLOOR_RATE}/s × ${CEILING_SECONDS} s | CPU per request (its process, every thread) | share of the API's view | p50 | p99 | errors |`,
    '| --- | --- | --- | --- | --- | --- |',
    ...found.map(
      (f) =>
        `| ${f.what} | ${cpu(f.cpuMicros)} | ${share(f.cpuMicros)} | ${ms(f.p50)} | ${ms(f.p99)} | ${Number.isNaN(f.errors) ? '—' : f.errors} |`,
    ),
  ].join('\n');
}

function report(
  rows: Row[],
  facts: {
    startedAt: Date;
    load: string;
    busy: boolean;
    events: string;
    rssMiB: number;
    commandCeiling: Step[];
    readCeiling: Step[];
    sendLagP99: number;
    settled: Array<[after: string, ms: number]>;
    floors: { floors: Floor[]; bytes: number };
  },
): void {
  const titles = ['what', 'rate', 'p50', 'p99', 'max', 'errors', 'target', 'met?'];
  const cells = rows.map((r) => [r.what, r.rate, r.p50, r.p99, r.max, r.errors, r.target, r.met]);
  const widths = titles.map((t, i) => Math.max(t.length, ...cells.map((c) => c[i].length)));
  const text = [titles, widths.map((w) => '-'.repeat(w)), ...cells]
    .map((c) =>
      c
        .map((v, i) => v.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
  const markdown = [titles, widths.map((w) => '-'.repeat(w)), ...cells]
    .map((c) => `| ${c.map((v, i) => v.replace(/\|/g, '\\|').padEnd(widths[i])).join(' | ')} |`)
    .join('\n');
  console.log(`\n${text}\n`);
  const floorTable = floorMarkdown(facts.floors);
  console.log(`${floorTable}\n`);

  const ladder = (steps: Step[]) =>
    steps
      .map((s) => `${formatCount(s.rate)}/s → p99 ${ms(s.p99)}${s.errors ? `, ${s.errors} errors` : ''}`)
      .join('; ');
  const when = `${facts.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const body = [
    `Measured ${when} by \`npm run bench:http\` on ${machineDescription()}. The built API on loopback on a ` +
      `fresh DATA_DIR (SQLite, \`synchronous=FULL\`, the appends written on the request thread and the projections on ` +
      `a thread of their own, request logs at \`info\`, rate limits ` +
      `raised out of the way), one CPTS with ${formatCount(PATHWAYS)} pathways; load from an evenly paced ` +
      `open-loop generator in another process on the same 2 cores (\`bench/open-loop.ts\`: latency from each ` +
      `request's scheduled time, HTTP/1.1 keep-alive). Steady runs of ${STEADY_SECONDS} s after a warm-up; ` +
      `the generator's own lateness stayed under ${ms(facts.sendLagP99)} (p99). ${formatCount(Number(facts.events))} ` +
      `events in the log at the end; the API's resident memory then: ${facts.rssMiB.toFixed(0)} MiB. ` +
      `During the run, ${facts.load}.`,
    markdown,
    floorTable,
    ...(facts.busy
      ? [
          `The machine was busy with other work during this run (${facts.load}): latencies are inflated and ` +
            `ceilings lowered by that; the rows are to be read again on an idle machine.`,
        ]
      : []),
    [
      `- **Ceilings**: POST ${ladder(facts.commandCeiling)}. GET ${ladder(facts.readCeiling)}.`,
      `- **Live lag**: \`/health\` polled every 10 ms during the command run; a command's lag is the time from ` +
        `its 201 to the first poll answered in which every read model had applied its position (so the ` +
        `poll's own round trip is included: an upper bound).`,
      `- **Between phases** the API is left to serve what an overloaded phase left queued (the requests the ` +
        `generator gave up on are still answered), until three \`/health\` probes in a row answer within 20 ms: ` +
        `${facts.settled.map(([after, took]) => `after ${after} ${(took / 1000).toFixed(1)} s`).join(', ')}.`,
      `- **Mix**: one referral in eleven requests (50/s), the rest reads: pathway views (6 in 11), the ` +
        `worklist (2 in 11), the list of open pathways (2 in 11).`,
      `- **Long vs short**: one pathway grown to 500 events and 100 pathways of 5 events; a referral on ` +
        `the long one and one on a short one, alternated, one request at a time; medians compared.`,
      `- **As-of**: a pathway of 100 events read as of now (replayed from the log, not the read model), ` +
        `200 requests one at a time after 20 to warm up.`,
      `- **Where the time goes** (2026-12-07, idle machine): a CPU profile of the API's request thread ` +
        `(\`node --cpu-prof\`) at 500 referrals/s had it busy 94 % of the time: SQLite's group commit with ` +
        `its fsync on the event loop 13 %, reading the streams a decision needs 7.5 %, validating bodies 5 %, ` +
        `the notifier 5 %, garbage collection 7 %, the rest Nest's and Express's pipeline, the request logs and ` +
        `the rate limits spread thin. Since then the notifier writes a third as many transactions (a request ` +
        `and its delivery in one append, an event's recipients together, its checkpoint every 250 ms), the ` +
        `rate limits cost the same whatever the limit, the CPTS check is read once, and the writes can run on ` +
        `a thread of their own (see "The writes on a thread of their own" above). A route that does next to ` +
        `nothing costs 0.5 – 1 ms of the request thread (0.47 ms on the morning of 2026-12-07, 1.06 ms on a ` +
        `slower afternoon the day before), a GET of a pathway of about 16 events 1.3 – 1.4 ms, so 1 000/s ` +
        `is past one request thread, with the generator and the other threads on the same 2 cores. Two ` +
        `request processes serve them (the row "over two API processes"; its p99 is the two cores ` +
        `saturated by two APIs and the generator); what it would take is that, with one writer for both ` +
        `(two processes writing one SQLite file wait for each other's lock: commands at 500/s did no better ` +
        `split over two processes: "Request processes side by side" above), or a lighter HTTP stack.`,
      `- **Floors** (the second table): the bytes of one of the benchmark's pathway views answered at ` +
        `${FLOOR_RATE}/s by servers that do nothing else, each a process of its own (\`bench/floor-servers.ts\`), ` +
        `then the API's \`GET /health\` and its view of that pathway; the CPU time of the server's process ` +
        `(every thread, from \`/proc\`) per request. What the framework costs before Parcours does anything ` +
        `(Nest over Express, one controller: Express serialises the answer's JSON, as the API does) against ` +
        `what the API's view costs in all: 1 000 views a second need that cost times 1 000 of one core.`,
      `- The rows for 1 M events (\`GET …/indicators\` for a year, the API's memory with 1 M events stored) ` +
        `are measured by \`npm run bench:projections\` on its generated CPTS (section "Projections").`,
    ].join('\n'),
  ].join('\n\n');
  const file = writeSection('HTTP', body);
  console.log(`Written to ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
