import { SqliteEventStore } from '@parcours/event-store';
import { join } from 'node:path';
import { IdSource } from '../shared/ids';
import { NATIONAL_PROTOCOLS } from '../protocols/national-protocols';
import { call, startApi, tempDataDir, type RunningApi } from '../../../../test/support/api-process';
import { command, token, tokenForUnknownCpts, read } from '../../../../test/support/tenant';

const CPTS = 'cpts-aci';
const NO_CONTRACT = 'cpts-aci-bis';
const registration = (id: string) => ({
  id,
  name: `CPTS ${id}`,
  population: 60_000,
  communes: ['69381', '69384'],
  finess: '690012345',
});
const NATIONAL_CODES = [
  'eruption-vesiculeuse-enfant',
  'odynophagie',
  'pollakiurie-brulure-mictionnelle',
  'rhino-conjonctivite-allergique',
];

/** A date `days` before today (UTC), `YYYY-MM-DD`: keeps the contract-year rules true whenever this runs. */
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
const SIGNED_ON = daysAgo(400); // contract year 2 has started, year 3 has not
const FUTURE = '2099-01-01';
const SOCLE = ['acces-soins', 'parcours', 'prevention', 'crises-sanitaires'];

/**
 * What a crash leaves behind: the registration's first append(s) done with the ids the Idempotency-Key
 * derives, and nothing after (no response was sent, none was remembered).
 */
async function crashAfter(
  dataDir: string,
  cptsId: string,
  key: string,
  protocolEntries: number[],
): Promise<void> {
  const store = new SqliteEventStore({ path: join(dataDir, 'events.db') });
  const ids = new IdSource(cptsId, key);
  const metadata = {
    cptsId,
    actor: { id: 'admin', role: 'platform-admin' as const },
    correlationId: 'crashed',
    causationId: 'crashed',
    source: 'api' as const,
  };
  const { id: _id, ...data } = registration(cptsId);
  await store.append(
    `cpts-${cptsId}`,
    [{ eventId: ids.eventId(0), type: 'CptsRegistered', data, metadata }],
    {
      expectedRevision: 'no_stream',
    },
  );
  if (protocolEntries.length > 0) {
    const entries = protocolEntries.map((index) => ({ index, data: NATIONAL_PROTOCOLS[index] }));
    await store.append(
      `protocol-${cptsId}.${entries[0].data.code}`,
      entries.map(({ index, data: published }) => ({
        eventId: ids.eventId(index + 1),
        type: 'ProtocolPublished',
        data: { ...published },
        metadata,
      })),
      { expectedRevision: 'no_stream' },
    );
  }
  await store.close();
}

