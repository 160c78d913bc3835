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
});
