/// <reference lib="dom" />
/**
 * Browser tests: a headless Chromium (the system's, else the one `@sparticuz/chromium` ships) driven by
 * playwright-core, against the built API serving the UI.
 *
 * - `openDemo()` starts the API on a DATA_DIR of its own with the demo CPTS loaded, and a headless Chromium.
 * - `signIn()` goes through the sign-in page like a user.
 * - `checkAccessibility()` runs axe-core in the page and returns the serious and critical violations.
 * - `screenshot()` saves a PNG under test/artifacts/ (git-ignored; CI keeps it as an artifact).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../bench/chromium';
import { trackCloser } from './processes';
import { ROOT } from './api-process';
import { type DemoApi, startDemoApi } from './demo-store';

export const ARTIFACTS = join(ROOT, 'test', 'artifacts');

/** A headless Chromium, closed after the test file at the latest (see `processes.ts`). */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  const browser = await launchChromium(extraArgs);
  const close = trackCloser(() => browser.close());
  browser.on('disconnected', () => void close());
  return browser;
}

export interface Demo {
  api: DemoApi;
  browser: Browser;
  close(): Promise<void>;
}

/** The API with the demo CPTS loaded (a copy of the run's seeded demo store, see `demo-store.ts`), and a browser. */
export async function openDemo(env: Record<string, string> = {}): Promise<Demo> {
  const api = await startDemoApi(env);
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (error) {
    // No demo to hand back, so nobody else would stop the API.
    await api.dispose();
    throw error;
  }
  return {
    api,
    browser,
    close: async () => {
      await browser.close();
      await api.dispose();
    },
  };
}

const VIEWPORTS = {
  laptop: { width: 1366, height: 900 },
  tablet: { width: 820, height: 1180 },
  phone: { width: 390, height: 844 },
};

/** A new page (own context: own sessionStorage) at a laptop's size, a tablet's or a phone's. */
export async function newPage(browser: Browser, device: keyof typeof VIEWPORTS = 'laptop'): Promise<Page> {
  const viewport = VIEWPORTS[device];
  const context = await browser.newContext({ viewport, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
  return context.newPage();
}

/**
 * Signs in through the sign-in page, and waits for the signed-in header and the role's home page (the app
 * goes there on its own once signed in: a test navigating before that would race it).
 */
export async function signIn(
  page: Page,
  baseUrl: string,
  role: string,
  options: { cpts?: string; sub?: string } = {},
): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('CPTS (identifiant)').fill(options.cpts ?? 'cpts-demo');
  await page.getByLabel('Rôle').selectOption(role);
  if (options.sub) await page.getByLabel('Identifiant de l’utilisateur (facultatif)').fill(options.sub);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByTestId('signed-in').waitFor();
  await page.waitForURL(/#\/[a-z]/);
}

/** Waits until the page's reads have answered: no "Chargement…" left, no list marked busy. */
export async function settle(page: Page): Promise<void> {
  await page.locator('h1').first().waitFor();
  await page
    .locator('[role="status"]', { hasText: /^(Chargement…|Loading…)$/ })
    .waitFor({ state: 'detached' });
  await page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached' });
}

/**
 * Opens a route (`#/pathways/…`) as a fresh page load, then waits for its reads. A fresh load, because a
 * change of the hash alone keeps the old document, whose "network idle" and content would still be the
 * previous page's for a moment.
 */
export async function visit(page: Page, baseUrl: string, hash: string): Promise<void> {
  await page.goto('about:blank');
  await page.goto(`${baseUrl}/${hash}`);
  await page.waitForLoadState('networkidle');
  await settle(page);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** axe-core's WCAG 2.1 A/AA rules on the page as it is; the violations of serious or critical impact. */
export async function checkAccessibility(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as any).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n: any) => n.target.join(' ')),
    }));
  });
  return (violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
