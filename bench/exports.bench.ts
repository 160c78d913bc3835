/**
 * Exports benchmark (`npm run bench:exports`): the pseudonymised feed and the analytics job on a generated
 * year of one large CPTS (`projections-data.ts`, 1 000 000 events by default, the store shared with the
 * projection benchmark's cache).
 *
 * 1. The feed: `GET …/exports/events.ndjson` of the whole CPTS, read by a client that counts and discards
 *    it, from the built API started with `PROJECTIONS=off` (nothing else reads the log meanwhile): events/s,
 *    MB/s, and the API's resident memory before, at its peak during, and after each export.
 * 2. The analytics job (`dist/apps/analytics`, the built job as an analyst runs it) catching up from an
 *    empty directory over HTTP: wall time, events/s, its own peak memory, the dataset's size; then a second
 *    run with nothing new; then the year's 26 indicators computed by DuckDB from the dataset.
 * 3. Unless BENCH_COMPARE=0: the API restarted with its projections, once they have caught up, gives the
 *    year's indicators; the table says how many the job's SQL reproduces.
 *
 * Prints the tables and writes them to the "Exports and analytics" section of docs/benchmarks.md.
 * Knobs: BENCH_EVENTS (default 1 000 000), BENCH_RUNS (feed exports, default 3; job catch-ups: at most 2),
 * BENCH_DIR, BENCH_COMPARE.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalyticsDataset, type IndicatorFigure } from '../apps/analytics/src/dataset';
import { startApi, timedFetch, type BenchApi } from './api-process';
import {
  formatCount,
  type Grid,
  inTempDir,
  machineDescription,
  markdownGrid,
  repositoryRoot,
  runsFromEnv,
  summarise,
  textGrid,
  timed,
  watchOtherLoad,
  writeSection,
  type Summary,
} from './harness';
import { BENCH_CPTS, cachedStore, YEAR } from './projections-data';

function sizeFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a positive integer, not ${raw}`);
  return value;
}

const EVENTS = sizeFromEnv('BENCH_EVENTS', 1_000_000);
const FEED_RUNS = runsFromEnv(3);
const JOB_RUNS = Math.min(FEED_RUNS, 2);
const COMPARE = process.env.BENCH_COMPARE !== '0';
const JOB_MAIN = join(repositoryRoot(), 'dist/apps/analytics/src/main.js');

const seconds = (s: number) =>
  s >= 100 ? `${s.toFixed(0)} s` : s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`;
const mib = (value: number) => `${value.toFixed(0)} MiB`;
const range = (summary: Summary, format: (n: number) => string) =>
  summary.samples.length === 1 ? '— (one run)' : `${format(summary.min)} – ${format(summary.max)}`;

/** Resident memory of a process in MiB (VmRSS), or null once it is gone. */
function rssOf(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) / 1024;
  } catch {
    return null;
  }
}

/** Samples a process's memory every 100 ms; `stop` gives the peak seen. */
function watchMemory(pid: number): { stop: () => number } {
  let peak = rssOf(pid) ?? 0;
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid) ?? 0)), 100);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, rssOf(pid) ?? 0);
    },
  };
}

function directoryBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, entry) =>
      sum +
      (entry.isDirectory() ? directoryBytes(join(dir, entry.name)) : statSync(join(dir, entry.name)).size),
    0,
  );
}

// ---- 1. the feed ------------------------------------------------------------------------------------------

interface FeedRun {
  seconds: number;
  lines: number;
  bytes: number;
  rssBefore: number;
  rssPeak: number;
  rssAfter: number;
}

function exportOnce(api: BenchApi, token: string): Promise<FeedRun> {
  const url = `${api.url}/api/v1/cpts/${BENCH_CPTS}/exports/events.ndjson`;
  const rssBefore = rssOf(api.pid) ?? 0;
  const memory = watchMemory(api.pid);
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    get(url, { headers: { authorization: `Bearer ${token}` } }, (response) => {
      if (response.statusCode !== 200) {
        reject(new Error(`the feed answered HTTP ${response.statusCode}`));
        return;
      }
      let lines = 0;
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
      });
      response.on('end', () => {
        const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
        if (!response.trailers['parcours-next-position'])
          reject(new Error('the feed ended without its trailer'));
        resolve({
          seconds: elapsed,
          lines,
          bytes,
          rssBefore,
          rssPeak: memory.stop(),
          rssAfter: rssOf(api.pid) ?? 0,
        });
      });
      response.on('error', reject);
    }).on('error', reject);
  });
}

