/**
 * kill -9 of the built API while its notifier and dispatcher are delivering: sixty discharges imported
 * (the CLI, API stopped) wait in the log; the API starts, is killed as soon as the first e-mail reached the
 * SMTP server, and starts again. Every notification is then in the GP's inbox exactly once, and was
 * received at least once (under its own id) by the SMTP server and by the webhook receiver; the log holds
 * exactly one `NotificationRequested` and one `NotificationDelivered` per notification.
 */
import Database from 'better-sqlite3';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, runCli, startApi, tempDataDir, type RunningApi } from '../support/api-process';
import { dischargeBundle, ins } from '../support/fhir-bundles';
import {
  eventually,
  startSmtpPeer,
  startWebhookPeer,
  type SmtpPeer,
  type WebhookPeer,
} from '../support/notification-peers';
import { outbox } from '../support/outbox';
import { command, registerCptsInStore, token } from '../support/tenant';

const CPTS = 'cpts-notify-crash';
const DISCHARGES = 60;
const GP_RPPS = '10000000001';

describe('kill -9 while the notifier delivers', () => {
  const dataDir = tempDataDir();
  let api: RunningApi | undefined;
  let smtp: SmtpPeer | undefined;
  let receiver: WebhookPeer | undefined;
  afterAll(async () => {
    await api?.dispose();
    await Promise.all([smtp?.close(), receiver?.close()]);
  });

  it('delivers every notification exactly once to the inbox, at least once by e-mail and webhook, recorded once', async () => {
    smtp = await startSmtpPeer(dataDir);
    receiver = await startWebhookPeer();
    const env = {
      DATA_DIR: dataDir,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_TLS_CA_FILE: smtp.caFile,
      SMTP_FROM: 'parcours@cpts-notify-crash.test',
      PUBLIC_BASE_URL: 'https://parcours.test',
      WEBHOOKS_ALLOW_HTTP_LOOPBACK: 'true',
      NOTIFY_RETRY_BASE_MS: '100',
    };
    await registerCptsInStore(dataDir, CPTS);
    api = await startApi(env);
    const coordinator = await token(api.url, CPTS, 'coordinator', 'coord-1');
    const gp = await command(`${api.url}/api/v1/cpts/${CPTS}/members`, coordinator, {
      displayName: 'Dr Bernard',
      profession: 'medecin-generaliste',
      rpps: GP_RPPS,
      mode: 'liberal',
      joinedOn: '2020-01-10',
      sasParticipant: false,
    });
    await command(`${api.url}/api/v1/cpts/${CPTS}/members/${gp.id}/email`, coordinator, {
      email: 'dr.bernard@cabinet.test',
    });
    const subscribed = await call(`${api.url}/api/v1/cpts/${CPTS}/webhooks`, {
      token: coordinator,
      body: { url: receiver.url },
    });
    receiver.secret = subscribed.body.secret as string;
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

    api = await startApi(env);
    const mails = smtp;
    await eventually(
      () => mails.received.length,
      (n) => n > 0,
      'e-mailing',
      60_000,
    );
    await api.stop('SIGKILL');
    // Killed mid-way: some e-mails were sent, not all.
    expect(smtp.received.length).toBeLessThan(DISCHARGES);

    api = await startApi(env);
    const gpToken = await token(api.url, CPTS, 'professional', gp.id);
    const until = Date.now() + 60_000;
    let inbox = (await call(`${api.url}/api/v1/cpts/${CPTS}/inbox`, { token: gpToken })).body;
    while (inbox.items.length < DISCHARGES && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      inbox = (await call(`${api.url}/api/v1/cpts/${CPTS}/inbox`, { token: gpToken })).body;
    }
    expect(inbox.unread).toBe(DISCHARGES);
    const running = api;
    await eventually(
      async () =>
        (await call(`${running.url}/health`)).body.reactors[1] as { pending: number; failed: number },
      (dispatcher) => dispatcher.pending === 0,
      'sent',
      60_000,
    );
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
    // Inbox, e-mail and webhook for each discharge: each requested once, delivered once.
    expect(counts).toEqual([
      { type: 'NotificationDelivered', n: 3 * DISCHARGES, ids: 3 * DISCHARGES },
      { type: 'NotificationRequested', n: 3 * DISCHARGES, ids: 3 * DISCHARGES },
    ]);
    const records = outbox(dataDir);
    const idsOf = (channel: string) =>
      records
        .filter((r) => r.channel === channel)
        .map((r) => r.notificationId)
        .sort();
    // Every e-mail and webhook was received at least once, under its notification's id — a repeat (the
    // attempt a kill cut short before it was recorded) under the same id, for the receiver to drop.
    const mailed = new Set(smtp.received.map((r) => /^<([^@]+)@/.exec(r.mail.messageId ?? '')?.[1]));
    expect([...mailed].sort()).toEqual(idsOf('email'));
    const posted = new Set(
      receiver.received.filter((r) => r.verified).map((r) => r.headers['parcours-notification-id']),
    );
    expect([...posted].sort()).toEqual(idsOf('webhook'));
    expect(idsOf('email')).toHaveLength(DISCHARGES);
    expect(idsOf('webhook')).toHaveLength(DISCHARGES);
  }, 180_000);
});
