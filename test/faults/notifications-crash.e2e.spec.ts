/**
 * kill -9 of the built API while its notifier is delivering: sixty discharges imported (the CLI, API
 * stopped) wait in the log; the API starts, is killed as soon as its notifier has recorded some, and starts
 * again. Every notification is then in the GP's inbox exactly once, and the log holds exactly one
 * `NotificationRequested` and one `NotificationDelivered` per notification.
 */
import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, runCli, startApi, tempDataDir, type RunningApi } from '../support/api-process';
import { dischargeBundle, ins } from '../support/fhir-bundles';
import { command, registerCptsInStore, token } from '../support/tenant';

const CPTS = 'cpts-notify-crash';
const DISCHARGES = 60;
const GP_RPPS = '10000000001';

interface Reactor {
  requested: number;
  delivered: number;
  position: string;
}
const notifier = async (api: RunningApi): Promise<Reactor> =>
  ((await call(`${api.url}/health`)).body.reactors as Reactor[])[0];

describe('kill -9 while the notifier delivers', () => {
  const dataDir = tempDataDir();
  let api: RunningApi | undefined;
  afterAll(() => api?.dispose());

  it('delivers every notification exactly once to the inbox, recorded once', async () => {
    await registerCptsInStore(dataDir, CPTS);
    api = await startApi({ DATA_DIR: dataDir });
    const coordinator = await token(api.url, CPTS, 'coordinator', 'coord-1');
    const gp = await command(`${api.url}/api/v1/cpts/${CPTS}/members`, coordinator, {
      displayName: 'Dr Bernard',
      profession: 'medecin-generaliste',
      rpps: GP_RPPS,
      mode: 'liberal',
      joinedOn: '2020-01-10',
      sasParticipant: false,
    });
    // The notifier has its checkpoint; stopped, the API leaves the discharges below waiting in the log.
    expect((await api.stop('SIGTERM')).code).toBe(0);

    const bundles = join(dataDir, 'bundles');
    mkdirSync(bundles);
    for (let i = 1; i <= DISCHARGES; i += 1) {
      const bundle = dischargeBundle({
        patient: { ins: ins(`2410569123${String(i).padStart(3, '0')}`) },
        gpRpps: GP_RPPS,
        encounterId: `SEJ-2026-${i}`,
      });
      writeFileSync(join(bundles, `discharge-${i}.json`), JSON.stringify(bundle));
    }
    const imported = runCli(['import', bundles, '--cpts', CPTS], { DATA_DIR: dataDir });
    expect([imported.status, imported.stderr]).toEqual([0, expect.any(String)]);

    api = await startApi({ DATA_DIR: dataDir });
    let seen = await notifier(api);
    while (seen.requested === 0) seen = await notifier(api);
    await api.stop('SIGKILL');
    // Killed mid-way: the notifier had recorded some, not all.
    expect(seen.requested).toBeLessThan(DISCHARGES);

    api = await startApi({ DATA_DIR: dataDir });
    const gpToken = await token(api.url, CPTS, 'professional', gp.id);
    const until = Date.now() + 60_000;
    let inbox = (await call(`${api.url}/api/v1/cpts/${CPTS}/inbox`, { token: gpToken })).body;
    while (inbox.items.length < DISCHARGES && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      inbox = (await call(`${api.url}/api/v1/cpts/${CPTS}/inbox`, { token: gpToken })).body;
    }
    expect(inbox.unread).toBe(DISCHARGES);
    expect(new Set(inbox.items.map((item: { id: string }) => item.id)).size).toBe(DISCHARGES);
    await api.stop('SIGTERM');
    api = undefined;

    const db = new Database(join(dataDir, 'events.db'), { readonly: true });
    const counts = db
      .prepare(
        `SELECT type, count(*) AS n, count(DISTINCT json_extract(data, '$.notificationId')) AS ids
           FROM events WHERE type IN ('NotificationRequested', 'NotificationDelivered') GROUP BY type ORDER BY type`,
      )
      .all();
    db.close();
    expect(counts).toEqual([
      { type: 'NotificationDelivered', n: DISCHARGES, ids: DISCHARGES },
      { type: 'NotificationRequested', n: DISCHARGES, ids: DISCHARGES },
    ]);
  }, 180_000);
});
