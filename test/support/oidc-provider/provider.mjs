// A real OpenID provider (the `oidc-provider` package) for the test suites, in a process of its own since
// the package is ESM-only. Started by test/support/oidc-provider.ts, which passes its clients, users and
// resource servers as JSON in OIDC_TEST_PROVIDER and drives it over the IPC channel: rotate the signing
// key, shift the provider's clock. It listens on loopback, on a port of its own choosing.
//
// Users sign in on a login page of this file (identifiant + mot de passe); the Parcours client is
// first-party, so no consent page is shown. Access tokens are JWTs for the resource (RFC 8707) asked for,
// carrying each user's own claims (roles, CPTS) where the test puts them.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import process from 'node:process';
import { URLSearchParams } from 'node:url';
import Provider, { errors } from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_TEST_PROVIDER ?? '{}');
const users = new Map(config.users.map((user) => [user.id, user]));
const cookieKeys = [randomBytes(32).toString('base64url')];

// A provider whose clock is off (or a token replayed long after it was issued) is what "expired" and
// "not yet valid" tokens are in real life: the whole provider runs on the shifted clock.
const realNow = Date.now;
let clockOffsetMs = 0;
Date.now = () => realNow() + clockOffsetMs;

function newSigningKey() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'ES256', use: 'sig' };
}

/** The first key signs; the ones after it are still published, for tokens signed before a rotation. */
let signingKeys = [newSigningKey()];

const escape = (text) =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

function page(title, body) {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

function loginPage(uid, { login = '', error } = {}) {
  return page(
    'Fournisseur d’identité de test',
    `${error ? `<p role="alert">${escape(error)}</p>` : ''}
    <form method="post" action="/interaction/${escape(uid)}/login">
      <p><label for="login">Identifiant</label> <input id="login" name="login" value="${escape(login)}" autocomplete="username" required></p>
      <p><label for="password">Mot de passe</label> <input id="password" name="password" type="password" autocomplete="current-password" required></p>
      <p><button type="submit">Valider</button></p>
    </form>`,
  );
}

function build(issuer) {
  return new Provider(issuer, {
    clients: config.clients.map((client) => ({
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      ...client,
    })),
    jwks: { keys: signingKeys },
    clientDefaults: { id_token_signed_response_alg: 'ES256' },
    cookies: { keys: cookieKeys },
    claims: { openid: ['sub'], profile: ['name'] },
    async findAccount(_ctx, id) {
      const user = users.get(id);
      if (!user) return undefined;
      return { accountId: id, claims: () => ({ sub: id, name: user.name }) };
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource(ctx, form) {
          ctx.body = page(
            'Déconnexion',
            `${form}<p><button type="submit" form="op.logoutForm" name="logout" value="yes">Se déconnecter du fournisseur</button></p>`,
          );
        },
        postLogoutSuccessSource(ctx) {
          ctx.body = page('Déconnecté', '<p>Vous êtes déconnecté.</p>');
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx, _client, oneOf) => oneOf ?? config.resources[0],
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx, resource) {
          if (!config.resources.includes(resource)) throw new errors.InvalidTarget();
          return {
            scope: 'api',
            audience: resource,
            accessTokenTTL: config.accessTokenTtlSeconds,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          };
        },
      },
    },
    // Each user's roles and CPTS, where the test's claim mapping expects them.
    extraTokenClaims(_ctx, token) {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      return users.get(token.accountId)?.claims;
    },
    // Like many providers, an explicit "not before" equal to the issue time.
    formats: {
      customizers: {
        jwt(_ctx, _token, jwt) {
          jwt.payload.nbf = jwt.payload.iat;
        },
      },
    },
    // A public client gets (rotating) refresh tokens without asking for offline_access, as Keycloak does.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // First-party client: what it asks for is granted without a consent page.
    async loadExistingGrant(ctx) {
      const grantId =
        ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
      if (existing) return existing;
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope('openid profile offline_access');
      for (const resource of config.resources) grant.addResourceScope(resource, 'api');
      await grant.save();
      return grant;
    },
    ttl: {
      AccessToken: config.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 24 * 3600,
      Interaction: 600,
      Session: 24 * 3600,
      Grant: 24 * 3600,
    },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Erreur', `<pre>${escape(JSON.stringify(out))}</pre>`);
    },
  });
}

function readForm(request) {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => resolve(new URLSearchParams(body)));
    request.on('error', reject);
  });
}

async function interaction(provider, request, response, uid, action) {
  const details = await provider.interactionDetails(request, response);
  if (details.uid !== uid) throw new errors.SessionNotFound('interaction mismatch');
  const html = (status, body) => {
    response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(body);
  };
  if (details.prompt.name !== 'login') {
    // Consent for the first-party client is implied (see loadExistingGrant); nothing to ask.
    await provider.interactionFinished(request, response, {}, { mergeWithLastSubmission: true });
    return;
  }
  if (action === undefined && request.method === 'GET') return html(200, loginPage(uid));
  if (action === 'login' && request.method === 'POST') {
    const form = await readForm(request);
    const login = form.get('login') ?? '';
    const user = users.get(login);
    if (!user || user.password !== form.get('password')) {
      return html(401, loginPage(uid, { login, error: 'Identifiant ou mot de passe incorrect.' }));
    }
    await provider.interactionFinished(
      request,
      response,
      { login: { accountId: login } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  html(405, page('Erreur', '<p>Méthode non permise.</p>'));
}

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  let provider = build(issuer);
  let handle = provider.callback();
  server.on('request', (request, response) => {
    const match = /^\/interaction\/([\w-]+)(?:\/(login))?$/.exec(request.url ?? '');
    if (!match) return handle(request, response);
    interaction(provider, request, response, match[1], match[2]).catch((error) => {
      response.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
      response.end(page('Erreur', `<p>${escape(error.message)}</p>`));
    });
  });

  process.on('message', (message) => {
    if (message.type === 'rotate') {
      // The new key signs from now on; the previous one stays published, older ones are dropped.
      signingKeys = [newSigningKey(), signingKeys[0]];
      provider = build(issuer);
      handle = provider.callback();
      process.send({ id: message.id, kid: signingKeys[0].kid });
    } else if (message.type === 'clock') {
      clockOffsetMs = message.offsetSeconds * 1000;
      process.send({ id: message.id });
    }
  });
  // The test process went away: so does this one.
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', issuer });
});
