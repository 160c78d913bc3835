/**
 * The demo CPTS (api.md, "Starting it"): the first start of the API in dev mode on an empty store loads
 * it in the background while the API answers; `seed demo` produces the same events from the same seed
 * and appends nothing when run again; a shutdown during the seed stops it cleanly and the CLI completes
 * it; with SEED_DEMO=false nothing is loaded.
 */
import { SqliteEventStore } from '@parcours/event-store';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { call, runCli, runCliAsync, type RunningApi, startApi, tempDataDir } from './support/api-process';
import { token, tokenForUnknownCpts } from './support/tenant';

const DEMO = 'cpts-demo';
const NATIONAL_PROTOCOLS = [
  'eruption-vesiculeuse-enfant',
  'odynophagie',
  'pollakiurie-brulure-mictionnelle',
  'rhino-conjonctivite-allergique',
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(250);
  }
}

/** Retries an assertion until it holds (a read model catching up), failing with its last error. */
async function eventually(assertion: () => Promise<void>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(250);
    }
  }
}

/** Every event of a store, as the demo makes it: what the seed decides, not what the clock does. */
async function readStreams(dataDir: string) {
  const store = new SqliteEventStore({ path: join(dataDir, 'events.db') });
  try {
    const events = [];
    let after: bigint | undefined;
    for (;;) {
      const page = await store.readAll({ after, maxCount: 2000 });
      events.push(...page);
      if (page.length < 2000) break;
      after = page[page.length - 1].position;
    }
    return events
      .map(({ streamId, revision, type, data, metadata }) => {
        // An identity is sealed under a key made for the patient at random: ciphertexts always differ.
        const comparable =
          type === 'PatientRegistered' ? { ...data, identity: (data.identity as { alg: string }).alg } : data;
        const { eventId, cptsId, actor, correlationId, causationId, source, schemaVersion } = metadata;
        return {
          streamId,
          revision,
          type,
          data: comparable,
          metadata: { eventId, cptsId, actor, correlationId, causationId, source, schemaVersion },
        };
      })
      .sort((a, b) => a.streamId.localeCompare(b.streamId) || a.revision - b.revision);
  } finally {
    await store.close();
  }
}

async function headPosition(dataDir: string): Promise<bigint> {
  const store = new SqliteEventStore({ path: join(dataDir, 'events.db') });
  try {
    return await store.headPosition();
  } finally {
    await store.close();
  }
}

