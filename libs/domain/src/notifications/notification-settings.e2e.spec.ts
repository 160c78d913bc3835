import { call, startApi, tempDataDir, type RunningApi } from '../../../../test/support/api-process';
import { patientInCircle } from '../../../../test/support/care-circle';
import { eventually, type SmtpPeer, startSmtpPeer } from '../../../../test/support/notification-peers';
import { outbox } from '../../../../test/support/outbox';
import { command, registerCptsInStore, token } from '../../../../test/support/tenant';

const CPTS = 'cpts-settings';

/** `HH:MM` in Paris, `minutes` from now. */
const parisClock = (minutes: number) =>
  new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(Date.now() + minutes * 60_000));

/**
 * What a coordinator and a member set for notifications — addresses, preferences, webhook subscriptions —
 * with every rule on every path; and an SMTP server that does not offer STARTTLS is never written to.
 */
describe('notification settings over HTTP', () => {
  let api: RunningApi;
  let dataDir: string;
  let smtp: SmtpPeer;
  let coordinator: string;
  const m: Record<string, string> = {};
  const t: Record<string, string> = {};
  const url = (path: string) => `${api.url}/api/v1/cpts/${CPTS}${path}`;

  beforeAll(async () => {
    dataDir = tempDataDir();
    // This server never offers STARTTLS: Parcours must not send it anything in clear.
    smtp = await startSmtpPeer(dataDir, { noStartTls: true });
    await registerCptsInStore(dataDir, CPTS);
    api = await startApi({
      DATA_DIR: dataDir,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_TLS_CA_FILE: smtp.caFile,
      SMTP_FROM: 'parcours@cpts-settings.test',
      NOTIFY_MAX_ATTEMPTS: '2',
      NOTIFY_RETRY_BASE_MS: '50',
    });
    coordinator = await token(api.url, CPTS, 'coordinator', 'coord-1');
    for (const key of ['gp', 'nurse', 'left']) {
      m[key] = (
        await command(url('/members'), coordinator, {
          displayName: key,
          profession: key === 'gp' ? 'medecin-generaliste' : 'infirmier',
          mode: 'liberal',
          joinedOn: '2020-01-10',
          sasParticipant: false,
        })
      ).id;
      t[key] = await token(api.url, CPTS, 'professional', m[key]);
    }
    await command(url(`/members/${m.left}/departure`), coordinator, { leftOn: '2025-01-31' });
  }, 60_000);

  afterAll(async () => {
    await api?.dispose();
    await smtp?.close();
  });

  describe('e-mail addresses', () => {
    it('a coordinator records one; a malformed one is a 400 naming the field, in French by default', async () => {
      const bad = await call(url(`/members/${m.gp}/email`), {
        token: coordinator,
        body: { email: 'pas-une-adresse' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'email', constraint: 'isEmail' })]);
      expect(bad.body.detail).toContain('doit être une adresse e-mail');
      const ok = await call(url(`/members/${m.gp}/email`), {
        token: coordinator,
        body: { email: 'gp@cabinet.test' },
      });
      expect(ok.status).toBe(201);
      expect((await call(url(`/members/${m.gp}`), { token: coordinator })).body).toEqual(
        expect.objectContaining({ email: 'gp@cabinet.test', emailEventId: expect.any(String) }),
      );
    });

    it('a member who left cannot be given one (422), nor can a professional record one (403)', async () => {
      const left = await call(url(`/members/${m.left}/email`), {
        token: coordinator,
        body: { email: 'x@y.test' },
      });
      expect([left.status, left.body.rule]).toEqual([422, 'member-has-left']);
      const professional = await call(url(`/members/${m.nurse}/email`), {
        token: t.nurse,
        body: { email: 'x@y.test' },
      });
      expect(professional.status).toBe(403);
    });

    it('is corrected by the same rules (a malformed correction is refused), and voided', async () => {
      const member = (await call(url(`/members/${m.gp}`), { token: coordinator })).body;
      const refused = await call(url(`/members/${m.gp}/corrections`), {
        token: coordinator,
        body: { targetEventId: member.emailEventId, reason: 'coquille', correction: { email: 'gp@' } },
      });
      expect([refused.status, refused.body.rule]).toEqual([422, 'correction-invalid']);
      await command(url(`/members/${m.gp}/corrections`), coordinator, {
        targetEventId: member.emailEventId,
        reason: 'coquille',
        correction: { email: 'docteur@cabinet.test' },
      });
      expect((await call(url(`/members/${m.gp}`), { token: coordinator })).body.email).toBe(
        'docteur@cabinet.test',
      );
      await command(url(`/members/${m.gp}/voidings`), coordinator, {
        targetEventId: member.emailEventId,
        reason: 'adresse personnelle, retirée',
      });
      expect((await call(url(`/members/${m.gp}`), { token: coordinator })).body.email).toBeUndefined();
      await command(url(`/members/${m.gp}/email`), coordinator, { email: 'gp@cabinet.test' });
      await command(url(`/members/${m.nurse}/email`), coordinator, { email: 'ide@soins.test' });
    });
  });

  describe('preferences', () => {
    it('a member reads and sets their own; the inbox cannot be turned off, quiet hours are checked', async () => {
      expect((await call(url('/inbox/preferences'), { token: t.nurse })).body).toEqual({
        email: true,
        webhook: true,
        hasEmail: true,
        channels: { email: true, webhook: true },
      });
      const bad = await call(url('/inbox/preferences'), {
        token: t.nurse,
        body: { email: true, webhook: true, quietHours: { from: '25:00', to: '07:00' } },
      });
      expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'quietHours.from' })]);
      const empty = await call(url('/inbox/preferences'), {
        token: t.nurse,
        body: { email: true, webhook: true, quietHours: { from: '07:00', to: '07:00' } },
      });
      expect([empty.status, empty.body.rule, empty.body.errors?.[0]?.path]).toEqual([
        422,
        'quiet-hours-empty',
        'quietHours.to',
      ]);
      const inbox = await call(url('/inbox/preferences'), {
        token: t.nurse,
        body: { inbox: false, email: true, webhook: true },
      });
      expect(inbox.status).toBe(400);
      await command(url('/inbox/preferences'), t.nurse, { email: true, webhook: false });
      expect((await call(url('/inbox/preferences'), { token: t.nurse })).body).toEqual(
        expect.objectContaining({ email: true, webhook: false }),
      );
    });

    it('a coordinator sets a member’s; a professional may not set a colleague’s; someone not a member has none', async () => {
      await command(url(`/members/${m.gp}/notification-preferences`), coordinator, {
        email: true,
        webhook: true,
        // A window around now, Paris time: the GP's e-mails wait.
        quietHours: { from: parisClock(-60), to: parisClock(120) },
      });
      const colleague = await call(url(`/members/${m.gp}/notification-preferences`), {
        token: t.nurse,
        body: { email: false, webhook: false },
      });
      expect(colleague.status).toBe(403);
      expect((await call(url('/inbox/preferences'), { token: coordinator })).status).toBe(404);
      expect(
        (
          await call(url(`/members/${m.left}/notification-preferences`), {
            token: coordinator,
            body: { email: false, webhook: false },
          })
        ).body.rule,
      ).toBe('member-has-left');
    });
  });

  describe('webhook subscriptions', () => {
    it('https is required (http on loopback only where allowed); members must exist; the secret is shown once', async () => {
      const http = await call(url('/webhooks'), {
        token: coordinator,
        body: { url: 'http://127.0.0.1:9/x' },
      });
      expect([http.status, http.body.rule, http.body.errors?.[0]?.path]).toEqual([
        422,
        'webhook-url-not-https',
        'url',
      ]);
      const creds = await call(url('/webhooks'), {
        token: coordinator,
        body: { url: 'https://u:p@logiciel.test/x' },
      });
      expect(creds.body.rule).toBe('webhook-url-credentials');
      const unknown = await call(url('/webhooks'), {
        token: coordinator,
        body: { url: 'https://logiciel.test/x', memberIds: [m.gp, '0193a0e0-0000-7000-8000-000000000000'] },
      });
      expect([unknown.body.rule, unknown.body.errors?.[0]?.path]).toEqual(['unknown-member', 'memberIds[1]']);
      const notUrl = await call(url('/webhooks'), { token: coordinator, body: { url: 'logiciel' } });
      expect([notUrl.status, notUrl.body.errors?.[0]?.path]).toEqual([400, 'url']);

      const created = await call(url('/webhooks'), {
        token: coordinator,
        body: { url: 'https://logiciel.test/parcours', memberIds: [m.gp] },
      });
      expect(created.status).toBe(201);
      expect(created.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const list = await call(url('/webhooks'), { token: coordinator });
      expect(list.body.items).toEqual([
        {
          id: created.body.id,
          url: 'https://logiciel.test/parcours',
          memberIds: [m.gp],
          at: expect.any(String),
          eventId: expect.any(String),
        },
      ]);
      // The secret is nowhere but sealed: not in the list, not in the stream as an auditor reads it.
      expect(list.text).not.toContain(created.body.secret);
      const auditor = await token(api.url, CPTS, 'auditor');
      const audit = await call(url(`/audit/streams/webhook-${CPTS}.subscriptions`), { token: auditor });
      expect(audit.status).toBe(200);
      expect(audit.text).not.toContain(created.body.secret);
      expect((await call(url('/webhooks'), { token: t.gp })).status).toBe(403);
    });

    it('is corrected by the same rules, and removed', async () => {
      const [subscription] = (await call(url('/webhooks'), { token: coordinator })).body.items;
      const refused = await call(url('/webhooks/corrections'), {
        token: coordinator,
        body: {
          targetEventId: subscription.eventId,
          reason: 'erreur',
          correction: { url: 'http://logiciel.test/x' },
        },
      });
      expect([refused.status, refused.body.rule]).toEqual([422, 'webhook-url-not-https']);
      const secret = await call(url('/webhooks/corrections'), {
        token: coordinator,
        body: { targetEventId: subscription.eventId, reason: 'erreur', correction: { secret: 'mine' } },
      });
      expect(secret.status).toBe(422);
      await command(url('/webhooks/corrections'), coordinator, {
        targetEventId: subscription.eventId,
        reason: 'tous les membres',
        correction: { url: 'https://logiciel.test/v2' },
      });
      expect((await call(url('/webhooks'), { token: coordinator })).body.items[0].url).toBe(
        'https://logiciel.test/v2',
      );
      await command(url(`/webhooks/${subscription.id}/removal`), coordinator, { reason: 'logiciel changé' });
      expect((await call(url('/webhooks'), { token: coordinator })).body.items).toEqual([]);
      const again = await call(url(`/webhooks/${subscription.id}/removal`), {
        token: coordinator,
        body: { reason: 'x' },
      });
      expect(again.status).toBe(404);
    });
  });

  it('e-mails wait for the quiet hours; a server that does not offer STARTTLS is given up, never written to in clear', async () => {
    const { pathwayId } = await patientInCircle(url(''), coordinator, {
      identity: { familyName: 'Calme', givenName: 'Jeanne', birthDate: '1950-01-01' },
      gp: m.gp,
      nurse: m.nurse,
    });
    await command(url(`/pathways/${pathwayId}/discharges`), coordinator, {
      hospital: { name: 'CH' },
      dischargeAt: '2026-03-06T17:30:00+01:00',
      notifiedAt: '2026-03-05T11:00:00+01:00',
      treatmentChanged: false,
      complex: false,
      needs: [],
    });
    const emails = await eventually(
      () => outbox(dataDir).filter((r) => r.channel === 'email'),
      (found) => found.some((r) => r.recipientId === m.nurse && r.history.some((h) => h.endsWith(':final'))),
      'given up',
      20_000,
    );
    const nurse = emails.find((r) => r.recipientId === m.nurse)!;
    expect(nurse.history).toEqual([
      'requested',
      expect.stringMatching(/^failed:1:/),
      expect.stringMatching(/^failed:2:.*:final$/),
    ]);
    expect(smtp.received).toEqual([]);
    expect(smtp.clearTextMessages).toBe(0);
    // The GP's e-mail waits until the end of their quiet hours: nothing attempted yet; the inbox did not wait.
    const gp = emails.find((r) => r.recipientId === m.gp)!;
    expect(gp.history).toEqual(['requested']);
    expect(Date.parse(gp.notBefore ?? '')).toBeGreaterThan(Date.now());
    const inbox = await eventually(
      async () => (await call(url('/inbox'), { token: t.gp })).body as { items: unknown[] },
      (box) => box.items.length === 1,
      'in the inbox',
    );
    expect(inbox.items).toHaveLength(1);
  });
});
