/**
 * Property-based fuzzing of every POST route the OpenAPI document lists: malformed bodies (wrong types,
 * missing and unknown fields, huge strings, deep nesting, unicode, injection strings, broken JSON) always
 * get a 4xx problem document — never a 5xx — and nothing is appended to the store.
 */
import fc from 'fast-check';
import { call, startApi, type RunningApi } from './support/api-process';
import { command, token } from './support/tenant';

const CPTS = 'cpts-fuzz';
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 20);

const nasty = fc.constantFrom(
  "'; DROP TABLE events; --",
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${process.exit(1)}',
  '../../../../etc/passwd',
  '\u0000\u0001\u001f',
  '\ud800',
  '🩺'.repeat(1000),
  'é'.repeat(20_000),
  '__proto__',
  'constructor',
  '2026-02-30T25:61:00+01:00',
  '-1',
  'NaN',
);

const scalar = fc.oneof(fc.string(), nasty, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));

/** Deeply nested arrays/objects: parsers and validators must not fall over. */
const deep = fc.integer({ min: 50, max: 400 }).map((depth) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = i % 2 === 0 ? [value] : { nested: value };
  return value;
});

/** Bodies that no route accepts: known field names with wrong values, unknown fields, wrong shapes. */
const fieldNames = fc.constantFrom(
  'patientId',
  'kind',
  'openedAt',
  'memberId',
  'displayName',
  'profession',
  'identity',
  'sex',
  'birthYear',
  'hospital',
  'dischargeAt',
  'notifiedAt',
  'needs',
  'eligibility',
  'outcome',
  'correction',
  'targetEventId',
  'participants',
  'cases',
  'population',
  'missions',
  'id',
  '__proto__',
  'constructor',
  'unknownField',
);
const malformedObject = fc.dictionary(
  fieldNames,
  fc.oneof(scalar, fc.array(scalar, { maxLength: 5 }), deep),
  { maxKeys: 8 },
);
const body = fc.oneof(
  { weight: 4, arbitrary: malformedObject },
  { weight: 1, arbitrary: fc.oneof(scalar, fc.array(fc.anything(), { maxLength: 5 }), deep) },
  { weight: 1, arbitrary: fc.anything() },
);
/** Raw texts that are not JSON at all, or not what they claim to be. */
const raw = fc.oneof(
  fc.string(),
  nasty,
  fc.constantFrom('{', '{"a":', '[1,2', 'null', '"text"', '{"a":1}}', '\u0000'),
);

describe('fuzzing every POST route', () => {
  let api: RunningApi;
  let coord: string;
  let admin: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi();
    admin = await token(api.url, null, 'platform-admin');
    await command(`${api.url}/api/v1/cpts`, admin, { id: CPTS, name: 'CPTS Fuzz', population: 45000 });
    coord = await token(api.url, CPTS, 'coordinator');
    const base = `${api.url}/api/v1/cpts/${CPTS}`;
    ids.memberId = (
      await command(`${base}/members`, coord, {
        displayName: 'Dr A',
        profession: 'medecin-generaliste',
        mode: 'liberal',
        joinedOn: '2024-01-01',
        sasParticipant: true,
      })
    ).id;
    ids.patientId = (
      await command(`${base}/patients`, coord, {
        identity: { familyName: 'Fuzz', givenName: 'Test', birthDate: '1980-01-01' },
        sex: 'F',
        birthYear: 1980,
        ald: false,
        precarious: false,
        hasMedecinTraitant: false,
      })
    ).id;
    ids.pathwayId = (
      await command(`${base}/pathways`, coord, {
        patientId: ids.patientId,
        kind: 'autre',
        openedAt: '2026-01-05T10:00:00+01:00',
      })
    ).id;
    ids.referralId = (
      await command(`${base}/pathways/${ids.pathwayId}/referrals`, coord, {
        fromMemberId: ids.memberId,
        to: { profession: 'infirmier' },
        reason: 'Soins',
        urgency: '24h',
        referredAt: '2026-01-06T10:00:00+01:00',
      })
    ).id;
    ids.requestId = (
      await command(`${base}/unscheduled-care`, coord, {
        receivedAt: '2026-01-06T10:00:00+01:00',
        channel: 'telephone',
        motive: 'Fièvre',
        viaSas: false,
      })
    ).id;
    ids.actionId = (
      await command(`${base}/prevention-actions`, coord, {
        theme: 'Dépistage',
        heldOn: '2026-01-06',
        participants: 10,
        memberIds: [ids.memberId],
      })
    ).id;
    // An id that names no RCP: its routes are fuzzed up to their 404.
    ids.rcpId = '01a24c3e-0000-7000-8000-000000000000';
    ids.code = 'odynophagie';
    ids.mission = 'parcours';
    ids.itemId = '01a24c3e-0000-7000-8000-000000000001';
    ids.notificationId = '01a24c3e-0000-7000-8000-000000000002';
    // A subscription that does not exist: its removal is fuzzed up to its 404.
    ids.subscriptionId = '01a24c3e-0000-7000-8000-000000000003';
  });
  afterAll(() => api.dispose());

  /** A problem document — or, on the FHIR route, a FHIR OperationOutcome. */
  function expectRefusal(route: string, response: { status: number; headers: Headers; body: any }): void {
    if (route.endsWith('/fhir')) {
      expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      expect(response.body.resourceType).toBe('OperationOutcome');
      expect(response.body.issue[0].severity).toBe('error');
      return;
    }
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.body.status).toBe(response.status);
  }

  async function postRoutes(): Promise<string[]> {
    const doc = (await call(`${api.url}/api/docs-json`)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    return Object.entries(doc.paths)
      .filter(([path, ops]) => 'post' in ops && path.startsWith('/api/v1/'))
      .map(
        ([path]) =>
          api.url +
          path.replace(/\{(\w+)\}/g, (_, name: string) => {
            if (name === 'cptsId') return CPTS;
            if (ids[name] === undefined) throw new Error(`no id for path parameter ${name} in ${path}`);
            return ids[name];
          }),
      );
  }

  it('covers the routes of the write side', async () => {
    const routes = await postRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(30);
  });

  it('answers malformed JSON bodies with a 4xx problem document and appends nothing', async () => {
    const routes = await postRoutes();
    const head = async () => (await call(`${api.url}/health`)).body.store.position as string;
    const before = await head();
    for (const route of routes) {
      const tokenFor = route === `${api.url}/api/v1/cpts` ? admin : coord;
      await fc.assert(
        fc.asyncProperty(body, async (value) => {
          const response = await call(route, { token: tokenFor, rawBody: JSON.stringify(value) ?? 'null' });
          expect([route, response.status >= 400 && response.status < 500]).toEqual([route, true]);
          expectRefusal(route, response);
        }),
        { numRuns: RUNS_PER_ROUTE },
      );
    }
    expect(await head()).toBe(before);
  });

  it('answers raw non-JSON bodies and wrong content types with a 4xx problem document', async () => {
    const routes = await postRoutes();
    const before = (await call(`${api.url}/health`)).body.store.position;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        raw,
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
        async (route, text, type) => {
          const response = await call(route, {
            token: coord,
            rawBody: text,
            headers: { 'content-type': type },
          });
          expect([route, text, response.status >= 400 && response.status < 500]).toEqual([route, text, true]);
          expectRefusal(route, response);
        },
      ),
      { numRuns: RUNS_PER_ROUTE * 5 },
    );
    expect((await call(`${api.url}/health`)).body.store.position).toBe(before);
  });
});
