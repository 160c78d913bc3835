/**
 * kill -9 under 64-way concurrent appends, repeated: every append the store acknowledged is there after
 * the restart, in its place, with the hash chain intact and the global log dense.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { trackProcess } from '../../../test/support/processes';
import { SqliteEventStore, verifyChain, type RecordedEvent } from '../src';

const WORKER = resolve(__dirname, '../../../test/fixtures/sqlite-append-worker.js');
const BUILT_STORE = resolve(__dirname, '../../../dist/libs/event-store/src/index.js');

interface Ack {
  eventId: string;
  streamId: string;
  revision: number;
  position: bigint;
}

/** Runs the worker until it has acknowledged `minAcks` appends (plus a random extra delay), then SIGKILLs it. */
function runAndKill(path: string, minAcks: number): Promise<Ack[]> {
  return new Promise((resolvePromise, reject) => {
    const child = trackProcess(
      spawn(process.execPath, [WORKER, path, '64'], { stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    const acks: Ack[] = [];
    let buffer = '';
    let stderr = '';
    let killScheduled = false;
    const timeout = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`worker did not reach ${minAcks} acks in time (got ${acks.length}); stderr: ${stderr}`),
      );
    }, 60_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const [tag, eventId, streamId, revision, position] = line.split(' ');
        if (tag !== 'ack') continue;
        acks.push({ eventId, streamId, revision: Number(revision), position: BigInt(position) });
      }
      if (!killScheduled && acks.length >= minAcks) {
        killScheduled = true;
        setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 30));
      }
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timeout);
      if (signal !== 'SIGKILL') reject(new Error(`worker exited by itself (${String(signal)}): ${stderr}`));
      else resolvePromise(acks); // stdout is fully read before 'exit' fires for piped stdio
    });
  });
}

describe('SQLite store under kill -9', () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(BUILT_STORE))
      throw new Error('this test runs the built store: run `npm run build` first (npm test does)');
    dir = mkdtempSync(join(tmpdir(), 'parcours-crash-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loses no acknowledged append over three crashes, and the log stays dense and chained', async () => {
    const path = join(dir, 'events.db');
    const acknowledged: Ack[] = [];
    for (let round = 0; round < 3; round += 1) {
      acknowledged.push(...(await runAndKill(path, 1500)));
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(4500);

    const store = new SqliteEventStore({ path });
    try {
      const all: RecordedEvent[] = [];
      for (let after = 0n; ;) {
        const page = await store.readAll({ after, maxCount: 5000 });
        if (page.length === 0) break;
        all.push(...page);
        after = page[page.length - 1].position;
      }
      const byId = new Map(all.map((event) => [event.metadata.eventId, event]));
      const missing = acknowledged.filter((ack) => {
        const stored = byId.get(ack.eventId);
        return (
          !stored ||
          stored.streamId !== ack.streamId ||
          stored.revision !== ack.revision ||
          stored.position !== ack.position
        );
      });
      expect(missing).toEqual([]);

      // Dense: positions 1..n with no hole a subscriber could skip.
      expect(all.map((e) => e.position)).toEqual(all.map((_, i) => BigInt(i + 1)));
      const streams = new Set(all.map((e) => e.streamId));
      for (const streamId of streams) {
        expect(verifyChain(streamId, await store.readStream(streamId))).toBeNull();
      }
    } finally {
      await store.close();
    }
  });
});
