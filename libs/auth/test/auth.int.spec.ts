import { Controller, Get, type INestApplication, Param, Post, ValidationPipe } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import {
  base64url,
  exportJWK,
  exportSPKI,
  generateKeyPair,
  type JWTPayload,
  type KeyLike,
  SignJWT,
} from 'jose';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthGuard,
  AuthModule,
  type AuthModuleOptions,
  CurrentPrincipal,
  type DevSigningKey,
  issueDevToken,
  loadOrCreateDevSigningKey,
  type Principal,
  PUBLIC,
  type AccessPolicy,
  ROLES,
  TenantDirectory,
} from '../src';

@Controller('api/v1')
class ThingsController {
  @Get('cpts/:cptsId/things')
  things(@Param('cptsId') cptsId: string, @CurrentPrincipal() principal: Principal) {
    return { cptsId, sub: principal.sub };
  }

  @Get('cpts/:cptsId/notes')
  notes(@Param('cptsId') cptsId: string) {
    return { cptsId };
  }

  @Post('cpts')
  register() {
    return { registered: true };
  }

  @Get('ping')
  ping() {
    return { ok: true };
  }

  /** Declared, but missing from the policy. */
  @Get('cpts/:cptsId/forgotten')
  forgotten() {
    return { leaked: true };
  }
}

@Controller('api/v1/cpts/:cptsId/indicators')
class IndicatorsController {
  @Get()
  indicators() {
    return { indicators: [] };
  }
}

const POLICY: AccessPolicy = {
  'GET /api/v1/cpts/:cptsId/things': ['coordinator', 'auditor'],
  'GET /api/v1/cpts/:cptsId/notes': ['coordinator', 'professional', 'auditor', 'analyst'],
  'POST /api/v1/cpts': ['platform-admin'],
  'GET /api/v1/ping': PUBLIC,
  'GET /api/v1/cpts/:cptsId/indicators': ['analyst'],
  'GET /api/v1/me': ['platform-admin', 'coordinator', 'professional', 'auditor', 'analyst'],
  'POST /api/v1/dev/tokens': PUBLIC,
  'GET /api/v1/auth/config': PUBLIC,
};

/** The CPTSs that exist in these tests; `cpts-ghost` is named by tokens but was never registered. */
class FixedTenants extends TenantDirectory {
  exists(cptsId: string): Promise<boolean> {
    return Promise.resolve(['cpts-a', 'cpts-b'].includes(cptsId));
  }
}

async function start(
  options: Omit<AuthModuleOptions, 'policy' | 'tenants'>,
): Promise<{ app: INestApplication; url: string }> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      AuthModule.forRoot({ ...options, policy: POLICY, tenants: { useFactory: () => new FixedTenants() } }),
    ],
    controllers: [ThingsController, IndicatorsController],
    providers: [{ provide: APP_GUARD, useExisting: AuthGuard }],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  // As the API sets it up: unknown fields are refused, which only works if every DTO field is decorated.
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}

const now = () => Math.floor(Date.now() / 1000);
const tenantClaims = { cpts: 'cpts-a', roles: ['coordinator'] };

interface Signing {
  key: KeyLike | Uint8Array;
  alg: string;
  kid?: string;
  iss: string;
  aud: string;
  exp?: number;
  nbf?: number;
}

function sign(claims: JWTPayload, signing: Signing): Promise<string> {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: 'JWT' })
    .setSubject('someone')
    .setIssuer(signing.iss)
    .setAudience(signing.aud)
    .setIssuedAt()
    .setExpirationTime(signing.exp ?? now() + 3600);
  if (signing.nbf !== undefined) jwt.setNotBefore(signing.nbf);
  return jwt.sign(signing.key);
}