// ---- 2. the job -------------------------------------------------------------------------------------------

interface JobReport {
  added: number;
  pages: number;
  events: number;
  parquet: string | null;
}

function runJob(
  api: BenchApi,
  token: string,
  out: string,
): Promise<{ seconds: number; peak: number; report: JobReport }> {
  const started = process.hrtime.bigint();
  const child = spawn(
    process.execPath,
    [JOB_MAIN, '--api-url', api.url, '--cpts', BENCH_CPTS, '--out', out],
    {
      env: { PATH: process.env.PATH, PARCOURS_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const memory = watchMemory(child.pid!);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      const peak = memory.stop();
      if (code !== 0) {
        reject(new Error(`the analytics job exited with ${code}:\n${stderr}`));
        return;
      }
      resolve({
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        peak,
        report: JSON.parse(stdout.trim().split('\n').pop()!) as JobReport,
      });
    });
  });
}

interface JobRun {
  catchUp: { seconds: number; peak: number; report: JobReport };
  rerun: { seconds: number; report: JobReport };
  datasetBytes: number;
  parquetBytes: number;
  indicatorSeconds: number[];
  figures: IndicatorFigure[];
  duckdb: string;
}

async function jobOnce(api: BenchApi, token: string): Promise<JobRun> {
  return inTempDir('analytics', async (out) => {
    const catchUp = await runJob(api, token, out);
    if (catchUp.report.added !== EVENTS)
      throw new Error(`the job added ${catchUp.report.added} events, ${EVENTS} expected`);
    const rerun = await runJob(api, token, out);
    const dataset = await AnalyticsDataset.open(out, { readOnly: true });
    try {
      const indicatorSeconds: number[] = [];
      let figures: IndicatorFigure[] = [];
      for (let i = 0; i < 6; i += 1) {
        const elapsed = await timed(async () => {
          figures = await dataset.indicators(YEAR.from, YEAR.to);
        });
        if (i > 0) indicatorSeconds.push(elapsed);
      }
      const [{ version }] = await dataset.rows<{ version: string }>('SELECT version() AS version');
      return {
        catchUp,
        rerun,
        duckdb: version,
        datasetBytes: directoryBytes(out),
        parquetBytes: directoryBytes(join(out, 'events')),
        indicatorSeconds,
        figures,
      };
    } finally {
      dataset.close();
    }
  });
}

// ---- 3. the API's figures ---------------------------------------------------------------------------------

