/**
 * `npm run bench:ui`: the web UI's budgets (issue 5): the worklist's first load under 1 s on localhost,
 * and the script under 200 KB gzipped. The built API is started on a fresh DATA_DIR with the demo CPTS,
 * and a headless Chromium (see `chromium.ts`; playwright-core) loads the worklist of a signed-in coordinator:
 *
 * - cold: a new browser context each run (empty cache), from navigation start to the first worklist row;
 * - warm: the same page reloaded (cached script and style, revalidated);
 * - peer: the worklist's own API call (`GET …/worklist`) from Node, the floor under any UI.
 *
 * Writes the "Web UI" section of docs/benchmarks.md.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  machineDescription,
  repositoryRoot,
  runsFromEnv,
  summarise,
  type Summary,
  writeSection,
} from './harness';
import { chromiumExecutable, launchChromium } from './chromium';

const ROOT = repositoryRoot();

async function startDemoApi(dataDir: string): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [join(ROOT, 'dist/apps/api/src/main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PORT: '0', DATA_DIR: dataDir, SEED_DEMO: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 120_000;
  while (!/demo seed (done|failed)/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`the demo did not load:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const port = /listening on port (\d+)/.exec(output)?.[1];
  if (!port || /demo seed failed/.test(output)) throw new Error(`the demo did not load:\n${output}`);
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

const ms = (value: number) => `${value.toFixed(0)} ms`;
const range = (summary: Summary) => `${ms(summary.min)} – ${ms(summary.max)}`;

async function main(): Promise<void> {
  const runs = runsFromEnv(10);
  const dataDir = mkdtempSync(join(tmpdir(), 'parcours-bench-ui-'));
  const api = await startDemoApi(dataDir);
  const { origin } = await chromiumExecutable();
  const browser = await launchChromium();
  try {
    const tokenResponse = await fetch(`${api.url}/api/v1/dev/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cpts: 'cpts-demo', role: 'coordinator' }),
    });
    const { token } = (await tokenResponse.json()) as { token: string };

    const cold: number[] = [];
    const warm: number[] = [];
    const peer: number[] = [];
    let rows = 0;
    for (let run = 0; run <= runs; run++) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
      await context.addInitScript({
        content: `sessionStorage.setItem('parcours.session', ${JSON.stringify(token)})`,
      });
      const page = await context.newPage();
      const load = async (): Promise<number> => {
        await page.locator('table.worklist tbody tr').first().waitFor({ timeout: 30_000 });
        return page.evaluate(() => performance.now());
      };
      await page.goto(`${api.url}/#/worklist`);
      const first = await load();
      await page.reload();
      const second = await load();
      rows = await page.locator('table.worklist tbody tr').count();
      await context.close();

      const start = process.hrtime.bigint();
      const response = await fetch(`${api.url}/api/v1/cpts/cpts-demo/worklist?limit=200`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await response.text();
      const apiMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (run === 0) continue; // warm-up
      cold.push(first);
      warm.push(second);
      peer.push(apiMs);
    }

    const script = readFileSync(join(ROOT, 'dist/web/app.js'));
    const gzip = gzipSync(script).length;
    const coldSummary = summarise(cold);
    const warmSummary = summarise(warm);
    const peerSummary = summarise(peer);
    const met = (ok: boolean) => (ok ? 'yes' : 'TARGET MISSED');
    const table = [
      '| what | median | range | peer: `GET …/worklist` alone | ratio to the 1 s ceiling | target | met? |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      `| worklist, first load (cold cache) | ${ms(coldSummary.median)} | ${range(coldSummary)} | ${ms(peerSummary.median)} | ${(coldSummary.median / 1000).toFixed(2)}× | < 1 s | ${met(coldSummary.median < 1000)} |`,
      `| worklist, reload (warm cache) | ${ms(warmSummary.median)} | ${range(warmSummary)} | ${ms(peerSummary.median)} | ${(warmSummary.median / 1000).toFixed(2)}× | < 1 s | ${met(warmSummary.median < 1000)} |`,
      `| script \`dist/web/app.js\` | ${(gzip / 1024).toFixed(1)} KB gzipped | ${(script.length / 1024).toFixed(1)} KB raw | — | ${(gzip / (200 * 1024)).toFixed(2)}× of 200 KB | < 200 KB gzipped | ${met(gzip < 200 * 1024)} |`,
    ].join('\n');
    const when = new Date().toISOString().slice(0, 10);
    const body = [
      `Measured ${when} by \`npm run bench:ui\` on ${machineDescription([`Chromium ${browser.version()} (${origin}) headless`])}. ` +
        `The built API on a fresh DATA_DIR with the demo CPTS (${rows} worklist rows shown); ${runs} runs after one ` +
        `warm-up. "First load" is the time from navigation start to the first worklist row in a new browser ` +
        `context (empty cache, signed-in session already in sessionStorage): the page, the script, the style and ` +
        `\`GET …/worklist\`. The peer is that API call alone from Node, the floor under any UI.`,
      table,
    ].join('\n\n');
    console.log(table);
    const file = writeSection('Web UI', body);
    console.log(`\nWritten to ${file}`);
  } finally {
    await browser.close();
    api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
