/**
 * Projection benchmark (`npm run bench:projections`): the read-side rows of the performance table in
 * `quality.md`, on a generated year of one large CPTS (`projections-data.ts`, 1 000 000 events by default).
 *
 * 1. Rebuild: every read model built from zero, spread over worker threads each reading the log once for
 *    its share (as `npm run cli -- rebuild` does: `BENCH_THREADS` overrides the default count), in an
 *    application context built as the CLI's; each run from an empty
 *    read store, after reading the whole log once (the peer: what any single reader pays). Targets:
 *    ≥ 50 000 log events/s, 1 M events in < 20 s; the read store ≤ 1.2× the event store on disk.
 * 2. `GET …/indicators` for the year and for a month, and one indicator's drill-down, on the built API
 *    started on the rebuilt DATA_DIR (caught up): median and p95 of 20 calls after one warm-up. Target:
 *    the year in < 200 ms. The API's resident memory after those calls. Target: < 300 MB.
 * 3. The live lag (append → visible in the read models) while that API takes `POST …/referrals` at
 *    500 commands/s for 20 s on the CPTS's open pathways, evenly paced. Target: p99 < 50 ms.
 *
 * Prints the tables and writes them to the "Projections" section of docs/benchmarks.md. Exits 0 when a
 * target is missed (benchmarks are not tests) but says so.
 *
 * Knobs: BENCH_EVENTS (log size, default 1 000 000), BENCH_RUNS (rebuild runs, default 3), BENCH_DIR (where
 * the generated store is cached, by size, and where the temp DATA_DIR goes), BENCH_CALLS (HTTP calls per
 * query, default 20), BENCH_LAG_SECONDS (default 20).
 */
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import Database from 'better-sqlite3';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { loadConfig } from '@parcours/platform';
import { ProjectionRegistry, Projections, ReadStore, type RebuildResult } from '@parcours/projections';
import { withApplication } from '../apps/cli/src/cli-context';
import { defaultRebuildThreads } from '../apps/cli/src/rebuild.command';
import { startApi, timedFetch, type BenchApi } from './api-process';
import { openLoop, percentileOf, type LoadResult } from './open-loop';
import {
  cpuSecondsOf,
  formatCount,
  inTempDir,
  machineDescription,
  median,
  runsFromEnv,
  summarise,
  timed,
  watchOtherLoad,
  writeSection,
  type Summary,
} from './harness';
import {
  APPEND_WINDOW,
  BENCH_CPTS,
  cachedStore,
  MONTH,
  planFor,
  YEAR,
  type CachedStore,
} from './projections-data';

function sizeFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, not ${raw}`);
  return value;
}

const EVENTS = sizeFromEnv('BENCH_EVENTS', 1_000_000);
const RUNS = runsFromEnv(3);
/**
 * Without an explicit BENCH_RUNS, no further rebuild run is started once it would end past this many
 * seconds of rebuilding (there is always one): a rebuild that misses its target by far would otherwise
 * take the whole benchmark past its ~10 minutes. BENCH_RUNS set explicitly runs them all.
 */
const RUNS_EXPLICIT = (process.env.BENCH_RUNS ?? '') !== '';
const REBUILD_BUDGET_SECONDS = sizeFromEnv('BENCH_REBUILD_BUDGET', 300);
const CALLS = sizeFromEnv('BENCH_CALLS', 20);
/** Threads the rebuild is spread over: as the CLI's `rebuild` (the cores, at most 4) unless given. */
const THREADS = process.env.BENCH_THREADS ? sizeFromEnv('BENCH_THREADS', 1) : defaultRebuildThreads();
const LAG_SECONDS = sizeFromEnv('BENCH_LAG_SECONDS', 20);
const LAG_RATE = 500;
const PAGE = 2000;
const DRILL_DOWN_CODE = 'parcours.sorties.taux-suivi-7j';

const TARGET = {
  rebuildPerSecond: 50_000,
  rebuildSecondsPer1M: 20,
  readStoreRatio: 1.2,
  lagP99Ms: 50,
  indicatorsYearMs: 200,
  apiRssMB: 300,
};
const MISSED = 'TARGET MISSED';

// ---- tables -------------------------------------------------------------------------------------------

type Table = { titles: string[]; rows: string[][] };

function textTable({ titles, rows }: Table): string {
  const widths = titles.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(titles), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function markdownTable({ titles, rows }: Table): string {
  const cells = rows.map((row) => row.map((cell) => cell.replace(/\|/g, '\\|')));
  const widths = titles.map((title, i) => Math.max(title.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  return [line(titles), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

const seconds = (s: number): string =>
  s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`;
