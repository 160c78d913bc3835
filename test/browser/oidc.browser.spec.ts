/**
 * The web UI in OpenID Connect mode, in a real headless Chromium against a real OpenID provider
 * (`oidc-provider`, started by the suite): the authorization code flow with PKCE through the provider's
 * login page, the access token renewed with the refresh token before it expires, and the sign-out at the
 * provider (end session), after which signing in asks for the password again.
 */
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Browser } from 'playwright-core';
import { type RunningApi, startApi, tempDataDir } from '../support/api-process';
import { checkAccessibility, launchBrowser, newPage, screenshot, settle } from '../support/browser';
import { type ProviderUser, type RunningProvider, startIdentityProvider } from '../support/identity-provider';
import { registerCptsInStore } from '../support/tenant';

jest.setTimeout(90_000);

const AUDIENCE = 'https://parcours.test/api';
const CPTS = 'cpts-oidc';
const CLIENT_ID = 'parcours-web';
/** Renewed five seconds after it is issued: the client renews a minute before expiry. */
const ACCESS_TOKEN_TTL_SECONDS = 65;

const COORDINATOR: ProviderUser = {
  id: 'marie.martin',
  password: 'mot-de-passe-marie',
  name: 'Marie Martin',
  claims: { parcours_roles: ['coordinateur'], parcours_cpts: CPTS },
};

/** The provider registers the UI's address before the API starts: pick a free port for it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('the web UI signs in with OpenID Connect', () => {
  let provider: RunningProvider;
  let api: RunningApi;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    const port = await freePort();
    const home = `http://127.0.0.1:${port}/`;
    provider = await startIdentityProvider({
      resources: [AUDIENCE],
      clients: [{ client_id: CLIENT_ID, redirect_uris: [home], post_logout_redirect_uris: [home] }],
      users: [COORDINATOR],
      accessTokenTtlSeconds: ACCESS_TOKEN_TTL_SECONDS,
    });
    dataDir = tempDataDir();
    await registerCptsInStore(dataDir, CPTS);
    api = await startApi({
      PORT: String(port),
      DATA_DIR: dataDir,
      AUTH_MODE: 'oidc',
      OIDC_ISSUER: provider.issuer,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_SCOPE: 'openid profile',
      OIDC_RESOURCE: AUDIENCE,
      OIDC_ROLES_CLAIM: 'parcours_roles',
      OIDC_CPTS_CLAIM: 'parcours_cpts',
      OIDC_ROLE_MAP: 'coordinateur=coordinator',
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.dispose();
    await provider?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("through the provider's login page, lands on the worklist, renews its token, and signs out", async () => {
    const page = await newPage(browser);
    const accessToken = () =>
      page.evaluate(() => {
        const key = Object.keys(sessionStorage).find((name) => name.startsWith('oidc.user:'));
        return key
          ? (JSON.parse(sessionStorage.getItem(key) ?? '{}') as { access_token?: string }).access_token
          : undefined;
      });

    await page.goto(`${api.url}/`);
    await page.getByRole('button', { name: 'Se connecter' }).waitFor();
    expect(await checkAccessibility(page)).toEqual([]);
    await screenshot(page, 'oidc-sign-in');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${provider.issuer}/interaction/**`);
    await page.getByLabel('Identifiant').fill(COORDINATOR.id);
    await page.getByLabel('Mot de passe').fill(COORDINATOR.password);
    await page.getByRole('button', { name: 'Valider' }).click();

    await page.getByTestId('signed-in').waitFor();
    await settle(page);
    expect(page.url()).toBe(`${api.url}/#/worklist`);
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('À faire');
    await expect(page.getByTestId('signed-in').textContent()).resolves.toMatch(/Marie Martin.*Coordinat/);
    const first = await accessToken();
    expect(first).toBeDefined();

    // Before it expires, the access token is replaced (refresh token grant), and the next reads use it.
    await page.waitForFunction(
      (previous) =>
        Object.keys(sessionStorage).some(
          (name) =>
            name.startsWith('oidc.user:') &&
            (JSON.parse(sessionStorage.getItem(name) ?? '{}') as { access_token?: string }).access_token !==
              previous,
        ),
      first,
      { timeout: 30_000 },
    );
    // (Renewals go on every few seconds here: the read carries the latest token, not the first one.)
    const read = page.waitForRequest((request) => request.url().includes(`/api/v1/cpts/${CPTS}/`));
    await page.getByRole('link', { name: 'Parcours', exact: true }).click();
    const authorization = (await read).headers().authorization;
    expect(authorization).toMatch(/^Bearer ey/);
    expect(authorization).not.toBe(`Bearer ${first}`);
    await settle(page);
    await page.getByTestId('signed-in').waitFor();

    // Signing out ends the provider's session too, and comes back to the sign-in page.
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(`${provider.issuer}/**`);
    await page.getByRole('button', { name: 'Se déconnecter du fournisseur' }).click();
    await page.getByRole('button', { name: 'Se connecter' }).waitFor();
    expect(page.url()).toBe(`${api.url}/`);
    expect(await accessToken()).toBeUndefined();

    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByLabel('Mot de passe').waitFor();
    expect(page.url()).toMatch(new RegExp(`^${provider.issuer}/interaction/`));
    await page.context().close();
  });
});
