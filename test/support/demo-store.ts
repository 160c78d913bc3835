/**
 * The demo CPTS for the tests that read it (the browser tests, the analytics job, the indicators' series):
 * seeded once per jest run, by the API itself on its first start (`SEED_DEMO=true`, the path `npm start`
 * takes), then copied into a DATA_DIR of its own for each test file. Seeding takes far longer than
 * copying, and every file used to seed the same events again; each file still gets a store of its own
 * to change. The first start's own behaviour (answers at once, seeds in the background, stops cleanly
 * mid-seed) is tested by test/demo.e2e.spec.ts, which seeds for itself.
 *
 * The jest workers share the seed through the directory `global-setup.ts` names in
 * PARCOURS_DEMO_TEMPLATE: the first file to ask seeds it (an atomic `mkdir` decides who), the others
 * wait for it to be ready.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunningApi, startApi, tempDataDir } from './api-process';

export const DEMO_TEMPLATE_ENV = 'PARCOURS_DEMO_TEMPLATE';

const SEED_TIMEOUT_MS = 90_000;

export interface DemoApi extends RunningApi {
  /** The seed's last day (`YYYY-MM-DD`): its year of activity ends there. */
  until: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the API on a copy of the seeded demo store (seeds it first if no file of this run has). */
export async function startDemoApi(env: Record<string, string> = {}): Promise<DemoApi> {
  const { store, until } = await demoTemplate();
  const dataDir = tempDataDir();
  try {
    cpSync(store, dataDir, { recursive: true });
    // The store is not empty: the API does not seed again, whatever SEED_DEMO says.
    const api = await startApi({ SEED_DEMO: 'true', ...env, DATA_DIR: dataDir });
    return {
      ...api,
      until,
      dispose: async () => {
        await api.dispose();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function demoTemplate(): Promise<{ store: string; until: string }> {
  const root = process.env[DEMO_TEMPLATE_ENV];
  if (!root)
    throw new Error(
      `${DEMO_TEMPLATE_ENV} is not set: jest's globalSetup (test/support/global-setup.ts) sets it`,
    );
  const store = join(root, 'store');
  const ready = join(root, 'ready.json');
  const failed = join(root, 'failed.txt');
  let seeder = false;
  try {
    mkdirSync(join(root, 'lock'));
    seeder = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (seeder) {
    try {
      const until = await seed(store);
      writeFileSync(ready, JSON.stringify({ until }));
    } catch (error) {
      writeFileSync(failed, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }
  // Another file may be seeding: wait for it as long as seeding here would have taken, and a margin.
  const deadline = Date.now() + 2 * SEED_TIMEOUT_MS;
  while (!existsSync(ready)) {
    if (existsSync(failed)) throw new Error(`the demo seed failed:\n${readFileSync(failed, 'utf8')}`);
    if (Date.now() > deadline) throw new Error('the demo seed (started by another test file) did not finish');
    await sleep(200);
  }
  const { until } = JSON.parse(readFileSync(ready, 'utf8')) as { until: string };
  return { store, until };
}

/** Seeds the demo into `dir` through the API's first start; returns the seed's last day. */
async function seed(dir: string): Promise<string> {
  mkdirSync(dir);
  const api = await startApi({ SEED_DEMO: 'true', DATA_DIR: dir });
  let failure: Error | undefined;
  try {
    const deadline = Date.now() + SEED_TIMEOUT_MS;
    while (!/demo seed (done|failed)/.test(api.output())) {
      if (Date.now() > deadline) throw new Error(`the demo seed did not finish:\n${api.output()}`);
      await sleep(200);
    }
    if (/demo seed failed/.test(api.output())) throw new Error(`the demo seed failed:\n${api.output()}`);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  // A clean stop closes the stores (their WAL written back into the files): the copies are whole.
  const stopped = await api.stop('SIGTERM');
  if (failure) throw failure;
  const output = api.output();
  if (stopped.code !== 0) {
    throw new Error(`the API did not stop cleanly after the seed (${JSON.stringify(stopped)}):\n${output}`);
  }
  // The seed's last day (`until` in its summary line, JSON inside the log's JSON).
  const until = /"until\\?":\\?"(\d{4}-\d{2}-\d{2})/.exec(output)?.[1];
  if (!until) throw new Error(`no last day in the seed's summary:\n${output}`);
  return until;
}