describe('CPTS over HTTP', () => {
  let api: RunningApi;
  let admin: string;
  let coordinator: string;
  let base: string;
  const head = async (): Promise<string> => (await call(`${api.url}/health`)).body.store.position;

  beforeAll(async () => {
    const dataDir = tempDataDir();
    await crashAfter(dataDir, 'cpts-crashed', 'crash-key', []);
    await crashAfter(dataDir, 'cpts-half', 'half-key', [0, 1]);
    api = await startApi({ DATA_DIR: dataDir });
    admin = await token(api.url, null, 'platform-admin', 'admin-1');
    await command(`${api.url}/api/v1/cpts`, admin, registration(CPTS));
    await command(`${api.url}/api/v1/cpts`, admin, registration(NO_CONTRACT));
    coordinator = await token(api.url, CPTS, 'coordinator', 'coord-1');
    base = `${api.url}/api/v1/cpts/${CPTS}`;
    await command(`${base}/contract`, coordinator, {
      signedOn: SIGNED_ON,
      missions: [...SOCLE, 'qualite-pertinence'],
    });
  });
  afterAll(() => api.dispose());

  describe('registration', () => {
    it('creates the CPTS (201) with its national protocols, the position covering all of them', async () => {
      const before = BigInt(await head());
      const response = await call(`${api.url}/api/v1/cpts`, { token: admin, body: registration('cpts-new') });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: 'cpts-new',
        streamId: 'cpts-cpts-new',
        revision: 0,
        position: expect.stringMatching(/^\d+$/),
      });
      // 1 CptsRegistered + 5 ProtocolPublished; the answer's position is the last of them.
      expect(BigInt(response.body.position)).toBe(before + 6n);
      expect(await head()).toBe(response.body.position);

      const newCoordinator = await token(api.url, 'cpts-new', 'coordinator');
      const cpts = await call(`${api.url}/api/v1/cpts/cpts-new`, { token: newCoordinator });
      expect(cpts.status).toBe(200);
      expect(cpts.body).toEqual({
        id: 'cpts-new',
        name: 'CPTS cpts-new',
        population: 60_000,
        populationUpdates: [],
        communes: ['69381', '69384'],
        finess: '690012345',
        sizeClass: 2,
        contract: null,
        missions: [],
        achievements: [],
        crises: [],
        crisisPlan: { updates: [] },
        externalIndicators: [],
        revision: 0,
      });

      const catalogue = await read(api.url, `${api.url}/api/v1/cpts/cpts-new/protocols`, newCoordinator);
      expect(catalogue.status).toBe(200);
      expect(catalogue.body.items.map((p: { code: string }) => p.code)).toEqual(NATIONAL_CODES);
      for (const protocol of catalogue.body.items) {
        expect(protocol.versions.every((v: { kind: string }) => v.kind === 'cooperation-nationale')).toBe(
          true,
        );
        expect(protocol.inForce.professions).toEqual(['pharmacien', 'infirmier']);
        expect(protocol.inForce.requiresMtInformation).toBe(true);
      }
      const cystitis = await call(
        `${api.url}/api/v1/cpts/cpts-new/protocols/pollakiurie-brulure-mictionnelle`,
        {
          token: newCoordinator,
        },
      );
      expect(cystitis.body).toMatchObject({
        code: 'pollakiurie-brulure-mictionnelle',
        revision: 1,
        adherents: [],
        inForce: { version: 2, effectiveFrom: '2021-05-05', eligibility: { sex: 'F', minAgeMonths: 192 } },
      });
      expect(cystitis.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    });

    it('takes communes and finess as optional', async () => {
      const response = await call(`${api.url}/api/v1/cpts`, {
        token: admin,
        body: { id: 'cpts-minimal', name: 'CPTS minimale', population: 12_000 },
      });
      expect(response.status).toBe(201);
      const read = await call(`${api.url}/api/v1/cpts/cpts-minimal`, {
        token: await token(api.url, 'cpts-minimal', 'auditor'),
      });
      expect(read.body).toMatchObject({ communes: [], sizeClass: 1 });
      expect(read.body).not.toHaveProperty('finess');
    });

    it('refuses every role but platform-admin (403)', async () => {
      for (const role of ['coordinator', 'professional', 'auditor', 'analyst']) {
        const response = await call(`${api.url}/api/v1/cpts`, {
          token: await token(api.url, CPTS, role),
          body: registration(`cpts-by-${role}`),
        });
        expect([role, response.status]).toEqual([role, 403]);
      }
    });

    it('validates the body: a bad id slug is a 400 naming id, and so are other bad fields', async () => {
      for (const id of ['CPTS-Lyon', 'ab', 'cpts_lyon', 'x'.repeat(41), 42]) {
        const response = await call(`${api.url}/api/v1/cpts`, {
          token: admin,
          body: { ...registration('cpts-x'), id },
        });
        expect([id, response.status]).toEqual([id, 400]);
        expect(new Set(response.body.errors.map((e: { path: string }) => e.path))).toEqual(new Set(['id']));
      }
      const bad = await call(`${api.url}/api/v1/cpts`, {
        token: admin,
        body: { id: 'cpts-bad', name: ' ', population: 0, communes: ['6938'], finess: 'abc', extra: 1 },
      });
      expect(bad.status).toBe(400);
      expect(new Set(bad.body.errors.map((e: { path: string }) => e.path))).toEqual(
        new Set(['communes', 'extra', 'finess', 'name', 'population']),
      );
    });

    it('refuses an id registered already: 422 cpts-exists, nothing appended', async () => {
      const before = await head();
      const response = await call(`${api.url}/api/v1/cpts`, {
        token: admin,
        body: { ...registration(CPTS), name: 'Autre nom' },
      });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ rule: 'cpts-exists', errors: [{ path: 'id' }] });
      expect(await head()).toBe(before);
      const read = await call(base, { token: coordinator });
      expect(read.body.name).toBe(`CPTS ${CPTS}`);
    });

    it('a retry with the same Idempotency-Key is a 200 with the same body, and appends nothing', async () => {
      const headers = { 'idempotency-key': `register-${Date.now()}` };
      const first = await call(`${api.url}/api/v1/cpts`, {
        token: admin,
        body: registration('cpts-retried'),
        headers,
      });
      expect(first.status).toBe(201);
      const before = await head();
      const retry = await call(`${api.url}/api/v1/cpts`, {
        token: admin,
        body: registration('cpts-retried'),
        headers,
      });
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);
      expect(await head()).toBe(before);
    });

    it('concurrent duplicates with one key register once, with the protocols once', async () => {
      const headers = { 'idempotency-key': `burst-${Date.now()}` };
      const responses = await Promise.all(
        Array.from({ length: 6 }, () =>
          call(`${api.url}/api/v1/cpts`, { token: admin, body: registration('cpts-burst'), headers }),
        ),
      );
      expect(responses.every((r) => r.status === 200 || r.status === 201)).toBe(true);
      expect(new Set(responses.map((r) => r.body.position)).size).toBe(1);
      const reader = await token(api.url, 'cpts-burst', 'coordinator');
      expect((await call(`${api.url}/api/v1/cpts/cpts-burst`, { token: reader })).body.revision).toBe(0);
      const catalogue = await read(api.url, `${api.url}/api/v1/cpts/cpts-burst/protocols`, reader);
      expect(catalogue.body.items.map((p: { revision: number }) => p.revision)).toEqual([0, 0, 1, 0]);
    });

    it('a crash after the CPTS’s append is repaired by retrying with the same key', async () => {
      const reader = await token(api.url, 'cpts-crashed', 'coordinator');
      expect(
        (await read(api.url, `${api.url}/api/v1/cpts/cpts-crashed/protocols`, reader)).body.items,
      ).toEqual([]);
      const before = BigInt(await head());

      const headers = { 'idempotency-key': 'crash-key' };
      const repaired = await call(`${api.url}/api/v1/cpts`, {
        token: admin,
        body: registration('cpts-crashed'),
        headers,
      });
      expect(repaired.status).toBe(201); // something was appended: the protocols
      expect(repaired.body).toMatchObject({ id: 'cpts-crashed', streamId: 'cpts-cpts-crashed', revision: 0 });
      expect(BigInt(await head())).toBe(before + 5n);
      expect(repaired.body.position).toBe(String(before + 5n));
      const catalogue = await read(api.url, `${api.url}/api/v1/cpts/cpts-crashed/protocols`, reader);
      expect(catalogue.body.items.map((p: { code: string }) => p.code)).toEqual(NATIONAL_CODES);
      expect((await call(`${api.url}/api/v1/cpts/cpts-crashed`, { token: reader })).body.revision).toBe(0);

      const again = await call(`${api.url}/api/v1/cpts`, {
        token: admin,
        body: registration('cpts-crashed'),
        headers,
      });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(repaired.body);
      expect(BigInt(await head())).toBe(before + 5n);
    });

    it('a crash between two protocol streams is repaired without writing the stored one twice', async () => {
      const before = BigInt(await head());
      const repaired = await call(`${api.url}/api/v1/cpts`, {
        token: admin,
        body: registration('cpts-half'),
        headers: { 'idempotency-key': 'half-key' },
      });
      expect(repaired.status).toBe(201);
      expect(BigInt(await head())).toBe(before + 3n); // the three protocols that were missing
      const reader = await token(api.url, 'cpts-half', 'auditor');
      const catalogue = await read(api.url, `${api.url}/api/v1/cpts/cpts-half/protocols`, reader);
      expect(
        catalogue.body.items.map((p: { code: string; revision: number }) => [p.code, p.revision]),
      ).toEqual([
        ['eruption-vesiculeuse-enfant', 0],
        ['odynophagie', 0],
        ['pollakiurie-brulure-mictionnelle', 1],
        ['rhino-conjonctivite-allergique', 0],
      ]);
    });

    it('without the key, a second attempt after a crash is refused (cpts-exists)', async () => {
      const response = await call(`${api.url}/api/v1/cpts`, {
        token: admin,
        body: registration('cpts-half'),
        headers: { 'idempotency-key': 'another-key' },
      });
      expect(response.status).toBe(422);
      expect(response.body.rule).toBe('cpts-exists');
    });
  });

  describe('reading', () => {
    it('lets every role of the tenant read the CPTS', async () => {
      for (const role of ['coordinator', 'professional', 'auditor', 'analyst']) {
        const response = await call(base, { token: await token(api.url, CPTS, role) });
        expect([role, response.status]).toEqual([role, 200]);
      }
      const read = await call(base, { token: coordinator });
      expect(read.body).toMatchObject({
        id: CPTS,
        sizeClass: 2,
        contract: {
          signedOn: SIGNED_ON,
          missions: [...SOCLE, 'qualite-pertinence'],
          joinedBefore20220930: false,
        },
      });
    });

    it('keeps tenants apart: 404 for another CPTS’s token, 401 for a token naming a CPTS never registered, 403 for the admin', async () => {
      const other = await token(api.url, NO_CONTRACT, 'coordinator');
      expect((await call(base, { token: other })).status).toBe(404);
      expect(
        (await call(`${base}/crises`, { token: other, body: { declaredOn: '2025-01-01', kind: 'x' } }))
          .status,
      ).toBe(404);
      const ghost = await tokenForUnknownCpts(api.dataDir, 'cpts-ghost', 'coordinator');
      expect((await call(`${api.url}/api/v1/cpts/cpts-ghost`, { token: ghost })).status).toBe(401);
      expect(
        (
          await call(`${api.url}/api/v1/cpts/cpts-ghost/crises`, {
            token: ghost,
            body: { declaredOn: '2025-01-01', kind: 'x' },
          })
        ).status,
      ).toBe(401);
      expect((await call(base, { token: admin })).status).toBe(403);
    });

    it('lets only coordinators write inside the CPTS (403)', async () => {
      for (const role of ['professional', 'auditor', 'analyst']) {
        const response = await call(`${base}/crises`, {
          token: await token(api.url, CPTS, role),
          body: { declaredOn: '2025-01-01', kind: 'canicule' },
        });
        expect([role, response.status]).toEqual([role, 403]);
      }
    });
  });

  describe('population', () => {
    it('records CptsPopulationUpdated; the size class follows the current population', async () => {
      const response = await call(`${api.url}/api/v1/cpts/cpts-minimal/population`, {
        token: await token(api.url, 'cpts-minimal', 'coordinator'),
        body: { population: 175_001, effectiveOn: daysAgo(10) },
      });
      expect(response.status).toBe(201);
      const read = await call(`${api.url}/api/v1/cpts/cpts-minimal`, {
        token: await token(api.url, 'cpts-minimal', 'coordinator'),
      });
      expect(read.body).toMatchObject({ population: 175_001, sizeClass: 4, revision: 1 });
    });
    it('refuses an effective date in the future (422) and a population that is not a positive integer (400)', async () => {
      const future = await call(`${base}/population`, {
        token: coordinator,
        body: { population: 61_000, effectiveOn: FUTURE },
      });
      expect(future.status).toBe(422);
      expect(future.body).toMatchObject({
        rule: 'business-time-in-future',
        errors: [{ path: 'effectiveOn' }],
      });
      const bad = await call(`${base}/population`, {
        token: coordinator,
        body: { population: 1.5, effectiveOn: '2025-01-01' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'population' })]);
    });
  });

  describe('contract', () => {
    const other = () => `${api.url}/api/v1/cpts/${NO_CONTRACT}`;
    const otherCoordinator = () => token(api.url, NO_CONTRACT, 'coordinator');

    it('refuses a contract without the four socle missions (422 socle-missions-missing)', async () => {
      const response = await call(`${other()}/contract`, {
        token: await otherCoordinator(),
        body: { signedOn: '2024-01-01', missions: ['acces-soins', 'parcours', 'prevention'] },
      });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ rule: 'socle-missions-missing', errors: [{ path: 'missions' }] });
    });
    it('refuses unknown and repeated missions (400 naming missions)', async () => {
      for (const missions of [
        [...SOCLE, 'astrologie'],
        [...SOCLE, 'parcours'],
      ]) {
        const response = await call(`${other()}/contract`, {
          token: await otherCoordinator(),
          body: { signedOn: '2024-01-01', missions },
        });
        expect(response.status).toBe(400);
        expect(response.body.errors[0].path).toBe('missions');
      }
    });
    it('refuses a signature in the future (422)', async () => {
      const response = await call(`${other()}/contract`, {
        token: await otherCoordinator(),
        body: { signedOn: FUTURE, missions: SOCLE },
      });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({
        rule: 'business-time-in-future',
        errors: [{ path: 'signedOn' }],
      });
    });
    it('refuses a second contract (422 contract-exists)', async () => {
      const response = await call(`${base}/contract`, {
        token: coordinator,
        body: { signedOn: SIGNED_ON, missions: SOCLE },
      });
      expect(response.status).toBe(422);
      expect(response.body.rule).toBe('contract-exists');
    });
  });

  describe('missions', () => {
    it('records MissionStarted, visible in GET', async () => {
      const response = await call(`${base}/missions/parcours/start`, {
        token: coordinator,
        body: { startedOn: SIGNED_ON },
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ id: CPTS, streamId: `cpts-${CPTS}` });
      const read = await call(base, { token: coordinator });
      expect(read.body.missions).toEqual([
        { mission: 'parcours', startedOn: SIGNED_ON, eventId: expect.any(String) },
      ]);
    });
    it('answers each broken rule with its 422', async () => {
      const cases: Array<[string, string, unknown, string, string?]> = [
        [NO_CONTRACT, 'prevention', { startedOn: '2025-01-01' }, 'no-contract'],
        [
          CPTS,
          'accompagnement-professionnels',
          { startedOn: SIGNED_ON },
          'mission-not-in-contract',
          'mission',
        ],
        [CPTS, 'prevention', { startedOn: daysAgo(401) }, 'business-time-too-early', 'startedOn'],
        [CPTS, 'prevention', { startedOn: FUTURE }, 'business-time-in-future', 'startedOn'],
        [CPTS, 'parcours', { startedOn: SIGNED_ON }, 'mission-started', 'mission'],
      ];
      for (const [cptsId, mission, body, rule, path] of cases) {
        const response = await call(`${api.url}/api/v1/cpts/${cptsId}/missions/${mission}/start`, {
          token: await token(api.url, cptsId, 'coordinator'),
          body,
        });
        expect([rule, response.status, response.body.rule]).toEqual([rule, 422, rule]);
        if (path) expect(response.body.errors).toEqual([expect.objectContaining({ path })]);
      }
    });
    it('is a 400 naming mission for an unknown mission', async () => {
      const response = await call(`${base}/missions/astrologie/start`, {
        token: coordinator,
        body: { startedOn: SIGNED_ON },
      });
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ path: 'mission' })]);
    });
  });

  describe('achievements', () => {
    it('records AchievementRecorded, and refuses a second rate for the same year and mission', async () => {
      const body = { contractYear: 1, mission: 'parcours', rate: 0.75 };
      expect((await call(`${base}/achievements`, { token: coordinator, body })).status).toBe(201);
      const again = await call(`${base}/achievements`, { token: coordinator, body: { ...body, rate: 0.9 } });
      expect(again.status).toBe(422);
      expect(again.body.rule).toBe('achievement-recorded');
      expect((await call(base, { token: coordinator })).body.achievements).toEqual([
        { ...body, eventId: expect.any(String) },
      ]);
    });
    it('answers each broken rule with its 422', async () => {
      const cases: Array<[string, unknown, string]> = [
        [NO_CONTRACT, { contractYear: 1, mission: 'parcours', rate: 0.5 }, 'no-contract'],
        [
          CPTS,
          { contractYear: 1, mission: 'accompagnement-professionnels', rate: 0.5 },
          'mission-not-in-contract',
        ],
        [CPTS, { contractYear: 3, mission: 'parcours', rate: 0.5 }, 'contract-year-not-started'],
      ];
      for (const [cptsId, body, rule] of cases) {
        const response = await call(`${api.url}/api/v1/cpts/${cptsId}/achievements`, {
          token: await token(api.url, cptsId, 'coordinator'),
          body,
        });
        expect([rule, response.status, response.body.rule]).toEqual([rule, 422, rule]);
      }
    });
    it('validates the year (1..5) and the rate (0..1): 400', async () => {
      const response = await call(`${base}/achievements`, {
        token: coordinator,
        body: { contractYear: 6, mission: 'parcours', rate: 1.5 },
      });
      expect(response.status).toBe(400);
      expect(new Set(response.body.errors.map((e: { path: string }) => e.path))).toEqual(
        new Set(['contractYear', 'rate']),
      );
    });
  });

  describe('crises', () => {
    it('records CrisisDeclared, and refuses an end before the declaration (422 period-reversed)', async () => {
      const crisis = { declaredOn: '2025-07-15', kind: 'canicule', endedOn: '2025-08-31' };
      expect((await call(`${base}/crises`, { token: coordinator, body: crisis })).status).toBe(201);
      const reversed = await call(`${base}/crises`, {
        token: coordinator,
        body: { ...crisis, endedOn: '2025-07-01' },
      });
      expect(reversed.status).toBe(422);
      expect(reversed.body).toMatchObject({ rule: 'period-reversed', errors: [{ path: 'endedOn' }] });
      expect((await call(base, { token: coordinator })).body.crises).toEqual([
        { ...crisis, eventId: expect.any(String) },
      ]);
    });

    it('drafts the crisis plan once the crisis mission started, then updates it; each rule broken is a 422', async () => {
      const [DRAFTED, UPDATED] = [daysAgo(300), daysAgo(200)];
      const beforeMission = await call(`${base}/crisis-plan`, {
        token: coordinator,
        body: { on: daysAgo(500), kind: 'drafted' },
      });
      expect(beforeMission.status).toBe(422);
      expect(beforeMission.body).toMatchObject({
        rule: 'crisis-mission-not-started',
        errors: [{ path: 'on' }],
      });
      await command(`${base}/missions/crises-sanitaires/start`, coordinator, { startedOn: SIGNED_ON });
      const noPlan = await call(`${base}/crisis-plan`, {
        token: coordinator,
        body: { on: DRAFTED, kind: 'updated' },
      });
      expect(noPlan.status).toBe(422);
      expect(noPlan.body.rule).toBe('no-crisis-plan');

      expect(
        (
          await call(`${base}/crisis-plan`, {
            token: coordinator,
            body: { on: DRAFTED, kind: 'drafted' },
          })
        ).status,
      ).toBe(201);
      const twice = await call(`${base}/crisis-plan`, {
        token: coordinator,
        body: { on: daysAgo(290), kind: 'drafted' },
      });
      expect(twice.status).toBe(422);
      expect(twice.body.rule).toBe('crisis-plan-drafted');
      const early = await call(`${base}/crisis-plan`, {
        token: coordinator,
        body: { on: daysAgo(310), kind: 'updated' },
      });
      expect(early.status).toBe(422);
      expect(early.body).toMatchObject({ rule: 'business-time-too-early', errors: [{ path: 'on' }] });
      expect(
        (
          await call(`${base}/crisis-plan`, {
            token: coordinator,
            body: { on: UPDATED, kind: 'updated' },
          })
        ).status,
      ).toBe(201);
      expect((await call(base, { token: coordinator })).body.crisisPlan).toEqual({
        draftedOn: DRAFTED,
        draftEventId: expect.any(String),
        updates: [{ on: UPDATED, eventId: expect.any(String) }],
      });
      const badKind = await call(`${base}/crisis-plan`, {
        token: coordinator,
        body: { on: UPDATED, kind: 'rewritten' },
      });
      expect(badKind.status).toBe(400);
    });
  });
});
