/**
 * The worklist over real HTTP: data recorded through the API, read back with `consistentWith` the
 * position of the last command (read-your-writes through the projection runner).
 */
import { parisDate, parisDayStart } from '@parcours/domain';
import { call, startApi, type RunningApi } from '../../../../test/support/api-process';
import { command, token, tokenForUnknownCpts } from '../../../../test/support/tenant';

const CPTS = 'cpts-worklist';
const OTHER = 'cpts-worklist-other';

const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

describe('worklist over HTTP', () => {
  let api: RunningApi;
  let coord: string;
  let url: string;
  let pathways: string;
  let last = '0';
  const m: Record<string, string> = {};
  let patientId: string;

  /** POSTs a command as the coordinator and remembers its position for the next read. */
  const post = async (path: string, body: unknown, as = coord) => {
    const response = await command(`${api.url}/api/v1/cpts/${CPTS}${path}`, as, body);
    last = response.position;
    return response;
  };
  const worklist = (query = '', as = coord) =>
    call(`${url}?consistentWith=${last}${query ? `&${query}` : ''}`, { token: as });
  const itemsOf = async (query = '', as = coord) => {
    const response = await worklist(query, as);
    expect(response.status).toBe(200);
    return response.body.items as Array<Record<string, any>>;
  };

  beforeAll(async () => {
    api = await startApi();
    const admin = await token(api.url, null, 'platform-admin');
    for (const id of [CPTS, OTHER]) {
      await command(`${api.url}/api/v1/cpts`, admin, { id, name: `CPTS ${id}`, population: 45_000 });
    }
    coord = await token(api.url, CPTS, 'coordinator', 'coord-1');
    url = `${api.url}/api/v1/cpts/${CPTS}/worklist`;
    pathways = '/pathways';
    for (const [key, profession] of [
      ['gp', 'medecin-generaliste'],
      ['pharmacist', 'pharmacien'],
      ['nurse', 'infirmier'],
    ]) {
      m[key] = (
        await post('/members', {
          displayName: key,
          profession,
          mode: 'liberal',
          joinedOn: '2024-01-10',
          sasParticipant: false,
        })
      ).id;
    }
    patientId = (
      await post('/patients', {
        identity: { familyName: 'Durand', givenName: 'Léa', birthDate: '1950-04-12' },
        sex: 'F',
        birthYear: 1950,
        ald: true,
        precarious: false,
        hasMedecinTraitant: false,
      })
    ).id;
  });
  afterAll(() => api?.dispose());

  const openPathway = async () =>
    (
      await post(pathways, {
        patientId,
        kind: 'sortie-hospitalisation',
        openedAt: '2026-03-02T09:00:00+01:00',
      })
    ).id;
  const discharge = (pathwayId: string, dischargeAt: string, notifiedAt = '2026-03-05T11:00:00+01:00') =>
    post(`${pathways}/${pathwayId}/discharges`, {
      hospital: { name: 'CH Villefranche' },
      dischargeAt,
      notifiedAt,
      treatmentChanged: true,
      complex: false,
      needs: ['infirmier'],
    });

  it('a discharge opens two items; the reconciliation closes the pharmacist’s, the follow-up the other', async () => {
    const pathwayId = await openPathway();
    const notified = await discharge(pathwayId, '2026-03-06T17:30:00+01:00');
    const items = (await itemsOf()).filter((item) => item.pathwayId === pathwayId);
    expect(items).toEqual([
      {
        kind: 'sortie.pharmacien',
        dueAt: '2026-03-08T17:30:00+01:00',
        overdue: true, // the server clock is past it
        streamId: `pathway-${CPTS}.${pathwayId}`,
        pathwayId,
        patientId,
        patient: { id: patientId, sex: 'F', birthYear: 1950, erased: false },
        summary: 'Conciliation médicamenteuse à envoyer — sortie CH Villefranche du 06/03',
        openedBy: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
      {
        kind: 'sortie.suivi',
        dueAt: '2026-03-13T17:30:00+01:00',
        overdue: true,
        streamId: `pathway-${CPTS}.${pathwayId}`,
        pathwayId,
        patientId,
        patient: { id: patientId, sex: 'F', birthYear: 1950, erased: false },
        summary: 'Suivi post-sortie à réaliser — sortie CH Villefranche du 06/03',
        openedBy: items[0].openedBy,
      },
    ]);
    // No identity in what the worklist says unless asked (the birth year is not one: it is in clear).
    expect(JSON.stringify(items)).not.toMatch(/Durand|Léa|1950-04-12/);
    // openedBy is the discharge's event, as the pathway's timeline shows it.
    const view = await call(`${api.url}/api/v1/cpts/${CPTS}${pathways}/${pathwayId}`, { token: coord });
    const dischargeEntry = view.body.timeline.find((e: { type: string }) => e.type === 'DischargeNotified');
    expect(items[0].openedBy).toBe(dischargeEntry.eventId);

    await post(`${pathways}/${pathwayId}/medication-reconciliations`, {
      dischargeId: notified.id,
      toMemberId: m.pharmacist,
      sentAt: '2026-03-07T09:00:00+01:00',
    });
    expect((await itemsOf(`pathwayId=${pathwayId}`)).map((item) => item.kind)).toEqual(['sortie.suivi']);
    await post(`${pathways}/${pathwayId}/follow-ups`, {
      dischargeId: notified.id,
      byMemberId: m.gp,
      at: '2026-03-09T15:00:00+01:00',
      kind: 'consultation',
    });
    expect(await itemsOf(`pathwayId=${pathwayId}`)).toEqual([]);
  });

  it('a planned discharge is not overdue yet; correcting its date moves the items; voiding it removes them', async () => {
    const pathwayId = await openPathway();
    await discharge(pathwayId, hoursFromNow(72), hoursFromNow(-1));
    const before = await itemsOf(`pathwayId=${pathwayId}`);
    expect(before.map((item) => [item.kind, item.overdue])).toEqual([
      ['sortie.pharmacien', false],
      ['sortie.suivi', false],
    ]);
    const eventId = before[0].openedBy as string;
    await post(`${pathways}/${pathwayId}/corrections`, {
      targetEventId: eventId,
      reason: 'Sortie avancée',
      correction: { dischargeAt: '2026-10-20T10:00:00+02:00' },
    });
    // Across the change of time on Sunday 25 October 2026: 7 days later is 10:00 in winter time.
    expect(
      (await itemsOf(`pathwayId=${pathwayId}`)).map((item) => [item.kind, item.dueAt, item.overdue]),
    ).toEqual([
      ['sortie.pharmacien', '2026-10-22T10:00:00+02:00', true],
      ['sortie.suivi', '2026-10-27T10:00:00+01:00', true],
    ]);
    await post(`${pathways}/${pathwayId}/voidings`, { targetEventId: eventId, reason: 'Saisie en double' });
    expect(await itemsOf(`pathwayId=${pathwayId}`)).toEqual([]);
  });

  it('every kind of item, oldest due first; a closed pathway’s items leave and come back on reopening', async () => {
    // What comes in "today" must be today in Paris whatever the hour the test runs (just after midnight
    // too): the referral 2 h ago and the request 1 h ago, or less when the day is younger than that.
    const sinceMidnight = Date.now() - parisDayStart(parisDate(Date.now()));
    const referredAt = new Date(Date.now() - Math.min(2 * 3_600_000, (sinceMidnight * 2) / 3)).toISOString();
    const receivedAt = new Date(Date.now() - Math.min(3_600_000, sinceMidnight / 3)).toISOString();
    const pathwayId = await openPathway();
    const referral = await post(`${pathways}/${pathwayId}/referrals`, {
      fromMemberId: m.gp,
      to: { memberId: m.nurse, profession: 'infirmier' },
      reason: 'Pansements',
      urgency: '24h',
      referredAt,
    });
    await post(`${pathways}/${pathwayId}/referrals`, {
      fromMemberId: m.gp,
      to: { profession: 'pharmacien' },
      reason: 'Bilan de médication',
      urgency: 'programmee',
      referredAt: '2026-06-01T10:00:00+02:00',
    });
    await post('/rcps', {
      convenedBy: m.gp,
      heldAt: '2026-06-10T18:00:00+02:00',
      durationMinutes: 60,
      complex: true,
      format: 'visio',
      participants: [{ memberId: m.gp }, { memberId: m.nurse }],
      patientPresent: false,
      familyPresent: false,
      cases: [{ pathwayId, decisions: ['Réévaluer'], reviewOn: '2026-07-01' }],
    });
    const request = await post('/unscheduled-care', {
      receivedAt,
      channel: 'telephone',
      motive: 'Fièvre',
      viaSas: false,
      patientId,
    });
    await post(`/patients/${patientId}/medecin-traitant-search`, {
      registeredOn: '2026-05-01',
      requestedBy: 'patient',
      priority: 'ald',
    });

    const all = await itemsOf(`patientId=${patientId}&sort=oldest`);
    const mine = all.filter((item) => item.pathwayId === pathwayId || item.pathwayId === undefined);
    expect(mine.map((item) => [item.kind, item.dueAt, item.overdue])).toEqual([
      ['mt.recherche', '2026-05-31', true],
      ['adressage.reponse', '2026-06-15T10:00:00+02:00', true],
      ['rcp.revue', '2026-07-01', true],
      ['adressage.reponse', expect.any(String), false], // referred today, due within 24 h
      ['snp.orientation', expect.any(String), false], // received today, due within 24 h
    ]);
    expect(Date.parse(mine[4].dueAt) - Date.parse(receivedAt)).toBe(24 * 3_600_000);
    // By priority (the default): what came in today first, the latest first; then the overdue ones.
    const byPriority = (await itemsOf(`patientId=${patientId}`)).filter(
      (item) => item.pathwayId === pathwayId || item.pathwayId === undefined,
    );
    expect(byPriority.map((item) => [item.kind, item.overdue])).toEqual([
      ['snp.orientation', false],
      ['adressage.reponse', false],
      ['mt.recherche', true],
      ['adressage.reponse', true],
      ['rcp.revue', true],
    ]);

    await post(`${pathways}/${pathwayId}/referrals/${referral.id}/acceptance`, { acceptedAt: receivedAt });
    await post(`/unscheduled-care/${request.id}/orientation`, {
      toMemberId: m.gp,
      appointmentAt: hoursFromNow(3),
    });
    await post(`${pathways}/${pathwayId}/closure`, { closedAt: hoursFromNow(0), outcome: 'termine' });
    expect(await itemsOf(`pathwayId=${pathwayId}`)).toEqual([]);
    await post(`${pathways}/${pathwayId}/reopening`, { reopenedAt: hoursFromNow(0), reason: 'Rechute' });
    expect((await itemsOf(`pathwayId=${pathwayId}`)).map((item) => item.kind)).toEqual([
      'adressage.reponse',
      'rcp.revue',
    ]);
    const mt = await itemsOf('kind=mt.recherche');
    expect(mt.map((item) => item.patientId)).toEqual([patientId]);
    await post(`/patients/${patientId}/medecin-traitant`, { memberId: m.gp, assignedOn: '2026-06-01' });
    expect(await itemsOf('kind=mt.recherche')).toEqual([]);
  });

  it('filters by kind and overdue, limits, and names a bad parameter in a 400', async () => {
    const all = (await worklist()).body;
    expect(all.count).toBe(all.items.length);
    expect(all.total).toBe(all.items.length);
    const overdue = await itemsOf('overdue=true');
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.every((item) => item.overdue === true)).toBe(true);
    expect((await itemsOf('overdue=false')).every((item) => item.overdue === false)).toBe(true);
    const limited = (await worklist('limit=1')).body;
    expect([limited.items.length, limited.total]).toEqual([1, all.total]);
    expect(limited.items[0]).toEqual(all.items[0]);
    const twoKinds = await itemsOf('kind=rcp.revue,adressage.reponse');
    expect(new Set(twoKinds.map((item) => item.kind))).toEqual(new Set(['rcp.revue', 'adressage.reponse']));
    const oldest = (await worklist('sort=oldest')).body;
    const dueOrder = oldest.items.map((item: { dueAt: string }) =>
      Date.parse(item.dueAt.length === 10 ? `${item.dueAt}T23:59:59+02:00` : item.dueAt),
    );
    expect(dueOrder).toEqual([...dueOrder].sort((a, b) => a - b));

    for (const [query, path] of [
      ['kind=sortie.taxi', 'kind'],
      ['overdue=yes', 'overdue'],
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=ten', 'limit'],
      ['pathwayId=42', 'pathwayId'],
      ['sort=newest', 'sort'],
      ['offset=-1', 'offset'],
      ['pathwayKind=taxi', 'pathwayKind'],
      ['names=yes', 'names'],
      ['assigned=someone', 'assigned'],
      ['unknown=1', 'unknown'],
      ['consistentWith=abc', 'consistentWith'],
    ]) {
      const response = await call(`${url}?${query}`, { token: coord });
      expect([query, response.status]).toEqual([query, 400]);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    }
  });

  it('professionals of the care circle and auditors read it, analysts do not; a professional does not see patients who blocked them', async () => {
    const nurse = await token(api.url, CPTS, 'professional', m.nurse);
    const pharmacist = await token(api.url, CPTS, 'professional', m.pharmacist);
    const outsider = await token(api.url, CPTS, 'professional', '0193a0e0-0000-7000-8000-0000000000ff');
    const auditor = await token(api.url, CPTS, 'auditor');
    for (const memberId of [m.nurse, m.pharmacist]) {
      await post(`/patients/${patientId}/care-team`, { memberId, role: 'autre', from: '2026-01-02' });
    }
    const pathwayId = await openPathway();
    await discharge(pathwayId, '2026-03-06T17:30:00+01:00');
    const total = (await worklist()).body.total as number;
    expect((await worklist('', auditor)).body.total).toBe(total);
    expect((await worklist('', nurse)).body.total).toBe(total);
    // Outside the patient's care circle, a professional sees none of the patient's items.
    expect((await itemsOf('', outsider)).some((item) => item.patientId === patientId)).toBe(false);

    await post(`/patients/${patientId}/blocks`, { memberId: m.nurse, on: '2026-11-01' });
    const seenByNurse = await itemsOf('', nurse);
    expect(seenByNurse.some((item) => item.patientId === patientId)).toBe(false);
    expect((await itemsOf('', pharmacist)).some((item) => item.patientId === patientId)).toBe(true);
    expect((await worklist()).body.total).toBe(total);

    const analyst = await token(api.url, CPTS, 'analyst');
    expect((await call(url, { token: analyst })).status).toBe(403);
    expect((await call(url, { token: await token(api.url, null, 'platform-admin') })).status).toBe(403);
    expect((await call(url)).status).toBe(401);
  });

  it('pages, filters by pathway kind, and names the patients once per page when asked, in the access log', async () => {
    const pathwayId = await openPathway();
    await discharge(pathwayId, '2026-03-06T17:30:00+01:00');
    const all = (await worklist('sort=oldest')).body;
    const pages = [];
    for (let offset = 0; offset < all.total; offset += 2) {
      pages.push(...((await worklist(`sort=oldest&limit=2&offset=${offset}`)).body.items as unknown[]));
    }
    expect(pages).toEqual(all.items);
    const sorties = await itemsOf('pathwayKind=sortie-hospitalisation');
    expect(sorties.length).toBeGreaterThan(0);
    expect(sorties.every((item) => item.pathwayId !== undefined)).toBe(true);
    expect(await itemsOf('pathwayKind=osteoporose')).toEqual([]);

    const auditor = await token(api.url, CPTS, 'auditor');
    const logOf = async () =>
      (
        await call(`${api.url}/api/v1/cpts/${CPTS}/audit/access-log?patientId=${patientId}`, {
          token: auditor,
        })
      ).body.entries as Array<Record<string, string>>;
    const before = (await logOf()).length;
    const named = await call(`${url}?consistentWith=${last}&names=true&patientId=${patientId}`, {
      token: coord,
      headers: { 'X-Purpose': 'coordination-sortie' },
    });
    expect(named.status).toBe(200);
    const items = named.body.items as Array<Record<string, any>>;
    expect(items.length).toBeGreaterThan(1);
    expect(items.every((item) => item.patient.identity.familyName === 'Durand')).toBe(true);
    expect(items[0].patient.identity).toEqual({ familyName: 'Durand', givenName: 'Léa' });
    // One entry for the page, however many of its items name the patient.
    const after = await logOf();
    expect(after.length).toBe(before + 1);
    expect(after[0]).toMatchObject({
      actorId: 'coord-1',
      role: 'coordinator',
      purpose: 'coordination-sortie',
    });
    const badPurpose = await call(`${url}?names=true`, {
      token: coord,
      headers: { 'X-Purpose': 'free text' },
    });
    expect([badPurpose.status, badPurpose.body.errors[0].path]).toEqual([400, 'X-Purpose']);
  });

  it('assigns an item (an event), filters mine and unassigned, corrects and voids it; refuses bad input, roles and tenants', async () => {
    const pathwayId = await openPathway();
    await discharge(pathwayId, '2026-03-06T17:30:00+01:00');
    const [item] = await itemsOf(`pathwayId=${pathwayId}&kind=sortie.suivi`);
    const assign = (body: unknown, as = coord, cpts = CPTS) =>
      call(`${api.url}/api/v1/cpts/${cpts}/worklist/assignments`, { token: as, body });
    const body = (assignee: unknown) => ({
      kind: item.kind,
      openedBy: item.openedBy,
      assignee,
      assignedAt: hoursFromNow(-1),
    });

    const toPharmacist = await assign(body({ memberId: m.pharmacist }));
    expect(toPharmacist.status).toBe(201);
    last = toPharmacist.body.position;
    const itemStream = toPharmacist.body.streamId as string;
    expect(itemStream).toBe(`worklist-${CPTS}.${toPharmacist.body.id}`);
    const [assigned] = await itemsOf(`pathwayId=${pathwayId}&kind=sortie.suivi`);
    expect(assigned.assignee).toMatchObject({ itemId: toPharmacist.body.id, memberId: m.pharmacist });
    // The pharmacist's worklist, as hers: this item; the unassigned items: not it.
    // (the nurse was blocked by this patient above: the pharmacist works it)
    const pharmacist = await token(api.url, CPTS, 'professional', m.pharmacist);
    expect((await itemsOf('assigned=me', pharmacist)).map((i) => i.openedBy)).toEqual([item.openedBy]);
    expect((await itemsOf(`assigned=${m.pharmacist}`)).map((i) => i.kind)).toEqual(['sortie.suivi']);
    expect((await itemsOf(`assigned=none&pathwayId=${pathwayId}`)).map((i) => i.kind)).toEqual([
      'sortie.pharmacien',
    ]);

    // Audited: the event is on the item's stream, chained like every other.
    const auditor = await token(api.url, CPTS, 'auditor');
    const audit = await call(`${api.url}/api/v1/cpts/${CPTS}/audit/streams/${itemStream}`, {
      token: auditor,
    });
    expect([audit.status, audit.body.events.map((e: { type: string }) => e.type)]).toEqual([
      200,
      ['WorkItemAssigned'],
    ]);

    // To the coordinator, then that voided: back to the pharmacist; the first corrected: to the gp.
    const toMe = await assign(body({ coordinatorId: 'coord-1' }));
    expect(toMe.status).toBe(201);
    last = toMe.body.position;
    expect((await itemsOf('assigned=me')).map((i) => i.openedBy)).toEqual([item.openedBy]);
    const events = (
      await call(`${api.url}/api/v1/cpts/${CPTS}/audit/streams/${itemStream}`, { token: auditor })
    ).body.events as Array<{ metadata: { eventId: string } }>;
    const items = `${api.url}/api/v1/cpts/${CPTS}/worklist/items/${toPharmacist.body.id}`;
    const voided = await call(`${items}/voidings`, {
      token: coord,
      body: { targetEventId: events[1].metadata.eventId, reason: 'Erreur de personne' },
    });
    expect(voided.status).toBe(201);
    last = voided.body.position;
    expect((await itemsOf(`pathwayId=${pathwayId}&kind=sortie.suivi`))[0].assignee.memberId).toBe(
      m.pharmacist,
    );
    const corrected = await call(`${items}/corrections`, {
      token: coord,
      body: {
        targetEventId: events[0].metadata.eventId,
        reason: 'Le médecin s’en charge',
        correction: { assignee: { memberId: m.gp } },
      },
    });
    expect(corrected.status).toBe(201);
    last = corrected.body.position;
    expect((await itemsOf(`pathwayId=${pathwayId}&kind=sortie.suivi`))[0].assignee.memberId).toBe(m.gp);

    // Counted: the first assignment (corrected to the gp) — the voided one to the coordinator is not.
    const figures = await call(
      `${api.url}/api/v1/cpts/${CPTS}/indicators?from=2020-01-01&to=2030-01-01&consistentWith=${last}`,
      { token: await token(api.url, CPTS, 'analyst') },
    );
    expect(figures.status).toBe(200);
    expect(
      (figures.body.indicators as Array<{ code: string }>).find((f) => f.code === 'parcours.affectations'),
    ).toMatchObject({ value: 1, breakdown: { 'sortie.suivi': 1, 'sortie.pharmacien': 0 } });

    // The first cannot be voided; a member of no CPTS of ours is refused where it is named.
    const first = await call(`${items}/voidings`, {
      token: coord,
      body: { targetEventId: events[0].metadata.eventId, reason: 'x' },
    });
    expect([first.status, first.body.rule]).toEqual([422, 'entry-not-voidable']);
    const stranger = await assign(body({ memberId: '0193a0e0-0000-7000-8000-00000000dead' }));
    expect([stranger.status, stranger.body.rule, stranger.body.errors[0].path]).toEqual([
      422,
      'unknown-member',
      'assignee.memberId',
    ]);

    // Bad input names the field; wrong roles are 403; another CPTS is 404.
    for (const [bad, path] of [
      [{ ...body({ memberId: m.pharmacist }), kind: 'sortie.taxi' }, 'kind'],
      [{ ...body({ memberId: m.pharmacist }), openedBy: 'x' }, 'openedBy'],
      [{ ...body({ memberId: 'x' }) }, 'assignee.memberId'],
      [{ kind: item.kind, openedBy: item.openedBy, assignedAt: hoursFromNow(-1) }, 'assignee'],
      [{ ...body({ memberId: m.pharmacist }), assignedAt: 'hier' }, 'assignedAt'],
    ] as const) {
      const response = await assign(bad);
      expect([JSON.stringify(bad), response.status]).toEqual([JSON.stringify(bad), 400]);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
    }
    const handOut = await assign(body({ memberId: m.gp }), pharmacist);
    expect([handOut.status, handOut.body.rule]).toEqual([422, 'assign-yourself-only']);
    expect((await assign(body(null), await token(api.url, CPTS, 'auditor'))).status).toBe(403);
    expect((await assign(body(null), await token(api.url, CPTS, 'analyst'))).status).toBe(403);
    expect((await call(`${items}/corrections`, { token: pharmacist, body: {} })).status).toBe(403);
    const other = await token(api.url, OTHER, 'coordinator');
    expect((await assign(body({ coordinatorId: 'x' }), other)).status).toBe(404);
    expect((await assign(body({ coordinatorId: 'x' }), other, OTHER)).status).toBe(201);
    expect(
      (await call(`${items}/voidings`, { token: other, body: { targetEventId: 'x', reason: 'x' } })).status,
    ).toBe(404);
  });

  it('keeps tenants apart: another CPTS’s token gets 404, its own worklist is empty; a token for an unknown CPTS is 401', async () => {
    const other = await token(api.url, OTHER, 'coordinator');
    expect((await call(url, { token: other })).status).toBe(404);
    const own = await call(`${api.url}/api/v1/cpts/${OTHER}/worklist?consistentWith=${last}`, {
      token: other,
    });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ items: [], count: 0, total: 0 });
    const ghost = await tokenForUnknownCpts(api.dataDir, 'cpts-ghost', 'coordinator');
    expect((await call(`${api.url}/api/v1/cpts/cpts-ghost/worklist`, { token: ghost })).status).toBe(401);
  });
});
