/**
 * Crash at the HTTP level, shared by the test (`test/faults/crash.e2e.spec.ts`, a few kills) and the soak
 * (`npm run soak`, twenty in a row):
 *
 * 64 clients send referrals, each with an Idempotency-Key of its own, and send every command that got no
 * answer (connection refused or reset, 503) again with the same key until it is answered. Meanwhile the
 * server is killed with SIGKILL under that load and started again on the same DATA_DIR, `kills` times.
 * Afterwards, read from the files: every acknowledged command is in the log exactly once, nothing else
 * is (no retry recorded twice), the hash chains hold, and each read model equals a fresh rebuild of it.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SqliteEventStore, verifyChain, type RecordedEvent } from '@parcours/event-store';
import { ReadStore } from '@parcours/projections';
import { repositoryRoot } from './harness';
import { referralBody, send, setUpCpts, type Scenario } from './http-scenario';

export interface CrashServer {
  url: string;
  /** SIGKILL; resolves when the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful); resolves when the process is gone. */
  stop(): Promise<void>;
}

export interface CrashOptions {
  dataDir: string;
  start(dataDir: string): Promise<CrashServer>;
  kills: number;
  clients?: number;
  /** Milliseconds of load before each kill: uniformly drawn in [min, max]. */
  loadMs?: [number, number];
  log?: (line: string) => void;
}

export interface CrashReport {
  kills: number;
  clients: number;
  /** Commands answered 201 (recorded) or 200 (a retry that found its command recorded already). */
  acknowledged: number;
  replayed: number;
  /** Requests sent again with the same key after no answer or a 503. */
  retries: number;
  /** Requests that got no answer: refused or cut by a dead server. */
  unanswered: number;
  /** Every status received, with its count. */
  statuses: Record<string, number>;
  /** Answers that should never happen (a 500, a 409…), with their text. */
  unexpected: string[];
  /** Milliseconds from the kill to the restarted server listening, per kill. */
  restartMs: number[];
  seconds: number;
}

export interface LogCheck {
  /** PatientReferred events in the log for the crash CPTS. */
  referrals: number;
  /** Acknowledged commands whose referral is not in the log. */
  missing: string[];
  /** Referral ids that are in the log more than once. */
  duplicated: string[];
  /** Referrals in the log that no client was acknowledged for. */
  unacknowledged: string[];
  /** Streams whose hash chain does not verify. */
  brokenChains: string[];
  events: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Acknowledged {
  key: string;
  referralId: string;
}

export async function crashRun(options: CrashOptions): Promise<{
  report: CrashReport;
  scenario: Scenario;
  acknowledged: Acknowledged[];
  /** The read models the server ran. */
  projections: string[];
}> {
  const clients = options.clients ?? 64;
  const [minLoad, maxLoad] = options.loadMs ?? [500, 1500];
  const log = options.log ?? (() => undefined);
  const started = process.hrtime.bigint();

  let server = await options.start(options.dataDir);
  const scenario = await setUpCpts(server.url, 'cpts-crash', { patients: 8, pathways: 32 });
  const state = { url: server.url, stopping: false };
  const report: CrashReport = {
    kills: 0,
    clients,
    acknowledged: 0,
    replayed: 0,
    retries: 0,
    unanswered: 0,
    statuses: {},
    unexpected: [],
    restartMs: [],
    seconds: 0,
  };
  const acknowledged: Acknowledged[] = [];

  /** One client: a command at a time, each sent until answered, as a careful client does. */
  const client = async (c: number): Promise<void> => {
    for (let seq = 0; !state.stopping; seq += 1) {
      const key = `crash-${c}-${seq}`;
      const pathwayId = scenario.pathways[c % scenario.pathways.length];
      const body = referralBody(scenario, c * 100_000 + seq);
      for (let attempt = 0; ; attempt += 1) {
        if (attempt > 0) report.retries += 1;
        const url = `${state.url}/api/v1/cpts/${scenario.cptsId}/pathways/${pathwayId}/referrals`;
        let status: number;
        let answer: Awaited<ReturnType<typeof send>>;
        try {
          answer = await send(url, { token: scenario.token, body, headers: { 'idempotency-key': key } });
          status = answer.status;
        } catch {
          report.unanswered += 1;
          await sleep(20 + Math.random() * 80);
          continue;
        }
        report.statuses[status] = (report.statuses[status] ?? 0) + 1;
        if (status === 201 || status === 200) {
          report.acknowledged += 1;
          if (status === 200) report.replayed += 1;
          acknowledged.push({ key, referralId: (answer.body as { id: string }).id });
          break;
        }
        if (status === 503) {
          await sleep(50);
          continue;
        }
        report.unexpected.push(`${key}: ${status} ${answer.text.slice(0, 300)}`);
        break;
      }
    }
  };

  const running = Array.from({ length: clients }, (_, c) => client(c));
  try {
    for (let k = 1; k <= options.kills; k += 1) {
      await sleep(minLoad + Math.random() * (maxLoad - minLoad));
      const before = report.acknowledged;
      const killedAt = process.hrtime.bigint();
      await server.kill();
      report.kills += 1;
      server = await options.start(options.dataDir);
      state.url = server.url;
      const restart = Number(process.hrtime.bigint() - killedAt) / 1e6;
      report.restartMs.push(restart);
      log(
        `kill ${k}/${options.kills}: ${before} commands acknowledged so far; back in ${Math.round(restart)} ms`,
      );
    }
    // Some load on the last server too, then every client finishes the command it has in hand.
    await sleep(minLoad);
  } finally {
    state.stopping = true;
    await Promise.all(running);
  }
  const projections = await caughtUp(server.url);
  await server.stop();
  report.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { report, scenario, acknowledged, projections };
}

/** Waits until every projection is running at the head of the log. */
export async function caughtUp(url: string, timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = (await send(`${url}/health`)).body as {
      store: { position: string };
      projections: Array<{ name: string; state: string; position: string }>;
    };
    if (
      health.projections.length > 0 &&
      health.projections.every((p) => p.state === 'running' && p.position === health.store.position)
    ) {
      return health.projections.map((p) => p.name);
    }
    if (Date.now() > deadline) throw new Error(`projections did not catch up: ${JSON.stringify(health)}`);
    await sleep(100);
  }
}

