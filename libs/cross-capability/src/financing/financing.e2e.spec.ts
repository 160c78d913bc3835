/**
 * ACI financing over real HTTP: the contract, missions, achievements and crises written through the API,
 * the financing read back from the read model, as known now and as known at an earlier instant.
 */
import { call, startApi, type RunningApi } from '../../../../test/support/api-process';
import { command, token } from '../../../../test/support/tenant';

const CPTS = 'cpts-financing';
const NO_CONTRACT = 'cpts-financing-nc';
const SIGNED_ON = '2023-03-01'; // contract year 1 runs to 2024-03-01: 366 days (29 Feb 2024)
const ALL_MISSIONS = [
  'acces-soins',
  'parcours',
  'prevention',
  'crises-sanitaires',
  'qualite-pertinence',
  'accompagnement-professionnels',
];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('financing over HTTP', () => {
  let api: RunningApi;
  let base: string;
  let coordinator: string;
  let analyst: string;
  let position: string;
  let beforeSignature: string;
  let beforeLastAchievement: string;

  const financing = (query: string, tokenValue = analyst) =>
    call(`${base}/financing?${query}&consistentWith=${position}`, { token: tokenValue });

  beforeAll(async () => {
    api = await startApi();
    const admin = await token(api.url, null, 'platform-admin');
    for (const id of [CPTS, NO_CONTRACT]) {
      await command(`${api.url}/api/v1/cpts`, admin, {
        id,
        name: `CPTS ${id}`,
        population: 60_000, // taille 2
        communes: ['69123'],
      });
    }
    coordinator = await token(api.url, CPTS, 'coordinator');
    analyst = await token(api.url, CPTS, 'analyst');
    base = `${api.url}/api/v1/cpts/${CPTS}`;

    await pause(5);
    beforeSignature = new Date().toISOString();
    await pause(5);
    await command(`${base}/contract`, coordinator, {
      signedOn: SIGNED_ON,
      missions: ALL_MISSIONS,
      joinedBefore20220930: true,
    });
    for (const mission of ['acces-soins', 'parcours', 'prevention', 'crises-sanitaires']) {
      await command(`${base}/missions/${mission}/start`, coordinator, { startedOn: SIGNED_ON });
    }
    // 1 Jul 2023 → 1 Mar 2024: 244 days of 366. accompagnement-professionnels never starts.
    await command(`${base}/missions/qualite-pertinence/start`, coordinator, { startedOn: '2023-07-01' });
    await command(`${base}/crisis-plan`, coordinator, { on: '2023-05-10', kind: 'drafted' });
    await command(`${base}/crisis-plan`, coordinator, { on: '2024-05-10', kind: 'updated' });
    await command(`${base}/crises`, coordinator, {
      declaredOn: '2023-11-15',
      kind: 'épidémie de bronchiolite',
    });
    await command(`${base}/achievements`, coordinator, {
      contractYear: 1,
      mission: 'acces-soins',
      rate: 0.8,
    });
    await command(`${base}/achievements`, coordinator, { contractYear: 1, mission: 'parcours', rate: 1 });
    await command(`${base}/achievements`, coordinator, { contractYear: 1, mission: 'prevention', rate: 0.5 });
    await pause(5);
    beforeLastAchievement = new Date().toISOString();
    await pause(5);
    const last = await command(`${base}/achievements`, coordinator, {
      contractYear: 1,
      mission: 'qualite-pertinence',
      rate: 1,
    });
    // A population change after the signature does not move the size class.
    const update = await command(`${base}/population`, coordinator, {
      population: 250_000,
      effectiveOn: '2024-01-01',
    });
    expect(BigInt(update.position)).toBeGreaterThan(BigInt(last.position));
    position = update.position;
  });
  afterAll(() => api.dispose());

  it('computes contract year 1 line by line, with the top-up, proration, rates and the crisis', async () => {
    const response = await financing('contractYear=1');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      contractYear: 1,
      period: { from: '2023-03-01', to: '2024-03-01' },
      sizeClass: 2,
      amounts: 'aci-cpts-avenant-2-2021-12-20',
    });
    const amounts = response.body.lines.map((l: any) => [l.mission ?? '-', l.part, l.amount]);
    expect(amounts).toEqual([
      ['-', 'functioning', 60_000],
      ['-', 'topup', 45_000],
      ['acces-soins', 'fixed', 70_000],
      ['acces-soins', 'variable', 24_000],
      ['parcours', 'fixed', 35_000],
      ['parcours', 'variable', 35_000],
      ['prevention', 'fixed', 15_000],
      ['prevention', 'variable', 7_500],
      ['crises-sanitaires', 'fixed', 35_000],
      ['crises-sanitaires', 'variable', 52_500],
      ['qualite-pertinence', 'fixed', 6_666.67],
      ['qualite-pertinence', 'variable', 6_666.67],
      ['accompagnement-professionnels', 'fixed', 0],
      ['accompagnement-professionnels', 'variable', 0],
    ]);
    const qualite = response.body.lines.filter((l: any) => l.mission === 'qualite-pertinence');
    expect(qualite.map((l: any) => l.basis)).toEqual([
      'prorata 244/366 × 10 000',
      'taux 1 × prorata 244/366 × 10 000',
    ]);
    expect(response.body.total).toBe(392_333.34);
    // The top-up in full, 45 000, and 75 % of 60 000 + 70 000 + 35 000 + 15 000 + 35 000 + 6 666.67
    // = 221 666.67 → 166 250.0025: 211 250.
    expect(response.body.advance).toBe(211_250);
    expect(response.body.balance).toBe(181_083.34);
  });

  it('computes a later year: no top-up, the plan update, no crisis, no rate recorded yet', async () => {
    const response = await financing('contractYear=2');
    expect(response.status).toBe(200);
    expect(response.body.period).toEqual({ from: '2024-03-01', to: '2025-03-01' });
    const byKey = Object.fromEntries(
      response.body.lines.map((l: any) => [`${l.mission ?? '-'}/${l.part}`, l.amount]),
    );
    expect(byKey).toMatchObject({
      '-/topup': 0,
      'crises-sanitaires/fixed': 17_500,
      'crises-sanitaires/variable': 0,
      'qualite-pertinence/fixed': 10_000,
      'acces-soins/variable': 0,
    });
    expect(response.body.total).toBe(60_000 + 70_000 + 35_000 + 15_000 + 17_500 + 10_000);
    expect(response.body.advance).toBe(155_625);
    expect(response.body.balance).toBe(51_875);
  });

  it('answers as known at asOf: before the last achievement, its variable part is 0', async () => {
    const response = await financing(`contractYear=1&asOf=${encodeURIComponent(beforeLastAchievement)}`);
    expect(response.status).toBe(200);
    const variable = response.body.lines.find(
      (l: any) => l.mission === 'qualite-pertinence' && l.part === 'variable',
    );
    expect(variable.amount).toBe(0);
    expect(response.body.total).toBe(385_666.67);
  });

  it('is a 422 no-contract before the signature, and for a CPTS without a contract', async () => {
    const before = await financing(`contractYear=1&asOf=${encodeURIComponent(beforeSignature)}`);
    expect(before.status).toBe(422);
    expect(before.body).toMatchObject({ status: 422, rule: 'no-contract' });

    const other = await token(api.url, NO_CONTRACT, 'analyst');
    const none = await call(
      `${api.url}/api/v1/cpts/${NO_CONTRACT}/financing?contractYear=1&consistentWith=${position}`,
      {
        token: other,
        headers: { 'accept-language': 'en' },
      },
    );
    expect(none.status).toBe(422);
    expect(none.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(none.body).toMatchObject({ rule: 'no-contract', detail: expect.stringMatching(/not signed/) });
  });

  it.each([
    ['contractYear=0', 'contractYear'],
    ['contractYear=6', 'contractYear'],
    ['contractYear=1.5', 'contractYear'],
    ['contractYear=un', 'contractYear'],
    ['contractYear=', 'contractYear'],
    ['asOf=2026-01-01T00:00:00Z', 'contractYear'],
    ['contractYear=1&asOf=yesterday', 'asOf'],
    ['contractYear=1&asOf=2026-02-30T10:00:00Z', 'asOf'],
    ['contractYear=1&year=2', 'year'],
  ])('is a 400 naming the parameter for %s', async (query, path) => {
    const response = await call(`${base}/financing?${query}`, { token: analyst });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: any) => e.path)).toContain(path);
  });

  it('is read by analysts, coordinators and auditors; not by professionals; 404 from another CPTS', async () => {
    for (const role of ['analyst', 'coordinator', 'auditor']) {
      const response = await financing('contractYear=1', await token(api.url, CPTS, role));
      expect([role, response.status]).toEqual([role, 200]);
    }
    expect((await financing('contractYear=1', await token(api.url, CPTS, 'professional'))).status).toBe(403);
    expect((await financing('contractYear=1', await token(api.url, NO_CONTRACT, 'analyst'))).status).toBe(
      404,
    );
    expect((await call(`${base}/financing?contractYear=1`)).status).toBe(401);
  });
});
