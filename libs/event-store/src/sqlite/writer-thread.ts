import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type MessagePort, Worker } from 'node:worker_threads';
import {
  IdempotencyConflictError,
  StoreUnavailableError,
  WrongExpectedRevisionError,
  type EventStoreError,
} from '../errors';
import type { ExpectedRevision, StreamMetadataResult } from '../event-store.port';
import { SqliteWriter, type WriteOutcome, type WriteRequest, type WriteResult } from './sqlite-writer';

/** What the store asks of its writer, on its own connection or on a thread of its own. */
export interface Writer {
  write(batch: WriteRequest[]): Promise<WriteResult>;
  setMetadata(streamId: string, json: string): Promise<StreamMetadataResult>;
  probe(): Promise<void>;
  close(): Promise<void>;
}

/** The writer on the store's own connection: each call runs at once, on the caller's thread. */
export class InlineWriter implements Writer {
  private readonly writer: SqliteWriter;

  constructor(db: Database.Database) {
    this.writer = new SqliteWriter(db);
  }

  write(batch: WriteRequest[]): Promise<WriteResult> {
    return settle(() => this.writer.write(batch));
  }

  setMetadata(streamId: string, json: string): Promise<StreamMetadataResult> {
    return settle(() => this.writer.setMetadata(streamId, json));
  }

  probe(): Promise<void> {
    return settle(() => this.writer.probe());
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Runs `work` now; what it throws becomes the rejection. */
function settle<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}

/** The compiled thread script beside this file, or in `dist/` when running from the sources (tests). */
export function writerThreadScript(): string | null {
  return (
    [
      join(__dirname, 'sqlite-writer.worker.js'),
      join(__dirname, '../../../../dist/libs/event-store/src/sqlite/sqlite-writer.worker.js'),
    ].find((path) => existsSync(path)) ?? null
  );
}

export interface WriterThreadData {
  path: string;
  synchronous: 'FULL' | 'NORMAL';
}

type Request =
  | { kind: 'write'; batch: WriteRequest[] }
  | { kind: 'metadata'; streamId: string; json: string }
  | { kind: 'probe' }
  | { kind: 'close' };

/** An error as it crosses threads: the store's refusals keep their type, SQLite's failures their code. */
interface WireError {
  name: string;
  message: string;
  code?: string;
  streamId?: string;
  expected?: ExpectedRevision;
  actual?: number | 'no_stream';
  eventIds?: string[];
  detail?: string;
}

type WireOutcome =
  { ok: true; result: Extract<WriteOutcome, { ok: true }>['result'] } | { ok: false; error: WireError };

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

function toWire(error: unknown): WireError {
  if (error instanceof WrongExpectedRevisionError) {
    const { name, message, streamId, expected, actual } = error;
    return { name, message, streamId, expected, actual };
  }
  if (error instanceof IdempotencyConflictError) {
    const { name, message, streamId, eventIds, detail } = error;
    return { name, message, streamId, eventIds, detail };
  }
  const { name, message, code } = error as { name?: unknown; message?: unknown; code?: unknown };
  return {
    name: typeof name === 'string' ? name : 'Error',
    message: typeof message === 'string' ? message : String(error),
    ...(typeof code === 'string' ? { code } : {}),
  };
}

function fromWire(wire: WireError): Error {
  if (wire.name === 'WrongExpectedRevisionError') {
    return new WrongExpectedRevisionError(wire.streamId!, wire.expected!, wire.actual!);
  }
  if (wire.name === 'IdempotencyConflictError') {
    return new IdempotencyConflictError(wire.streamId!, wire.eventIds!, wire.detail!);
  }
  // SQLite's own failures: their code is what tells a full or read-only disk from anything else.
  return Object.assign(new Error(wire.message), {
    name: wire.name,
    ...(wire.code ? { code: wire.code } : {}),
  });
}

/**
 * The writer on a thread of its own, with its own connection to the file: the request thread hands it a
 * batch and goes on serving while the batch is written and fsynced. Requests are answered in order. If the
 * thread dies, what it had not answered is refused (the store is unavailable, nothing is half-written: a
 * transaction either committed or did not) and the next request starts a new thread.
 */
export class WriterThread implements Writer {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();

  constructor(
    private readonly script: string,
    private readonly data: WriterThreadData,
  ) {}

  async write(batch: WriteRequest[]): Promise<WriteResult> {
    const { outcomes, ends } = (await this.request({ kind: 'write', batch })) as {
      outcomes: WireOutcome[];
      ends: WriteResult['ends'];
    };
    return {
      outcomes: outcomes.map((outcome) =>
        outcome.ok ? outcome : { ok: false, error: fromWire(outcome.error) as EventStoreError },
      ),
      ends,
    };
  }

  async setMetadata(streamId: string, json: string): Promise<StreamMetadataResult> {
    return (await this.request({ kind: 'metadata', streamId, json })) as StreamMetadataResult;
  }

  async probe(): Promise<void> {
    await this.request({ kind: 'probe' });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    try {
      await this.request({ kind: 'close' });
    } catch (error) {
      // The thread died before answering: its connection went with it, which is all closing asks.
      if (this.worker === worker) throw error;
    }
    this.worker = null;
    await worker.terminate();
  }

  private request(message: Request): Promise<unknown> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // The thread keeps the process alive only while it has something to answer.
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...message });
    });
  }

  private start(): Worker {
    const worker = new Worker(this.script, { workerData: this.data });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(fromWire(reply.error));
    });
    const stopped = (why: string, cause?: unknown) => {
      if (this.worker !== worker) return;
      this.worker = null;
      const error = new StoreUnavailableError(`the event store's writer thread stopped: ${why}`, { cause });
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    // What a thread throws arrives as a copy, not always an Error (SQLite's errors keep only their code).
    worker.on('error', (error: unknown) => {
      const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown };
      stopped(String(message ?? code ?? error), error);
    });
    worker.on('exit', (code) => stopped(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }
}

/** The thread's side: one connection, one writer, each request answered in turn. */
export function serveWrites(port: MessagePort, data: WriterThreadData): void {
  const db = new Database(data.path);
  db.pragma(`synchronous = ${data.synchronous}`);
  db.pragma('busy_timeout = 5000');
  const writer = new SqliteWriter(db);
  port.on('message', (message: Request & { id: number }) => {
    try {
      port.postMessage({ id: message.id, ok: true, value: handle(message) } satisfies Reply);
    } catch (error) {
      port.postMessage({ id: message.id, ok: false, error: toWire(error) } satisfies Reply);
    }
    if (message.kind === 'close') {
      db.close();
      port.close();
    }
  });

  function handle(message: Request): unknown {
    switch (message.kind) {
      case 'write': {
        const { outcomes, ends } = writer.write(message.batch);
        return {
          outcomes: outcomes.map((outcome) =>
            outcome.ok ? outcome : { ok: false, error: toWire(outcome.error) },
          ),
          ends,
        };
      }
      case 'metadata':
        return writer.setMetadata(message.streamId, message.json);
      case 'probe':
        writer.probe();
        return null;
      case 'close': // answered, then the connection closed (above)
        return null;
    }
  }
}