const ms = (value: number): string => (value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`);
const mib = (value: number): string => `${value.toFixed(0)} MiB`;
const bytes = (n: number): string =>
  n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
const secondsRange = (s: Summary): string =>
  s.samples.length === 1 ? '— (one run)' : `${seconds(s.min)} – ${seconds(s.max)}`;

/** Nearest-rank percentile. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}

// ---- 1. rebuild -----------------------------------------------------------------------------------------

interface ProjectionRows {
  name: string;
  version: number;
  generation: string;
  rows: number;
  /** Bytes of its tables and indexes in the read store (SQLite's dbstat). */
  bytes: number;
  /** The digest of every row, timed (outside the rebuild). */
  checksumSeconds: number;
}

interface RebuildRun {
  /** The rebuild of every read model. */
  totalSeconds: number;
  /** CPU time of the rebuild, every thread of the process (user + system). */
  cpuSeconds: number;
  threads: number;
  /** The whole log read once, unfiltered, in pages of PAGE: what any single reader pays. */
  logReadSeconds: number;
  events: number;
  projections: ProjectionRows[];
  readStoreBytes: number;
  /** The process's peak resident memory (all its threads) at the end of the rebuild. */
  peakRssMiB: number;
}

async function readWholeLog(store: EventStore, expected: number): Promise<number> {
  let count = 0;
  const elapsed = await timed(async () => {
    let after = 0n;
    for (;;) {
      const page = await store.readAll({ after, maxCount: PAGE });
      count += page.length;
      if (page.length < PAGE) break;
      after = page[page.length - 1].position;
    }
  });
  if (count !== expected) throw new Error(`read ${count} events, ${expected} expected`);
  return elapsed;
}

/** Bytes of each table and index whose name starts with `prefix` (SQLite's dbstat virtual table). */
function bytesOf(readStore: ReadStore, prefix: string): number {
  try {
    const row = readStore.db
      .prepare<[string], { bytes: number | null }>(
        `SELECT SUM(pgsize) AS bytes FROM dbstat WHERE name LIKE ?`,
      )
      .get(`${prefix}%`);
    return row?.bytes ?? 0;
  } catch {
    return 0; // a SQLite built without dbstat
  }
}

function removeReadStore(dataDir: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(dataDir, `read.db${suffix}`), { force: true });
}

async function rebuildAll(dataDir: string, events: number, run: number): Promise<RebuildRun> {
  removeReadStore(dataDir);
  const config = loadConfig({ DATA_DIR: dataDir, SEED_DEMO: 'false', LOG_LEVEL: 'warn' });
  return withApplication(config, async (app: INestApplicationContext) => {
    const store = app.get<EventStore>(EVENT_STORE);
    const readStore = app.get(ReadStore);
    const projections = app.get(ProjectionRegistry).all();
    const head = Number(await store.headPosition());
    if (head !== events) throw new Error(`the store holds ${head} events, ${events} expected`);
    const logReadSeconds = await readWholeLog(store, events);
    console.log(
      `    run ${run}: log read once in ${seconds(logReadSeconds)}; rebuilding ${projections.length} read models over ${THREADS} thread(s)…`,
    );
    let lastPrint = 0;
    let result: RebuildResult | undefined;
    const startedAt = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    const totalSeconds = await timed(async () => {
      result = await app.get(Projections).rebuild(projections, {
        threads: THREADS,
        onProgress: (progress) => {
          const elapsed = Number(process.hrtime.bigint() - startedAt) / 1e9;
          if (elapsed - lastPrint < 2) return;
          lastPrint = elapsed;
          const rate = Number(progress.position) / elapsed;
          const eta = (head - Number(progress.position)) / Math.max(rate, 1);
          console.log(
            `      ${formatCount(Number(progress.position))} / ${formatCount(head)} positions, ${formatCount(rate)} events/s, ETA ${seconds(eta)}`,
          );
        },
      });
    });
    const cpu = process.cpuUsage(cpuBefore);
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    // Outside the total: each read model's rows, bytes and checksum time.
    const rows: ProjectionRows[] = [];
    for (const projection of projections) {
      const generation = result!.generations.get(projection.name)!;
      const checksumSeconds = await timed(() => {
        readStore.checksum(projection.name, generation);
      });
      rows.push({
        name: projection.name,
        version: projection.version,
        generation,
        rows: readStore.rowCount(projection.name, generation),
        bytes: bytesOf(readStore, ReadStore.tableNamer(projection.name, generation)('x').slice(0, -1)),
        checksumSeconds,
      });
    }
    readStore.db.pragma('wal_checkpoint(TRUNCATE)');
    return {
      totalSeconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      threads: result!.threads,
      logReadSeconds,
      events: result!.events,
      projections: rows,
      readStoreBytes: statSync(join(dataDir, 'read.db')).size,
      peakRssMiB,
    };
  });
}

// ---- 2–3. the API -----------------------------------------------------------------------------------------

interface Latency {
  what: string;
  status: number;
  samples: number[];
  bytes: number;
  note?: string;
  /** For a paged drill-down: how many events the page held, of how many. */
  page?: { events: number; total: number };
}

interface LagResult {
  commands: LoadResult;
  lag: { samples: number; p50Ms: number | null; p99Ms: number | null; maxMs: number | null } | null;
}

/**
 * `POST …/referrals` at LAG_RATE/s for LAG_SECONDS on the CPTS's open pathways (evenly paced, open loop),
 * then the API's live lag over those events (`/health`: append → read models committed).
 */
async function liveLag(api: BenchApi, token: string): Promise<LagResult> {
  const base = `${api.url}/api/v1/cpts/${BENCH_CPTS}`;
  const members = await timedFetch<{ items: Array<{ id: string }> }>(
    `${base}/members?active=true&profession=medecin-generaliste`,
    { token },
  );
  const gp = members.body?.items[0]?.id;
  const pathways = await timedFetch<{ items: Array<{ id: string }> }>(
    `${base}/pathways?status=open&limit=200`,
    {
      token,
    },
  );
  const ids = pathways.body?.items.map((p) => p.id) ?? [];
  if (!gp || ids.length === 0) throw new Error('no member or open pathway to refer from');
  console.log(`    POST …/referrals at ${LAG_RATE}/s for ${LAG_SECONDS} s on ${ids.length} open pathways…`);
  const commands = await openLoop({
    url: api.url,
    rate: LAG_RATE,
    seconds: LAG_SECONDS,
    next: (i) => ({
      method: 'POST',
      path: `/api/v1/cpts/${BENCH_CPTS}/pathways/${ids[i % ids.length]}/referrals`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        fromMemberId: gp,
        to: { profession: 'infirmier' },
        reason: 'Soins à domicile',
        urgency: 'programmee',
        referredAt: new Date(Date.now() - 60_000).toISOString(),
      }),
    }),
  });
  for (let i = 0; i < 100; i += 1) {
    const health = await timedFetch<{
      store: { position: string };
      projections: Array<{ position: string }>;
    }>(`${api.url}/health`);
    if (health.body?.projections.every((p) => p.position === health.body?.store.position)) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const health = await timedFetch<{ liveLag: LagResult['lag'] }>(`${api.url}/health`);
  return { commands, lag: health.body?.liveLag ?? null };
}

interface ApiResults {
  lag: LagResult;
  startMs: number;
  caughtUpMs: number;
  latencies: Latency[];
  memory: { rssMiB: number; peakMiB: number } | null;
  figures: Array<{ code: string; value: unknown }>;
  /** The projection versions the API runs, from `/health`. */
  served: Array<{ name: string; version: number }>;
  /** CPU time the API used (it is under test: not "other processes"). */
  cpuSeconds: number;
}

interface HealthProjection {
  name: string;
  version: number;
  position: string;
  state: string;
}

async function waitCaughtUp(
  api: BenchApi,
  head: number,
  timeoutMs = 600_000,
): Promise<{ ms: number; served: HealthProjection[] }> {
  const started = process.hrtime.bigint();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = await timedFetch<{ projections?: HealthProjection[] }>(`${api.url}/health`);
    const projections = health.body?.projections ?? [];
    if (
      projections.length > 0 &&
      projections.every((p) => p.state === 'running' && Number(p.position) >= head)
    ) {
      return { ms: Number(process.hrtime.bigint() - started) / 1e6, served: projections };
    }
    if (Date.now() > deadline)
      throw new Error(`the API's projections did not catch up: ${JSON.stringify(health.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function measureCalls(what: string, url: string, token: string): Promise<Latency> {
  const warm = await timedFetch(url, { token });
  if (warm.status !== 200) {
    const detail = (warm.body as { detail?: string } | undefined)?.detail;
    return {
      what,
      status: warm.status,
      samples: [],
      bytes: warm.bytes,
      note: `HTTP ${warm.status}${detail ? `: ${detail}` : ''}`,
    };
  }
  const samples: number[] = [];
  let size = warm.bytes;
  for (let i = 0; i < CALLS; i += 1) {
    const response = await timedFetch(url, { token });
    if (response.status !== 200) throw new Error(`${what}: HTTP ${response.status} on call ${i + 1}`);
    samples.push(response.ms);
    size = response.bytes;
  }
  const body = warm.body as { total?: unknown; events?: unknown } | undefined;
  const page =
    typeof body?.total === 'number' && Array.isArray(body.events)
      ? { events: body.events.length, total: body.total }
      : undefined;
  return { what, status: 200, samples, bytes: size, ...(page ? { page } : {}) };
}

