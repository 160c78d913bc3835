/**
 * Indicators over real HTTP: activity recorded through the API, read back with `consistentWith`, the
 * figures, the drill-down to event ids that the pathway timeline shows, `asOf` before a voiding, the
 * monthly CSV series, roles and input validation.
 */
import { call, startApi, type RunningApi } from '../../../../test/support/api-process';
import { command, token, tokenForUnknownCpts } from '../../../../test/support/tenant';

const CPTS = 'cpts-indicateurs';
const MARCH = 'from=2025-03-01&to=2025-04-01';

describe('indicators over HTTP', () => {
  let api: RunningApi;
  let coord: string;
  let analyst: string;
  let auditor: string;
  let tenant: string;
  let pathwayId: string;
  let patientId: string;
  /** The position of the last command, for consistentWith. */
  let position = '0';
  const members: Record<string, string> = {};
  const ids: Record<string, string> = {};

  const post = async (path: string, body: unknown) => {
    const result = await command(`${tenant}${path}`, coord, body);
    position = result.position;
    return result;
  };
  const get = (path: string, as: string) => call(`${tenant}${path}`, { token: as });
  const figures = async (query: string, as = analyst) => {
    const response = await get(`/indicators?${query}&consistentWith=${position}`, as);
    expect(response.status).toBe(200);
    return Object.fromEntries(
      (response.body.indicators as Array<{ code: string }>).map((figure) => [figure.code, figure]),
    ) as Record<string, any>;
  };

  beforeAll(async () => {
    api = await startApi();
    const admin = await token(api.url, null, 'platform-admin');
    await command(`${api.url}/api/v1/cpts`, admin, {
      id: CPTS,
      name: 'CPTS des Monts du Lyonnais',
      population: 45000,
      communes: ['69231'],
    });
    coord = await token(api.url, CPTS, 'coordinator', 'coord-1');
    analyst = await token(api.url, CPTS, 'analyst', 'analyst-1');
    auditor = await token(api.url, CPTS, 'auditor', 'auditor-1');
    tenant = `${api.url}/api/v1/cpts/${CPTS}`;

    const join = async (name: string, profession: string, sasParticipant: boolean) =>
      (
        await post('/members', {
          displayName: name,
          profession,
          mode: 'liberal',
          joinedOn: '2025-01-10',
          sasParticipant,
        })
      ).id;
    members.gp = await join('Dr Anne Vial', 'medecin-generaliste', true);
    members.pharma = await join('Marc Girin', 'pharmacien', false);
    members.nurse = await join('Lucie Perret', 'infirmier', true);

    patientId = (
      await post('/patients', {
        identity: { familyName: 'Berthet', givenName: 'Jeanne', birthDate: '1948-05-02' },
        sex: 'F',
        birthYear: 1948,
        ald: true,
        precarious: false,
        hasMedecinTraitant: false,
      })
    ).id;
    await post(`/patients/${patientId}/medecin-traitant-search`, {
      registeredOn: '2025-03-01',
      requestedBy: 'patient',
      priority: 'ald',
    });

    pathwayId = (
      await post('/pathways', {
        patientId,
        kind: 'sortie-hospitalisation',
        openedAt: '2025-03-02T09:00:00+01:00',
      })
    ).id;
    const pathway = `/pathways/${pathwayId}`;
    const discharge = async (dischargeAt: string, notifiedAt: string) =>
      (
        await post(`${pathway}/discharges`, {
          hospital: { name: 'Hôpital de Saint-Symphorien' },
          dischargeAt,
          notifiedAt,
          treatmentChanged: true,
          complex: false,
          needs: ['infirmier'],
        })
      ).id;
    ids.d1 = await discharge('2025-03-06T17:30:00+01:00', '2025-03-05T11:00:00+01:00'); // 30 h ahead
    ids.reconciliation = (
      await post(`${pathway}/medication-reconciliations`, {
        dischargeId: ids.d1,
        toMemberId: members.pharma,
        sentAt: '2025-03-07T09:00:00+01:00',
      })
    ).id;
    await post(`${pathway}/follow-ups`, {
      dischargeId: ids.d1,
      byMemberId: members.gp,
      at: '2025-03-09T15:00:00+01:00',
      kind: 'consultation',
    });
    ids.d2 = await discharge('2025-03-20T10:00:00+01:00', '2025-03-20T08:00:00+01:00'); // 2 h ahead
    ids.d3 = await discharge('2025-04-02T10:00:00+02:00', '2025-03-30T10:00:00+02:00');

    const request = await post('/unscheduled-care', {
      receivedAt: '2025-03-10T08:00:00+01:00',
      channel: 'sas',
      motive: 'Fièvre depuis deux jours',
      viaSas: true,
    });
    await post(`/unscheduled-care/${request.id}/orientation`, {
      toMemberId: members.gp,
      appointmentAt: '2025-03-10T14:00:00+01:00',
    });
  });
  afterAll(() => api?.dispose());

  it('serves every indicator of the period, as recorded through the API', async () => {
    const response = await get(`/indicators?${MARCH}&consistentWith=${position}`, analyst);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ cptsId: CPTS, from: '2025-03-01', to: '2025-04-01' });
    expect(response.body.indicators).toHaveLength(27);
    const f = await figures(MARCH);
    expect(f['parcours.sorties']).toEqual({ code: 'parcours.sorties', mission: 'parcours', value: 2 });
    expect(f['parcours.sorties.taux-preavis-24h']).toMatchObject({
      value: 0.5,
      numerator: 1,
      denominator: 2,
    });
    expect(f['parcours.sorties.taux-pharmacien-48h']).toMatchObject({
      value: 0.5,
      numerator: 1,
      denominator: 2,
    });
    expect(f['parcours.sorties.taux-suivi-7j']).toMatchObject({ value: 0.5, numerator: 1, denominator: 2 });
    expect(f['parcours.ouverts']).toMatchObject({ value: 1, breakdown: { 'sortie-hospitalisation': 1 } });
    expect(f['parcours.actifs'].value).toBe(1);
    expect(f['acces.mt.recherches'].value).toBe(1);
    expect(f['acces.mt.sans-mt']).toMatchObject({
      value: 1,
      breakdown: { ald: 1, 'plus-de-70-ans': 1, precarite: 0 },
    });
    expect(f['acces.snp.demandes'].value).toBe(1);
    expect(f['acces.snp.taux-24h']).toMatchObject({ value: 1, numerator: 1, denominator: 1 });
    expect(f['acces.sas.rdv'].value).toBe(1);
    expect(f['acces.sas.medecins'].value).toBe(1);
    expect(f['adhesion.membres'].value).toBe(3);
    expect(f['adhesion.membres-actifs'].value).toBe(1); // the GP's follow-up
    expect(f['adhesion.population']).toEqual({ code: 'adhesion.population', mission: null, value: 45000 });
    expect(f['parcours.adressages.taux-acceptation']).toMatchObject({
      value: null,
      numerator: 0,
      denominator: 0,
    });
    expect((await figures('from=2025-04-01&to=2025-05-01'))['parcours.sorties'].value).toBe(1);
  });

  it('drills a figure down to event ids that the pathway timeline shows', async () => {
    const timeline = (await get(`/pathways/${pathwayId}`, coord)).body.timeline as Array<{
      eventId: string;
      type: string;
      data: Record<string, unknown>;
    }>;
    const eventOf = (type: string, field: string, id: string) =>
      timeline.find((e) => e.type === type && e.data[field] === id)!.eventId;

    const sorties = await get(
      `/indicators/parcours.sorties/events?${MARCH}&consistentWith=${position}`,
      auditor,
    );
    expect(sorties.status).toBe(200);
    expect(sorties.body).toMatchObject({ code: 'parcours.sorties', value: 2, total: 2 });
    expect(sorties.body.events.map((e: { eventId: string }) => e.eventId)).toEqual([
      eventOf('DischargeNotified', 'dischargeId', ids.d1),
      eventOf('DischargeNotified', 'dischargeId', ids.d2),
    ]);
    expect(sorties.body.events[0]).toMatchObject({
      type: 'DischargeNotified',
      streamId: `pathway-${CPTS}.${pathwayId}`,
      at: '2025-03-06T17:30:00+01:00',
    });

    const rate = await get(`/indicators/parcours.sorties.taux-pharmacien-48h/events?${MARCH}`, analyst);
    expect(rate.body.events[0]).toMatchObject({
      inNumerator: true,
      evidenceEventId: eventOf('MedicationReconciliationSent', 'dischargeId', ids.d1),
    });
    expect(rate.body.events[1]).toMatchObject({ inNumerator: false });
    expect(rate.body.events[1].evidenceEventId).toBeUndefined();

    // An analyst sees the events of a patient's stream, never the stream name that holds the patient id.
    const sansMt = await get(`/indicators/acces.mt.sans-mt/events?${MARCH}`, analyst);
    expect(sansMt.body.events).toHaveLength(1);
    expect(sansMt.body.events[0].streamId).toBeUndefined();
    expect(JSON.stringify(sansMt.body)).not.toContain(patientId);
    const sansMtAuditor = await get(`/indicators/acces.mt.sans-mt/events?${MARCH}`, auditor);
    expect(sansMtAuditor.body.events[0].streamId).toBe(`patient-${CPTS}.${patientId}`);

    const page = await get(`/indicators/parcours.sorties/events?${MARCH}&limit=1&offset=1`, auditor);
    expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.body.events.map((e: { eventId: string }) => e.eventId)).toEqual([
      eventOf('DischargeNotified', 'dischargeId', ids.d2),
    ]);

    const unknown = await get(`/indicators/parcours.nope/events?${MARCH}`, analyst);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });

  it('as of a time before a voiding, the voided discharge still counts; after it, it does not', async () => {
    const before = (await get(`/pathways/${pathwayId}`, coord)).body.timeline as Array<{
      eventId: string;
      type: string;
      recordedAt: string;
      data: Record<string, unknown>;
    }>;
    const d2 = before.find((e) => e.type === 'DischargeNotified' && e.data.dischargeId === ids.d2)!;
    const asOf = before
      .map((e) => e.recordedAt)
      .sort()
      .at(-1)!;
    await new Promise((resolve) => setTimeout(resolve, 5)); // the voiding is recorded strictly later
    await post(`/pathways/${pathwayId}/voidings`, { targetEventId: d2.eventId, reason: 'Doublon' });

    const now = await figures(MARCH);
    expect(now['parcours.sorties'].value).toBe(1);
    expect(now['parcours.sorties.taux-preavis-24h']).toMatchObject({
      value: 1,
      numerator: 1,
      denominator: 1,
    });

    const then = await get(`/indicators?${MARCH}&asOf=${encodeURIComponent(asOf)}`, auditor);
    expect(then.status).toBe(200);
    expect(then.body.asOf).toBe(asOf);
    const thenFigures = Object.fromEntries(then.body.indicators.map((f: { code: string }) => [f.code, f]));
    expect(thenFigures['parcours.sorties'].value).toBe(2);
    expect(thenFigures['parcours.sorties.taux-preavis-24h']).toMatchObject({ value: 0.5, denominator: 2 });

    const drillThen = await get(
      `/indicators/parcours.sorties/events?${MARCH}&asOf=${encodeURIComponent(asOf)}`,
      auditor,
    );
    expect(drillThen.body.events.map((e: { eventId: string }) => e.eventId)).toContain(d2.eventId);
    const drillNow = await get(`/indicators/parcours.sorties/events?${MARCH}`, auditor);
    expect(drillNow.body.events.map((e: { eventId: string }) => e.eventId)).not.toContain(d2.eventId);
  });

  it('exports the series by month as CSV: a header and one record per month and indicator', async () => {
    const response = await call(
      `${tenant}/exports/indicators.csv?from=2025-01-01&to=2025-05-01&granularity=month&consistentWith=${position}`,
      { token: analyst },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toContain('attachment');
    const lines = response.text.split('\r\n');
    expect(lines.at(-1)).toBe('');
    const records = lines.slice(0, -1);
    expect(records[0]).toBe('from,to,code,mission,value,numerator,denominator,breakdown');
    expect(records).toHaveLength(1 + 4 * 27);
    expect(records).toContain('2025-03-01,2025-04-01,parcours.sorties,parcours,1,,,');
    expect(records).toContain('2025-04-01,2025-05-01,parcours.sorties,parcours,1,,,');
    expect(records).toContain('2025-01-01,2025-02-01,parcours.sorties.taux-suivi-7j,parcours,,0,0,');
    expect(records).toContain(
      '2025-03-01,2025-04-01,parcours.rcp,parcours,0,,,"{""complexes"":0,""cas"":0}"',
    );
    expect(records.filter((r) => r.startsWith('2025-02-01,2025-03-01,'))).toHaveLength(27);
  });

  it('lets analysts, coordinators and auditors read indicators; analysts get 403 on patients, professionals on indicators', async () => {
    for (const as of [analyst, coord, auditor])
      expect((await get(`/indicators?${MARCH}`, as)).status).toBe(200);
    expect((await get(`/patients/${patientId}`, analyst)).status).toBe(403);
    const professional = await token(api.url, CPTS, 'professional', members.gp);
    expect((await get(`/indicators?${MARCH}`, professional)).status).toBe(403);
    expect((await get(`/exports/indicators.csv?${MARCH}`, professional)).status).toBe(403);
    const stranger = await tokenForUnknownCpts(api.dataDir, 'cpts-ailleurs', 'analyst');
    expect((await get(`/indicators?${MARCH}`, stranger)).status).toBe(401); // a CPTS never registered;
    expect((await call(`${api.url}/api/v1/cpts/${CPTS}/indicators?${MARCH}`)).status).toBe(401);
  });

  it('refuses bad periods and times with a 400 naming the parameter', async () => {
    const expectBad = async (query: string, path: string) => {
      const response = await get(`/indicators?${query}`, analyst);
      expect([query, response.status]).toEqual([query, 400]);
      expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    };
    await expectBad('to=2025-04-01', 'from');
    await expectBad('from=2025-03-01', 'to');
    await expectBad('from=2025-02-30&to=2025-04-01', 'from');
    await expectBad('from=2025-04-01&to=2025-04-01', 'to');
    await expectBad('from=2025-04-01&to=2025-03-01', 'to');
    await expectBad(`${MARCH}&asOf=yesterday`, 'asOf');
    await expectBad(`${MARCH}&asOf=2025-03-01`, 'asOf');
    const csv = await get('/exports/indicators.csv?from=2000-01-01&to=2025-01-01', analyst);
    expect(csv.status).toBe(400);
    expect(csv.body.errors[0].path).toBe('to');
    const granularity = await get(`/exports/indicators.csv?${MARCH}&granularity=week`, analyst);
    expect(granularity.status).toBe(400);
    expect(granularity.body.errors[0].path).toBe('granularity');
  });
});
