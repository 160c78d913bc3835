/**
 * The views over real HTTP (the built API): pathway view and list, as-of replays, the patient summary
 * without identity, the member directory; read-your-writes with `consistentWith`, roles and tenants.
 */
import { call, startApi, type RunningApi } from '../../../../../test/support/api-process';
import { command, token } from '../../../../../test/support/tenant';

const CPTS = 'cpts-vues';
const OTHER = 'cpts-voisine-vues';

describe('views over HTTP', () => {
  let api: RunningApi;
  let root: string;
  let coord: string;
  let auditor: string;
  let analyst: string;
  let nurse: string;
  let gpToken: string;
  let other: string;
  const members: Record<string, string> = {};
  const patients: Record<string, string> = {};
  /** The position of the last command: reads pass it as consistentWith. */
  let last = '0';

  const post = async (path: string, body: unknown, as = coord) => {
    const response = await command(`${root}${path}`, as, body);
    last = response.position;
    return response;
  };
  const get = (path: string, as = coord, consistentWith: string | null = last) =>
    call(
      `${root}${path}${consistentWith === null ? '' : `${path.includes('?') ? '&' : '?'}consistentWith=${consistentWith}`}`,
      { token: as },
    );
  const join = async (displayName: string, profession: string, extra: Record<string, unknown> = {}) =>
    (
      await post('/members', {
        displayName,
        profession,
        mode: 'liberal',
        joinedOn: '2024-01-10',
        sasParticipant: false,
        ...extra,
      })
    ).id;
  const register = async (familyName: string, birthDate: string) =>
    (
      await post('/patients', {
        identity: { familyName, givenName: 'Léa', birthDate },
        sex: 'F',
        birthYear: Number(birthDate.slice(0, 4)),
        ald: true,
        precarious: false,
        hasMedecinTraitant: false,
      })
    ).id;
  const open = async (
    patientId: string,
    kind = 'sortie-hospitalisation',
    openedAt = '2026-03-02T09:00:00+01:00',
  ) => (await post('/pathways', { patientId, kind, openedAt })).id;

  beforeAll(async () => {
    api = await startApi();
    const admin = await token(api.url, null, 'platform-admin');
    for (const [id, name] of [
      [CPTS, 'CPTS des Vues'],
      [OTHER, 'CPTS voisine'],
    ]) {
      await command(`${api.url}/api/v1/cpts`, admin, { id, name, population: 60000, communes: ['69264'] });
    }
    root = `${api.url}/api/v1/cpts/${CPTS}`;
    coord = await token(api.url, CPTS, 'coordinator', 'coord-1');
    auditor = await token(api.url, CPTS, 'auditor', 'audit-1');
    analyst = await token(api.url, CPTS, 'analyst', 'analyst-1');
    other = await token(api.url, OTHER, 'coordinator', 'coord-other');
    members.gp = await join('Dr Claire Martin', 'medecin-generaliste', {
      structure: { kind: 'msp', name: 'MSP du Centre' },
    });
    members.pharma = await join('Paul Petit', 'pharmacien', { sasParticipant: true });
    members.nurse = await join('Inès Roux', 'infirmier');
    members.leaver = await join('Hugo Blanc', 'masseur-kinesitherapeute');
    await post(`/members/${members.leaver}/departure`, { leftOn: '2025-06-30' });
    nurse = await token(api.url, CPTS, 'professional', members.nurse);
    gpToken = await token(api.url, CPTS, 'professional', members.gp);
    patients.lea = await register('Durandal', '1950-04-12');
    patients.zoe = await register('Montaigu', '1980-07-01');
    // The professionals who read these patients are in their care circles.
    for (const [patientId, memberId] of [
      [patients.lea, members.gp],
      [patients.zoe, members.gp],
      [patients.zoe, members.nurse],
    ]) {
      await post(`/patients/${patientId}/care-team`, { memberId, role: 'autre', from: '2026-01-02' });
    }
  });
  afterAll(() => api.dispose());

  it('the pathway view reads its writes: pending steps with due dates, a business-time timeline, the ETag', async () => {
    const id = await open(patients.lea);
    const referral = await post(`/pathways/${id}/referrals`, {
      fromMemberId: members.gp,
      to: { memberId: members.nurse },
      reason: 'Pansements',
      urgency: 'jour-meme',
      referredAt: '2026-03-03T10:00:00+01:00',
    });
    const discharge = await post(`/pathways/${id}/discharges`, {
      hospital: { name: 'CH de Villefranche' },
      dischargeAt: '2026-03-06T17:30:00+01:00',
      notifiedAt: '2026-03-02T11:00:00+01:00',
      treatmentChanged: true,
      complex: false,
      needs: ['infirmier'],
    });
    const view = await get(`/pathways/${id}`);
    expect(view.status).toBe(200);
    expect(view.headers.get('etag')).toBe('"2"');
    expect(view.body).toMatchObject({
      id,
      patientId: patients.lea,
      kind: 'sortie-hospitalisation',
      status: 'open',
      openedAt: '2026-03-02T09:00:00+01:00',
      revision: 2,
    });
    expect(view.body.pending).toEqual([
      {
        kind: 'adressage.reponse',
        dueAt: '2026-03-03T22:00:00+01:00', // jour-même: 12 h after 10:00
        overdue: true,
        summary: expect.any(String),
        referralId: referral.id,
        urgency: 'jour-meme',
      },
      {
        kind: 'sortie.pharmacien',
        dueAt: '2026-03-08T17:30:00+01:00', // 48 h after the discharge
        overdue: true,
        summary: expect.any(String),
        dischargeId: discharge.id,
      },
      {
        kind: 'sortie.suivi',
        dueAt: '2026-03-13T17:30:00+01:00', // 7 days after, same Paris time
        overdue: true,
        summary: expect.any(String),
        dischargeId: discharge.id,
      },
    ]);
    expect(view.body.timeline.map((e: { type: string }) => e.type)).toEqual([
      'PathwayOpened',
      'PatientReferred',
      'DischargeNotified',
    ]);
    expect(view.body.timeline[2]).toMatchObject({
      at: '2026-03-06T17:30:00+01:00',
      actor: { id: 'coord-1', role: 'coordinator' },
      voided: false,
      corrected: false,
      data: { dischargeId: discharge.id, hospital: { name: 'CH de Villefranche' } },
    });

    await post(`/pathways/${id}/referrals/${referral.id}/acceptance`, {
      acceptedAt: '2026-03-03T12:00:00+01:00',
    });
    await post(`/pathways/${id}/closure`, { closedAt: '2026-03-20T10:00:00+01:00', outcome: 'termine' });
    const closed = await get(`/pathways/${id}`);
    expect(closed.body).toMatchObject({
      status: 'closed',
      closedAt: '2026-03-20T10:00:00+01:00',
      pending: [],
    });
    expect(closed.headers.get('etag')).toBe('"4"');

    for (const reader of [auditor, gpToken]) expect((await get(`/pathways/${id}`, reader)).status).toBe(200);
    expect((await get(`/pathways/${id}`, analyst)).status).toBe(403);
    expect((await get(`/pathways/0193a0e0-0000-7000-8000-000000000009`)).status).toBe(404);
    expect((await get('/pathways/not-a-uuid')).status).toBe(400);
  });

  it('lists pathways newest first, filtered and paged; bad filters are 400s naming the parameter', async () => {
    const a = await open(patients.zoe, 'diabete', '2026-01-05T09:00:00+01:00');
    const b = await open(patients.zoe, 'bpco', '2026-01-06T09:00:00+01:00');
    const c = await open(patients.zoe, 'diabete', '2026-01-07T09:00:00+01:00');
    await post(`/pathways/${a}/closure`, { closedAt: '2026-02-01T10:00:00+01:00', outcome: 'demenagement' });

    const all = await get(`/pathways?patientId=${patients.zoe}`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((p: { id: string }) => p.id)).toEqual([c, b, a]);
    expect(all.body.items[2]).toEqual({
      id: a,
      patientId: patients.zoe,
      kind: 'diabete',
      status: 'closed',
      openedAt: '2026-01-05T09:00:00+01:00',
      closedAt: '2026-02-01T10:00:00+01:00',
      revision: 1,
      pendingCount: 0,
    });
    const open_ = await get(`/pathways?patientId=${patients.zoe}&status=open&kind=diabete`);
    expect(open_.body.items.map((p: { id: string }) => p.id)).toEqual([c]);

    const page1 = await get(`/pathways?patientId=${patients.zoe}&limit=2`);
    expect(page1.body.items.map((p: { id: string }) => p.id)).toEqual([c, b]);
    const page2 = await get(`/pathways?patientId=${patients.zoe}&limit=2&after=${page1.body.nextAfter}`);
    expect(page2.body).toEqual({ items: [expect.objectContaining({ id: a })], nextAfter: null });

    for (const [query, param] of [
      ['status=ouvert', 'status'],
      ['kind=grippe', 'kind'],
      ['patientId=42', 'patientId'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      ['limit=deux', 'limit'],
      ['after=nope', 'after'],
      ['colour=blue', 'colour'],
    ]) {
      const bad = await get(`/pathways?${query}`);
      expect([query, bad.status]).toEqual([query, 400]);
      expect(bad.body.errors.map((e: { path: string }) => e.path)).toContain(param);
    }
    expect((await get('/pathways', analyst)).status).toBe(403);
  });

  it('asOf replays the pathway as known then: before a correction the old data, after it the live view', async () => {
    const id = await open(patients.lea, 'bpco');
    await post(`/pathways/${id}/follow-ups`, {
      byMemberId: members.gp,
      at: '2026-03-04T10:00:00+01:00',
      kind: 'appel',
    });
    const before = await get(`/pathways/${id}`);
    const entry = before.body.timeline.find((e: { type: string }) => e.type === 'FollowUpCompleted');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await post(`/pathways/${id}/corrections`, {
      targetEventId: entry.eventId,
      reason: 'Consultation, pas un appel',
      correction: { kind: 'consultation' },
    });
    const live = await get(`/pathways/${id}`);
    const corrected = live.body.timeline.find((e: { eventId: string }) => e.eventId === entry.eventId);
    expect(corrected).toMatchObject({ corrected: true, data: { kind: 'consultation' } });

    const then = await get(`/pathways/${id}?asOf=${encodeURIComponent(entry.recordedAt)}`, auditor);
    expect(then.status).toBe(200);
    expect(then.body).toEqual(before.body);
    expect(then.body.timeline.find((e: { eventId: string }) => e.eventId === entry.eventId)).toMatchObject({
      corrected: false,
      data: { kind: 'appel' },
    });

    const lastRecorded = live.body.timeline
      .map((e: { recordedAt: string }) => e.recordedAt)
      .sort()
      .at(-1);
    for (const asOf of [lastRecorded, new Date(Date.now() + 3_600_000).toISOString()]) {
      const now = await get(`/pathways/${id}?asOf=${encodeURIComponent(asOf)}`);
      expect(now.status).toBe(200);
      expect(now.body).toEqual(live.body);
    }

    const opening = before.body.timeline[0].recordedAt as string;
    const tooEarly = new Date(Date.parse(opening) - 1000).toISOString();
    expect((await get(`/pathways/${id}?asOf=${encodeURIComponent(tooEarly)}`)).status).toBe(404);
    expect((await get(`/pathways/${id}?asOf=hier`)).body.errors[0].path).toBe('asOf');
    expect((await get(`/pathways/${id}?asOf=${encodeURIComponent(lastRecorded)}`, gpToken)).status).toBe(403);
  });

  it('the patient summary shows no identity; a professional the patient blocked gets 403 and no pathways', async () => {
    const id = await open(patients.lea, 'polymedication');
    await post(`/patients/${patients.lea}/medecin-traitant-search`, {
      registeredOn: '2026-01-02',
      requestedBy: 'patient',
      priority: 'ald',
    });
    await post(`/patients/${patients.lea}/medecin-traitant`, {
      memberId: members.gp,
      assignedOn: '2026-02-01',
    });
    await post(`/patients/${patients.lea}/pharmacien-correspondant`, {
      memberId: members.pharma,
      on: '2026-02-02',
    });
    await post(`/patients/${patients.lea}/consents`, {
      scope: 'partage-medecin-traitant',
      decision: 'accord',
      on: '2026-02-03',
    });
    await post(`/patients/${patients.lea}/blocks`, { memberId: members.nurse, on: '2026-02-04' });

    const summary = await get(`/patients/${patients.lea}/summary`);
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({
      id: patients.lea,
      sex: 'F',
      birthYear: 1950,
      ald: true,
      precarious: false,
      medecinTraitant: { memberId: members.gp, displayName: 'Dr Claire Martin' },
      pharmacienCorrespondant: { memberId: members.pharma, displayName: 'Paul Petit' },
      consents: { 'partage-medecin-traitant': { decision: 'accord', on: '2026-02-03' } },
      blockedMemberIds: [members.nurse],
      erased: false,
    });
    expect(summary.body.medecinTraitantSearch).toBeUndefined(); // ended by the assignment
    expect(summary.body.pathways.map((p: { id: string }) => p.id)).toContain(id);
    expect(summary.body.pathways[0]).toEqual(
      expect.objectContaining({ id, kind: 'polymedication', status: 'open', pendingCount: 0 }),
    );
    expect(summary.text).not.toMatch(/Durandal|1950-04-12|identity/);

    expect((await get(`/patients/${patients.lea}/summary`, auditor)).status).toBe(200);
    expect((await get(`/patients/${patients.lea}/summary`, gpToken)).status).toBe(200);
    expect((await get(`/patients/${patients.lea}/summary`, analyst)).status).toBe(403);
    const blockedSummary = await get(`/patients/${patients.lea}/summary`, nurse);
    expect(blockedSummary.status).toBe(403);
    const blockedView = await get(`/pathways/${id}`, nurse);
    expect([blockedView.status, blockedView.body.type]).toEqual([
      403,
      'https://parcours.example/problems/patient-blocked-professional',
    ]);
    const listed = await get(`/pathways?limit=200`, nurse);
    expect(listed.body.items.some((p: { patientId: string }) => p.patientId === patients.lea)).toBe(false);
    expect(listed.body.items.some((p: { patientId: string }) => p.patientId === patients.zoe)).toBe(true);
    expect((await get(`/patients/0193a0e0-0000-7000-8000-000000000009/summary`)).status).toBe(404);
  });

  it('the member directory: active members by profession, with their activity of the last 12 months', async () => {
    const id = await open(patients.zoe, 'autre', new Date(Date.now() - 86_400_000).toISOString());
    await post(`/pathways/${id}/referrals`, {
      fromMemberId: members.pharma,
      to: { profession: 'infirmier' },
      reason: 'Suivi',
      urgency: 'programmee',
      referredAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    await post(`/members/${members.pharma}/participations`, {
      activity: 'reunion',
      on: new Date().toISOString().slice(0, 10),
      hours: 2,
    });

    const directory = await get('/members');
    expect(directory.status).toBe(200);
    const byId = Object.fromEntries(directory.body.items.map((m: { id: string }) => [m.id, m]));
    expect(Object.keys(byId).sort()).toEqual(Object.values(members).sort());
    expect(byId[members.pharma]).toMatchObject({
      displayName: 'Paul Petit',
      profession: 'pharmacien',
      mode: 'liberal',
      joinedOn: '2024-01-10',
      sasParticipant: true,
      activity: { last12Months: 2, lastAt: expect.any(String) },
    });
    expect(byId[members.gp]).toMatchObject({ structure: { kind: 'msp', name: 'MSP du Centre' } });
    expect(byId[members.leaver]).toMatchObject({ leftOn: '2025-06-30', activity: { last12Months: 0 } });

    const active = await get('/members?active=true');
    expect(active.body.items.map((m: { id: string }) => m.id)).not.toContain(members.leaver);
    expect(active.body.items).toHaveLength(3);
    const pharmacists = await get('/members?active=true&profession=pharmacien', gpToken);
    expect(pharmacists.body.items.map((m: { id: string }) => m.id)).toEqual([members.pharma]);
    const bad = await get('/members?profession=sorcier');
    expect([bad.status, bad.body.errors[0].path]).toEqual([400, 'profession']);
    expect((await get('/members?active=oui')).body.errors[0].path).toBe('active');
    expect((await get('/members', analyst)).status).toBe(403);
    // The member's own stream state stays where it was.
    const one = await get(`/members/${members.pharma}`);
    expect(one.body).toMatchObject({ id: members.pharma, participations: 1 });
  });

  it('another CPTS’s token gets 404 on every view', async () => {
    const id = await open(patients.zoe, 'tnd');
    for (const path of [
      `/pathways/${id}`,
      '/pathways',
      `/patients/${patients.zoe}/summary`,
      '/members',
      `/pathways/${id}?asOf=${encodeURIComponent(new Date().toISOString())}`,
    ]) {
      expect([path, (await get(path, other)).status]).toEqual([path, 404]);
    }
    // And from its own tenant, ours is simply not there.
    const mine = await call(`${api.url}/api/v1/cpts/${OTHER}/pathways/${id}?consistentWith=${last}`, {
      token: other,
    });
    expect(mine.status).toBe(404);
  });

  it('consistentWith: not a position is a 400; a position far ahead is a 503 with Retry-After after ~5 s', async () => {
    const bad = await get('/members', coord, 'abc');
    expect([bad.status, bad.body.errors[0].path]).toEqual([400, 'consistentWith']);
    const started = Date.now();
    const ahead = await get('/pathways', coord, (BigInt(last) + 1_000_000n).toString());
    expect(ahead.status).toBe(503);
    expect(ahead.headers.get('retry-after')).toBeTruthy();
    expect(Date.now() - started).toBeGreaterThanOrEqual(4500);
  });
});