async function benchApi(dataDir: string, head: number): Promise<ApiResults> {
  const api = await startApi(dataDir, 600_000, {
    RATE_LIMIT_PER_MINUTE: '100000000',
    RATE_LIMIT_IP_PER_MINUTE: '100000000',
  });
  try {
    const { ms: caughtUpMs, served } = await waitCaughtUp(api, head);
    const issued = await timedFetch<{ token: string }>(`${api.url}/api/v1/dev/tokens`, {
      body: { cpts: BENCH_CPTS, role: 'coordinator' },
    });
    const token = issued.body?.token;
    if (issued.status >= 300 || !token) throw new Error(`no dev token (HTTP ${issued.status})`);
    const base = `${api.url}/api/v1/cpts/${BENCH_CPTS}/indicators`;
    const year = `from=${YEAR.from}&to=${YEAR.to}`;
    const month = `from=${MONTH.from}&to=${MONTH.to}`;
    const latencies = [
      await measureCalls(`GET …/indicators, the year (${YEAR.from} → ${YEAR.to})`, `${base}?${year}`, token),
      await measureCalls(
        `GET …/indicators, a month (${MONTH.from} → ${MONTH.to})`,
        `${base}?${month}`,
        token,
      ),
      await measureCalls(
        `GET …/indicators/${DRILL_DOWN_CODE}/events, a month (first page)`,
        `${base}/${DRILL_DOWN_CODE}/events?${month}`,
        token,
      ),
      await measureCalls(
        `GET …/indicators/${DRILL_DOWN_CODE}/events, the year (first page)`,
        `${base}/${DRILL_DOWN_CODE}/events?${year}`,
        token,
      ),
    ];
    const memory = api.memory();
    const yearly = await timedFetch<unknown>(`${base}?${year}`, { token });
    const list = Array.isArray(yearly.body)
      ? (yearly.body as Array<{ code: string; value: unknown }>)
      : ((yearly.body as { indicators?: Array<{ code: string; value: unknown }> } | undefined)?.indicators ??
        []);
    const figures = list.map((f) => ({ code: f.code, value: f.value }));
    const lag = await liveLag(api, token);
    return {
      cpuSeconds: cpuSecondsOf(api.pid),
      lag,
      startMs: api.startMs,
      caughtUpMs,
      latencies,
      memory,
      figures,
      served: served.map(({ name, version }) => ({ name, version })),
    };
  } finally {
    await api.stop();
  }
}