describe('the demo CPTS', () => {
  describe('first start of the API on an empty store (SEED_DEMO=true)', () => {
    let api: RunningApi;
    beforeAll(async () => {
      api = await startApi({ SEED_DEMO: 'true' });
    });
    afterAll(() => api.dispose());

    it('answers at once, and shows the demo CPTS within a minute', async () => {
      // The seed runs after `listen`, in the background: /health answers straight away, mid-seed.
      const asked = Date.now();
      const health = await call(`${api.url}/health`);
      expect(health.status).toBe(200);
      expect(Date.now() - asked).toBeLessThan(2_000);
      expect(api.output()).not.toMatch(/demo seed done/);

      const coord = await token(api.url, DEMO, 'coordinator');
      const get = (path: string) => call(`${api.url}/api/v1/cpts/${DEMO}${path}`, { token: coord });
      // The RCPs are its last phase: once the log says it is done, everything is in the store.
      await waitFor('the demo seed to finish', () => /demo seed (done|failed)/.test(api.output()), 60_000);
      expect(api.output()).not.toMatch(/demo seed failed/);

      // Reads may be served by read models that catch up with the log: each is awaited, not assumed.
      await eventually(async () => {
        const cpts = await get('');
        expect(cpts.status).toBe(200);
        expect(cpts.body).toMatchObject({ id: DEMO, sizeClass: 2 });
        expect(cpts.body.contract.missions).toEqual(
          expect.arrayContaining([
            'acces-soins',
            'parcours',
            'prevention',
            'crises-sanitaires',
            'qualite-pertinence',
          ]),
        );
        expect(cpts.body.missions).toHaveLength(5);
      });

      await eventually(async () => {
        const protocols = await get('/protocols');
        expect(protocols.status).toBe(200);
        expect(protocols.body.items.map((p: { code: string }) => p.code).sort()).toEqual(NATIONAL_PROTOCOLS);
      });

      let pathwayIds: string[] = [];
      await eventually(async () => {
        const rcps = await get('/rcps');
        expect(rcps.status).toBe(200);
        expect(rcps.body.items.length).toBeGreaterThanOrEqual(10);
        pathwayIds = rcps.body.items.flatMap((rcp: { cases: Array<{ pathwayId: string }> }) =>
          rcp.cases.map((c) => c.pathwayId),
        );
      });
      for (const pathwayId of pathwayIds.slice(0, 5)) {
        await eventually(async () => {
          const pathway = await get(`/pathways/${pathwayId}`);
          expect(pathway.status).toBe(200);
          expect(pathway.body.timeline.length).toBeGreaterThan(0);
          expect(pathway.body.timeline[0].type).toBe('PathwayOpened');
        });
      }
    }, 80_000);
  });

  describe('seed demo (CLI)', () => {
    const dirs = [tempDataDir(), tempDataDir()];
    afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

    it('gives the same events from the same seed, and appends nothing when run again', async () => {
      const args = ['seed', 'demo', '--seed', '7', '--until', '2026-06-30'];
      // The two seeds are independent: they run at once.
      const runs = await Promise.all(dirs.map((DATA_DIR) => runCliAsync(args, { DATA_DIR }, 60_000)));
      for (const run of runs)
        expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      const report = JSON.parse(runs[0].stdout);
      expect(report).toMatchObject({ cptsId: DEMO, seed: 7, until: '2026-06-30', replayed: 0 });
      expect(report.commands).toBeGreaterThan(4_000);
      expect(report.eventsByType).toMatchObject({ RcpHeld: expect.any(Number), DischargeNotified: 300 });

      const [first, second] = await Promise.all(dirs.map(readStreams));
      expect(first).toHaveLength(report.events);
      expect(second).toEqual(first);

      const head = await headPosition(dirs[0]);
      const again = runCli(args, { DATA_DIR: dirs[0] });
      expect(again.status).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ events: 0, replayed: report.commands });
      expect(await headPosition(dirs[0])).toBe(head);
    }, 90_000);

    it('refuses another seed over the demo, and refuses production', () => {
      const other = runCli(['seed', 'demo', '--seed', '8', '--until', '2026-06-30'], { DATA_DIR: dirs[0] });
      expect(other.status).toBe(1);
      expect(other.stderr).toMatch(/not the demo of seed 8/);
      const oidc = runCli(['seed', 'demo'], {
        DATA_DIR: dirs[1],
        AUTH_MODE: 'oidc',
        OIDC_ISSUER: 'https://id.example.org',
        OIDC_AUDIENCE: 'parcours',
      });
      expect(oidc.status).toBe(1);
      expect(oidc.stderr).toMatch(/AUTH_MODE=oidc/);
      expect(runCli(['seed', 'demo', '--until', '2020-02-30'], { DATA_DIR: dirs[1] }).status).toBe(2);
    });
  });

  it('stops cleanly when the API shuts down mid-seed; the CLI completes it', async () => {
    const dataDir = tempDataDir();
    try {
      const api = await startApi({ SEED_DEMO: 'true', DATA_DIR: dataDir });
      await waitFor('the seed to be under way', () => /demo seed: 10 %/.test(api.output()), 30_000);
      const exit = await api.stop('SIGTERM');
      expect(exit.code).toBe(0);
      expect(api.output()).toMatch(/demo seed interrupted after \d+ of \d+ commands/);
      const until = /until (\d{4}-\d{2}-\d{2})/.exec(api.output())![1];

      const completed = runCli(['seed', 'demo', '--until', until], { DATA_DIR: dataDir });
      expect(completed.status).toBe(0);
      const report = JSON.parse(completed.stdout);
      expect(report.replayed).toBeGreaterThan(0);
      expect(report.events).toBeGreaterThan(0);
      expect(report.replayed + report.events).toBeGreaterThanOrEqual(report.commands);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('loads nothing with SEED_DEMO=false', async () => {
    const api = await startApi({ SEED_DEMO: 'false' });
    try {
      await sleep(1_000);
      const health = await call(`${api.url}/health`);
      expect(health.body.store.position).toBe('0');
      expect(api.output()).not.toMatch(/loading the demo/);
      // No demo CPTS: the sign-in refuses a token for it, and a token made for it anyway is refused.
      const signIn = await call(`${api.url}/api/v1/dev/tokens`, {
        body: { cpts: DEMO, role: 'coordinator' },
      });
      expect(signIn.body).toMatchObject({ status: 400, errors: [{ path: 'cpts' }] });
      const coord = await tokenForUnknownCpts(api.dataDir, DEMO, 'coordinator');
      expect((await call(`${api.url}/api/v1/cpts/${DEMO}`, { token: coord })).status).toBe(401);
    } finally {
      await api.dispose();
    }
  });
});
