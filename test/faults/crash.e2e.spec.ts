/**
 * kill -9 of the built API under 64 concurrent clients, repeated: every acknowledged command is in the log
 * exactly once, no command retried with its Idempotency-Key is there twice, the hash chains hold, and the
 * read models built live through the crashes equal a fresh rebuild (checksums). `npm run soak` runs the
 * same with twenty kills and reports (docs/benchmarks.md).
 */
import { rmSync } from 'node:fs';
import { checkLog, compareWithRebuild, crashRun, type CrashServer } from '../../bench/crash-run';
import { startApi, tempDataDir } from '../support/api-process';

async function start(dataDir: string): Promise<CrashServer> {
  const api = await startApi({ DATA_DIR: dataDir });
  return {
    url: api.url,
    kill: async () => {
      await api.stop('SIGKILL');
    },
    stop: async () => {
      const exit = await api.stop('SIGTERM');
      if (exit.code !== 0) throw new Error(`the API did not stop cleanly: ${JSON.stringify(exit)}`);
    },
  };
}

describe('kill -9 under 64 concurrent clients, three times', () => {
  const dataDir = tempDataDir();
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('loses no acknowledged command, records no retry twice, and the read models equal a rebuild', async () => {
    const { report, scenario, acknowledged, projections } = await crashRun({
      dataDir,
      start,
      kills: 3,
      loadMs: [600, 1200],
    });
    expect(report.kills).toBe(3);
    expect(report.unexpected).toEqual([]);
    // The kills hit requests in flight, which the clients sent again: the test saw what it is about.
    expect(report.unanswered).toBeGreaterThan(0);
    expect(report.retries).toBeGreaterThan(0);
    expect(new Set(acknowledged.map((a) => a.key)).size).toBe(acknowledged.length);

    const log = await checkLog(dataDir, scenario, acknowledged);
    expect(log).toMatchObject({
      missing: [],
      duplicated: [],
      unacknowledged: [],
      brokenChains: [],
      referrals: acknowledged.length,
    });

    expect(projections).toEqual(expect.arrayContaining(['pathway-view', 'patient-summary', 'indicators']));
    const { live, rebuilt } = compareWithRebuild(dataDir, projections);
    expect(rebuilt).toEqual(live);
  }, 120_000);
});
