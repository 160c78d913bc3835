/**
 * What every benchmark shares (`docs/benchmarks.md` explains the method): timing, repeated runs reduced
 * to median and range, throw-away temp directories, a plain-text table for the terminal and the
 * replacement of one `## …` section of `docs/benchmarks.md`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Runs of a measurement, from `BENCH_RUNS` when set (one value for all, so a longer run is one knob). */
export function runsFromEnv(fallback: number): number {
  const raw = process.env.BENCH_RUNS;
  if (raw === undefined || raw === '') return fallback;
  const runs = Number(raw);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`BENCH_RUNS must be a positive integer, not ${raw}`);
  return runs;
}

/** Wall-clock seconds taken by `work`. */
export async function timed(work: () => Promise<void> | void): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function summarise(samples: readonly number[]): Summary {
  return {
    median: median(samples),
    min: Math.min(...samples),
    max: Math.max(...samples),
    samples: [...samples],
  };
}

/**
 * A directory for one measurement, on the disk the store would use: `BENCH_DIR` when set (point it at the
 * data volume when /tmp is a tmpfs), else the OS temp dir. Removed afterwards, whatever happens.
 */
export async function inTempDir<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  const base = process.env.BENCH_DIR || tmpdir();
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, `parcours-bench-${prefix}-`));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- formatting -----------------------------------------------------------------------------------

