import { call, startApi, tempDataDir, type RunningApi } from '../../../../test/support/api-process';
import { command, token, tokenForUnknownCpts } from '../../../../test/support/tenant';

const CPTS = 'cpts-protocols';
const OTHER = 'cpts-protocols-other';
const FUTURE = '2099-01-01';
const UNKNOWN_ID = '0193a0e0-0000-7000-8000-0000000000ff';

const local = {
  code: 'plaie-simple',
  version: 1,
  title: 'Prise en charge des plaies simples',
  kind: 'pluriprofessionnel-local',
  eligibility: {
    minAgeMonths: 72,
    maxAgeMonths: 900,
    exclusions: [{ code: 'diabete', label: 'Diabète' }],
  },
  tests: [],
  professions: ['infirmier', 'pharmacien'],
  requiresMtInformation: false,
  effectiveFrom: '2024-01-01',
};

const joined = (displayName: string, profession: string) => ({
  displayName,
  profession,
  mode: 'liberal',
  joinedOn: '2024-01-10',
  sasParticipant: false,
});

describe('protocols over HTTP', () => {
  let api: RunningApi;
  let coordinator: string;
  let base: string;
  const m: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi({ DATA_DIR: tempDataDir() });
    const admin = await token(api.url, null, 'platform-admin');
    for (const id of [CPTS, OTHER]) {
      await command(`${api.url}/api/v1/cpts`, admin, { id, name: `CPTS ${id}`, population: 45_000 });
    }
    coordinator = await token(api.url, CPTS, 'coordinator', 'coord-1');
    base = `${api.url}/api/v1/cpts/${CPTS}/protocols`;
    const members = `${api.url}/api/v1/cpts/${CPTS}/members`;
    for (const [key, profession] of [
      ['nurse', 'infirmier'],
      ['pharmacist', 'pharmacien'],
      ['gp', 'medecin-generaliste'],
      ['specialist', 'medecin-specialiste'],
      ['physio', 'masseur-kinesitherapeute'],
      ['leaver', 'pharmacien'],
    ]) {
      m[key] = (await command(members, coordinator, joined(key, profession))).id;
    }
    await command(`${members}/${m.leaver}/departure`, coordinator, { leftOn: '2025-01-31' });
    const otherCoordinator = await token(api.url, OTHER, 'coordinator');
    m.foreign = (
      await command(
        `${api.url}/api/v1/cpts/${OTHER}/members`,
        otherCoordinator,
        joined('foreign', 'pharmacien'),
      )
    ).id;
  });
  afterAll(() => api.dispose());

  const adherent = (changes: Record<string, string> = {}) => ({
    memberId: m.nurse,
    delegatingDoctorMemberId: m.gp,
    trainedOn: '2025-09-10',
    signedOn: '2025-09-15',
    ...changes,
  });

  /** The catalogue is a read model: read it once it includes everything recorded so far. */
  const catalogueOf = async (url: string, token_: string) => {
    const head = (await call(`${api.url}/health`)).body.store.position as string;
    return call(`${url}?consistentWith=${head}`, { token: token_ });
  };

  it('serves the national protocols of a new CPTS, each with its version in force', async () => {
    const catalogue = await catalogueOf(base, coordinator);
    expect(catalogue.status).toBe(200);
    expect(
      catalogue.body.items.map((p: { code: string; inForce: { version: number } }) => [
        p.code,
        p.inForce.version,
      ]),
    ).toEqual([
      ['eruption-vesiculeuse-enfant', 1],
      ['odynophagie', 1],
      ['pollakiurie-brulure-mictionnelle', 2],
      ['rhino-conjonctivite-allergique', 1],
    ]);
    const odynophagie = await call(`${base}/odynophagie`, { token: coordinator });
    expect(odynophagie.body).toMatchObject({
      code: 'odynophagie',
      revision: 0,
      adherents: [],
      versions: [
        {
          version: 1,
          kind: 'cooperation-nationale',
          tests: ['trod-angine'],
          eligibility: { minAgeMonths: 72, maxAgeMonths: 551 },
        },
      ],
    });
    expect(odynophagie.body.versions[0].eligibility.exclusions.length).toBeGreaterThan(0);
  });

  describe('publication', () => {
    it('creates a protocol with its first version (201), then a higher version', async () => {
      const first = await call(base, { token: coordinator, body: local });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        id: 'plaie-simple',
        streamId: `protocol-${CPTS}.plaie-simple`,
        revision: 0,
      });
      const second = await call(base, {
        token: coordinator,
        body: { ...local, version: 2, effectiveFrom: '2025-01-01', professions: ['infirmier'] },
      });
      expect(second.status).toBe(201);
      expect(second.body.revision).toBe(1);
      const read = await call(`${base}/plaie-simple`, { token: coordinator });
      expect(read.body).toMatchObject({ revision: 1, inForce: { version: 2, professions: ['infirmier'] } });
      expect(read.body.versions[0]).toEqual(local);
      const catalogue = await catalogueOf(base, coordinator);
      expect(catalogue.body.items.map((p: { code: string }) => p.code)).toContain('plaie-simple');
      expect(catalogue.body.items).toHaveLength(5);
    });

    it('answers each broken rule with its 422', async () => {
      const cases: Array<[unknown, string, string]> = [
        [{ ...local, version: 2 }, 'protocol-version-not-increasing', 'version'],
        [
          { ...local, version: 3, effectiveFrom: '2024-06-01' },
          'protocol-effective-before-previous',
          'effectiveFrom',
        ],
        [
          { ...local, code: 'ages', eligibility: { minAgeMonths: 300, maxAgeMonths: 200, exclusions: [] } },
          'eligibility-age-reversed',
          'eligibility.maxAgeMonths',
        ],
      ];
      for (const [body, rule, path] of cases) {
        const response = await call(base, { token: coordinator, body });
        expect([rule, response.status, response.body.rule]).toEqual([rule, 422, rule]);
        expect(response.body.errors).toEqual([expect.objectContaining({ path })]);
      }
    });

    it('validates the body: code, professions, kind and exclusions are 400s naming the field', async () => {
      const response = await call(base, {
        token: coordinator,
        body: {
          ...local,
          code: 'Plaie Simple',
          kind: 'magique',
          professions: ['sorcier'],
          eligibility: { exclusions: [{ code: 'x' }] },
        },
      });
      expect(response.status).toBe(400);
      expect(new Set(response.body.errors.map((e: { path: string }) => e.path))).toEqual(
        new Set(['code', 'kind', 'professions', 'eligibility.exclusions[0].label']),
      );
    });
  });

  describe('adherents', () => {
    it('registers a trained nurse delegated by a GP (201), visible on the protocol', async () => {
      const response = await call(`${base}/odynophagie/adherents`, { token: coordinator, body: adherent() });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ id: 'odynophagie', revision: 1 });
      const read = await call(`${base}/odynophagie`, { token: coordinator });
      expect(read.body.adherents).toEqual([adherent()]);
    });

    it('answers each broken rule with its 422', async () => {
      const cases: Array<[Record<string, string>, string, string]> = [
        [{}, 'adherent-registered', 'memberId'],
        [{ memberId: m.physio }, 'profession-not-allowed', 'memberId'],
        [
          { memberId: m.pharmacist, delegatingDoctorMemberId: m.nurse },
          'delegating-doctor-not-a-doctor',
          'delegatingDoctorMemberId',
        ],
        [{ memberId: m.gp }, 'self-delegation', 'delegatingDoctorMemberId'],
        [{ memberId: UNKNOWN_ID }, 'unknown-member', 'memberId'],
        [{ memberId: m.foreign }, 'unknown-member', 'memberId'],
        [
          { memberId: m.pharmacist, delegatingDoctorMemberId: UNKNOWN_ID },
          'unknown-member',
          'delegatingDoctorMemberId',
        ],
        [{ memberId: m.leaver }, 'member-has-left', 'memberId'],
        [{ memberId: m.pharmacist, signedOn: '2025-09-01' }, 'signed-before-training', 'signedOn'],
        [{ memberId: m.pharmacist, signedOn: FUTURE }, 'business-time-in-future', 'signedOn'],
      ];
      for (const [changes, rule, path] of cases) {
        const response = await call(`${base}/odynophagie/adherents`, {
          token: coordinator,
          body: adherent(changes),
        });
        expect([rule, response.status, response.body.rule]).toEqual([rule, 422, rule]);
        expect(response.body.errors).toEqual([expect.objectContaining({ path })]);
      }
      expect((await call(`${base}/odynophagie`, { token: coordinator })).body.revision).toBe(1);
    });

    it('accepts the same professional delegated by another doctor', async () => {
      const response = await call(`${base}/odynophagie/adherents`, {
        token: coordinator,
        body: adherent({ delegatingDoctorMemberId: m.specialist }),
      });
      expect(response.status).toBe(201);
    });

    it('is a 404 for a protocol that does not exist, and a 400 for a code or id that is malformed', async () => {
      expect((await call(`${base}/inconnu/adherents`, { token: coordinator, body: adherent() })).status).toBe(
        404,
      );
      expect((await call(`${base}/inconnu`, { token: coordinator })).status).toBe(404);
      const badCode = await call(`${base}/Bad_Code/adherents`, { token: coordinator, body: adherent() });
      expect(badCode.status).toBe(400);
      expect(badCode.body.errors).toEqual([expect.objectContaining({ path: 'code' })]);
      const badId = await call(`${base}/odynophagie/adherents`, {
        token: coordinator,
        body: adherent({ memberId: '42' }),
      });
      expect(badId.status).toBe(400);
      expect(badId.body.errors).toEqual([expect.objectContaining({ path: 'memberId' })]);
    });
  });

  describe('retirement', () => {
    it('retires a protocol once; then it takes no new version and no later adherent', async () => {
      const retired = await call(`${base}/plaie-simple/retirement`, {
        token: coordinator,
        body: { effectiveTo: '2025-06-30' },
      });
      expect(retired.status).toBe(201);
      const read = await call(`${base}/plaie-simple`, { token: coordinator });
      expect(read.body).toMatchObject({ retiredOn: '2025-06-30', inForce: null, revision: 2 });

      const cases: Array<[string, unknown, string]> = [
        ['/plaie-simple/retirement', { effectiveTo: '2025-12-31' }, 'protocol-retired'],
        ['', { ...local, version: 3, effectiveFrom: '2025-07-01' }, 'protocol-retired'],
        ['/plaie-simple/adherents', adherent(), 'protocol-retired'],
      ];
      for (const [path, body, rule] of cases) {
        const response = await call(`${base}${path}`, { token: coordinator, body });
        expect([path, response.status, response.body.rule]).toEqual([path, 422, rule]);
      }
    });

    it('refuses a retirement before the protocol took effect (422)', async () => {
      await command(base, coordinator, { ...local, code: 'plaie-chronique' });
      const response = await call(`${base}/plaie-chronique/retirement`, {
        token: coordinator,
        body: { effectiveTo: '2023-12-31' },
      });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({
        rule: 'retirement-before-publication',
        errors: [{ path: 'effectiveTo' }],
      });
    });

    it('refuses retiring a national cooperation protocol: it is the platform’s (422)', async () => {
      const response = await call(`${base}/rhino-conjonctivite-allergique/retirement`, {
        token: coordinator,
        body: { effectiveTo: '2026-06-30' },
      });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ rule: 'national-protocol-reserved' });
    });
  });

  describe('access', () => {
    it('lets coordinators, professionals and auditors read the catalogue, not analysts', async () => {
      for (const [role, status] of [
        ['coordinator', 200],
        ['professional', 200],
        ['auditor', 200],
        ['analyst', 403],
      ] as const) {
        const token_ = await token(api.url, CPTS, role);
        expect([role, (await call(base, { token: token_ })).status]).toEqual([role, status]);
        expect([role, (await call(`${base}/odynophagie`, { token: token_ })).status]).toEqual([role, status]);
      }
    });

    it('lets only coordinators write (403)', async () => {
      for (const role of ['professional', 'auditor', 'analyst']) {
        const token_ = await token(api.url, CPTS, role);
        expect([
          role,
          (await call(base, { token: token_, body: { ...local, code: 'x-role' } })).status,
        ]).toEqual([role, 403]);
        expect([
          role,
          (await call(`${base}/odynophagie/adherents`, { token: token_, body: adherent() })).status,
        ]).toEqual([role, 403]);
      }
    });

    it('keeps tenants apart: another CPTS’s token gets 404, and each catalogue holds only its own', async () => {
      const other = await token(api.url, OTHER, 'coordinator');
      expect((await call(base, { token: other })).status).toBe(404);
      expect((await call(`${base}/odynophagie`, { token: other })).status).toBe(404);
      expect((await call(base, { token: other, body: { ...local, code: 'intrus' } })).status).toBe(404);
      const own = await catalogueOf(`${api.url}/api/v1/cpts/${OTHER}/protocols`, other);
      expect(own.body.items.map((p: { code: string }) => p.code)).not.toContain('plaie-simple');
      expect(own.body.items).toHaveLength(4);
      const ghost = await tokenForUnknownCpts(api.dataDir, 'cpts-ghost', 'coordinator');
      expect((await call(`${api.url}/api/v1/cpts/cpts-ghost/protocols`, { token: ghost })).status).toBe(401);
      const odynophagie = await call(`${api.url}/api/v1/cpts/${OTHER}/protocols/odynophagie`, {
        token: other,
      });
      expect(odynophagie.body.adherents).toEqual([]);
    });
  });
});
