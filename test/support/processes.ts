/**
 * Every process and browser a test file starts is tracked here, so that none outlives its test file —
 * whatever happens: a failing `beforeAll`, a timeout, an assertion thrown before the `finally`.
 * `cleanup.ts` (jest's `setupFilesAfterEnv`) stops what is left after each test file. An interrupted run
 * (Ctrl-C) needs nothing more: the children share the terminal's process group and get its SIGINT, on
 * which the API stops gracefully.
 */
import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();
const closers = new Set<() => Promise<void>>();

/** Tracks a child process until it exits. */
export function trackProcess<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Tracks something to close (a browser); returns the function that closes it once and forgets it. */
export function trackCloser(close: () => Promise<void>): () => Promise<void> {
  const once = async () => {
    if (!closers.delete(once)) return;
    await close();
  };
  closers.add(once);
  return once;
}

/** Stops everything still running: closers first (they may talk to the processes), then SIGKILL. */
export async function stopEverything(): Promise<string[]> {
  const left: string[] = [];
  for (const close of [...closers]) {
    left.push('a browser');
    await close().catch(() => undefined);
  }
  const exits = [...children].map((child) => {
    left.push(`process ${child.pid} (${child.spawnargs.slice(1).join(' ')})`);
    return new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  });
  await Promise.all(exits);
  return left;
}