async function apiFigures(
  dataDir: string,
  head: number,
): Promise<{ figures: IndicatorFigure[]; caughtUpSeconds: number }> {
  const api = await startApi(dataDir, 600_000);
  try {
    const started = process.hrtime.bigint();
    const deadline = Date.now() + 1_200_000;
    for (;;) {
      const health = await timedFetch<{ projections?: Array<{ state: string; position: string }> }>(
        `${api.url}/health`,
      );
      const projections = health.body?.projections ?? [];
      if (
        projections.length > 0 &&
        projections.every((p) => p.state === 'running' && Number(p.position) >= head)
      )
        break;
      if (Date.now() > deadline)
        throw new Error(`the projections did not catch up: ${JSON.stringify(health.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const caughtUpSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const issued = await timedFetch<{ token: string }>(`${api.url}/api/v1/dev/tokens`, {
      body: { cpts: BENCH_CPTS, role: 'analyst' },
    });
    const year = await timedFetch<{ indicators: IndicatorFigure[] }>(
      `${api.url}/api/v1/cpts/${BENCH_CPTS}/indicators?from=${YEAR.from}&to=${YEAR.to}`,
      { token: issued.body!.token },
    );
    if (year.status !== 200) throw new Error(`GET …/indicators answered HTTP ${year.status}`);
    return { figures: year.body!.indicators, caughtUpSeconds };
  } finally {
    await api.stop();
  }
}

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );

// ---- report -----------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = new Date();
  const otherLoad = watchOtherLoad();
  const loadAtStart = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const base = process.env.BENCH_DIR || tmpdir();
  console.log(
    `Exports benchmark: ${formatCount(EVENTS)} events, ${FEED_RUNS} feed exports, ${JOB_RUNS} job catch-ups, in ${base}\n`,
  );
  const cached = await cachedStore(base, EVENTS, (line) => console.log(`    ${line}`));
  if (cached.events !== EVENTS)
    throw new Error(`the generated store holds ${cached.events} events, ${EVENTS} asked`);

  const result = await inTempDir('exports', async (dataDir) => {
    copyFileSync(cached.path, join(dataDir, 'events.db'));
    const api = await startApi(dataDir, 120_000, { PROJECTIONS: 'off' });
    const feeds: FeedRun[] = [];
    const jobs: JobRun[] = [];
    try {
      const issued = await timedFetch<{ token: string }>(`${api.url}/api/v1/dev/tokens`, {
        body: { cpts: BENCH_CPTS, role: 'analyst' },
      });
      const token = issued.body!.token;
      console.log(`1/3 the feed, ${FEED_RUNS} exports of the whole CPTS…`);
      for (let run = 1; run <= FEED_RUNS; run += 1) {
        const feed = await exportOnce(api, token);
        if (feed.lines !== EVENTS) throw new Error(`the feed gave ${feed.lines} lines, ${EVENTS} expected`);
        console.log(
          `    run ${run}: ${seconds(feed.seconds)}, ${formatCount(feed.lines / feed.seconds)} events/s, RSS ${mib(feed.rssBefore)} → peak ${mib(feed.rssPeak)}`,
        );
        feeds.push(feed);
      }
      console.log(`2/3 the analytics job, ${JOB_RUNS} catch-ups from an empty directory…`);
      for (let run = 1; run <= JOB_RUNS; run += 1) {
        const job = await jobOnce(api, token);
        console.log(
          `    run ${run}: caught up in ${seconds(job.catchUp.seconds)} (${job.catchUp.report.pages} pages), re-run ${seconds(job.rerun.seconds)}`,
        );
        jobs.push(job);
      }
    } finally {
      await api.stop();
    }
    let comparison: { agree: string[]; differ: string[]; caughtUpSeconds: number } | null = null;
    if (COMPARE) {
      console.log('3/3 the API with its projections: the year’s indicators…');
      const { figures, caughtUpSeconds } = await apiFigures(dataDir, EVENTS);
      const mine = new Map(jobs[0].figures.map((f) => [f.code, canonical(f)]));
      const agree = figures.filter((f) => mine.get(f.code) === canonical(f)).map((f) => f.code);
      const differ = figures.filter((f) => mine.get(f.code) !== canonical(f)).map((f) => f.code);
      comparison = { agree, differ, caughtUpSeconds };
    }
    return { feeds, jobs, comparison };
  });
  const load = otherLoad();
  const loadAtEnd = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

  const { feeds, jobs, comparison } = result;
  const feedSeconds = summarise(feeds.map((f) => f.seconds));
  const feedRate = summarise(feeds.map((f) => f.lines / f.seconds));
  const feedMBs = summarise(feeds.map((f) => f.bytes / 1e6 / f.seconds));
  const growth = summarise(feeds.map((f) => f.rssPeak - f.rssBefore));
  const catchUp = summarise(jobs.map((j) => j.catchUp.seconds));
  const catchUpRate = summarise(jobs.map((j) => EVENTS / j.catchUp.seconds));
  const rerun = summarise(jobs.map((j) => j.rerun.seconds));
  const jobPeak = summarise(jobs.map((j) => j.catchUp.peak));
  const indicatorMs = summarise(jobs.flatMap((j) => j.indicatorSeconds.map((s) => s * 1000)));
  const body = feeds[0].bytes;

  const table: Grid = {
    titles: ['what', 'median', 'range', 'notes'],
    rows: [
      [
        'feed: whole CPTS over HTTP',
        seconds(feedSeconds.median),
        range(feedSeconds, seconds),
        `${formatCount(EVENTS)} lines, ${(body / 2 ** 20).toFixed(0)} MiB of NDJSON`,
      ],
      [
        'feed: events/s',
        formatCount(feedRate.median),
        range(feedRate, formatCount),
        `${feedMBs.median.toFixed(1)} MB/s`,
      ],
      [
        'feed: API resident memory, peak − before',
        mib(growth.median),
        range(growth, mib),
        `before ${feeds.map((f) => mib(f.rssBefore)).join(', ')}; peak ${feeds.map((f) => mib(f.rssPeak)).join(', ')}; after ${feeds.map((f) => mib(f.rssAfter)).join(', ')}`,
      ],
      [
        'job: catch-up from empty (HTTP → DuckDB → Parquet)',
        seconds(catchUp.median),
        range(catchUp, seconds),
        `${jobs[0].catchUp.report.pages} pages of 50 000`,
      ],
      ['job: catch-up events/s', formatCount(catchUpRate.median), range(catchUpRate, formatCount), '—'],
      [
        'job: peak resident memory (its own process, DuckDB included)',
        mib(jobPeak.median),
        range(jobPeak, mib),
        '—',
      ],
      [
        'job: re-run with nothing new',
        seconds(rerun.median),
        range(rerun, seconds),
        `added ${jobs.map((j) => j.rerun.report.added).join(', ')}`,
      ],
      [
        'job: dataset on disk',
        `${(jobs[0].datasetBytes / 2 ** 20).toFixed(0)} MiB`,
        '—',
        `of which Parquet (zstd) ${(jobs[0].parquetBytes / 2 ** 20).toFixed(0)} MiB`,
      ],
      [
        `DuckDB: the 26 indicators for ${YEAR.from} → ${YEAR.to}`,
        `${indicatorMs.median.toFixed(0)} ms`,
        range(indicatorMs, (n) => `${n.toFixed(0)} ms`),
        `${indicatorMs.samples.length} queries after one warm-up`,
      ],
      ...(comparison
        ? [
            [
              'the job’s SQL vs GET …/indicators (the year)',
              `${comparison.agree.length} / ${comparison.agree.length + comparison.differ.length} agree`,
              '—',
              comparison.differ.length === 0
                ? 'every figure equal (value, numerator, denominator, breakdown)'
                : `differ: ${comparison.differ.join(', ')}`,
            ],
          ]
        : []),
    ],
  };
  console.log(`\n${textGrid(table)}`);

  const when = `${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const notes: string[] = [];
  notes.push(
    `The machine was shared with other engineers' builds and tests during this run (load average ` +
      `${loadAtStart} at the start, ${loadAtEnd} at the end, on 2 cores): absolute times are inflated and noisy. ` +
      `The CPU share above counts every process but the benchmark's own, the API and the job included.`,
  );
  const sectionBody = [
    `Measured ${when} by \`npm run bench:exports\` on ${machineDescription([`DuckDB ${jobs[0].duckdb}`])}. One CPTS of ` +
      `${formatCount(EVENTS)} events (\`bench/projections-data.ts\`, the store the projection benchmark caches). ` +
      `The built API started with \`PROJECTIONS=off\` (nothing else reads the log meanwhile); the feed read by a ` +
      `client that counts and discards it, ${FEED_RUNS} exports; memory is the API's VmRSS sampled every 100 ms. ` +
      `The analytics job is the built \`dist/apps/analytics\` run as an analyst runs it (its own process, over HTTP, ` +
      `pages of 50 000 events, one DuckDB transaction each, then one Parquet file), ${JOB_RUNS} catch-up(s) from an ` +
      `empty directory${comparison ? `; then the API restarted with its projections (caught up in ${seconds(comparison.caughtUpSeconds)}) for the year's figures` : ''}. ` +
      `During the run, ${load.text} (the API and the job included); load average ${loadAtStart} at the start, ${loadAtEnd} at the end.`,
    markdownGrid(table),
    ...notes,
    [
      '- **feed**: `GET …/exports/events.ndjson` without `limit`: every event of the CPTS, redacted, patient ids ' +
        'pseudonymised (HMAC-SHA-256), streamed in pages of 200 events; "peak − before" is how much the API grew ' +
        'while streaming the whole feed, which does not depend on its size.',
      "- **job: catch-up**: wall time of the job's process from start to exit, including the Parquet export and " +
        "DuckDB's index on `position`.",
    ].join('\n'),
  ].join('\n\n');
  const file = writeSection('Exports and analytics', sectionBody);
  console.log(`\nWritten to ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
