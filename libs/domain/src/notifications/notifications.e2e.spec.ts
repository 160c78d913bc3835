import { call, startApi, tempDataDir, type RunningApi } from '../../../../test/support/api-process';
import { dischargeBundle, ins } from '../../../../test/support/fhir-bundles';
import { command, registerCptsInStore, token } from '../../../../test/support/tenant';

const CPTS = 'cpts-notify';

interface Inbox {
  unread: number;
  items: Array<{
    id: string;
    kind: string;
    pathwayId: string | null;
    patientId: string | null;
    read: boolean;
  }>;
}

/** Waits for the reactor (it follows the log on its own), then reads: never a timing assertion. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const until = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`still not ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('notifications over HTTP', () => {
  let api: RunningApi;
  let dataDir: string;
  let coordinator: string;
  const m: Record<string, string> = {};
  const t: Record<string, string> = {};
  let patientId: string;
  let pathwayId: string;
  const url = (path: string) => `${api.url}/api/v1/cpts/${CPTS}${path}`;
  const inboxOf = async (who: string) => (await call(url('/inbox'), { token: t[who] })).body as Inbox;

  const member = (displayName: string, profession: string) =>
    command(url('/members'), coordinator, {
      displayName,
      profession,
      mode: 'liberal',
      joinedOn: '2020-01-10',
      sasParticipant: false,
    });

  beforeAll(async () => {
    dataDir = tempDataDir();
    await registerCptsInStore(dataDir, CPTS);
    api = await startApi({ DATA_DIR: dataDir, NOTIFY_OVERDUE_EVERY_SECONDS: '1' });
    coordinator = await token(api.url, CPTS, 'coordinator', 'coord-1');
    for (const [key, profession] of [
      ['gp', 'medecin-generaliste'],
      ['pharmacist', 'pharmacien'],
      ['nurse', 'infirmier'],
      ['kine', 'masseur-kinesitherapeute'],
    ]) {
      m[key] = (await member(key, profession)).id;
      t[key] = await token(api.url, CPTS, 'professional', m[key]);
    }
    patientId = (
      await command(url('/patients'), coordinator, {
        identity: { familyName: 'Sortante', givenName: 'Alice', birthDate: '1944-05-06' },
        sex: 'F',
        birthYear: 1944,
        ald: true,
        precarious: false,
        hasMedecinTraitant: true,
      })
    ).id;
    await command(url(`/patients/${patientId}/medecin-traitant`), coordinator, {
      memberId: m.gp,
      assignedOn: '2026-01-05',
    });
    await command(url(`/patients/${patientId}/pharmacien-correspondant`), coordinator, {
      memberId: m.pharmacist,
      on: '2026-01-05',
    });
    await command(url(`/patients/${patientId}/care-team`), coordinator, {
      memberId: m.nurse,
      role: 'soins-infirmiers',
      from: '2026-01-06',
    });
    pathwayId = (
      await command(url('/pathways'), coordinator, {
        patientId,
        kind: 'sortie-hospitalisation',
        openedAt: '2026-03-01T09:00:00+01:00',
      })
    ).id;
  });
  afterAll(() => api.dispose());

  it('a discharge recorded through the API reaches the GP, the pharmacist and the circle, once each, in their inbox', async () => {
    await command(url(`/pathways/${pathwayId}/discharges`), coordinator, {
      hospital: { name: 'CH de Villefranche' },
      dischargeAt: '2026-03-06T17:30:00+01:00',
      notifiedAt: '2026-03-05T11:00:00+01:00',
      treatmentChanged: true,
      complex: false,
      needs: [],
    });
    for (const who of ['gp', 'pharmacist', 'nurse']) {
      const inbox = await eventually(
        () => inboxOf(who),
        (box) => box.items.length > 0,
        `in ${who}'s inbox`,
      );
      expect(inbox).toEqual({
        unread: 1,
        items: [expect.objectContaining({ kind: 'discharge', pathwayId, patientId, read: false })],
      });
    }
    // Outside the circle: told nothing.
    expect(await inboxOf('kine')).toEqual({ unread: 0, items: [] });
    // No health data beyond the kind of event and the ids it links to.
    expect(JSON.stringify(await inboxOf('gp'))).not.toMatch(/Villefranche|Sortante|Alice/);
  });

  it('marks a notification read for its recipient only; marking it again records nothing more', async () => {
    const [item] = (await inboxOf('gp')).items;
    const first = await call(url(`/inbox/${item.id}/read`), { token: t.gp, body: {} });
    expect(first.status).toBe(200);
    const again = await call(url(`/inbox/${item.id}/read`), { token: t.gp, body: {} });
    expect([again.status, again.body.position]).toEqual([200, first.body.position]);
    const read = await call(url(`/inbox?consistentWith=${first.body.position}`), { token: t.gp });
    expect(read.body).toEqual({ unread: 0, items: [expect.objectContaining({ id: item.id, read: true })] });
    expect((await call(url(`/inbox/${item.id}/read`), { token: t.nurse, body: {} })).status).toBe(404);
    expect(
      (await call(url('/inbox/0193a0e0-0000-7000-8000-000000000000/read'), { token: t.gp, body: {} })).status,
    ).toBe(404);
    const analyst = await token(api.url, CPTS, 'analyst');
    expect((await call(url('/inbox'), { token: analyst })).status).toBe(403);
  });

  it('a referral reaches its recipient; its acceptance, its sender', async () => {
    const referral = await command(url(`/pathways/${pathwayId}/referrals`), coordinator, {
      fromMemberId: m.gp,
      to: { memberId: m.kine },
      reason: 'Rééducation à la marche',
      urgency: 'programmee',
      referredAt: '2026-03-07T10:00:00+01:00',
    });
    const kine = await eventually(
      () => inboxOf('kine'),
      (box) => box.items.length > 0,
      'in the inbox',
    );
    expect(kine.items).toEqual([expect.objectContaining({ kind: 'referral', pathwayId })]);
    await command(url(`/pathways/${pathwayId}/referrals/${referral.id}/acceptance`), t.kine, {
      acceptedAt: '2026-03-07T16:00:00+01:00',
    });
    const gp = await eventually(
      () => inboxOf('gp'),
      (box) => box.items.some((item) => item.kind === 'referral-answer'),
      'answered',
    );
    expect(gp.items.map((item) => item.kind)).toEqual(['referral-answer', 'discharge']);
    // The kine accepted it: nobody tells them of their own answer.
    expect((await inboxOf('kine')).items).toHaveLength(1);
  });

  it('an overdue step assigned to someone tells them, once, whoever they are; the team’s items tell nobody', async () => {
    const worklist = (
      await call(url(`/worklist?pathwayId=${pathwayId}&overdue=true`), { token: coordinator })
    ).body as { items: Array<{ kind: string; openedBy: string }> };
    const step = (kind: string) => worklist.items.find((item) => item.kind === kind)!;
    // The discharge of 6 March is long past: its reconciliation and its follow-up are both overdue.
    const assign = (kind: string, assignee: object) =>
      command(url('/worklist/assignments'), coordinator, {
        kind,
        openedBy: step(kind).openedBy,
        assignee,
        assignedAt: '2026-03-06T18:00:00+01:00',
      });
    await assign('sortie.pharmacien', { memberId: m.pharmacist });
    await assign('sortie.suivi', { coordinatorId: 'coord-1' });
    const pharmacist = await eventually(
      () => inboxOf('pharmacist'),
      (box) => box.items.some((item) => item.kind === 'overdue-step'),
      'told of the overdue step',
    );
    expect(pharmacist.items.filter((item) => item.kind === 'overdue-step')).toEqual([
      expect.objectContaining({ pathwayId, patientId, read: false }),
    ]);
    const coordinatorBox = await eventually(
      async () => (await call(url('/inbox'), { token: coordinator })).body as Inbox,
      (box) => box.items.some((item) => item.kind === 'overdue-step'),
      'told of the overdue step',
    );
    expect(coordinatorBox.items.filter((item) => item.kind === 'overdue-step')).toHaveLength(1);
    // A few more sweeps (one a second) record nothing more.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await inboxOf('pharmacist')).items.filter((item) => item.kind === 'overdue-step')).toHaveLength(
      1,
    );
    // Nobody else was told: the nurse and the GP have no overdue step.
    for (const who of ['nurse', 'gp', 'kine'])
      expect((await inboxOf(who)).items.map((item) => item.kind)).not.toContain('overdue-step');
  });

  it('an emergency access is told to the coordinators as a team: one reading it marks it read for all', async () => {
    const outsider = await member('Urgentiste', 'medecin-generaliste');
    const outsiderToken = await token(api.url, CPTS, 'professional', outsider.id);
    const opened = await call(url(`/patients/${patientId}/break-glass`), {
      token: outsiderToken,
      body: { purpose: 'urgence-vitale' },
    });
    expect(opened.status).toBe(201);
    const other = await token(api.url, CPTS, 'coordinator', 'coord-2');
    const told = await eventually(
      async () => (await call(url('/inbox'), { token: other })).body as Inbox,
      (box) => box.items.some((item) => item.kind === 'break-glass'),
      'told of the emergency access',
    );
    const notice = told.items.find((item) => item.kind === 'break-glass')!;
    // It names the patient (the coordinators' report says who and why), and nothing of the record.
    expect(notice).toEqual(expect.objectContaining({ patientId, pathwayId: null, read: false }));
    // Professionals are not told, not even the one in the circle.
    for (const who of ['gp', 'nurse'])
      expect((await inboxOf(who)).items.map((item) => item.kind)).not.toContain('break-glass');
    // The badge's count: limit=0 answers the count alone (coord-1 also has the overdue step of their own).
    const badge = await call(url('/inbox?limit=0'), { token: coordinator });
    expect(badge.body).toEqual({ unread: 2, items: [] });
    expect((await call(url(`/inbox/${notice.id}/read`), { token: outsiderToken, body: {} })).status).toBe(
      404,
    );
    const read = await call(url(`/inbox/${notice.id}/read`), { token: coordinator, body: {} });
    expect(read.status).toBe(200);
    const after = await call(url(`/inbox?consistentWith=${read.body.position}`), { token: other });
    expect(after.body).toEqual({
      unread: 0,
      items: [expect.objectContaining({ id: notice.id, kind: 'break-glass', read: true })],
    });
    expect((await call(url('/inbox?limit=101'), { token: coordinator })).status).toBe(400);
  });

  it('/health lists the notifier beside the projections', async () => {
    const health = (await call(`${api.url}/health`)).body;
    // Three for the discharge, one for the referral, one for its acceptance.
    expect(health.reactors).toEqual([
      {
        name: 'notifier',
        state: 'running',
        position: expect.any(String),
        lag: expect.any(Number),
        requested: 5,
        delivered: 5,
      },
      // Neither e-mail nor webhooks here: nothing waits, nothing was given up.
      { name: 'dispatcher', state: 'running', pending: 0, failed: 0, delivered: 0, attemptsFailed: 0 },
    ]);
    expect(health.projections.map((p: { name: string }) => p.name)).toContain('notifications');
  });

  it('a discharge imported as FHIR reaches the GP it names', async () => {
    const { id } = await command(url('/members'), coordinator, {
      displayName: 'Dr Bernard',
      profession: 'medecin-generaliste',
      rpps: '10000000001',
      mode: 'liberal',
      joinedOn: '2020-01-10',
      sasParticipant: false,
    });
    const gpToken = await token(api.url, CPTS, 'professional', id);
    const imported = await call(url('/fhir'), {
      token: coordinator,
      rawBody: JSON.stringify(
        dischargeBundle({ patient: { ins: ins('2410569123045') }, gpRpps: '10000000001' }),
      ),
      headers: { 'content-type': 'application/fhir+json' },
    });
    expect(imported.status).toBe(201);
    const inbox = await eventually(
      async () => (await call(url('/inbox'), { token: gpToken })).body as Inbox,
      (box) => box.items.length > 0,
      'in the inbox',
    );
    expect(inbox.items).toEqual([expect.objectContaining({ kind: 'discharge', read: false })]);
  });

  it('after a restart, nothing is notified twice and what happened meanwhile is notified', async () => {
    await api.stop('SIGKILL');
    api = await startApi({ DATA_DIR: dataDir, NOTIFY_OVERDUE_EVERY_SECONDS: '1' });
    for (const who of Object.keys(m)) t[who] = await token(api.url, CPTS, 'professional', m[who]);
    coordinator = await token(api.url, CPTS, 'coordinator', 'coord-1');
    await command(url(`/pathways/${pathwayId}/discharges`), coordinator, {
      hospital: { name: 'CH de Villefranche' },
      dischargeAt: '2026-03-20T17:30:00+01:00',
      notifiedAt: '2026-03-19T11:00:00+01:00',
      treatmentChanged: false,
      complex: false,
      needs: [],
    });
    const nurse = await eventually(
      () => inboxOf('nurse'),
      (box) => box.items.length === 2,
      'notified',
    );
    expect(nurse.items.map((item) => item.kind)).toEqual(['discharge', 'discharge']);
    expect(new Set(nurse.items.map((item) => item.id)).size).toBe(2);
    expect((await inboxOf('gp')).items.map((item) => item.kind)).toEqual([
      'discharge',
      'referral-answer',
      'discharge',
    ]);
    // The sweep after the restart tells nobody again of the step it told of before.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await inboxOf('pharmacist')).items.filter((item) => item.kind === 'overdue-step')).toHaveLength(
      1,
    );
  });
});
