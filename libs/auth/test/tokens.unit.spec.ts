import fc from 'fast-check';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  actorOf,
  DEV_AUDIENCE,
  DEV_ISSUER,
  AuthenticationError,
  CachingTokenVerifier,
  DevTokenVerifier,
  devSigningKeyPath,
  InvalidClaimsError,
  issueDevToken,
  loadOrCreateDevSigningKey,
  type Principal,
  ROLES,
  TENANT_ROLES,
  TokenVerifier,
} from '../src';

describe('dev tokens', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'parcours-auth-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('verifies what it issues, and maps the claims to the principal', async () => {
    const token = await issueDevToken(dataDir, { sub: 'alice', cpts: 'cpts-nord', roles: ['coordinator'] });
    const verifier = await DevTokenVerifier.create(dataDir);

    await expect(verifier.verify(token)).resolves.toEqual({
      sub: 'alice',
      cpts: 'cpts-nord',
      roles: ['coordinator'],
    });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: 'parcours-dev', aud: 'parcours', sub: 'alice' });
    expect(claims.exp! - claims.iat!).toBe(8 * 3600);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: expect.any(String) });
  });

  it('issues platform-admin tokens without a cpts claim', async () => {
    const token = await issueDevToken(dataDir, { sub: 'root', roles: ['platform-admin'] });

    expect(decodeJwt(token)).not.toHaveProperty('cpts');
    await expect((await DevTokenVerifier.create(dataDir)).verify(token)).resolves.toEqual({
      sub: 'root',
      cpts: null,
      roles: ['platform-admin'],
    });
  });

  it('honours expiresIn, in seconds or as a span', async () => {
    const inSeconds = decodeJwt(
      await issueDevToken(dataDir, { sub: 'a', cpts: 'abc', roles: ['analyst'], expiresIn: 60 }),
    );
    const asSpan = decodeJwt(
      await issueDevToken(dataDir, { sub: 'a', cpts: 'abc', roles: ['analyst'], expiresIn: '30m' }),
    );

    expect(inSeconds.exp! - inSeconds.iat!).toBe(60);
    expect(asSpan.exp! - asSpan.iat!).toBe(1800);
  });

  it('refuses to sign a lifetime longer than the server accepts', async () => {
    const claims = { sub: 'a', cpts: 'abc', roles: ['analyst'], maxLifetimeSeconds: 3600 };
    await expect(issueDevToken(dataDir, { ...claims, expiresIn: '2h' })).rejects.toThrow(/at most 3600/);
    await expect(issueDevToken(dataDir, { ...claims, expiresIn: '1h' })).resolves.toEqual(expect.any(String));
  });

  describe('refuses tokens that would stay valid too long, or come from the future', () => {
    const limits = { maxLifetimeSeconds: 12 * 3600, clockSkewSeconds: 30 };
    const sign = async (iat: number | undefined, exp: number) => {
      const key = await loadOrCreateDevSigningKey(dataDir);
      const jwt = new SignJWT({ cpts: 'abc', roles: ['coordinator'] })
        .setProtectedHeader({ alg: key.alg, kid: key.kid })
        .setSubject('a')
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setExpirationTime(exp);
      if (iat !== undefined) jwt.setIssuedAt(iat);
      return jwt.sign(key.privateKey);
    };
    const now = () => Math.floor(Date.now() / 1000);

    it.each([
      ['valid for 100 years', () => sign(now(), now() + 100 * 365 * 24 * 3600), /lifetime exceeds/],
      ['valid for 13 hours', () => sign(now(), now() + 13 * 3600), /lifetime exceeds/],
      ['without iat, expiring in 2 days', () => sign(undefined, now() + 48 * 3600), /lifetime exceeds/],
      ['issued an hour from now', () => sign(now() + 3600, now() + 7200), /issued in the future/],
    ])('%s', async (_case, token, reason) => {
      const verifier = await DevTokenVerifier.create(dataDir, limits);
      await expect(verifier.verify(await token())).rejects.toThrow(reason);
    });

    it('but accepts one within the limit, and a clock a few seconds ahead', async () => {
      const verifier = await DevTokenVerifier.create(dataDir, limits);
      await expect(verifier.verify(await sign(now() + 10, now() + 12 * 3600))).resolves.toMatchObject({
        sub: 'a',
      });
    });
  });

  it('round-trips any well-formed principal', async () => {
    const verifier = await DevTokenVerifier.create(dataDir);
    const tenantPrincipal = fc.record({
      sub: fc.string({ minLength: 1, maxLength: 255 }),
      cpts: fc.stringMatching(/^[a-z0-9-]{3,40}$/),
      roles: fc.uniqueArray(fc.constantFrom(...TENANT_ROLES), { minLength: 1 }),
    });
    await fc.assert(
      fc.asyncProperty(tenantPrincipal, async (principal: Principal) => {
        const token = await issueDevToken(dataDir, principal);
        expect(await verifier.verify(token)).toEqual(principal);
      }),
      { numRuns: 50 },
    );
  });

  it.each([
    ['an unknown role', { sub: 'a', cpts: 'abc', roles: ['root'] }, /roles must be/],
    ['no role', { sub: 'a', cpts: 'abc', roles: [] }, /roles must be/],
    ['a tenant role without cpts', { sub: 'a', roles: ['coordinator'] }, /cpts is required/],
    ['a cpts that is not a slug', { sub: 'a', cpts: 'Cpts Nord', roles: ['auditor'] }, /cpts must be/],
    ['a cpts too short', { sub: 'a', cpts: 'ab', roles: ['auditor'] }, /cpts must be/],
    ['a platform-admin with a cpts', { sub: 'a', cpts: 'abc', roles: ['platform-admin'] }, /has no cpts/],
    [
      'a platform-admin with a tenant role',
      { sub: 'a', roles: ['platform-admin', 'auditor'] },
      /cannot be combined/,
    ],
    ['an empty sub', { sub: '', cpts: 'abc', roles: ['auditor'] }, /sub must be/],
    ['a zero lifetime', { sub: 'a', cpts: 'abc', roles: ['auditor'], expiresIn: 0 }, /expiresIn/],
    [
      'a lifetime that is not a span',
      { sub: 'a', cpts: 'abc', roles: ['auditor'], expiresIn: 'soon' },
      /expiresIn/,
    ],
  ])('refuses to sign %s', async (_case, claims, message) => {
    const issuing = issueDevToken(dataDir, claims);

    await expect(issuing).rejects.toThrow(InvalidClaimsError);
    await expect(issuing).rejects.toThrow(message);
  });

  it('refuses a token signed with the key of another DATA_DIR', async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'parcours-auth-other-'));
    try {
      const foreign = await issueDevToken(otherDir, { sub: 'a', cpts: 'abc', roles: ['auditor'] });
      const verifying = (await DevTokenVerifier.create(dataDir)).verify(foreign);

      await expect(verifying).rejects.toThrow(AuthenticationError);
      await expect(verifying).rejects.toMatchObject({ reason: 'invalid signature' });
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('names the first role as the actor', () => {
    expect(actorOf({ sub: 'bob', cpts: 'abc', roles: ['professional', 'coordinator'] })).toEqual({
      id: 'bob',
      role: 'professional',
    });
  });

  it('knows the five roles of api.md', () => {
    expect([...ROLES].sort()).toEqual([
      'analyst',
      'auditor',
      'coordinator',
      'platform-admin',
      'professional',
    ]);
  });
});

