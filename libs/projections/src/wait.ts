/**
 * Resolves true once `reached()` holds, false after `timeoutMs`. `reached` is checked now, then each time
 * the owner calls the waiters in `waiters` (after each batch it applies or hears of).
 */
export function waitUntil(
  reached: () => boolean,
  waiters: Set<() => void>,
  timeoutMs: number,
): Promise<boolean> {
  if (reached()) return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    const check = () => {
      if (reached()) finish(true);
    };
    const finish = (value: boolean) => {
      clearTimeout(timer);
      waiters.delete(check);
      resolve(value);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    waiters.add(check);
  });
}
