/**
 * `npm run soak`: the crash test's scenario (`crash-run.ts`) with twenty kills in a row (SOAK_KILLS),
 * checked the same way, reported in the "Crash soak" section of docs/benchmarks.md. Exits 1 when a
 * check fails: unlike a benchmark, this one has a right answer.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApi } from './api-process';
import { checkLog, compareWithRebuild, crashRun, type CrashServer } from './crash-run';
import { formatCount, machineDescription, median, watchOtherLoad, writeSection } from './harness';

const KILLS = Number(process.env.SOAK_KILLS || 20);
if (!Number.isInteger(KILLS) || KILLS < 1) throw new Error('SOAK_KILLS must be a positive integer');

async function start(dataDir: string): Promise<CrashServer> {
  const api = await startApi(dataDir, 60_000);
  return { url: api.url, kill: () => api.kill(), stop: () => api.stop() };
}

async function main(): Promise<void> {
  const started = new Date();
  const otherLoad = watchOtherLoad();
  const dataDir = mkdtempSync(join(process.env.BENCH_DIR || tmpdir(), 'parcours-soak-'));
  try {
    console.log(`Crash soak: ${KILLS} kills (SIGKILL) under 64 clients, DATA_DIR ${dataDir}`);
    const { report, scenario, acknowledged, projections } = await crashRun({
      dataDir,
      start,
      kills: KILLS,
      loadMs: [500, 1500],
      log: (line) => console.log(`  ${line}`),
    });
    const log = await checkLog(dataDir, scenario, acknowledged);
    console.log('  rebuilding the read models from the log to compare…');
    const { live, rebuilt } = compareWithRebuild(dataDir, projections);
    const differing = projections.filter((name) => live[name] !== rebuilt[name]);
    const load = otherLoad();

    const checks: Array<[string, boolean, string]> = [
      ['kills', report.kills === KILLS, `${report.kills} of ${KILLS}`],
      [
        'every acknowledged command in the log',
        log.missing.length === 0,
        `${formatCount(acknowledged.length)} acknowledged, ${log.missing.length} missing`,
      ],
      [
        'no command recorded twice',
        log.duplicated.length === 0,
        `${formatCount(log.referrals)} referrals in the log, ${log.duplicated.length} duplicated`,
      ],
      [
        'nothing recorded that nobody was told about',
        log.unacknowledged.length === 0,
        `${log.unacknowledged.length} unacknowledged referrals in the log`,
      ],
      [
        'hash chains',
        log.brokenChains.length === 0,
        `${log.brokenChains.length} broken, ${formatCount(log.events)} events`,
      ],
      [
        'read models = fresh rebuild (checksum)',
        differing.length === 0,
        differing.length === 0
          ? `${projections.length} read models identical`
          : `differ: ${differing.join(', ')}`,
      ],
      [
        'no unexpected answer',
        report.unexpected.length === 0,
        report.unexpected.length === 0 ? 'none' : report.unexpected.slice(0, 3).join('; '),
      ],
    ];
    const failed = checks.filter(([, ok]) => !ok);
    const table = [
      '| check | result | held? |',
      '| --- | --- | --- |',
      ...checks.map(([what, ok, detail]) => `| ${what} | ${detail} | ${ok ? 'yes' : 'NO'} |`),
    ].join('\n');
    const statuses = Object.entries(report.statuses)
      .map(([status, count]) => `${status}: ${formatCount(count)}`)
      .join(', ');
    const restart = `median ${Math.round(median(report.restartMs))} ms, max ${Math.round(Math.max(...report.restartMs))} ms`;
    const body = [
      `Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC by \`npm run soak\` on ` +
        `${machineDescription()}. The built API on one DATA_DIR (SQLite, \`synchronous=FULL\`), ${report.clients} ` +
        `clients each sending referrals with an Idempotency-Key of their own and sending every unanswered ` +
        `command again with the same key; the server killed with SIGKILL after 0.5–1.5 s of load, ` +
        `${report.kills} times in a row, and started again on the same files each time. Then the log is ` +
        `read from the file and the read models built live are compared with a fresh \`rebuild\`. ` +
        `${Math.round(report.seconds)} s in all. During the run, ${load.text}.`,
      table,
      `- ${formatCount(report.acknowledged)} commands acknowledged (${formatCount(report.replayed)} of them ` +
        `answered 200: a retry that found its command recorded before the kill), ` +
        `${formatCount(report.retries)} requests sent again, ${formatCount(report.unanswered)} requests ` +
        `cut or refused by a dead server. Answers by status: ${statuses}.`,
      `- Kill → restarted server listening: ${restart} (start-up, opening the files, the projections ` +
        `resuming from their checkpoints).`,
    ].join('\n\n');
    console.log(`\n${table}\n`);
    const file = writeSection('Crash soak', body);
    console.log(`Written to ${file}`);
    if (failed.length > 0) {
      console.error(`FAILED: ${failed.map(([what]) => what).join('; ')}`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