// ---- report ---------------------------------------------------------------------------------------------

function verdict(ok: boolean, failure: string): string {
  return ok ? 'yes' : `${MISSED} (${failure})`;
}

function describeData(cached: CachedStore): string {
  const plan = planFor(cached.events);
  const t = cached.byType;
  const pathways = t.PathwayOpened ?? 0;
  return (
    `One CPTS (\`${BENCH_CPTS}\`), ${formatCount(cached.events)} events in ${formatCount(cached.streams)} streams, generated ` +
    `deterministically (\`bench/projections-data.ts\`, seeded) with the shapes the deciders accept: ` +
    `${formatCount(t.MemberJoined ?? 0)} members, ${formatCount(t.PatientRegistered ?? 0)} patients (sealed-looking ` +
    `identities), ${formatCount(pathways)} pathways opened in ${YEAR.from.slice(0, 4)} ` +
    `(${formatCount(t.DischargeNotified ?? 0)} discharges with ${formatCount(t.MedicationReconciliationSent ?? 0)} ` +
    `reconciliations and ${formatCount(t.FollowUpCompleted ?? 0)} follow-ups, ${formatCount(t.PatientReferred ?? 0)} ` +
    `referrals, ${formatCount(t.ProtocolApplied ?? 0)} protocol applications, ${formatCount(t.PathwayClosed ?? 0)} closures, ` +
    `${formatCount((t.EntryCorrected ?? 0) + (t.EntryVoided ?? 0))} corrections and voidings), ` +
    `${formatCount(t.UnscheduledCareRequested ?? 0)} unscheduled-care requests, ${formatCount(t.RcpHeld ?? 0)} RCPs, ` +
    `${formatCount((t.PreventionActionHeld ?? 0) + (t.TrainingHeld ?? 0))} prevention actions and trainings. ` +
    `Business times over ${YEAR.from.slice(0, 4)} in Paris time with offsets; the log is in recorded-time order ` +
    `(streams interleaved), planned a little over size (${formatCount(plan.patients)} patients, ` +
    `${formatCount(plan.dischargePathways + plan.chronicPathways + plan.protocolPathways)} pathways planned) ` +
    (cached.events >= EVENTS
      ? `and cut to the exact count at the end of December.`
      : `which gave ${formatCount(cached.events)} of the ${formatCount(EVENTS)} events asked.`)
  );
}

