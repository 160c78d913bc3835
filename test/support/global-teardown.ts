/** jest's globalTeardown: removes the seeded demo store the test files copied (`demo-store.ts`). */
import { rmSync } from 'node:fs';
import { DEMO_TEMPLATE_ENV } from './demo-store';

export default function globalTeardown(): void {
  const dir = process.env[DEMO_TEMPLATE_ENV];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