describe('the dev signing key', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'parcours-keys-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is created at first use, readable by its owner only', async () => {
    const key = await loadOrCreateDevSigningKey(dataDir);
    const path = devSigningKeyPath(dataDir);

    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(path)).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      d: expect.any(String),
    });
    expect(key.publicJwk).not.toHaveProperty('d');
    expect(key.publicJwk.kid).toBe(key.kid);
  });

  it('is reused by later calls and by tokens issued after it', async () => {
    const first = await loadOrCreateDevSigningKey(dataDir);
    const before = readFileSync(devSigningKeyPath(dataDir), 'utf8');
    const second = await loadOrCreateDevSigningKey(dataDir);
    const token = await issueDevToken(dataDir, { sub: 'a', cpts: 'abc', roles: ['auditor'] });

    expect(second.kid).toBe(first.kid);
    expect(readFileSync(devSigningKeyPath(dataDir), 'utf8')).toBe(before);
    expect(decodeProtectedHeader(token).kid).toBe(first.kid);
  });

  it('ends up as one key when several callers race to create it', async () => {
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateDevSigningKey(dataDir)));
    const token = await issueDevToken(dataDir, { sub: 'a', cpts: 'abc', roles: ['auditor'] });

    expect(new Set(keys.map((key) => key.kid)).size).toBe(1);
    expect(readdirSync(dirname(devSigningKeyPath(dataDir)))).toEqual(['dev-signing-key.json']);
    for (const key of keys) {
      await expect(new DevTokenVerifier(key.publicKey).verify(token)).resolves.toMatchObject({ sub: 'a' });
    }
  });

  it('is refused when other users can read it', async () => {
    await loadOrCreateDevSigningKey(dataDir);
    await chmod(devSigningKeyPath(dataDir), 0o644);

    await expect(loadOrCreateDevSigningKey(dataDir)).rejects.toThrow(/chmod 600/);
  });

  it('is refused, not replaced, when the file is not a key', async () => {
    await loadOrCreateDevSigningKey(dataDir);
    await writeFile(devSigningKeyPath(dataDir), '{"kty":"oct","k":"c2VjcmV0"}', { mode: 0o600 });

    await expect(loadOrCreateDevSigningKey(dataDir)).rejects.toThrow(/not an Ed25519 private JWK/);
  });
});

