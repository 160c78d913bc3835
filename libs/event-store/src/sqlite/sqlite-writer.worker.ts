/** The event store's writer thread (`writer-thread.ts`): started by a store whose writes run off its thread. */
import { parentPort, workerData } from 'node:worker_threads';
import { serveWrites, type WriterThreadData } from './writer-thread';

serveWrites(parentPort!, workerData as WriterThreadData);
