import { call, startApi, tempDataDir, type RunningApi } from '../../../../../test/support/api-process';
import { patientInCircle } from '../../../../../test/support/care-circle';
import { dischargeBundle, ins } from '../../../../../test/support/fhir-bundles';
import {
  deadUrl,
  eventually,
  type SmtpPeer,
  startSmtpPeer,
  startWebhookPeer,
  type WebhookPeer,
} from '../../../../../test/support/notification-peers';
import { outbox, type OutboxRecord } from '../../../../../test/support/outbox';
import { command, registerCptsInStore, token } from '../../../../../test/support/tenant';

const CPTS = 'cpts-deliver';
const GP_RPPS = '10000000001';
const PATIENT_INS = ins('2440569123045');
const BASE_URL = 'https://parcours.cpts-deliver.test';

/**
 * E-mail and webhooks end to end, against real peers on loopback: an SMTP server with STARTTLS and a
 * certificate of its own, HTTP receivers that check the signatures — one that accepts, one that fails
 * twice first, one that is down for good.
 */
describe('notifications by e-mail and webhook, to real peers', () => {
  let api: RunningApi;
  let dataDir: string;
  let smtp: SmtpPeer;
  let all: WebhookPeer;
  let flaky: WebhookPeer;
  let coordinator: string;
  const m: Record<string, string> = {};
  const t: Record<string, string> = {};
  const email: Record<string, string> = {
    gp: 'dr.bernard@cabinet.test',
    pharmacist: 'pharmacie.centre@officine.test',
    nurse: 'ide.durand@soins.test',
  };
  let patientId: string;
  let pathwayId: string;
  let downSubscription: string;
  const url = (path: string) => `${api.url}/api/v1/cpts/${CPTS}${path}`;
  const records = (where: (record: OutboxRecord) => boolean) => outbox(dataDir).filter(where);

  beforeAll(async () => {
    dataDir = tempDataDir();
    smtp = await startSmtpPeer(dataDir);
    all = await startWebhookPeer();
    // Fails twice (503), then accepts.
    flaky = await startWebhookPeer((n) => (n <= 2 ? 503 : 204));
    await registerCptsInStore(dataDir, CPTS);
    api = await startApi({
      DATA_DIR: dataDir,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_TLS_CA_FILE: smtp.caFile,
      SMTP_FROM: 'Parcours <parcours@cpts-deliver.test>',
      PUBLIC_BASE_URL: BASE_URL,
      WEBHOOKS_ALLOW_HTTP_LOOPBACK: 'true',
      NOTIFY_MAX_ATTEMPTS: '3',
      NOTIFY_RETRY_BASE_MS: '100',
    });
    coordinator = await token(api.url, CPTS, 'coordinator', 'coord-1');
    for (const [key, profession, rpps] of [
      ['gp', 'medecin-generaliste', GP_RPPS],
      ['pharmacist', 'pharmacien', undefined],
      ['nurse', 'infirmier', undefined],
    ] as const) {
      m[key] = (
        await command(url('/members'), coordinator, {
          displayName: `Dr ${key}`,
          profession,
          ...(rpps ? { rpps } : {}),
          mode: 'liberal',
          joinedOn: '2020-01-10',
          sasParticipant: false,
        })
      ).id;
      t[key] = await token(api.url, CPTS, 'professional', m[key]);
      await command(url(`/members/${m[key]}/email`), coordinator, { email: email[key] });
    }
    // The nurse wants no e-mail: told in the inbox and by webhook only.
    await command(url('/inbox/preferences'), t.nurse, { email: false, webhook: true });

    const subscribe = async (peer: WebhookPeer | string, memberIds?: string[]) => {
      const response = await call(url('/webhooks'), {
        token: coordinator,
        body: { url: typeof peer === 'string' ? peer : peer.url, ...(memberIds ? { memberIds } : {}) },
      });
      expect(response.status).toBe(201);
      if (typeof peer !== 'string') peer.secret = response.body.secret as string;
      return response.body as { id: string; secret: string };
    };
    await subscribe(all);
    await subscribe(flaky, [m.gp]);
    downSubscription = (await subscribe(await deadUrl(), [m.pharmacist])).id;

    ({ patientId, pathwayId } = await patientInCircle(url(''), coordinator, {
      identity: { familyName: 'Sortante', givenName: 'Alice', birthDate: '1944-05-06', ins: PATIENT_INS },
      gp: m.gp,
      pharmacist: m.pharmacist,
      nurse: m.nurse,
    }));
  }, 60_000);

  afterAll(async () => {
    await api?.dispose();
    await Promise.all([smtp?.close(), all?.close(), flaky?.close()]);
  });

  it('a discharge recorded through the API is e-mailed over TLS to the GP and the pharmacist, with no health data', async () => {
    await command(url(`/pathways/${pathwayId}/discharges`), coordinator, {
      hospital: { name: 'CH de Villefranche' },
      dischargeAt: '2026-03-06T17:30:00+01:00',
      notifiedAt: '2026-03-05T11:00:00+01:00',
      treatmentChanged: true,
      complex: false,
      needs: [],
    });
    await eventually(
      () => smtp.received.length,
      (n) => n >= 2,
      'e-mailed',
    );
    const mails = smtp.received.map((received) => ({
      overTls: received.overTls,
      to: received.envelopeTo,
      subject: received.mail.subject,
    }));
    expect(mails.sort((a, b) => a.to[0].localeCompare(b.to[0]))).toEqual([
      { overTls: true, to: [email.gp], subject: 'Parcours : une sortie d’hospitalisation' },
      { overTls: true, to: [email.pharmacist], subject: 'Parcours : une sortie d’hospitalisation' },
    ]);
    expect(smtp.clearTextMessages).toBe(0);
    const emailed = records((r) => r.channel === 'email');
    for (const received of smtp.received) {
      // The Message-ID is the notification's: a retry would be recognisably the same e-mail.
      const id = /^<([0-9a-f-]{36})@parcours\.cpts-deliver\.test>$/.exec(received.mail.messageId ?? '')?.[1];
      expect(emailed.map((r) => r.notificationId)).toContain(id);
      const text = received.mail.text ?? '';
      expect(text).toContain(`${BASE_URL}/#/inbox`);
      for (const secret of ['Sortante', 'Alice', 'Villefranche', '1944', PATIENT_INS, patientId, pathwayId]) {
        expect(text).not.toContain(secret);
        expect(received.mail.subject).not.toContain(secret);
      }
    }
    // The inbox is told at once, the nurse included; the nurse was not e-mailed.
    for (const who of ['gp', 'pharmacist', 'nurse']) {
      const inbox = await eventually(
        async () => (await call(url('/inbox'), { token: t[who] })).body as { items: unknown[] },
        (box) => box.items.length === 1,
        `in ${who}'s inbox`,
      );
      expect(inbox.items).toEqual([expect.objectContaining({ kind: 'discharge', pathwayId })]);
    }
    expect(emailed.map((r) => r.recipientId).sort()).toEqual([m.gp, m.pharmacist].sort());
  });

  it('signed webhooks reach each subscription that carries the member, and a tampered one is refused', async () => {
    const received = await eventually(
      () => all.received,
      (r) => r.length >= 3,
      'posted',
    );
    expect(received.every((r) => r.verified && r.status === 204)).toBe(true);
    const bodies = received.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(bodies.map((b) => b.memberId).sort()).toEqual([m.gp, m.pharmacist, m.nurse].sort());
    for (const [index, body] of bodies.entries()) {
      expect(Object.keys(body).sort()).toEqual([
        'cptsId',
        'id',
        'kind',
        'link',
        'memberId',
        'occurredAt',
        'sentAt',
      ]);
      expect(body).toEqual(
        expect.objectContaining({ kind: 'discharge', cptsId: CPTS, link: `${BASE_URL}/#/inbox` }),
      );
      // The id header is the notification's, for the receiver to drop a repeat.
      expect(received[index].headers['parcours-notification-id']).toBe(body.id);
      expect(received[index].body).not.toMatch(/Sortante|Alice|Villefranche/);
    }
    // The same request with its body changed, or its timestamp, is refused by the receiver.
    const original = received[0];
    const replay = (body: string, timestamp: string) =>
      fetch(all.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'parcours-timestamp': timestamp,
          'parcours-signature': original.headers['parcours-signature'] as string,
        },
        body,
      });
    const timestamp = original.headers['parcours-timestamp'] as string;
    expect((await replay(original.body.replace('discharge', 'referral'), timestamp)).status).toBe(401);
    expect((await replay(original.body, String(Number(timestamp) + 1))).status).toBe(401);
    expect((await replay(original.body, timestamp)).status).toBe(204);
  });

  it('a receiver failing twice then accepting: two NotificationFailed, then one NotificationDelivered', async () => {
    const [gpOnFlaky] = await eventually(
      () => records((r) => r.channel === 'webhook' && r.recipientId === m.gp && r.history.length > 3),
      (found) => found.length === 1,
      'delivered to the flaky receiver',
    );
    const flakyRecords = records((r) => r.subscriptionId === gpOnFlaky.subscriptionId);
    expect(flakyRecords).toHaveLength(1);
    expect(gpOnFlaky.history).toEqual(['requested', 'failed:1:http-503', 'failed:2:http-503', 'delivered:3']);
    // Three attempts, each with the same notification id.
    expect(flaky.received.map((r) => r.headers['parcours-notification-id'])).toEqual([
      gpOnFlaky.notificationId,
      gpOnFlaky.notificationId,
      gpOnFlaky.notificationId,
    ]);
  });

  it('a receiver down for good: retried, then a final failure; /health counts it', async () => {
    const [down] = await eventually(
      () =>
        records((r) => r.subscriptionId === downSubscription && r.history.some((h) => h.endsWith(':final'))),
      (found) => found.length === 1,
      'given up',
    );
    expect(down.history).toEqual([
      'requested',
      'failed:1:ECONNREFUSED',
      'failed:2:ECONNREFUSED',
      'failed:3:ECONNREFUSED:final',
    ]);
    const health = await eventually(
      async () => (await call(`${api.url}/health`)).body as { reactors: Array<Record<string, unknown>> },
      (body) => body.reactors[1]?.pending === 0,
      'drained',
    );
    expect(health.reactors[1]).toEqual(
      expect.objectContaining({ name: 'dispatcher', state: 'running', pending: 0, failed: 1 }),
    );
  });

  it('a discharge imported in FHIR notifies the GP and the pharmacist through every channel', async () => {
    const mailsBefore = smtp.received.length;
    const allBefore = all.received.length;
    const imported = await call(url('/fhir'), {
      token: coordinator,
      rawBody: JSON.stringify(
        dischargeBundle({ patient: { ins: PATIENT_INS }, gpRpps: GP_RPPS, encounterId: 'SEJ-2026-0042' }),
      ),
      headers: { 'content-type': 'application/fhir+json' },
    });
    expect(imported.status).toBe(201);
    await eventually(
      () => smtp.received.length,
      (n) => n >= mailsBefore + 2,
      'e-mailed',
    );
    expect(
      smtp.received
        .slice(mailsBefore)
        .map((r) => r.envelopeTo[0])
        .sort(),
    ).toEqual([email.gp, email.pharmacist].sort());
    const posted = await eventually(
      () => all.received.slice(allBefore),
      (r) => r.length >= 3,
      'posted',
    );
    expect(posted.map((r) => (JSON.parse(r.body) as { memberId: string }).memberId).sort()).toEqual(
      [m.gp, m.pharmacist, m.nurse].sort(),
    );
    for (const who of ['gp', 'pharmacist']) {
      const inbox = await eventually(
        async () => (await call(url('/inbox'), { token: t[who] })).body as { items: unknown[] },
        (box) => box.items.length === 2,
        `in ${who}'s inbox`,
      );
      expect(inbox.items).toHaveLength(2);
    }
  });

  it('no e-mail address is in the API’s logs, nor in the pseudonymised feed', async () => {
    const analyst = await token(api.url, CPTS, 'analyst');
    const feed = await call(url('/exports/events.ndjson'), { token: analyst });
    expect(feed.status).toBe(200);
    for (const address of Object.values(email)) {
      expect(api.output()).not.toContain(address);
      expect(feed.text).not.toContain(address);
    }
    // Nor the webhook secrets, in clear, anywhere in the log's feed.
    expect(feed.text).not.toContain(all.secret);
  });
});
