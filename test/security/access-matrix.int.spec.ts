/**
 * The authorization matrix, generated from the application's own route list: every route, as every role,
 * on its own CPTS and on another one, over real HTTP against the application `npm start` serves.
 *
 * A route the access policy does not name fails this test, and so does a policy entry that names no
 * route: a new route cannot ship unguarded, and the table cannot drift from the application.
 */
import type { NestExpressApplication } from '@nestjs/platform-express';
import { PUBLIC, ROLES, type Role, routeKey } from '@parcours/auth';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ACCESS_POLICY } from '../../apps/api/src/access-policy';
import { createApp } from '../../apps/api/src/app';
import { GENEROUS_LIMITS } from '../support/api-process';

const OWN = 'cpts-matrix-a';
const OTHER = 'cpts-matrix-b';
const SOME_ID = '0193a0e0-0000-7000-8000-000000000000';

interface Route {
  method: string;
  path: string;
}

/** The routes Express holds for the application, as declared (`/api/v1/cpts/:cptsId/…`). */
function applicationRoutes(app: NestExpressApplication): Route[] {
  const express = app.getHttpAdapter().getInstance() as {
    router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> };
  };
  return express.router.stack.flatMap((layer) =>
    // `/{*path}` is the framework's own "no such route" answer (a 404 problem), not a route of ours;
    // `/api/docs…` is the OpenAPI document, public by configuration (API_DOCS, off in production).
    layer.route && layer.route.path !== '/{*path}' && !layer.route.path.startsWith('/api/docs')
      ? Object.keys(layer.route.methods)
          .filter((method) => method !== '_all')
          .map((method) => ({ method: method.toUpperCase(), path: layer.route!.path }))
      : [],
  );
}

/** A concrete URL for a route: the tenant given, and well-formed values for the other parameters. */
function urlFor(path: string, cptsId: string): string {
  return path.replace(/:(\w+)/g, (_match, name: string) => {
    switch (name) {
      case 'cptsId':
        return cptsId;
      case 'code':
        return 'odynophagie';
      case 'mission':
        return 'parcours';
      case 'streamId':
        return `pathway-${cptsId}.${SOME_ID}`;
      default:
        return SOME_ID;
    }
  });
}