function unsigned(claims: JWTPayload): string {
  const part = (value: object) => base64url.encode(JSON.stringify(value));
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'someone', iss: 'parcours-dev', aud: 'parcours', exp: now() + 3600, ...claims })}.`;
}

describe('AuthModule in dev mode, over HTTP', () => {
  let dataDir: string;
  let app: INestApplication;
  let url: string;
  let devKey: DevSigningKey;

  const token = (cpts: string | undefined, role: string) =>
    issueDevToken(dataDir, { sub: `user:${role}`, cpts, roles: [role] });
  const call = (path: string, bearer?: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, {
      ...init,
      headers: { ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }), ...init.headers },
    });
  const devSigning = (): Signing => ({
    key: devKey.privateKey,
    alg: 'EdDSA',
    kid: devKey.kid,
    iss: 'parcours-dev',
    aud: 'parcours',
  });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'parcours-auth-int-'));
    ({ app, url } = await start({ mode: 'dev', dataDir }));
    devKey = await loadOrCreateDevSigningKey(dataDir);
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets the right role of the right tenant in, with its principal', async () => {
    const response = await call('/api/v1/cpts/cpts-a/things', await token('cpts-a', 'auditor'));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ cptsId: 'cpts-a', sub: 'user:auditor' });
  });

  it('lets public routes through without a token', async () => {
    expect((await call('/api/v1/ping')).status).toBe(200);
  });

  describe('refuses with 401 (and WWW-Authenticate: Bearer), without echoing the token,', () => {
    const cases: Array<[string, () => Promise<string | undefined>]> = [
      ['no Authorization header', () => Promise.resolve(undefined)],
      ['garbage', () => Promise.resolve('not-a-jwt')],
      ['an expired token', () => sign(tenantClaims, { ...devSigning(), exp: now() - 3600 })],
      ['a token not yet valid', () => sign(tenantClaims, { ...devSigning(), nbf: now() + 3600 })],
      ['alg: none', () => Promise.resolve(unsigned(tenantClaims))],
      [
        'HS256 with a shared secret',
        () =>
          sign(tenantClaims, {
            ...devSigning(),
            alg: 'HS256',
            key: new TextEncoder().encode('x'.repeat(32)),
          }),
      ],
      [
        'HS256 keyed with our own public key',
        async () =>
          sign(tenantClaims, {
            ...devSigning(),
            alg: 'HS256',
            key: new TextEncoder().encode(await exportSPKI(devKey.publicKey)),
          }),
      ],
      ['a wrong issuer', () => sign(tenantClaims, { ...devSigning(), iss: 'https://elsewhere.example' })],
      ['a wrong audience', () => sign(tenantClaims, { ...devSigning(), aud: 'another-service' })],
      [
        'a token signed by another key under our kid',
        async () => sign(tenantClaims, { ...devSigning(), key: (await generateKeyPair('EdDSA')).privateKey }),
      ],
      ['roles that are not an array', () => sign({ cpts: 'cpts-a', roles: 'coordinator' }, devSigning())],
      ['an unknown role', () => sign({ cpts: 'cpts-a', roles: ['superuser'] }, devSigning())],
      ['a tenant role without cpts', () => sign({ roles: ['coordinator'] }, devSigning())],
    ];

    it.each(cases)('%s', async (_case, makeToken) => {
      const bearer = await makeToken();
      const response = await call('/api/v1/cpts/cpts-a/things', bearer);
      const body = await response.text();

      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      if (bearer) expect(body).not.toContain(bearer);
    });

    it('another scheme than Bearer', async () => {
      const bearer = await token('cpts-a', 'coordinator');
      const response = await call('/api/v1/me', undefined, { headers: { authorization: `Basic ${bearer}` } });

      expect(response.status).toBe(401);
    });
  });

  it('hides another CPTS behind a 404, even from a role the route would refuse', async () => {
    expect((await call('/api/v1/cpts/cpts-b/things', await token('cpts-a', 'coordinator'))).status).toBe(404);
    expect((await call('/api/v1/cpts/cpts-b/things', await token('cpts-a', 'analyst'))).status).toBe(404);
    expect((await call('/api/v1/cpts/cpts-b/notes', await token('cpts-a', 'professional'))).status).toBe(404);
  });

  it('refuses a role the route does not allow with 403', async () => {
    expect((await call('/api/v1/cpts/cpts-a/things', await token('cpts-a', 'professional'))).status).toBe(
      403,
    );
    expect((await call('/api/v1/cpts/cpts-a/indicators', await token('cpts-a', 'coordinator'))).status).toBe(
      403,
    );
    expect(
      (await call('/api/v1/cpts', await token('cpts-a', 'coordinator'), { method: 'POST' })).status,
    ).toBe(403);
  });

  it('lets each role the policy names into its route', async () => {
    expect((await call('/api/v1/cpts/cpts-a/indicators', await token('cpts-a', 'analyst'))).status).toBe(200);
    expect((await call('/api/v1/cpts/cpts-a/notes', await token('cpts-a', 'analyst'))).status).toBe(200);
  });

  it('refuses everyone a route the policy does not name (fail closed)', async () => {
    for (const role of ['coordinator', 'auditor', 'analyst', 'professional']) {
      const response = await call('/api/v1/cpts/cpts-a/forgotten', await token('cpts-a', role));
      expect(response.status).toBe(403);
      expect(await response.text()).not.toContain('leaked');
    }
  });

  it('refuses a token naming a CPTS that does not exist with 401, on every kind of route', async () => {
    const ghost = await token('cpts-ghost', 'coordinator');
    for (const path of ['/api/v1/cpts/cpts-ghost/things', '/api/v1/cpts/cpts-a/things', '/api/v1/me']) {
      const response = await call(path, ghost);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('keeps a platform admin out of every tenant (403) but lets it register one', async () => {
    const admin = await token(undefined, 'platform-admin');

    expect((await call('/api/v1/cpts/cpts-a/things', admin)).status).toBe(403);
    expect((await call('/api/v1/cpts/cpts-a/notes', admin)).status).toBe(403);
    expect((await call('/api/v1/cpts', admin, { method: 'POST' })).status).toBe(201);
  });

  it('GET /api/v1/me says who the token is for', async () => {
    const response = await call('/api/v1/me', await token('cpts-a', 'professional'));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      sub: 'user:professional',
      cpts: 'cpts-a',
      roles: ['professional'],
    });
    expect((await call('/api/v1/me')).status).toBe(401);
  });

  it('says how to sign in, to anyone: with dev tokens', async () => {
    const response = await call('/api/v1/auth/config');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ mode: 'dev' });
  });

  it('documents its routes for OpenAPI', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().build());

    expect(document.paths['/api/v1/me']?.get?.security).toEqual([{ bearer: [] }]);
    expect(document.components?.schemas?.DevTokenRequestDto).toMatchObject({
      required: ['role'],
      properties: { role: { enum: [...ROLES] }, cpts: { pattern: '^[a-z0-9-]{3,40}$' } },
    });
  });

  describe('POST /api/v1/dev/tokens', () => {
    const issue = (body: unknown) =>
      call('/api/v1/dev/tokens', undefined, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    it('returns a token that opens its tenant', async () => {
      const response = await issue({ cpts: 'cpts-a', role: 'coordinator' });
      expect(response.status).toBe(201);
      const { token: issued } = (await response.json()) as { token: string };

      const me = await call('/api/v1/me', issued);
      expect(await me.json()).toEqual({ sub: 'dev:coordinator', cpts: 'cpts-a', roles: ['coordinator'] });
      expect((await call('/api/v1/cpts/cpts-a/things', issued)).status).toBe(200);
    });

    it('takes a sub, and a platform admin without cpts', async () => {
      const response = await issue({ role: 'platform-admin', sub: 'admin:ops' });
      const { token: issued } = (await response.json()) as { token: string };

      expect(response.status).toBe(201);
      expect(await (await call('/api/v1/me', issued)).json()).toEqual({
        sub: 'admin:ops',
        cpts: null,
        roles: ['platform-admin'],
      });
    });

    it.each([
      ['an unknown role', { cpts: 'cpts-a', role: 'root' }],
      ['a cpts that is not a slug', { cpts: 'CPTS A', role: 'coordinator' }],
      ['a tenant role without cpts', { role: 'coordinator' }],
      ['a platform admin with a cpts', { cpts: 'cpts-a', role: 'platform-admin' }],
      ['an overlong sub', { cpts: 'cpts-a', role: 'auditor', sub: 'x'.repeat(256) }],
      ['an unknown field', { cpts: 'cpts-a', role: 'auditor', roles: ['platform-admin'] }],
    ])('answers 400 to %s', async (_case, body) => {
      expect((await issue(body)).status).toBe(400);
    });

    it('refuses a CPTS that does not exist, naming the field', async () => {
      const response = await issue({ cpts: 'cpts-ghost', role: 'coordinator' });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ errors: [{ path: 'cpts' }] });
    });
  });
});

describe('AuthModule in oidc mode, against a local identity provider', () => {
  const audience = 'parcours-api';
  let idp: Server;
  let issuer: string;
  let idpKey: KeyLike;
  let app: INestApplication;
  let url: string;
  let dataDir: string;

  const idpSigning = (): Signing => ({
    key: idpKey,
    alg: 'ES256',
    kid: 'idp-key-1',
    iss: issuer,
    aud: audience,
  });
  const call = (path: string, bearer: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${bearer}`, ...init.headers } });

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    idpKey = privateKey;
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'idp-key-1', alg: 'ES256', use: 'sig' }] };
    idp = createServer((request, response) => {
      const documents: Record<string, object> = {
        '/.well-known/openid-configuration': { issuer, jwks_uri: `${issuer}/jwks` },
        '/jwks': jwks,
      };
      const document = documents[request.url ?? ''];
      response.writeHead(document ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(document ?? {}));
    });
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    dataDir = mkdtempSync(join(tmpdir(), 'parcours-auth-oidc-'));
    ({ app, url } = await start({ mode: 'oidc', dataDir, oidcIssuer: issuer, oidcAudience: audience }));
  });
  afterAll(async () => {
    await app.close();
    idp.closeAllConnections();
    await new Promise((resolve) => idp.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("accepts the provider's tokens", async () => {
    const response = await call('/api/v1/cpts/cpts-a/things', await sign(tenantClaims, idpSigning()));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ cptsId: 'cpts-a', sub: 'someone' });
  });

  it('still enforces the tenant and the roles', async () => {
    expect((await call('/api/v1/cpts/cpts-b/things', await sign(tenantClaims, idpSigning()))).status).toBe(
      404,
    );
    const analyst = await sign({ cpts: 'cpts-a', roles: ['analyst'] }, idpSigning());
    expect((await call('/api/v1/cpts/cpts-a/things', analyst)).status).toBe(403);
  });

  it.each<[string, () => Promise<string>]>([
    ['a wrong issuer', () => sign(tenantClaims, { ...idpSigning(), iss: 'https://elsewhere.example' })],
    ['a wrong audience', () => sign(tenantClaims, { ...idpSigning(), aud: 'parcours' })],
    [
      'a key that is not in the JWKS',
      async () =>
        sign(tenantClaims, {
          ...idpSigning(),
          kid: 'idp-key-2',
          key: (await generateKeyPair('ES256')).privateKey,
        }),
    ],
    [
      'another key under the published kid',
      async () => sign(tenantClaims, { ...idpSigning(), key: (await generateKeyPair('ES256')).privateKey }),
    ],
    ['an expired token', () => sign(tenantClaims, { ...idpSigning(), exp: now() - 3600 })],
    [
      'a dev token',
      async () => {
        const devDir = mkdtempSync(join(tmpdir(), 'parcours-auth-dev-'));
        try {
          return await issueDevToken(devDir, { sub: 'someone', ...tenantClaims });
        } finally {
          rmSync(devDir, { recursive: true, force: true });
        }
      },
    ],
  ])('refuses %s with 401', async (_case, makeToken) => {
    expect((await call('/api/v1/cpts/cpts-a/things', await makeToken())).status).toBe(401);
  });

  it('says how to sign in, to anyone: at the provider (no client for the UI configured here)', async () => {
    const response = await fetch(`${url}/api/v1/auth/config`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ mode: 'oidc', issuer, scope: 'openid' });
  });

  it('has no dev token route', async () => {
    const response = await fetch(`${url}/api/v1/dev/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ cpts: 'cpts-a', role: 'coordinator' }),
    });

    expect(response.status).toBe(404);
  });

  it('answers 503, not 401, while the provider cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadIssuer = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = await start({
      mode: 'oidc',
      dataDir,
      oidcIssuer: deadIssuer,
      oidcAudience: audience,
    });
    try {
      const bearer = await sign(tenantClaims, { ...idpSigning(), iss: deadIssuer });
      const response = await fetch(`${unreachable.url}/api/v1/me`, {
        headers: { authorization: `Bearer ${bearer}` },
      });

      expect(response.status).toBe(503);
    } finally {
      await unreachable.app.close();
    }
  });

  it('refuses to start without an issuer and an audience, or with a plain-http remote issuer', () => {
    expect(() => AuthModule.forRoot({ mode: 'oidc', dataDir, policy: POLICY })).toThrow(
      /OIDC_ISSUER and OIDC_AUDIENCE/,
    );
    expect(() =>
      AuthModule.forRoot({
        mode: 'oidc',
        dataDir,
        policy: POLICY,
        oidcIssuer: 'http://idp.example',
        oidcAudience: audience,
      }),
    ).toThrow(/https/);
  });
});
