/**
 * Runs after every test file (jest `setupFilesAfterEnv`): whatever the file started and did not stop —
 * because a `beforeAll` failed before its `afterAll` could know what to stop, or a test timed out — is
 * stopped here, and named, so the leak is fixed where it starts rather than found later as a stray process.
 */
import { stopEverything } from './processes';

afterAll(async () => {
  const left = await stopEverything();
  if (left.length > 0) {
    process.stderr.write(`stopped what this test file left running: ${left.join(', ')}\n`);
  }
});
