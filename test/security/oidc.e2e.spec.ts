/**
 * `AUTH_MODE=oidc` against a real OpenID provider (`oidc-provider`, started by the suite in a process of
 * its own), over real HTTP to the built API: tokens come from the provider's authorization code flow,
 * the bad ones are what a provider with a wrong clock, another provider, another resource server, a key
 * rotation or an attacker produce. Roles and CPTS are read through a Keycloak-like claim mapping, as a
 * deployment configures it.
 */
import { rmSync } from 'node:fs';
import { call, type RunningApi, startApi, tempDataDir } from '../support/api-process';
import {
  decodeJwt,
  type ProviderUser,
  type RunningProvider,
  signInOverHttp,
  startIdentityProvider,
  type TokenResponse,
} from '../support/identity-provider';
import { registerCptsInStore } from '../support/tenant';

jest.setTimeout(60_000);

const AUDIENCE = 'https://parcours.test/api';
const OTHER_AUDIENCE = 'https://billing.test/api';
const CPTS = 'cpts-oidc';
/** The code flow's redirect: never reached, the test reads the code from the provider's redirect. */
const CLIENT = { clientId: 'parcours-web', redirectUri: 'http://127.0.0.1:9/callback' };

const COORDINATOR: ProviderUser = {
  id: 'marie.martin',
  password: 'mot-de-passe-marie',
  name: 'Marie Martin',
  claims: {
    realm_access: { roles: ['offline_access', 'cpts-coordinateur'] },
    parcours: { cpts: CPTS },
  },
};
/** Known to the provider, but with none of the roles the deployment maps to Parcours roles. */
const OUTSIDER: ProviderUser = {
  id: 'paul.durand',
  password: 'mot-de-passe-paul',
  name: 'Paul Durand',
  claims: { realm_access: { roles: ['offline_access', 'billing-clerk'] }, parcours: { cpts: CPTS } },
};

const PROVIDER_SETUP = {
  resources: [AUDIENCE, OTHER_AUDIENCE],
  clients: [{ client_id: CLIENT.clientId, redirect_uris: [CLIENT.redirectUri] }],
  users: [COORDINATOR, OUTSIDER],
};

/** How a deployment plugs a Keycloak-like provider in. */
const CLAIM_MAPPING = {
  OIDC_ROLES_CLAIM: 'realm_access.roles',
  OIDC_CPTS_CLAIM: 'parcours.cpts',
  OIDC_ROLE_MAP: 'cpts-coordinateur=coordinator,cpts-auditeur=auditor',
};

async function oidcApi(issuer: string): Promise<{ api: RunningApi; dataDir: string }> {
  const dataDir = tempDataDir();
  await registerCptsInStore(dataDir, CPTS);
  const api = await startApi({
    DATA_DIR: dataDir,
    AUTH_MODE: 'oidc',
    OIDC_ISSUER: issuer,
    OIDC_AUDIENCE: AUDIENCE,
    OIDC_CLIENT_ID: CLIENT.clientId,
    OIDC_RESOURCE: AUDIENCE,
    // The rotation test waits this long for the API to look at the provider's keys again.
    OIDC_JWKS_COOLDOWN_SECONDS: '1',
    ...CLAIM_MAPPING,
  });
  return { api, dataDir };
}

const now = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The same token with its header replaced (and, for `alg: none`, no signature). */
function withHeader(token: string, header: Record<string, unknown>, signature = ''): string {
  const [, payload] = token.split('.');
  return `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload}.${signature}`;
}

