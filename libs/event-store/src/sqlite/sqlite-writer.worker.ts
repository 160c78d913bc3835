/** The event store's writer thread (`writer-thread.ts`): started by a store whose writes run off its thread. */
import { parentPort, workerData } from 'node:worker_threads';
import { serveWrites, type WriterThreadData } from './writer-thread';

try {
  serveWrites(parentPort!, workerData as WriterThreadData);
} catch (error) {
  // SQLite's errors cross to the other thread with their code only: say what happened in a plain Error.
  const { message, code } = error as { message?: string; code?: string };
  throw new Error(code ? `${code}: ${message}` : String(message ?? error));
}
