/**
 * The registers over real HTTP — RCPs, the protocol catalogue and unscheduled care — served by read
 * models: data recorded through the API, read back with `consistentWith` the last command's position.
 */
import { call, startApi, type RunningApi } from '../../../../../test/support/api-process';
import { command, token, tokenForUnknownCpts } from '../../../../../test/support/tenant';

const CPTS = 'cpts-registers';
const OTHER = 'cpts-registers-other';

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
const NO_OUTCOME = { conseil: 0, dispensation: 0, 'orientation-medecin': 0, 'orientation-urgences': 0 };

describe('registers over HTTP', () => {
  let api: RunningApi;
  let coord: string;
  let base: string;
  let last = '0';
  const m: Record<string, string> = {};
  let patientId: string;
  let pathwayId: string;

  const post = async (path: string, body: unknown) => {
    const response = await command(`${base}${path}`, coord, body);
    last = response.position;
    return response;
  };
  const get = (path: string, as = coord, query = '') =>
    call(`${base}${path}?consistentWith=${last}${query ? `&${query}` : ''}`, { token: as });

  beforeAll(async () => {
    api = await startApi();
    const admin = await token(api.url, null, 'platform-admin');
    for (const id of [CPTS, OTHER]) {
      await command(`${api.url}/api/v1/cpts`, admin, { id, name: `CPTS ${id}`, population: 45_000 });
    }
    coord = await token(api.url, CPTS, 'coordinator', 'coord-1');
    base = `${api.url}/api/v1/cpts/${CPTS}`;
    for (const [key, profession] of [
      ['gp', 'medecin-generaliste'],
      ['nurse', 'infirmier'],
      ['pharmacist', 'pharmacien'],
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
        identity: { familyName: 'Martin', givenName: 'Zoé', birthDate: '1990-04-12' },
        sex: 'F',
        birthYear: 1990,
        ald: false,
        precarious: false,
        hasMedecinTraitant: true,
      })
    ).id;
    pathwayId = (
      await post('/pathways', { patientId, kind: 'cas-complexe', openedAt: '2025-05-02T10:00:00+02:00' })
    ).id;
  });
  afterAll(() => api?.dispose());

  describe('RCP register', () => {
    const rcp = (heldAt: string, extra: Record<string, unknown> = {}) => ({
      convenedBy: m.gp,
      heldAt,
      durationMinutes: 90,
      complex: true,
      format: 'mixte',
      participants: [
        { memberId: m.gp },
        { memberId: m.nurse },
        { name: 'Mme Durand', profession: 'psychologue' },
      ],
      patientPresent: false,
      familyPresent: true,
      cases: [{ pathwayId, decisions: ['Passage infirmier quotidien'], reviewOn: '2025-10-15' }],
      ...extra,
    });

    it('lists what was recorded, newest first, and filters on Paris dates [from, to)', async () => {
      const september = await post('/rcps', rcp('2025-09-15T17:30:00+02:00'));
      const december = await post(
        '/rcps',
        rcp('2025-11-30T23:30:00Z', {
          complex: false,
          format: 'visio',
          durationMinutes: 45,
          participants: [{ memberId: m.gp }, { memberId: m.pharmacist }],
          cases: [{ pathwayId, decisions: ['Arrêt du suivi'] }],
        }),
      );
      const register = await get('/rcps');
      expect(register.status).toBe(200);
      expect(register.body).toEqual({
        count: 2,
        items: [
          {
            id: december.id,
            heldAt: '2025-11-30T23:30:00Z',
            convenedBy: m.gp,
            format: 'visio',
            complex: false,
            durationMinutes: 45,
            participantCount: 2,
            professions: ['medecin-generaliste', 'pharmacien'],
            cases: [{ pathwayId }],
          },
          {
            id: september.id,
            heldAt: '2025-09-15T17:30:00+02:00',
            convenedBy: m.gp,
            format: 'mixte',
            complex: true,
            durationMinutes: 90,
            participantCount: 3,
            professions: ['infirmier', 'medecin-generaliste', 'psychologue'],
            cases: [{ pathwayId, reviewOn: '2025-10-15' }],
          },
        ],
      });
      // 23:30 UTC on 30 November is 1 December in Paris.
      const december2025 = await get('/rcps', coord, 'from=2025-12-01&to=2026-01-01');
      expect(december2025.body.items.map((item: { id: string }) => item.id)).toEqual([december.id]);
      const autumn = await get('/rcps', coord, 'from=2025-09-15&to=2025-12-01');
      expect(autumn.body.items.map((item: { id: string }) => item.id)).toEqual([september.id]);
    });

    it('validates the period: 400 naming the parameter', async () => {
      for (const [query, path] of [
        ['from=2025-02-30', 'from'],
        ['from=2025-03-01&to=2025-03-01', 'to'],
        ['to=demain', 'to'],
        ['page=2', 'page'],
      ]) {
        const response = await call(`${base}/rcps?${query}`, { token: coord });
        expect([query, response.status]).toEqual([query, 400]);
        expect(response.body.errors).toEqual([expect.objectContaining({ path })]);
      }
    });
  });

  describe('protocol catalogue', () => {
    it('serves the national protocols with their version in force, adherents and usage per version', async () => {
      await post('/protocols/pollakiurie-brulure-mictionnelle/adherents', {
        memberId: m.pharmacist,
        delegatingDoctorMemberId: m.gp,
        trainedOn: '2024-02-01',
        signedOn: '2024-02-15',
      });
      const application = (outcome: string) => ({
        protocolCode: 'pollakiurie-brulure-mictionnelle',
        protocolVersion: 2,
        byMemberId: m.pharmacist,
        appliedAt: '2026-03-10T10:00:00+01:00',
        eligibility: { eligible: true, answers: {} },
        test: { kind: 'bandelette-urinaire', result: outcome === 'dispensation' ? 'positif' : 'negatif' },
        outcome,
        ...(outcome === 'dispensation' ? { mtInformedAt: '2026-03-10T10:30:00+01:00' } : {}),
      });
      await post(`/pathways/${pathwayId}/protocol-applications`, application('dispensation'));
      await post(`/pathways/${pathwayId}/protocol-applications`, application('conseil'));
      await post(`/pathways/${pathwayId}/protocol-applications`, application('dispensation'));
      // Read once the view holds the applications just recorded.
      const timeline = (await get(`/pathways/${pathwayId}`)).body.timeline as Array<{
        type: string;
        eventId: string;
      }>;
      const applied = timeline.filter((entry) => entry.type === 'ProtocolApplied');
      await post(`/pathways/${pathwayId}/voidings`, { targetEventId: applied[2].eventId, reason: 'Doublon' });

      const catalogue = await get('/protocols');
      expect(catalogue.status).toBe(200);
      expect(catalogue.body.items.map((p: { code: string }) => p.code)).toEqual([
        'eruption-vesiculeuse-enfant',
        'odynophagie',
        'pollakiurie-brulure-mictionnelle',
        'rhino-conjonctivite-allergique',
      ]);
      const cystitis = catalogue.body.items[2];
      expect(cystitis).toMatchObject({
        code: 'pollakiurie-brulure-mictionnelle',
        kind: 'cooperation-nationale',
        inForce: { version: 2, effectiveFrom: '2021-05-05', eligibility: { sex: 'F', minAgeMonths: 192 } },
        adherents: 1,
        revision: 2,
        usage: [
          { version: 1, applications: 0, byOutcome: NO_OUTCOME },
          { version: 2, applications: 2, byOutcome: { ...NO_OUTCOME, conseil: 1, dispensation: 1 } },
        ],
      });
      expect(typeof cystitis.title).toBe('string');
      expect(cystitis.versions.map((v: { version: number; effectiveFrom: string }) => v.version)).toEqual([
        1, 2,
      ]);
      expect(cystitis).not.toHaveProperty('retiredOn');
      expect(catalogue.body.items[1]).toMatchObject({
        adherents: 0,
        usage: [{ version: 1, applications: 0 }],
      });
    });

    it('shows a local protocol once published, and its retirement', async () => {
      await post('/protocols', {
        code: 'plaie-simple',
        version: 1,
        title: 'Prise en charge des plaies simples',
        kind: 'pluriprofessionnel-local',
        eligibility: { minAgeMonths: 72, exclusions: [] },
        tests: [],
        professions: ['infirmier'],
        requiresMtInformation: false,
        effectiveFrom: '2024-01-01',
      });
      await post('/protocols/plaie-simple/retirement', { effectiveTo: '2025-06-30' });
      const catalogue = await get('/protocols');
      const plaie = catalogue.body.items.find((p: { code: string }) => p.code === 'plaie-simple');
      expect(plaie).toMatchObject({
        title: 'Prise en charge des plaies simples',
        kind: 'pluriprofessionnel-local',
        inForce: null,
        retiredOn: '2025-06-30',
        adherents: 0,
        revision: 1,
      });
    });
  });

  describe('unscheduled-care log', () => {
    it('lists the requests with their status and answer, newest first, by period and status', async () => {
      const request = (receivedAt: string, extra: Record<string, unknown> = {}) =>
        post('/unscheduled-care', {
          receivedAt,
          channel: 'telephone',
          motive: 'Fièvre',
          viaSas: false,
          ...extra,
        });
      const oriented = await request(hoursAgo(5), { patientId, channel: 'sas', viaSas: true });
      const closed = await request(hoursAgo(4));
      const waiting = await request(hoursAgo(3));
      const appointmentAt = hoursAgo(1);
      await post(`/unscheduled-care/${oriented.id}/orientation`, { toMemberId: m.gp, appointmentAt });
      const closedAt = hoursAgo(2);
      await post(`/unscheduled-care/${closed.id}/closure`, { closedAt, reason: 'Conseil téléphonique' });

      const log = await get('/unscheduled-care');
      expect(log.status).toBe(200);
      expect(log.body.count).toBe(3);
      expect(log.body.items).toEqual([
        {
          id: waiting.id,
          receivedAt: expect.any(String),
          channel: 'telephone',
          viaSas: false,
          motive: 'Fièvre',
          status: 'requested',
        },
        {
          id: closed.id,
          receivedAt: expect.any(String),
          channel: 'telephone',
          viaSas: false,
          motive: 'Fièvre',
          status: 'closed',
          closedAt,
        },
        {
          id: oriented.id,
          receivedAt: expect.any(String),
          channel: 'sas',
          viaSas: true,
          motive: 'Fièvre',
          patientId,
          status: 'oriented',
          orientedTo: m.gp,
          appointmentAt,
        },
      ]);
      const ids = async (query: string) =>
        (await get('/unscheduled-care', coord, query)).body.items.map((item: { id: string }) => item.id);
      expect(await ids('status=oriented')).toEqual([oriented.id]);
      expect(await ids('status=requested')).toEqual([waiting.id]);
      expect(await ids('to=2020-01-01')).toEqual([]);
      expect(await ids('from=2020-01-01')).toHaveLength(3);

      for (const [query, path] of [
        ['status=pending', 'status'],
        ['from=2026-13-01', 'from'],
      ]) {
        const response = await call(`${base}/unscheduled-care?${query}`, { token: coord });
        expect([query, response.status]).toEqual([query, 400]);
        expect(response.body.errors).toEqual([expect.objectContaining({ path })]);
      }
    });
  });

  describe('access', () => {
    const routes = ['/rcps', '/protocols', '/unscheduled-care'];

    it('coordinators, professionals and auditors read the registers; analysts get 403', async () => {
      for (const [role, status] of [
        ['coordinator', 200],
        ['professional', 200],
        ['auditor', 200],
        ['analyst', 403],
      ] as const) {
        const as = await token(api.url, CPTS, role);
        for (const route of routes) {
          expect([role, route, (await get(route, as)).status]).toEqual([role, route, status]);
        }
      }
    });

    it('keeps tenants apart: another CPTS’s token gets 404, its own registers hold only its own; a token for an unknown CPTS 401', async () => {
      const other = await token(api.url, OTHER, 'coordinator');
      for (const route of routes) {
        expect([route, (await call(`${base}${route}`, { token: other })).status]).toEqual([route, 404]);
      }
      const theirs = (route: string) =>
        call(`${api.url}/api/v1/cpts/${OTHER}${route}?consistentWith=${last}`, { token: other });
      expect((await theirs('/rcps')).body).toEqual({ items: [], count: 0 });
      expect((await theirs('/unscheduled-care')).body).toEqual({ items: [], count: 0 });
      const catalogue = (await theirs('/protocols')).body.items as Array<{ code: string; adherents: number }>;
      expect(catalogue).toHaveLength(4);
      expect(catalogue.every((p) => p.adherents === 0)).toBe(true);
      const ghost = await tokenForUnknownCpts(api.dataDir, 'cpts-ghost', 'coordinator');
      for (const route of routes) {
        const response = await call(`${api.url}/api/v1/cpts/cpts-ghost${route}`, { token: ghost });
        expect([route, response.status]).toEqual([route, 401]);
      }
    });
  });
});
