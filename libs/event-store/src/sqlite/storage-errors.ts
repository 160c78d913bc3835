import { accessSync, constants, statfsSync } from 'node:fs';
import { StoreUnavailableError, type StoreUnavailableReason } from '../errors';

/**
 * SQLite files (the event store, and the read store, idempotency records, access log and keys beside it)
 * fail the same way when their disk does: this turns such a failure into a `StoreUnavailableError` that
 * says why, so that a command gets a 503 with the reason and `/health` can name it.
 */

/** SQLite result codes that mean "the files cannot be written or read now", not "this request is wrong". */
const UNAVAILABLE_CODES = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN|BUSY|LOCKED|NOMEM|CORRUPT|NOTADB|PROTOCOL)/;

/** Less free space than this on the data's file system counts as full (SQLite needs room for its WAL). */
const NEARLY_FULL_BYTES = 256 * 1024;

/**
 * Why the file system under `dir` refuses writes, if it does: read-only (EROFS: remounted after errors,
 * or mounted so), or full. `null` when it looks writable, or cannot be asked.
 */
export function diskRefusal(dir: string): 'read-only' | 'disk-full' | null {
  try {
    accessSync(dir, constants.W_OK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EROFS') return 'read-only';
  }
  try {
    const fs = statfsSync(dir);
    if (fs.bavail * fs.bsize < NEARLY_FULL_BYTES) return 'disk-full';
  } catch {
    // No statfs here: nothing more to tell.
  }
  return null;
}

/**
 * The reason behind a SQLite error, or `null` when it is not a storage failure (a constraint, a bug).
 * `dir` is where the file lives: an I/O error is looked into there (the kernel's EROFS or ENOSPC reach
 * SQLite as a bare SQLITE_IOERR).
 */
export function storageFailureReason(error: unknown, dir?: string): StoreUnavailableReason | null {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string' || !UNAVAILABLE_CODES.test(code)) return null;
  if (code.startsWith('SQLITE_FULL')) return 'disk-full';
  if (code.startsWith('SQLITE_READONLY')) return 'read-only';
  if (dir && /^SQLITE_(IOERR|CANTOPEN)/.test(code)) return diskRefusal(dir) ?? 'unavailable';
  return 'unavailable';
}

const WHAT: Record<string, string> = {
  'disk-full': 'the disk holding the data is full',
  'read-only': 'the disk holding the data is read-only',
};

/** `error` as a `StoreUnavailableError` when it is a storage failure of the SQLite file `what`, else null. */
export function storageUnavailable(error: unknown, what: string, dir?: string): StoreUnavailableError | null {
  if (error instanceof StoreUnavailableError) return error;
  const reason = storageFailureReason(error, dir);
  if (!reason) return null;
  const code = (error as { code: string }).code;
  const why = WHAT[reason] ?? `it cannot be used now (${code})`;
  return new StoreUnavailableError(`${what}: ${why}: ${(error as Error).message}`, { cause: error, reason });
}