async function main(): Promise<void> {
  const started = new Date();
  const otherLoad = watchOtherLoad();
  const base = process.env.BENCH_DIR || tmpdir();
  mkdirSync(base, { recursive: true });
  console.log(
    `Projection benchmark: ${formatCount(EVENTS)} events, ${RUNS} rebuild runs, ${CALLS} calls per query, in ${base}\n`,
  );

  console.log('0/3 the generated CPTS…');
  const cached = await cachedStore(base, EVENTS, (line) => console.log(`    ${line}`));
  if (cached.fresh && cached.generatedIn !== null) {
    console.log(
      `    generated in ${seconds(cached.generatedIn)} (appends at ${formatCount(cached.appendPerSecond ?? 0)} events/s, ` +
        `synchronous=NORMAL, windows of ${APPEND_WINDOW} events)`,
    );
  }
  const storeBytes = statSync(cached.path).size;

  const result = await inTempDir('projections', async (dataDir) => {
    copyFileSync(cached.path, join(dataDir, 'events.db'));
    console.log(`1/3 rebuild of every projection, ${RUNS} runs, each from an empty read store…`);
    const runs: RebuildRun[] = [];
    let stoppedEarly = false;
    for (let run = 1; run <= RUNS; run += 1) {
      runs.push(await rebuildAll(dataDir, cached.events, run));
      const costs = runs.map((r) => r.logReadSeconds + r.totalSeconds);
      const spent = costs.reduce((a, b) => a + b, 0);
      if (!RUNS_EXPLICIT && run < RUNS && spent + median(costs) > REBUILD_BUDGET_SECONDS) {
        stoppedEarly = true;
        console.log(
          `    stopping after ${run} run(s): another would end past the ${REBUILD_BUDGET_SECONDS} s budget ` +
            `(BENCH_RUNS=${RUNS} runs them all)`,
        );
        break;
      }
    }
    console.log('2/3 the API on the rebuilt DATA_DIR: indicators…');
    const api = await benchApi(dataDir, cached.events);
    return { runs, api, stoppedEarly };
  });
  const load = otherLoad(result.api.cpuSeconds);

  // ---- rebuild table
  const { runs, api, stoppedEarly } = result;
  const runsText = runs.length === 1 ? 'a single run' : `the median of ${runs.length} runs`;
  const budgetText = stoppedEarly
    ? ` (${runs.length} of ${RUNS}: no further run was started past the ${REBUILD_BUDGET_SECONDS} s budget; ` +
      `\`BENCH_RUNS=${RUNS}\` runs them all)`
    : '';
  const total = summarise(runs.map((r) => r.totalSeconds));
  const logRead = summarise(runs.map((r) => r.logReadSeconds));
  const ratio = median(runs.map((r) => r.totalSeconds / r.logReadSeconds));
  const cpuPerEvent = median(runs.map((r) => (r.cpuSeconds / r.events) * 1e6));
  const last = runs[runs.length - 1];
  const readStoreRatio = last.readStoreBytes / storeBytes;
  const rebuildTable: Table = {
    titles: ['what', 'time (median)', 'range', 'log events/s', 'ratio to the log read once'],
    rows: [
      [
        `rebuild of all ${last.projections.length} read models, ${last.threads} thread${last.threads === 1 ? '' : 's'}`,
        seconds(total.median),
        secondsRange(total),
        formatCount(cached.events / total.median),
        `${ratio.toFixed(2)}× the time`,
      ],
      [
        'peer: the log read once (readAll, pages of 2 000, no projection)',
        seconds(logRead.median),
        secondsRange(logRead),
        formatCount(cached.events / logRead.median),
        '1×',
      ],
    ],
  };
  const modelsTable: Table = {
    titles: ['read model', 'rows', 'on disk (tables + indexes)', 'checksum'],
    rows: [
      ...last.projections.map((p) => [
        `${p.name} v${p.version}`,
        formatCount(p.rows),
        bytes(p.bytes),
        seconds(p.checksumSeconds),
      ]),
      [
        'read store (read.db)',
        formatCount(last.projections.reduce((sum, p) => sum + p.rows, 0)),
        `${bytes(last.readStoreBytes)} (${readStoreRatio.toFixed(2)}× the event store, ${bytes(storeBytes)})`,
        '—',
      ],
    ],
  };

  // ---- API table
  const latencyRows = api.latencies.map((l) =>
    l.samples.length === 0
      ? [l.what, '—', '—', '—', '—', l.note ?? `HTTP ${l.status}`]
      : [
          l.what,
          ms(median(l.samples)),
          ms(percentile(l.samples, 0.95)),
          `${ms(Math.min(...l.samples))} – ${ms(Math.max(...l.samples))}`,
          l.page
            ? `${bytes(l.bytes)}: ${formatCount(l.page.events)} of ${formatCount(l.page.total)} events`
            : bytes(l.bytes),
          '200',
        ],
  );
  latencyRows.push(
    ['API start on the rebuilt DATA_DIR (spawn → listening)', ms(api.startMs), '—', '—', '—', '—'],
    ['… then projections caught up (`/health`)', ms(api.caughtUpMs), '—', '—', '—', '—'],
  );
  const apiTable: Table = {
    titles: ['request', 'median', 'p95', 'range', 'response', 'status'],
    rows: latencyRows,
  };

  // ---- targets
  const overallPerSecond = cached.events / total.median;
  const per1M = (total.median * 1_000_000) / cached.events;
  const scaled = cached.events !== 1_000_000;
  const yearLatency = api.latencies[0];
  const yearMedian = yearLatency.samples.length > 0 ? median(yearLatency.samples) : null;
  const rssMB = api.memory ? (api.memory.rssMiB * 2 ** 20) / 1e6 : null;
  const sizeNote = scaled ? ` (on ${formatCount(cached.events)} events, not 1 M)` : '';
  const lag = api.lag.lag;
  const lagP99 = lag?.p99Ms ?? null;
  const commands = {
    p50: percentileOf(api.lag.commands.all.latencies, 0.5),
    p99: percentileOf(api.lag.commands.all.latencies, 0.99),
  };
  const commandErrors = Object.entries(api.lag.commands.errorKinds)
    .map(([status, n]) => `${n} × ${status}`)
    .join(', ');
  const targetsTable: Table = {
    titles: ['what', 'measured (median)', 'target', 'met?'],
    rows: [
      [
        'rebuild of all read models: log events / total wall time',
        `${formatCount(overallPerSecond)} events/s (${ratio.toFixed(2)}× the time of the log read once)`,
        `≥ ${formatCount(TARGET.rebuildPerSecond)} events/s`,
        verdict(overallPerSecond >= TARGET.rebuildPerSecond, `< ${formatCount(TARGET.rebuildPerSecond)}/s`),
      ],
      [
        'rebuild of all read models: 1 M events',
        scaled
          ? `${seconds(total.median)} for ${formatCount(cached.events)} (≈ ${seconds(per1M)} per 1 M)`
          : seconds(total.median),
        `< ${TARGET.rebuildSecondsPer1M} s`,
        verdict(
          per1M < TARGET.rebuildSecondsPer1M,
          `≥ ${TARGET.rebuildSecondsPer1M} s${scaled ? ', extrapolated' : ''}`,
        ),
      ],
      [
        'read store on disk / event store on disk',
        `${readStoreRatio.toFixed(2)}× (${bytes(last.readStoreBytes)} / ${bytes(storeBytes)})`,
        `≤ ${TARGET.readStoreRatio}×`,
        verdict(readStoreRatio <= TARGET.readStoreRatio, `> ${TARGET.readStoreRatio}×`),
      ],
      [
        `live lag (append → read models) at ${LAG_RATE} commands/s`,
        lag === null || lagP99 === null
          ? 'not measured'
          : `p99 ${ms(lagP99)} (p50 ${ms(lag.p50Ms ?? 0)}, max ${ms(lag.maxMs ?? 0)}; ${formatCount(lag.samples)} events)`,
        `p99 < ${TARGET.lagP99Ms} ms`,
        lagP99 === null
          ? `${MISSED} (not measured)`
          : verdict(lagP99 < TARGET.lagP99Ms, `p99 ≥ ${TARGET.lagP99Ms} ms`),
      ],
      [
        `GET …/indicators for a year${sizeNote}`,
        yearMedian === null
          ? `not measured: ${yearLatency.note ?? ''}`
          : `${ms(yearMedian)} (p95 ${ms(percentile(yearLatency.samples, 0.95))})`,
        `< ${TARGET.indicatorsYearMs} ms`,
        yearMedian === null
          ? `${MISSED} (route not available)`
          : verdict(yearMedian < TARGET.indicatorsYearMs, `≥ ${TARGET.indicatorsYearMs} ms`),
      ],
      [
        `API resident memory after the calls${sizeNote}`,
        api.memory && rssMB !== null
          ? `${rssMB.toFixed(0)} MB (${mib(api.memory.rssMiB)}; peak ${mib(api.memory.peakMiB)})`
          : 'unknown (no /proc)',
        `< ${TARGET.apiRssMB} MB`,
        rssMB === null ? '—' : verdict(rssMB < TARGET.apiRssMB, `≥ ${TARGET.apiRssMB} MB`),
      ],
    ],
  };

  const notes: string[] = [];
  if (load.busy) {
    notes.push(
      `The machine was busy with other work during this run (${load.text} on average): absolute times are ` +
        `inflated and noisy.`,
    );
  }
  const rebuilt = new Map(last.projections.map((p) => [p.name, p.version]));
  const changed = api.served.filter((p) => rebuilt.get(p.name) !== p.version);
  if (changed.length > 0) {
    notes.push(
      `\`dist/\` changed during this run (a concurrent build): the API runs ` +
        `${changed.map((p) => `${p.name} v${p.version} (rebuilt here: v${rebuilt.get(p.name) ?? '?'})`).join(', ')}, ` +
        `which it rebuilt before listening — its start time includes that rebuild, and the HTTP ` +
        `figures are those of the new version. Run again on a quiet tree for clean numbers.`,
    );
  }
  const missing = api.latencies.filter((l) => l.samples.length === 0);
  if (missing.length > 0) {
    notes.push(
      `Not measured: ${missing.map((l) => `${l.what} (${l.note ?? `HTTP ${l.status}`})`).join('; ')}. ` +
        `The rows come back once the route answers 200.`,
    );
  }
  notes.push(
    `The rebuild is spread over ${last.threads} worker thread${last.threads === 1 ? '' : 's'}, each reading the log once for ` +
      `its share of the read models (${formatCount(last.events)} events read in all); its CPU time, every thread ` +
      `of the process: ${Math.round(cpuPerEvent)} µs per event of the log (${(cpuPerEvent / 20).toFixed(1)}× the 20 µs ` +
      `that 50 000 events/s on one core allows); the process's peak resident memory: ${mib(last.peakRssMiB)}. ` +
      `The commands of the live-lag phase: ${formatCount(api.lag.commands.sent - api.lag.commands.errors)} answered, ` +
      `p50 ${ms(commands.p50)}, p99 ${ms(commands.p99)}${commandErrors ? `, errors ${commandErrors}` : ', no error'} ` +
      `(\`npm run bench:http\` measures them on their own).`,
  );

  console.log(
    `\n${textTable(targetsTable)}\n\n${textTable(rebuildTable)}\n\n${textTable(modelsTable)}\n\n${textTable(apiTable)}`,
  );
  if (api.figures.length > 0) {
    console.log(
      `\nYear figures: ${api.figures.map((f) => `${f.code}=${JSON.stringify(f.value)}`).join(', ')}`,
    );
  }
  for (const note of notes) console.log(`\nNote: ${note}`);

  const machine = machineDescription([`SQLite ${sqliteVersion()}`]);
  const when = `${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const earlier =
    cached.generatedIn === null
      ? ''
      : ` (which generated it in ${seconds(cached.generatedIn)}, appends at ${formatCount(cached.appendPerSecond ?? 0)} events/s)`;
  const generation = !cached.fresh
    ? `reused from the cache of an earlier run${earlier}`
    : `generated in ${seconds(cached.generatedIn ?? 0)} (appends at ${formatCount(cached.appendPerSecond ?? 0)} events/s, \`synchronous=NORMAL\`, windows of ${APPEND_WINDOW} events, one append per stream in each)`;
  const body = [
    `Measured ${when} by \`npm run bench:projections\` on ${machine}. Rebuild: ${runsText}${budgetText}, each ` +
      `from an empty read store: every read model built again, spread over worker threads that each read the log once for their share, in ` +
      `an application context built as the CLI's (as \`npm run cli -- rebuild\` does); no warm-up run, but each ` +
      `run first reads the whole log once (the "peer" row), which warms the page cache and the read path. ` +
      `Sizes: the files after a WAL checkpoint, and per read model SQLite's \`dbstat\`. HTTP: the built API ` +
      `(\`npm start\`, projections in their thread) started on the rebuilt DATA_DIR, ${CALLS} sequential calls ` +
      `per query after one warm-up, median and p95 (nearest rank); memory is the process's VmRSS after them; ` +
      `then ${LAG_RATE} \`POST …/referrals\` per second for ${LAG_SECONDS} s, evenly paced and open loop, ` +
      `and the live lag the API reports in \`/health\` (each event's recorded time to the commit of its ` +
      `read models). During the run, ${load.text}.`,
    describeData(cached) + ` Event store: ${bytes(storeBytes)}; ${generation}.`,
    markdownTable(targetsTable),
    markdownTable(rebuildTable),
    markdownTable(modelsTable),
    markdownTable(apiTable),
    ...notes,
    ...(api.figures.length > 0
      ? [
          `The year's figures, as a check that the data is plausible: ` +
            api.figures.map((f) => `\`${f.code}\` ${JSON.stringify(f.value)}`).join(', ') +
            '.',
        ]
      : []),
  ].join('\n\n');
  const file = writeSection('Projections', body);
  console.log(`\nWritten to ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