describe('AUTH_MODE=oidc against a real OpenID provider', () => {
  let provider: RunningProvider;
  let other: RunningProvider;
  let api: RunningApi;
  let dataDir: string;

  const signIn = (user: ProviderUser, resource = AUDIENCE): Promise<TokenResponse> =>
    signInOverHttp(provider.issuer, user, { ...CLIENT, resource });
  const me = (token: string) => call(`${api.url}/api/v1/me`, { token });

  function expectRefused(response: Awaited<ReturnType<typeof call>>, token: string, detail: RegExp): void {
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    // The reason is the stable code (the detail is its wording in the client's language).
    expect(response.body.reason).toMatch(detail);
    expect(response.text).not.toContain(token);
  }

  beforeAll(async () => {
    [provider, other] = await Promise.all([
      startIdentityProvider(PROVIDER_SETUP),
      startIdentityProvider(PROVIDER_SETUP),
    ]);
    ({ api, dataDir } = await oidcApi(provider.issuer));
  });

  afterAll(async () => {
    await api?.dispose();
    await Promise.all([provider?.stop(), other?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("accepts the provider's access token, reading roles and CPTS through the configured mapping", async () => {
    const { access_token: token } = await signIn(COORDINATOR);
    expect(decodeJwt(token).payload).toMatchObject({ iss: provider.issuer, aud: AUDIENCE });

    const response = await me(token);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ sub: COORDINATOR.id, cpts: CPTS, roles: ['coordinator'] });
    const worklist = await call(`${api.url}/api/v1/cpts/${CPTS}/worklist`, { token });
    expect(worklist.status).toBe(200);
  });

  it('refuses a user none of whose provider roles maps to a Parcours role', async () => {
    const { access_token: token } = await signIn(OUTSIDER);

    expectRefused(await me(token), token, /grants no Parcours role/);
  });

  it('refuses an expired token (issued two hours ago)', async () => {
    await provider.shiftClock(-2 * 3600);
    const { access_token: token } = await signIn(COORDINATOR).finally(() => provider.shiftClock(0));
    expect(decodeJwt(token).payload.exp).toBeLessThan(now());

    expectRefused(await me(token), token, /token expired/);
  });

  it('refuses a token not yet valid (a provider whose clock is an hour ahead)', async () => {
    await provider.shiftClock(3600);
    const { access_token: token } = await signIn(COORDINATOR).finally(() => provider.shiftClock(0));
    expect(decodeJwt(token).payload.nbf).toBeGreaterThan(now() + 3000);

    expectRefused(await me(token), token, /not yet valid/);
  });

  it('refuses a token from another issuer, though issued for our audience', async () => {
    const { access_token: token } = await signInOverHttp(other.issuer, COORDINATOR, {
      ...CLIENT,
      resource: AUDIENCE,
    });
    expect(decodeJwt(token).payload).toMatchObject({ iss: other.issuer, aud: AUDIENCE });

    expectRefused(await me(token), token, /iss claim rejected/);
  });

  it('refuses a token our provider issued for another resource server', async () => {
    const { access_token: token } = await signIn(COORDINATOR, OTHER_AUDIENCE);
    expect(decodeJwt(token).payload).toMatchObject({ iss: provider.issuer, aud: OTHER_AUDIENCE });

    expectRefused(await me(token), token, /aud claim rejected/);
  });

  it("refuses a provider's token turned into `alg: none`, or with its claims changed", async () => {
    const { access_token: token } = await signIn(COORDINATOR);
    const { header, payload } = decodeJwt(token);
    const unsigned = withHeader(token, { ...header, alg: 'none' });
    expectRefused(await me(unsigned), unsigned, /algorithm not allowed/);

    const [head, , signature] = token.split('.');
    const promoted = {
      ...payload,
      realm_access: { roles: ['cpts-coordinateur', 'parcours-admin'] },
      sub: 'x',
    };
    const forged = `${head}.${Buffer.from(JSON.stringify(promoted)).toString('base64url')}.${signature}`;
    expectRefused(await me(forged), forged, /invalid signature/);
  });

  it('accepts tokens signed with a rotated key once it has fetched the JWKS again', async () => {
    const before = (await signIn(COORDINATOR)).access_token;
    expect((await me(before)).status).toBe(200);

    const kid = await provider.rotateKeys();
    const after = (await signIn(COORDINATOR)).access_token;
    expect(decodeJwt(after).header.kid).toBe(kid);
    expect(decodeJwt(before).header.kid).not.toBe(kid);
    // The API re-fetches the JWKS for an unknown key at most once per OIDC_JWKS_COOLDOWN_SECONDS (1 s).
    await sleep(1100);

    expect((await me(after)).status).toBe(200);
    // The previous key is still published: tokens signed before the rotation live out their lifetime.
    expect((await me(before)).status).toBe(200);
  });

  it('tells the web UI where to sign in, and lets it reach that provider only', async () => {
    const config = await call(`${api.url}/api/v1/auth/config`);
    expect(config.status).toBe(200);
    expect(config.body).toEqual({
      mode: 'oidc',
      issuer: provider.issuer,
      clientId: CLIENT.clientId,
      scope: 'openid',
      resource: AUDIENCE,
    });

    const page = await call(`${api.url}/`);
    expect(page.status).toBe(200);
    const connectSrc = /connect-src ([^;]*)/.exec(page.headers.get('content-security-policy') ?? '')?.[1];
    expect(connectSrc?.split(' ')).toEqual(["'self'", provider.issuer]);

    const devToken = await call(`${api.url}/api/v1/dev/tokens`, {
      body: { cpts: CPTS, role: 'coordinator' },
    });
    expect(devToken.status).toBe(404);
  });

  describe('while the provider is down', () => {
    let cold: { api: RunningApi; dataDir: string };
    let token: string;

    beforeAll(async () => {
      // An API that has not met the provider yet: it needs the discovery document and the keys.
      cold = await oidcApi(other.issuer);
      token = (await signInOverHttp(other.issuer, COORDINATOR, { ...CLIENT, resource: AUDIENCE }))
        .access_token;
      await other.stop();
    });

    afterAll(async () => {
      await cold?.api.dispose();
      if (cold) rmSync(cold.dataDir, { recursive: true, force: true });
    });

    it('answers 503 to a well-formed token, which it cannot check', async () => {
      const response = await call(`${cold.api.url}/api/v1/me`, { token });

      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(response.headers.get('www-authenticate')).toBeNull();
      expect(response.text).not.toContain(token);
    });

    it.each<[string, () => string, RegExp]>([
      ['garbage', () => 'not-a-jwt', /malformed token/],
      ['three parts of garbage', () => 'a.b.c', /malformed token/],
      [
        'alg: none',
        () => withHeader(token, { ...decodeJwt(token).header, alg: 'none' }),
        /algorithm not allowed/,
      ],
      [
        'a token of another issuer',
        () =>
          `${token.split('.')[0]}.${Buffer.from(JSON.stringify({ iss: 'https://elsewhere.test' })).toString('base64url')}.x`,
        /iss claim rejected/,
      ],
    ])('answers 401 to %s, which no provider could make valid', async (_case, makeToken, detail) => {
      const bad = makeToken();
      const response = await call(`${cold.api.url}/api/v1/me`, { token: bad });

      expect(response.status).toBe(401);
      expect(response.body.reason).toMatch(detail);
    });

    it('keeps accepting tokens signed with the keys it has already fetched', async () => {
      const { access_token: valid } = await signIn(COORDINATOR);
      expect((await me(valid)).status).toBe(200);
      await provider.stop();

      expect((await me(valid)).status).toBe(200);
    });
  });
});