/** The log of the stopped server, read from its file: what the clients were told is what is there. */
export async function checkLog(
  dataDir: string,
  scenario: Scenario,
  acknowledged: readonly Acknowledged[],
): Promise<LogCheck> {
  const store = new SqliteEventStore({ path: join(dataDir, 'events.db') });
  try {
    const seen = new Map<string, number>();
    const streams = new Set<string>();
    let events = 0;
    let after = 0n;
    for (;;) {
      const page: RecordedEvent[] = await store.readAll({ after, maxCount: 1000 });
      for (const event of page) {
        events += 1;
        streams.add(event.streamId);
        if (event.type === 'PatientReferred' && event.metadata.cptsId === scenario.cptsId) {
          const id = event.data.referralId as string;
          seen.set(id, (seen.get(id) ?? 0) + 1);
        }
      }
      if (page.length < 1000) break;
      after = page[page.length - 1].position;
    }
    const brokenChains: string[] = [];
    for (const streamId of streams) {
      if (verifyChain(streamId, await store.readStream(streamId)) !== null) brokenChains.push(streamId);
    }
    const acknowledgedIds = new Set(acknowledged.map((a) => a.referralId));
    return {
      referrals: [...seen.values()].reduce((a, b) => a + b, 0),
      missing: acknowledged.filter((a) => !seen.has(a.referralId)).map((a) => a.key),
      duplicated: [...seen].filter(([, count]) => count > 1).map(([id]) => id),
      unacknowledged: [...seen.keys()].filter((id) => !acknowledgedIds.has(id)),
      brokenChains,
      events,
    };
  } finally {
    await store.close();
  }
}

function checksums(dataDir: string, names: readonly string[]): Record<string, string> {
  const readStore = new ReadStore(join(dataDir, 'read.db'));
  try {
    return Object.fromEntries(names.map((name) => [name, readStore.checksum(name)]));
  } finally {
    readStore.close();
  }
}

/**
 * The read models built live (through the kills) against a fresh rebuild from the log, by checksum:
 * `npm run cli -- rebuild` on the stopped server's DATA_DIR, as an operator would run it.
 */
export function compareWithRebuild(
  dataDir: string,
  names: readonly string[],
): { live: Record<string, string>; rebuilt: Record<string, string> } {
  const live = checksums(dataDir, names);
  const cli = join(repositoryRoot(), 'dist/apps/cli/src/main.js');
  const result = spawnSync(process.execPath, [cli, 'rebuild'], {
    env: { PATH: process.env.PATH, DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error(`rebuild failed (${result.status}): ${result.stderr}`);
  return { live, rebuilt: checksums(dataDir, names) };
}
