/**
 * The last step of `npm run bench`: the "Targets at a glance" section of docs/benchmarks.md, one line per
 * performance row of `quality.md`, taken from the tables the benchmarks just wrote (each section keeps its
 * details, its peers and its notes on what a missed target would take). A row no section measured says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot, writeSection } from './harness';

interface Target {
  /** The row of quality.md. */
  quality: string;
  /** Where it is measured: the section, and a test on the `what` cell of its table rows. */
  section: string;
  what: RegExp;
  /** Extra condition on the row (e.g. its peer column), for sections with several rows per subject. */
  where?: (cells: Record<string, string>) => boolean;
}

const TARGETS: Target[] = [
  {
    quality:
      'embedded store, 64 concurrent writers, group commit: ≥ 10 000 events/s and ≥ 1.5× one tx per event',
    section: 'Event store',
    what: /writers × 1 event, store, group commit/,
    where: (c) => c.peer === 'store, 1 tx/event',
  },
  {
    quality: 'embedded store, batched appends (100): ≥ 50 % of raw better-sqlite3',
    section: 'Event store',
    what: /^batched appends/,
    where: (c) => c.peer.startsWith('raw'),
  },
  {
    quality: 'reading the global log: ≥ 200 000 events/s, ≥ 50 % of a raw scan',
    section: 'Event store',
    what: /^readAll/,
    where: (c) => c.peer.startsWith('raw'),
  },
  {
    quality: 'projection rebuild, all read models: ≥ 50 000 events/s',
    section: 'Projections',
    what: /^rebuild of all .* wall time/,
  },
  {
    quality: 'projection rebuild: 1 M events in < 20 s',
    section: 'Projections',
    what: /^rebuild of all .*1 M/,
  },
  {
    quality: 'read store size ≤ 1.2× the event store',
    section: 'Projections',
    what: /^read store (size|on disk)/,
  },
  {
    quality: 'a command on a long pathway ≤ 1.2× on a short one (500 vs 5 events)',
    section: 'HTTP',
    what: /500-event pathway/,
  },
  { quality: 'live lag at 500 commands/s: p99 < 50 ms', section: 'HTTP', what: /^live lag/ },
  {
    quality: 'vs Emmett, 64 concurrent single appends: ≥ 2×',
    section: 'Event store',
    what: /writers × 1 event, store, group commit/,
    where: (c) => c.peer.startsWith('Emmett'),
  },
  {
    quality: 'vs Emmett, batches of 100: ≥ 2×',
    section: 'Event store',
    what: /^batched appends/,
    where: (c) => c.peer.startsWith('Emmett'),
  },
  {
    quality: 'vs Emmett, global read: ≥ 2×',
    section: 'Event store',
    what: /^readAll/,
    where: (c) => c.peer.startsWith('Emmett'),
  },
  {
    quality: 'vs Emmett, per-stream read: ≥ 2×',
    section: 'Event store',
    what: /^readStream/,
    where: (c) => c.peer.startsWith('Emmett'),
  },
  {
    quality: 'HTTP commands at 500 req/s for 30 s, open loop: p99 < 25 ms, 0 errors',
    section: 'HTTP',
    what: /^POST …\/referrals \(validation/,
  },
  {
    quality: 'HTTP reads (GET …/pathways/{id}) at 1 000 req/s: p99 < 15 ms',
    section: 'HTTP',
    what: /^GET …\/pathways\/\{id\}$/,
  },
  {
    quality: 'GET …/indicators for a year on a 1 M-event CPTS: < 200 ms',
    section: 'Projections',
    what: /^GET …\/indicators for a year/,
  },
  { quality: 'as-of replay of one pathway (≤ 100 events): < 5 ms', section: 'HTTP', what: /asOf=/ },
  {
    quality: 'API resident memory with 1 M events stored: < 300 MB',
    section: 'Projections',
    what: /^API resident memory/,
  },
];

/** Every Markdown table row of a section, as { header: cell }. */
function tableRows(markdown: string, section: string): Array<Record<string, string>> {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trimEnd() === `## ${section}`);
  if (start === -1) return [];
  const rows: Array<Record<string, string>> = [];
  let header: string[] | null = null;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ')) break;
    if (!line.startsWith('|')) {
      header = null;
      continue;
    }
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim().replace(/\\\|/g, '|'));
    if (!header) {
      header = cells;
      continue;
    }
    if (cells.every((cell) => /^-+$/.test(cell))) continue;
    rows.push(Object.fromEntries(header.map((title, i) => [title, cells[i] ?? ''])));
  }
  return rows;
}

/** The cell that holds the measurement, whichever table it is. */
function measured(cells: Record<string, string>): string {
  const ratio = cells.ratio && cells.ratio !== '—' ? ` (${cells.ratio} vs ${cells.peer})` : '';
  if (cells['events/s (median)']) return `${cells['events/s (median)']} events/s${ratio}`;
  if (cells['measured (median)']) return cells['measured (median)'];
  if (cells.p99) return `p50 ${cells.p50}, p99 ${cells.p99}, errors ${cells.errors}`;
  return '?';
}

function main(): void {
  const file = join(repositoryRoot(), 'docs', 'benchmarks.md');
  const markdown = existsSync(file) ? readFileSync(file, 'utf8') : '';
  /** When the section was measured, and how much of the machine other work took meanwhile. */
  const dated = (section: string): string => {
    const text = markdown.split(`## ${section}`)[1]?.split('\n## ')[0] ?? '';
    const date = /Measured (\d{4}-\d{2}-\d{2})/.exec(text)?.[1] ?? '—';
    const load = /other processes used (\d+) %/.exec(text)?.[1];
    return load === undefined ? date : `${date}, others used ${load} % of the cores`;
  };
  const lines = TARGETS.map((target) => {
    const row = tableRows(markdown, target.section).find(
      (cells) => target.what.test(cells.what ?? '') && (target.where?.(cells) ?? true),
    );
    if (!row) return `| ${target.quality} | not measured | — | — |`;
    const met = row['met?'] ?? '—';
    return `| ${target.quality} | ${measured(row)} | ${met.startsWith('yes') ? 'met' : met.replace('TARGET MISSED', 'missed')} | ${target.section}, ${dated(target.section)} |`;
  });
  const body = [
    'Every performance row of the quality targets, as the sections below last measured it (a missed row ' +
      "is explained in its section: the machine's load during the run, the profile and what it would take).",
    ['| target | measured | met? | section, date, load |', '| --- | --- | --- | --- |', ...lines].join('\n'),
    'Reliability rows are tests, not benchmarks: the crash, concurrency, fault-injection, disk and fuzz ' +
      'tests run in `npm test`; the twenty-kill crash soak (`npm run soak`) reports below.',
  ].join('\n\n');
  writeSection('Targets at a glance', body, undefined, 'first');
  console.log(lines.join('\n'));
}

main();
