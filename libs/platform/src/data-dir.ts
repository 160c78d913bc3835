import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `DATA_DIR` holds health data (the event log, the read models, the access log, the keys): only the
 * service's own user may read it. Every Parcours process calls this before it opens anything there:
 *
 * - the umask makes every file the process creates from now on (SQLite's WAL and journal files included)
 *   0600 and every directory 0700;
 * - the directory is created 0700, and an existing one (from an older version, or copied with a looser
 *   mode) is tightened, with the files and directories it holds.
 */
export function secureDataDir(dataDir: string): void {
  if (process.platform === 'win32') return;
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  tighten(dataDir);
}

function tighten(path: string): void {
  const stats = lstatSync(path);
  if (stats.isSymbolicLink()) return;
  if (stats.isDirectory()) {
    if ((stats.mode & 0o077) !== 0) chmodSync(path, stats.mode & 0o700);
    for (const entry of readdirSync(path)) tighten(join(path, entry));
  } else if (stats.isFile() && (stats.mode & 0o077) !== 0) {
    chmodSync(path, stats.mode & 0o700);
  }
}
