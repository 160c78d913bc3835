/**
 * Runs the built API (`dist/apps/api/src/main.js`, what `npm start` runs) as a real process on a free
 * port with its own DATA_DIR, for end-to-end tests over real HTTP.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { trackProcess } from './processes';

export const ROOT = resolve(__dirname, '../..');
const API_MAIN = join(ROOT, 'dist/apps/api/src/main.js');
const CLI_MAIN = join(ROOT, 'dist/apps/cli/src/main.js');

function assertBuilt(file: string): void {
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm test does)`);
}

export interface RunningApi {
  url: string;
  dataDir: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends the signal and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops the process if it still runs and removes its DATA_DIR (unless it was given). */
  dispose(): Promise<void>;
}

/**
 * Tests sign in far more often, and send far more requests, than a person does: the rate limits are
 * raised for them, except where a test sets them to see them work (test/security).
 */
export const GENEROUS_LIMITS = {
  RATE_LIMIT_PER_MINUTE: '1000000',
  RATE_LIMIT_IP_PER_MINUTE: '1000000',
  RATE_LIMIT_TOKEN_MINTS_PER_MINUTE: '1000000',
  RATE_LIMIT_IDENTITY_READS_PER_MINUTE: '1000000',
};

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'parcours-e2e-'));
}

/**
 * `launcher`: a command that runs the API as its last arguments (`node main.js`), e.g. to run it in
 * namespaces of its own (`test/faults`); given the DATA_DIR in use.
 */
export async function startApi(
  env: Record<string, string> = {},
  timeoutMs = 30_000,
  launcher?: (dataDir: string) => string[],
): Promise<RunningApi> {
  assertBuilt(API_MAIN);
  const ownDir = env.DATA_DIR === undefined;
  const dataDir = env.DATA_DIR ?? tempDataDir();
  const command = [...(launcher?.(dataDir) ?? []), process.execPath, API_MAIN];
  const child = trackProcess(
    spawn(command[0], command.slice(1), {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        DATA_DIR: dataDir,
        SEED_DEMO: 'false',
        ...GENEROUS_LIMITS,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.on('exit', (code, signal) => resolveExit({ code, signal })),
  );

  let listening = false;
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => {
      // Not left running: nobody holds a handle to it yet.
      child.kill('SIGKILL');
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
      reject(new Error(`API did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (): void => {
      const match = /listening on port (\d+)/.exec(output);
      if (match) {
        listening = true;
        clearTimeout(timer);
        child.stdout.off('data', onData);
        resolvePort(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      if (listening) return;
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
      reject(new Error(`API exited before listening (code ${code}, signal ${signal}):\n${output}`));
    });
  });

  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    child,
    output: () => output,
    stop,
    dispose: async () => {
      await stop('SIGKILL');
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs the built CLI synchronously, as `npm run -s cli -- …` would after its build. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
): { status: number | null; stdout: string; stderr: string } {
  assertBuilt(CLI_MAIN);
  const result = spawnSync(process.execPath, [CLI_MAIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the built CLI as `runCli` does, without blocking: several runs can go at once. */
export function runCliAsync(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  assertBuilt(CLI_MAIN);
  const child = trackProcess(
    spawn(process.execPath, [CLI_MAIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    }),
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolveRun, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolveRun({ status, stdout, stderr }));
  });
}

function isStaleConnection(error: unknown): boolean {
  // By name, not instanceof: fetch's errors come from Node's realm, not the test environment's.
  const { name, cause } = error as { name?: string; cause?: { code?: string } };
  return name === 'TypeError' && cause?.code === 'UND_ERR_SOCKET';
}

/** fetch with a JSON body and an optional bearer token; returns status, headers and parsed body. */
export async function call(
  url: string,
  init: {
    method?: string;
    token?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) body = JSON.stringify(init.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const method = init.method ?? (body === undefined ? 'GET' : 'POST');
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body });
  } catch (error) {
    // A kept-alive connection the server closed while the test was busy elsewhere (a synchronous CLI run
    // outlasting the server's keep-alive timeout) fails the next request before it is sent. A read is sent
    // again once, on a new connection; anything else is the test's to see.
    if (method !== 'GET' || !isStaleConnection(error)) throw error;
    response = await fetch(url, { method, headers, body });
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}
