/**
 * A rebuild from zero gives read models identical to the ones built live, on the demo data: the
 * projections are deterministic and exactly-once, whichever way the events reached them.
 */
import { ReadStore } from '@parcours/projections';
import { join } from 'node:path';
import { call, runCli, startApi, tempDataDir } from '../../../test/support/api-process';

async function untilCaughtUp(url: string, timeoutMs = 60_000): Promise<{ name: string }[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = (await call(`${url}/health`)).body;
    const projections = health.projections as Array<{ name: string; state: string; position: string }>;
    if (
      projections.length > 0 &&
      projections.every((p) => p.state === 'running' && p.position === health.store.position)
    ) {
      return projections;
    }
    if (Date.now() > deadline) throw new Error(`projections did not catch up: ${JSON.stringify(health)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function checksums(dataDir: string, names: string[]): Record<string, string> {
  const readStore = new ReadStore(join(dataDir, 'read.db'));
  try {
    return Object.fromEntries(names.map((name) => [name, readStore.checksum(name)]));
  } finally {
    readStore.close();
  }
}

describe('rebuild', () => {
  it('yields read models identical (checksum) to the ones built live, on the demo data', async () => {
    const dataDir = tempDataDir();
    // The API's projection thread follows the log live while another process records the demo CPTS.
    const api = await startApi({ DATA_DIR: dataDir });
    let names: string[];
    try {
      const seeded = runCli(['seed', 'demo', '--seed', '11', '--until', '2026-06-30'], { DATA_DIR: dataDir });
      expect(seeded.status).toBe(0);
      names = (await untilCaughtUp(api.url)).map((p) => p.name);
    } finally {
      expect(await api.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    }
    expect(names).toEqual(
      expect.arrayContaining(['pathway-view', 'patient-summary', 'indicators', 'cpts-history']),
    );
    const live = checksums(dataDir, names);

    // Spread over two threads, then on one, each into the same read store: the same rows every time.
    for (const threads of [2, 1]) {
      const rebuilt = runCli(['rebuild', '--threads', String(threads)], { DATA_DIR: dataDir });
      expect(rebuilt.status).toBe(0);
      expect(rebuilt.stdout).toMatch(new RegExp(`, ${threads} threads?\\) in `));
      for (const name of names) {
        expect(rebuilt.stdout).toMatch(new RegExp(`^${name}\\s.*checksum ${live[name].slice(0, 16)}$`, 'm'));
      }
      expect(checksums(dataDir, names)).toEqual(live);
    }

    const status = runCli(['projections', 'status'], { DATA_DIR: dataDir });
    expect(status.status).toBe(0);
    for (const name of names)
      expect(status.stdout).toMatch(new RegExp(`^${name}\\tv\\d+\\tposition \\d+\\tlag 0\\tbuilt$`, 'm'));
  }, 180_000);

  it('refuses an unknown projection with a usage error', () => {
    const result = runCli(['rebuild', '--projection', 'nope'], { DATA_DIR: tempDataDir() });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown projection nope; known: /);
  });

  it('refuses a thread count that is not a positive integer', () => {
    for (const threads of ['0', 'two', '-1']) {
      const result = runCli(['rebuild', '--threads', threads], { DATA_DIR: tempDataDir() });
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/--threads <n>.*a positive integer/);
    }
  });
});