/** 12345.6 → "12 346": grouped by hand so the output does not depend on the locale. */
export function formatCount(value: number): string {
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

export function formatRange(summary: Summary): string {
  return `${formatCount(summary.min)} – ${formatCount(summary.max)}`;
}

export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

export interface Row {
  what: string;
  perSecond: string;
  range: string;
  peer: string;
  ratio: string;
  target: string;
  /** `yes`, `TARGET MISSED (<which part>)`, or `—` when the row has no target. */
  met: string;
}

const COLUMNS: Array<[keyof Row, string]> = [
  ['what', 'what'],
  ['perSecond', 'events/s (median)'],
  ['range', 'range'],
  ['peer', 'peer'],
  ['ratio', 'ratio'],
  ['target', 'target'],
  ['met', 'met?'],
];

/** Plain padded columns for the terminal. */
export function textTable(rows: readonly Row[]): string {
  const widths = COLUMNS.map(([key, title]) => Math.max(title.length, ...rows.map((row) => row[key].length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    line(COLUMNS.map(([, title]) => title)),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map((row) => line(COLUMNS.map(([key]) => row[key]))),
  ].join('\n');
}

/** A Markdown table, padded like the text one so that the file reads well unrendered too. */
export function markdownTable(rows: readonly Row[]): string {
  const cells = rows.map((row) => COLUMNS.map(([key]) => row[key].replace(/\|/g, '\\|')));
  const titles = COLUMNS.map(([, title]) => title);
  const widths = titles.map((title, i) => Math.max(title.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]): string =>
    `| ${values.map((value, i) => value.padEnd(widths[i])).join(' | ')} |`;
  return [line(titles), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

// ---- machine and report ---------------------------------------------------------------------------

/** "<cpu model> × <count>, <memory>, Node <version>" plus whatever the caller adds (e.g. SQLite). */
export function machineDescription(extra: string[] = []): string {
  const cores = cpus();
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  const memory = `${(totalmem() / 2 ** 30).toFixed(1)} GiB`;
  return [`${model} × ${cores.length}`, memory, `Node ${process.versions.node}`, ...extra].join(', ');
}

/** Busy CPU time of the whole machine so far, in seconds (Linux: /proc/stat, in USER_HZ = 1/100 s). */
function machineBusySeconds(): number | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: idle, iowait and steal are not work done here.
    const [user, nice, system, , , irq, softirq] = fields;
    return (user + nice + system + irq + softirq) / 100;
  } catch {
    return null;
  }
}

export interface OtherLoad {
  /** Share of the machine's CPU capacity used by other processes during the run, or null if unknown. */
  share: number | null;
  busy: boolean;
  text: string;
}

/**
 * Other work on the machine (a build, a test suite) can halve absolute rates without a trace in the
 * results, so the CPU that other processes used during the run is recorded with them (on Linux): the
 * machine's busy time minus this process's own. Call the returned function at the end of the run.
 */
export function watchOtherLoad(): (subjectSeconds?: number) => OtherLoad {
  const busyAtStart = machineBusySeconds();
  const ownAtStart = process.cpuUsage();
  const startedAt = process.hrtime.bigint();
  /** `subjectSeconds`: CPU time of the processes under test started since (the API, `cpuSecondsOf`). */
  return (subjectSeconds = 0) => {
    const busyAtEnd = machineBusySeconds();
    if (busyAtStart === null || busyAtEnd === null) {
      return { share: null, busy: false, text: 'CPU used by other processes unknown (no /proc/stat)' };
    }
    const own = process.cpuUsage(ownAtStart);
    const ownSeconds = (own.user + own.system) / 1e6 + subjectSeconds;
    const elapsed = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const cores = cpus().length;
    const share = Math.max(0, (busyAtEnd - busyAtStart - ownSeconds) / (elapsed * cores));
    return {
      share,
      busy: share > 0.2,
      text: `other processes used ${Math.round(share * 100)} % of the ${cores} cores`,
    };
  };
}

/** CPU time (user + system) a running process has used since it started, from `/proc/<pid>/stat`. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in ticks.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
/** Linux's `USER_HZ`, the unit of `/proc/<pid>/stat` times (100 on every architecture Node runs on). */
const CLOCK_TICKS = 100;

/** The repository root: the nearest parent holding package.json (works from `dist/bench` and `bench`). */
export function repositoryRoot(from: string = __dirname): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}`);
    dir = parent;
  }
  return dir;
}

const HEADER = `# Benchmarks

Generated by \`npm run bench\` (one \`npm run bench:<name>\` per section); the targets are those of the
quality spec (\`spec/quality.md\`). How the numbers are made:

- Each measurement is repeated (default 5 runs, 3 for the long ones; \`BENCH_RUNS\` overrides) after one
  warm-up run, and reported as the **median** with the min – max range of the runs.
- Where a peer exists (the same work done by a simpler or rival implementation), the subject and the peer
  are measured back to back in each run, on the same machine and disk, and the **ratio** is the median of
  the per-run ratios: this cancels most of the machine's noise, which absolute numbers do not.
- Each section says when and on what it was measured (CPU model × cores, memory, Node and library
  versions). Benchmarks are never tests: nothing fails on a slow machine, missed targets are reported.
`;

/**
 * Writes `body` as the section `## <title>` of docs/benchmarks.md: replaces that section if present (up to
 * the next `## ` heading), appends it otherwise, and leaves every other section as it was.
 */
export function writeSection(
  title: string,
  body: string,
  file = join(repositoryRoot(), 'docs', 'benchmarks.md'),
  /** Where a section not there yet goes: after the others (default), or before them. */
  place: 'last' | 'first' = 'last',
): string {
  const heading = `## ${title}`;
  const section = `${heading}\n\n${body.trim()}\n`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : HEADER;
  const lines = current.split('\n');
  const start = lines.findIndex((line) => line.trimEnd() === heading);
  let next: string;
  const firstSection = lines.findIndex((line) => line.startsWith('## '));
  if (start === -1 && place === 'first' && firstSection !== -1) {
    const before = lines.slice(0, firstSection).join('\n').trimEnd();
    next = `${before}\n\n${section}\n${lines.slice(firstSection).join('\n').trim()}\n`;
  } else if (start === -1) {
    next = `${current.trimEnd()}\n\n${section}`;
  } else {
    const relativeEnd = lines.slice(start + 1).findIndex((line) => line.startsWith('## '));
    const end = relativeEnd === -1 ? lines.length : start + 1 + relativeEnd;
    const before = lines.slice(0, start).join('\n').trimEnd();
    const after = lines.slice(end).join('\n').trim();
    next = `${before}\n\n${section}${after ? `\n${after}\n` : ''}`;
  }
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, next);
  return file;
}

// ---- free-form tables -------------------------------------------------------------------------------

/** A table with its own columns, for sections whose rows are not events/s (see `Row` for those). */
export interface Grid {
  titles: string[];
  rows: string[][];
}

export function textGrid({ titles, rows }: Grid): string {
  const widths = titles.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(titles), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function markdownGrid({ titles, rows }: Grid): string {
  const cells = rows.map((row) => row.map((cell) => cell.replace(/\|/g, '\\|')));
  const widths = titles.map((title, i) => Math.max(title.length, ...cells.map((row) => row[i].length)));
  const line = (values: string[]) => `| ${values.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  return [line(titles), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
