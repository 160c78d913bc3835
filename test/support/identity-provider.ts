/**
 * A real OpenID provider for the tests: `oidc-provider` in a child process of its own
 * (test/support/oidc-provider/provider.mjs, since the package is ESM-only), on loopback, with the
 * clients, users and resource servers a test gives it.
 *
 * - `startIdentityProvider()` starts it; `stop()` ends it (the provider is down from then on).
 * - `rotateKeys()` makes it sign with a new key, still publishing the previous one.
 * - `shiftClock(seconds)` runs the provider on a clock that is off by that much.
 * - `signInOverHttp()` goes through the authorization code flow with PKCE as a browser would (login page
 *   included), over plain HTTP, and returns the provider's token response.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { trackProcess } from './processes';

const PROVIDER_SCRIPT = join(__dirname, 'oidc-provider', 'provider.mjs');

export interface ProviderUser {
  /** The login, and the `sub` of the user's tokens. */
  id: string;
  password: string;
  name: string;
  /** Claims added to the user's access tokens (roles and CPTS, where the claim mapping expects them). */
  claims: Record<string, unknown>;
}

export interface ProviderClient {
  client_id: string;
  redirect_uris: string[];
  post_logout_redirect_uris?: string[];
}

export interface ProviderSetup {
  /** Resource indicators it issues access tokens for; the first is the default. */
  resources: string[];
  clients: ProviderClient[];
  users: ProviderUser[];
  accessTokenTtlSeconds?: number;
}

export interface TokenResponse {
  access_token: string;
  id_token: string;
  refresh_token?: string;
  expires_in: number;
  token_type: string;
}

export interface RunningProvider {
  issuer: string;
  /** Signs with a new key from now on; returns its key id. */
  rotateKeys(): Promise<string>;
  shiftClock(offsetSeconds: number): Promise<void>;
  /** Everything the process wrote so far. */
  output(): string;
  stop(): Promise<void>;
}

export async function startIdentityProvider(
  setup: ProviderSetup,
  timeoutMs = 30_000,
): Promise<RunningProvider> {
  const child: ChildProcess = trackProcess(
    fork(PROVIDER_SCRIPT, [], {
      env: {
        PATH: process.env.PATH,
        OIDC_TEST_PROVIDER: JSON.stringify({ accessTokenTtlSeconds: 300, ...setup }),
      },
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    }),
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const pending = new Map<number, (reply: Record<string, unknown>) => void>();
  let nextId = 0;
  const issuer = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running: nobody holds a handle to it yet.
      child.kill('SIGKILL');
      reject(new Error(`the identity provider did not start:\n${output}`));
    }, timeoutMs);
    child.on('message', (message: Record<string, unknown>) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.issuer as string);
      } else if (typeof message.id === 'number') {
        pending.get(message.id)?.(message);
        pending.delete(message.id);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the identity provider exited before it was ready:\n${output}`));
    });
  });

  const ask = (message: Record<string, unknown>) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ ...message, id });
    });

  return {
    issuer,
    rotateKeys: async () => (await ask({ type: 'rotate' })).kid as string,
    shiftClock: async (offsetSeconds) => void (await ask({ type: 'clock', offsetSeconds })),
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A minimal cookie jar: the provider keeps its interaction and session state in cookies. */
class Browserless {
  private readonly cookies = new Map<string, string>();

  async go(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = {
      cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    };
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
      redirect: 'manual',
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const equals = pair.indexOf('=');
      this.cookies.set(pair.slice(0, equals).trim(), pair.slice(equals + 1));
    }
    return response;
  }
}

/**
 * The authorization code flow with PKCE, as the web UI runs it, over HTTP: authorization request, the
 * provider's login page (the form posted with the user's password), the redirect back with a code, and
 * the code exchanged at the token endpoint.
 */
export async function signInOverHttp(
  issuer: string,
  user: { id: string; password: string },
  client: { clientId: string; redirectUri: string; resource?: string; scope?: string },
): Promise<TokenResponse> {
  const metadata = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
    authorization_endpoint: string;
    token_endpoint: string;
  };
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorization = new URL(metadata.authorization_endpoint);
  authorization.search = new URLSearchParams({
    client_id: client.clientId,
    redirect_uri: client.redirectUri,
    response_type: 'code',
    scope: client.scope ?? 'openid',
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(client.resource ? { resource: client.resource } : {}),
  }).toString();

  const browser = new Browserless();
  let response = await browser.go(authorization.href);
  let location = new URL(response.headers.get('location') ?? '', issuer);
  if (!location.pathname.startsWith('/interaction/')) {
    throw new Error(`expected the login page, got ${response.status} ${location.href}`);
  }
  const login = await browser.go(location.href);
  if (login.status !== 200) throw new Error(`the login page answered ${login.status}`);
  response = await browser.go(`${location.href}/login`, {
    method: 'POST',
    form: { login: user.id, password: user.password },
  });
  for (let hops = 0; hops < 5 && response.status >= 300 && response.status < 400; hops++) {
    location = new URL(response.headers.get('location') ?? '', issuer);
    if (location.href.startsWith(client.redirectUri)) break;
    response = await browser.go(location.href);
  }
  const code = location.searchParams.get('code');
  if (
    !location.href.startsWith(client.redirectUri) ||
    !code ||
    location.searchParams.get('state') !== state
  ) {
    throw new Error(`the provider did not redirect back with a code: ${response.status} ${location.href}`);
  }

  const exchange = await fetch(metadata.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      client_id: client.clientId,
      code_verifier: verifier,
    }).toString(),
  });
  const tokens = (await exchange.json()) as TokenResponse & { error?: string };
  if (!exchange.ok)
    throw new Error(`the token endpoint answered ${exchange.status}: ${JSON.stringify(tokens)}`);
  return tokens;
}

/** The decoded header and payload of a JWT (no verification: for assertions on what the provider issued). */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [header = '', payload = ''] = token.split('.');
  const part = (text: string) => JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  return { header: part(header), payload: part(payload) };
}
