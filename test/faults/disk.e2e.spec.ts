/**
 * The disk under DATA_DIR fills up while the built API serves: commands get a 503 problem document saying
 * why with Retry-After, nothing is half-written, reads go on, /health says why, and everything works again
 * by itself once space returns — no restart.
 *
 * The disk is real: DATA_DIR is a small tmpfs mounted in a user and mount namespace of the API's own
 * (`unshare`, no privilege needed), filled and emptied from here through /proc/<pid>/root. Every SQLite
 * file of the service lives on it: events, read store, idempotency records, access log, keys.
 *
 * A read-only disk cannot be made this way under a running server (the kernel refuses to remount a file
 * system read-only while files are open for writing): `libs/event-store/test/sqlite-disk.int.spec.ts`
 * makes the store's own file refuse writes as a read-only one does, and the problem filter's unit test
 * turns SQLite's real read-only error into the 503.
 */
import { closeSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import {
  pathwayUrl,
  referralBody,
  referralUrl,
  send,
  setUpCpts,
  type Answer,
  type Scenario,
} from '../../bench/http-scenario';
import { startApi, type RunningApi } from '../support/api-process';

/** The API in namespaces of its own, its DATA_DIR a tmpfs of `size`. */
const onTmpfs =
  (size: string) =>
  (dataDir: string): string[] => [
    'unshare',
    '--user',
    '--map-root-user',
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    `mount -t tmpfs -o size=${size} parcours-data "$0" && exec "$@"`,
    dataDir,
  ];

/** DATA_DIR as the API sees it (its mount), from outside its namespace. */
const inside = (api: RunningApi): string => `/proc/${api.child.pid}/root${api.dataDir}`;

/** Fills the file system with one file until the kernel says ENOSPC; returns its path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) {
      try {
        writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
        // The last blocks: smaller writes until not a byte more fits.
        for (let size = chunk.length / 2; size >= 512; size /= 2) {
          try {
            for (;;) writeSync(fd, chunk, 0, size);
          } catch (inner) {
            if ((inner as NodeJS.ErrnoException).code !== 'ENOSPC') throw inner;
          }
        }
        return path;
      }
    }
  } finally {
    closeSync(fd);
  }
}

async function health(api: RunningApi): Promise<Answer> {
  return send(`${api.url}/health`);
}

/** Polls /health until `ok` says so (the service is to recover by itself: nobody restarts it). */
async function healthUntil(api: RunningApi, ok: (answer: Answer) => boolean, what: string): Promise<Answer> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const answer = await health(api);
    if (ok(answer)) return answer;
    if (Date.now() > deadline) throw new Error(`/health never showed ${what}: ${answer.text}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Sends referrals until one is refused: the WAL may still hold room for a few commits after the disk is
 * full. Every answer is a 201 or that 503, never anything else.
 */
async function firstRefusal(
  scenario: Scenario,
  from: number,
): Promise<{ refused: Answer; accepted: number }> {
  for (let n = 0; n < 200; n += 1) {
    const answer = await send(referralUrl(scenario, scenario.pathways[n % scenario.pathways.length]), {
      token: scenario.token,
      body: referralBody(scenario, from + n),
    });
    if (answer.status === 503) return { refused: answer, accepted: n };
    expect([answer.status, answer.text]).toEqual([201, expect.any(String)]);
  }
  throw new Error('200 commands accepted on a full disk');
}

function expectRefusal(answer: Answer, reason: 'disk-full'): void {
  expect(answer.status).toBe(503);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.headers.get('retry-after')).toBe('30');
  expect(answer.body).toMatchObject({
    status: 503,
    type: expect.stringMatching(/store-unavailable$/) as string,
    reason,
    detail: expect.stringMatching(/rien n'a été enregistré/) as string,
  });
}

/** The log and the read models as clients see them: position, a pathway's revision, the chains verified. */
async function snapshot(scenario: Scenario, api: RunningApi) {
  const position = ((await health(api)).body as { store: { position: string } }).store.position;
  const pathway = await send(pathwayUrl(scenario, scenario.pathways[0]), { token: scenario.token });
  expect(pathway.status).toBe(200);
  const verify = await send(`${scenario.url}/api/v1/cpts/${scenario.cptsId}/audit/verify`, {
    token: scenario.token,
  });
  expect(verify.status).toBe(200);
  expect(verify.body).toMatchObject({ ok: true });
  return { position, revision: (pathway.body as { revision: number }).revision };
}

/** The service took writes again: a command, then a read that shows it (the projections caught up). */
async function recovered(scenario: Scenario, n: number): Promise<void> {
  const pathwayId = scenario.pathways[1];
  const answer = await send(referralUrl(scenario, pathwayId), {
    token: scenario.token,
    body: referralBody(scenario, n),
  });
  expect(answer.status).toBe(201);
  const position = (answer.body as { position: string }).position;
  const view = await send(`${pathwayUrl(scenario, pathwayId)}?consistentWith=${position}`, {
    token: scenario.token,
  });
  expect(view.status).toBe(200);
  expect((view.body as { revision: number }).revision).toBe((answer.body as { revision: number }).revision);
}

// The store's writes on the request thread (the default) or on a thread of their own: the same refusal.
describe.each(['inline', 'thread'])('the disk under DATA_DIR is full (SQLITE_WRITER=%s)', (writer) => {
  let api: RunningApi;
  let scenario: Scenario;

  beforeAll(async () => {
    api = await startApi({ SQLITE_WRITER: writer }, 30_000, onTmpfs('24m'));
    scenario = await setUpCpts(api.url, 'cpts-disk', { patients: 2, pathways: 4 });
  }, 60_000);
  afterAll(() => api?.dispose());

  it('commands get a 503 disk-full, nothing is half-written, reads and /health go on; it recovers once space returns', async () => {
    const before = statfsSync(inside(api));
    expect(before.blocks * before.bsize).toBeLessThanOrEqual(24 * 1024 * 1024); // the tmpfs, not the host disk
    const filler = fill(inside(api));
    try {
      const { refused } = await firstRefusal(scenario, 0);
      expectRefusal(refused, 'disk-full');
      const frozen = await snapshot(scenario, api);

      // Every command now: the same refusal, and the log does not move.
      for (let n = 0; n < 10; n += 1) {
        const answer = await send(referralUrl(scenario, scenario.pathways[n % 4]), {
          token: scenario.token,
          body: referralBody(scenario, 1000 + n),
          headers: { 'idempotency-key': `full-${n}` },
        });
        expectRefusal(answer, 'disk-full');
      }
      // A patient's registration writes a key beside the log first: the same refusal.
      const patient = await send(`${scenario.url}/api/v1/cpts/${scenario.cptsId}/patients`, {
        token: scenario.token,
        body: {
          identity: { familyName: 'Petit', givenName: 'Jean', birthDate: '1948-02-01' },
          sex: 'M',
          birthYear: 1948,
          ald: false,
          precarious: false,
          hasMedecinTraitant: false,
        },
      });
      expectRefusal(patient, 'disk-full');
      expect(await snapshot(scenario, api)).toEqual(frozen);

      const report = await health(api);
      expect(report.status).toBe(503);
      expect(report.body).toMatchObject({
        status: 'unavailable',
        store: { writable: false, reason: 'disk-full', position: frozen.position },
      });
    } finally {
      rmSync(filler);
    }

    await healthUntil(api, (answer) => answer.status === 200, 'the store writable again');
    await recovered(scenario, 2000);
    // The refused commands with an Idempotency-Key were not recorded: sent again, they are new (201).
    const retried = await send(referralUrl(scenario, scenario.pathways[0]), {
      token: scenario.token,
      body: referralBody(scenario, 1000),
      headers: { 'idempotency-key': 'full-0' },
    });
    expect(retried.status).toBe(201);
    await snapshot(scenario, api);
  }, 60_000);
});
