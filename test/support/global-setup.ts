/**
 * jest's globalSetup: runs once per jest run, before the workers start (they inherit its environment).
 * Names the directory where the first test file that needs the demo CPTS seeds it for the others
 * (`demo-store.ts`); `global-teardown.ts` removes it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_TEMPLATE_ENV } from './demo-store';

export default function globalSetup(): void {
  process.env[DEMO_TEMPLATE_ENV] = mkdtempSync(join(tmpdir(), 'parcours-demo-template-'));
}
