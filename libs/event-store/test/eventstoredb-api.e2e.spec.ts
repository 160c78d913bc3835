/**
 * The built API (what `npm start` runs) with EVENT_STORE=eventstoredb, against the wire-level SIMULATOR
 * of a secure EventStoreDB 24.10 (a simulation, not a real server): credentials from the configuration,
 * a node that is not ready answered with 503 and Retry-After, foreign events counted in /health.
 */
import { call, startApi, type RunningApi } from '../../../test/support/api-process';
import { token } from '../../../test/support/tenant';
import { EsdbSimulator } from './esdb-simulator/simulator';

describe('the API on EventStoreDB, against the wire simulator (a SIMULATION of 24.10, not a real server)', () => {
  let simulator: EsdbSimulator;
  let api: RunningApi;
  let admin: string;
  beforeAll(async () => {
    simulator = await EsdbSimulator.start({ secure: true });
    api = await startApi({
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: simulator.connectionString({ user: null }),
      EVENTSTORE_USERNAME: 'admin',
      EVENTSTORE_PASSWORD: 'changeit',
      EVENTSTORE_DEADLINE_MS: '2000',
    });
    admin = await token(api.url, null, 'platform-admin', 'admin-1');
  });
  afterAll(async () => {
    await api?.dispose();
    await simulator?.stop();
  });

  const register = (id: string) =>
    call(`${api.url}/api/v1/cpts`, { token: admin, body: { id, name: `CPTS ${id}`, population: 12_000 } });

  it('records a command with the credentials of the configuration; /health is ok on eventstoredb', async () => {
    expect((await register('cpts-esdb')).status).toBe(201);
    const health = await call(`${api.url}/health`);
    expect(health.status).toBe(200);
    expect(health.body.store).toMatchObject({ kind: 'eventstoredb', foreignEvents: { skipped: 0 } });
    // The password never shows, not even in the process's logs.
    expect(api.output()).not.toContain('changeit');
  });

  it('a node that is not ready: commands get a 503 with Retry-After and the reason, then work again', async () => {
    simulator.setMode('not-ready');
    const refused = await register('cpts-not-ready');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.body).toMatchObject({
      type: expect.stringMatching(/store-unavailable$/) as string,
      reason: 'not-ready',
    });
    const health = await call(`${api.url}/health`);
    expect(health.status).toBe(503);
    expect(health.body.store).toMatchObject({ kind: 'eventstoredb', reason: 'not-ready' });

    simulator.setMode('ok');
    expect((await register('cpts-not-ready')).status).toBe(201);
  });

  it('events of another application on the shared server are counted in /health, and the projections go on', async () => {
    // Of types the projections follow (the server-side filter lets them through), without an envelope;
    // the filter passes over a type none follows.
    simulator.appendDirect('pathway-elsewhere.1', [
      { type: 'OrderPlaced', data: { total: 3 } },
      { type: 'PathwayOpened', data: { total: 3 } },
      { type: 'PatientReferred', binary: true },
    ]);
    expect((await register('cpts-after-foreign')).status).toBe(201);
    let health = await call(`${api.url}/health`);
    for (let i = 0; i < 100 && health.body.store.foreignEvents.skipped < 2; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      health = await call(`${api.url}/health`);
    }
    expect(health.status).toBe(200);
    // Each reader counts what it passed over: the projections the two of the types they follow, the
    // notifier (which reads every type) the three.
    expect(health.body.store.foreignEvents.skipped).toBeGreaterThanOrEqual(2);
    expect(health.body.projections.every((p: { state: string }) => p.state === 'running')).toBe(true);
  });

  it('refuses to start against a secure server without credentials, naming the variables', async () => {
    const failed = await startApi({
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: simulator.connectionString({ user: null }),
    }).then(
      () => null,
      (error: Error) => error.message,
    );
    expect(failed).toMatch(/EVENTSTORE_USERNAME and EVENTSTORE_PASSWORD/);
  });
});
