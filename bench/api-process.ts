/**
 * The built API (`dist/apps/api/src/main.js`, what `npm start` runs) as a child process on a free port and
 * a given DATA_DIR, for benchmarks over real HTTP — as `test/support/api-process.ts` does for the tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repositoryRoot } from './harness';

/** Output kept for error messages: the head (start-up) and a rolling tail. */
const KEPT_OUTPUT = 64 * 1024;

export interface BenchApi {
  url: string;
  pid: number;
  /** Milliseconds from spawn to "listening on port". */
  startMs: number;
  output(): string;
  /** `/proc/<pid>/status` memory lines in MiB: resident now (VmRSS) and at its peak (VmHWM). */
  memory(): { rssMiB: number; peakMiB: number } | null;
  stop(): Promise<void>;
  /** SIGKILL, as a crash: resolves once the process is gone. */
  kill(): Promise<void>;
}

/**
 * Benchmarks send far more requests than a person does, from one address and one token: the rate limits
 * are raised out of the way (what is measured is the service, not its flood protection).
 */
export const UNLIMITED_RATES = {
  RATE_LIMIT_PER_MINUTE: '100000000',
  RATE_LIMIT_IP_PER_MINUTE: '100000000',
  RATE_LIMIT_TOKEN_MINTS_PER_MINUTE: '100000000',
  RATE_LIMIT_IDENTITY_READS_PER_MINUTE: '100000000',
};

export async function startApi(
  dataDir: string,
  timeoutMs = 120_000,
  env: Record<string, string> = {},
  /** Node's own flags for the API (`--cpu-prof` for a profile). */
  nodeArgs: string[] = [],
): Promise<BenchApi> {
  const root = repositoryRoot();
  const main = join(root, 'dist/apps/api/src/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  const started = process.hrtime.bigint();
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, main], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      DATA_DIR: dataDir,
      SEED_DEMO: 'false',
      ...UNLIMITED_RATES,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let head = '';
  let tail = '';
  const keep = (chunk: Buffer): void => {
    const text = chunk.toString();
    if (head.length < KEPT_OUTPUT) head += text.slice(0, KEPT_OUTPUT - head.length);
    tail = (tail + text).slice(-KEPT_OUTPUT);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const output = (): string => (head.length < KEPT_OUTPUT ? head : `${head}\n…\n${tail}`);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`API did not start in ${timeoutMs} ms:\n${output()}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      seen = (seen + chunk.toString()).slice(-4096);
      const match = /listening on port (\d+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`API exited before listening (code ${child.exitCode}):\n${output()}`));
    });
  });
  const startMs = Number(process.hrtime.bigint() - started) / 1e6;
  const pid = child.pid!;

  return {
    url: `http://127.0.0.1:${port}`,
    pid,
    startMs,
    output,
    memory: () => {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const kib = (field: string): number =>
          Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
        return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
      } catch {
        return null;
      }
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}

export interface Timed<T> {
  status: number;
  ms: number;
  bytes: number;
  body: T | undefined;
}

/** One request, timed from sending to the last byte of the body (what a client waits for). */
export async function timedFetch<T = unknown>(
  url: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<Timed<T>> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const started = process.hrtime.bigint();
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  let body: T | undefined;
  try {
    body = text === '' ? undefined : (JSON.parse(text) as T);
  } catch {
    body = undefined;
  }
  return { status: response.status, ms, bytes: Buffer.byteLength(text), body };
}
