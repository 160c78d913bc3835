/**
 * The headless Chromium that the browser tests and the UI benchmark drive with playwright-core.
 *
 * The system's Chromium when there is one (`CHROMIUM_PATH`, else `/usr/bin/chromium`); otherwise the one
 * `@sparticuz/chromium` ships inside its npm package (compressed, unpacked to the temporary directory at
 * first use), so `npm install && npm test` needs no browser on the machine and downloads none.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';

/** Headless, no sandbox (root in CI), nothing that reaches the network, so nothing waits on it. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

const run = promisify(execFile);
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** Where the browser is, and which one (for messages and benchmark tables). */
export async function chromiumExecutable(): Promise<{ path: string; origin: string }> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
    return { path: configured, origin: 'CHROMIUM_PATH' };
  }
  if (existsSync(SYSTEM_CHROMIUM)) return { path: SYSTEM_CHROMIUM, origin: 'system' };
  // The package is an ES module, which jest's CommonJS runtime cannot load: ask a plain Node for the path
  // (it unpacks the binary on first use, then answers at once).
  const script =
    "import('@sparticuz/chromium').then(m => m.default.executablePath()).then(p => process.stdout.write(p))";
  const { stdout } = await run(process.execPath, ['-e', script], { cwd: __dirname });
  return { path: stdout.trim(), origin: '@sparticuz/chromium' };
}

/** `extraArgs` go to Chromium after ours (a marker switch lets a test find the browser's processes). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const { path } = await chromiumExecutable();
  return chromium.launch({ executablePath: path, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}