describe('the access matrix: every route × every role × own and other CPTS', () => {
  let app: NestExpressApplication;
  let base: string;
  let dataDir: string;
  let routes: Route[];
  const tokens = new Map<string, string>();

  const request = (route: Route, cptsId: string, token?: string) =>
    fetch(`${base}${urlFor(route.path, cptsId)}`, {
      method: route.method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(route.method === 'GET' ? {} : { 'content-type': 'application/json' }),
      },
      ...(route.method === 'GET' ? {} : { body: '{}' }),
    });

  const tokenFor = (role: Role, cpts: string | null) => tokens.get(`${role}@${cpts ?? '-'}`)!;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'parcours-matrix-'));
    app = await createApp({
      DATA_DIR: dataDir,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'silent',
      ...GENEROUS_LIMITS,
    });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
    routes = applicationRoutes(app);

    const mint = async (role: Role, cpts: string | null) => {
      const response = await fetch(`${base}/api/v1/dev/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role, ...(cpts ? { cpts } : {}), sub: `matrix-${role}` }),
      });
      tokens.set(`${role}@${cpts ?? '-'}`, ((await response.json()) as { token: string }).token);
    };
    await mint('platform-admin', null);
    for (const id of [OWN, OTHER]) {
      const created = await fetch(`${base}/api/v1/cpts`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${tokenFor('platform-admin', null)}`,
        },
        body: JSON.stringify({ id, name: id, population: 30000 }),
      });
      expect(created.status).toBe(201);
      for (const role of ROLES) if (role !== 'platform-admin') await mint(role, id);
    }
  });

  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds the application’s routes (sanity: the generator sees them all)', () => {
    expect(routes.length).toBeGreaterThan(60);
    expect(routes).toContainEqual({
      method: 'POST',
      path: '/api/v1/cpts/:cptsId/pathways/:pathwayId/referrals',
    });
  });

  it('names every route of the application in the access policy', () => {
    const missing = routes.map((r) => routeKey(r.method, r.path)).filter((key) => !(key in ACCESS_POLICY));
    expect(missing).toEqual([]);
  });

  it('names no route in the access policy that the application does not have', () => {
    const declared = new Set(routes.map((r) => routeKey(r.method, r.path)));
    expect(Object.keys(ACCESS_POLICY).filter((key) => !declared.has(key))).toEqual([]);
  });

  it('answers 401 without a token on every route that is not public', async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      if (ACCESS_POLICY[routeKey(route.method, route.path)] === PUBLIC) continue;
      const response = await request(route, OWN);
      if (response.status !== 401) wrong.push(`${route.method} ${route.path} → ${response.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('lets in exactly the roles the policy names, hides other CPTSs (404) and keeps the admin out (403)', async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      const key = routeKey(route.method, route.path);
      const allowed = ACCESS_POLICY[key];
      if (allowed === PUBLIC || allowed === undefined) continue;
      const tenantRoute = route.path.includes(':cptsId');
      for (const role of ROLES) {
        const cases: Array<[string, string, string, (status: number) => boolean, string]> = [];
        if (role === 'platform-admin') {
          const mayCall = allowed.includes(role) && !tenantRoute;
          cases.push([
            'admin',
            OWN,
            tokenFor(role, null),
            (status) => (mayCall ? status !== 401 && status !== 403 : status === 403),
            mayCall ? 'not 401/403' : '403',
          ]);
        } else {
          const mayCall = allowed.includes(role);
          cases.push([
            'own CPTS',
            OWN,
            tokenFor(role, OWN),
            (status) => (mayCall ? status !== 401 && status !== 403 : status === 403),
            mayCall ? 'not 401/403' : '403',
          ]);
          if (tenantRoute) {
            cases.push(['other CPTS', OTHER, tokenFor(role, OWN), (status) => status === 404, '404']);
          }
        }
        for (const [label, cpts, token, ok, expected] of cases) {
          const response = await request(route, cpts, token);
          if (!ok(response.status)) {
            wrong.push(`${key} as ${role} (${label}): ${response.status}, expected ${expected}`);
          }
          if (response.status >= 500) wrong.push(`${key} as ${role} (${label}): ${response.status}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
  describe('a professional reads a patient’s record only through its care circle, a pathway or an emergency access', () => {
    const members: Record<string, string> = {};
    let patientId: string;
    let pathwayId: string;
    /** Every read of one patient, or of one of its pathways, that professionals may call. */
    let patientReads: Route[];

    const as = (sub: string) => tokens.get(`professional:${sub}`)!;
    const post = async (path: string, body: unknown, token = tokenFor('coordinator', OWN)) => {
      const response = await fetch(`${base}/api/v1/cpts/${OWN}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as { id: string; position: string };
      if (response.status !== 201) throw new Error(`POST ${path} → ${response.status}`);
      return answer;
    };
    const read = (route: Route, token: string) =>
      fetch(
        `${base}${route.path
          .replace(':cptsId', OWN)
          .replace(':patientId', patientId)
          .replace(':pathwayId', pathwayId)}`,
        { headers: { authorization: `Bearer ${token}` } },
      );
    const statuses = async (token: string) =>
      Promise.all(patientReads.map(async (route) => `${route.path} → ${(await read(route, token)).status}`));
    const all = (status: number) => patientReads.map((route) => `${route.path} → ${status}`);

    beforeAll(async () => {
      for (const [key, profession] of [
        ['gp', 'medecin-generaliste'],
        ['nurse', 'infirmier'],
        ['kine', 'masseur-kinesitherapeute'],
        ['outsider', 'infirmier'],
      ]) {
        members[key] = (
          await post('/members', {
            displayName: key,
            profession,
            mode: 'liberal',
            joinedOn: '2024-01-10',
            sasParticipant: false,
          })
        ).id;
        const minted = await fetch(`${base}/api/v1/dev/tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ role: 'professional', cpts: OWN, sub: members[key] }),
        });
        tokens.set(`professional:${members[key]}`, ((await minted.json()) as { token: string }).token);
      }
      patientId = (
        await post('/patients', {
          identity: { familyName: 'Matrice', givenName: 'Anne', birthDate: '1950-02-03' },
          sex: 'F',
          birthYear: 1950,
          ald: false,
          precarious: false,
          hasMedecinTraitant: false,
        })
      ).id;
      await post(`/patients/${patientId}/care-team`, {
        memberId: members.gp,
        role: 'autre',
        from: '2026-01-02',
      });
      pathwayId = (
        await post('/pathways', { patientId, kind: 'bpco', openedAt: '2026-02-01T09:00:00+01:00' })
      ).id;
      const referral = await post(`/pathways/${pathwayId}/referrals`, {
        fromMemberId: members.gp,
        to: { memberId: members.kine },
        reason: 'Réhabilitation respiratoire',
        urgency: 'programmee',
        referredAt: '2026-02-02T09:00:00+01:00',
      });
      const { position } = await post(`/pathways/${pathwayId}/referrals/${referral.id}/acceptance`, {
        acceptedAt: '2026-02-03T09:00:00+01:00',
      });
      // The read models hold all of it before the reads below.
      await fetch(`${base}/api/v1/cpts/${OWN}/worklist?consistentWith=${position}`, {
        headers: { authorization: `Bearer ${tokenFor('coordinator', OWN)}` },
      });
      patientReads = routes.filter((route) => {
        const allowed = ACCESS_POLICY[routeKey(route.method, route.path)];
        return (
          route.method === 'GET' &&
          /:(patientId|pathwayId)/.test(route.path) &&
          allowed !== PUBLIC &&
          allowed?.includes('professional') === true
        );
      });
    });

    it('finds the reads of a patient and of its pathways (sanity)', () => {
      expect(patientReads.map((route) => route.path)).toEqual(
        expect.arrayContaining([
          '/api/v1/cpts/:cptsId/patients/:patientId',
          '/api/v1/cpts/:cptsId/patients/:patientId/summary',
          '/api/v1/cpts/:cptsId/patients/:patientId/care-team',
          '/api/v1/cpts/:cptsId/pathways/:pathwayId',
          '/api/v1/cpts/:cptsId/pathways/:pathwayId/fhir',
        ]),
      );
    });

    it('answers every one with 200 to a member of the circle', async () => {
      expect(await statuses(as(members.gp))).toEqual(all(200));
    });

    it('answers every one with 200 to the professional involved in the pathway (a referral accepted)', async () => {
      expect(await statuses(as(members.kine))).toEqual(all(200));
    });

    it('answers every one with 404 to a professional outside them, as for a patient that does not exist', async () => {
      expect(await statuses(as(members.nurse))).toEqual(all(404));
    });

    it('opens every one for an emergency access, to its author only, written to the access log', async () => {
      await post(`/patients/${patientId}/break-glass`, { purpose: 'urgence-vitale' }, as(members.outsider));
      expect(await statuses(as(members.outsider))).toEqual(all(200));
      expect(await statuses(as(members.nurse))).toEqual(all(404));
      const log = await fetch(`${base}/api/v1/cpts/${OWN}/audit/access-log?patientId=${patientId}`, {
        headers: { authorization: `Bearer ${tokenFor('auditor', OWN)}` },
      });
      const { entries } = (await log.json()) as { entries: Array<{ actorId: string; purpose: string }> };
      expect(entries).toContainEqual(
        expect.objectContaining({ actorId: members.outsider, purpose: 'bris-de-glace:urgence-vitale' }),
      );
    });
  });
});