describe('CachingTokenVerifier', () => {
  const principal = { sub: 'marie', cpts: 'cpts-a', roles: ['coordinator' as const] };
  /** A token carrying only what the cache reads (exp); the inner verifier is what decides. */
  const tokenExpiringAt = (exp: number) =>
    `e30.${Buffer.from(JSON.stringify({ exp, nonce: Math.random() })).toString('base64url')}.sig`;
  class Counting extends TokenVerifier {
    calls = 0;
    refuse = false;
    verify(): Promise<Principal> {
      this.calls += 1;
      return this.refuse
        ? Promise.reject(new AuthenticationError('bad signature'))
        : Promise.resolve(principal);
    }
  }
  const setUp = (now: { ms: number }) => {
    const inner = new Counting();
    const cache = new CachingTokenVerifier(
      inner,
      { ttlSeconds: 60, maxEntries: 2, clockSkewSeconds: 30 },
      () => now.ms,
    );
    return { inner, cache };
  };

  it('checks a token once within a minute, then again', async () => {
    const now = { ms: 1_000_000_000 };
    const { inner, cache } = setUp(now);
    const token = tokenExpiringAt(now.ms / 1000 + 3600);
    expect(await cache.verify(token)).toEqual(principal);
    expect(await cache.verify(token)).toEqual(principal);
    expect(inner.calls).toBe(1);
    now.ms += 61_000;
    await cache.verify(token);
    expect(inner.calls).toBe(2);
  });

  it('never trusts a token past its expiry (with the clock skew allowed)', async () => {
    const now = { ms: 1_000_000_000 };
    const { inner, cache } = setUp(now);
    const token = tokenExpiringAt(now.ms / 1000 + 10);
    await cache.verify(token);
    now.ms += 39_000;
    await cache.verify(token);
    expect(inner.calls).toBe(1);
    now.ms += 2_000; // past exp + 30 s
    inner.refuse = true;
    await expect(cache.verify(token)).rejects.toThrow(AuthenticationError);
  });

  it('remembers no refusal, and keeps a bounded number of tokens', async () => {
    const now = { ms: 1_000_000_000 };
    const { inner, cache } = setUp(now);
    inner.refuse = true;
    const refused = tokenExpiringAt(now.ms / 1000 + 3600);
    await expect(cache.verify(refused)).rejects.toThrow(AuthenticationError);
    await expect(cache.verify(refused)).rejects.toThrow(AuthenticationError);
    expect(inner.calls).toBe(2);
    inner.refuse = false;
    const [a, b, c] = [1, 2, 3].map(() => tokenExpiringAt(now.ms / 1000 + 3600));
    for (const token of [a, b, c]) await cache.verify(token);
    await cache.verify(a); // the oldest was let go
    expect(inner.calls).toBe(2 + 3 + 1);
  });
});
