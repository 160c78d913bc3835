import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTVerifyGetKey,
  type KeyLike,
} from 'jose';
import { type ClaimMapping, DEFAULT_CLAIM_MAPPING, principalFromProviderClaims } from './claims';
import { loadOrCreateDevSigningKey } from './dev-keys';
import { InvalidClaimsError, type Principal, principalFromClaims } from './principal';
import { DEV_AUDIENCE, DEV_ISSUER } from './tokens';

/**
 * Asymmetric only, and named explicitly: the algorithm a token claims never chooses how it is checked,
 * so `alg: none` and HS256 "signed" with our public key are refused before any key is looked at.
 */
export const ACCEPTED_ALGORITHMS = ['EdDSA', 'ES256', 'RS256', 'PS256'];

const DISCOVERY_TIMEOUT_MS = 5000;

/** jose's default: a token naming a key we do not have makes us re-fetch the JWKS at most this often. */
export const DEFAULT_JWKS_COOLDOWN_SECONDS = 30;

/** What every verifier checks beyond the signature. */
export interface TokenLimits {
  /** A token valid for longer than this (from `iat`, or from now without one) is refused. */
  maxLifetimeSeconds: number;
  /** Clocks of the identity provider and of this server never agree to the second. */
  clockSkewSeconds: number;
}

export const DEFAULT_TOKEN_LIMITS: TokenLimits = { maxLifetimeSeconds: 12 * 3600, clockSkewSeconds: 30 };

/** The token cannot be trusted (a 401). `reason` is short and safe to return: it never quotes the token. */
export class AuthenticationError extends Error {
  constructor(readonly reason: string) {
    super(`Authentication failed: ${reason}`);
    this.name = 'AuthenticationError';
  }
}

/**
 * The identity provider's metadata or keys cannot be had: not the caller's fault, so not a 401 (a client
 * that hears 401 throws its token away), but a 503.
 */
export class IdentityProviderUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IdentityProviderUnavailableError';
  }
}

/** Turns a bearer token into the principal it proves, or throws `AuthenticationError`. */
export abstract class TokenVerifier {
  abstract verify(token: string): Promise<Principal>;
}

/**
 * A verified token's principal, remembered by the token itself, so that a client sending the same token
 * with every request pays for its signature check once: until the token expires (with the clock skew
 * allowed) or for `ttlSeconds`, whichever comes first — after that, and for any token not seen or refused,
 * the verifier decides again. Bounded: the oldest entries go first.
 */
export class CachingTokenVerifier extends TokenVerifier {
  private readonly verified = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly inner: TokenVerifier,
    private readonly options: { ttlSeconds: number; maxEntries: number; clockSkewSeconds: number } = {
      ttlSeconds: 60,
      maxEntries: 10_000,
      clockSkewSeconds: DEFAULT_TOKEN_LIMITS.clockSkewSeconds,
    },
    private readonly clock: () => number = Date.now,
  ) {
    super();
  }

  async verify(token: string): Promise<Principal> {
    const now = this.clock();
    const known = this.verified.get(token);
    if (known && now < known.until) return known.principal;
    if (known) this.verified.delete(token);
    const principal = await this.inner.verify(token);
    const exp = decodeJwt(token).exp;
    const until = Math.min(
      now + this.options.ttlSeconds * 1000,
      typeof exp === 'number' ? (exp + this.options.clockSkewSeconds) * 1000 : now,
    );
    if (until > now) {
      if (this.verified.size >= this.options.maxEntries)
        this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { principal, until });
    }
    return principal;
  }
}

/** Dev mode: tokens signed with the key in `DATA_DIR` (see `issueDevToken`). */
export class DevTokenVerifier extends TokenVerifier {
  constructor(
    private readonly publicKey: KeyLike,
    private readonly limits: TokenLimits = DEFAULT_TOKEN_LIMITS,
  ) {
    super();
  }

  /** Creates the key on first start, so that the CLI and the API agree on it from then on. */
  static async create(dataDir: string, limits?: TokenLimits): Promise<DevTokenVerifier> {
    return new DevTokenVerifier((await loadOrCreateDevSigningKey(dataDir)).publicKey, limits);
  }

  verify(token: string): Promise<Principal> {
    const key = () => Promise.resolve(this.publicKey);
    const expected = { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, ...this.limits };
    return verifyToken(token, key, expected, principalFromClaims);
  }
}

export interface OidcVerifierOptions {
  /** Where the provider's tokens carry the roles and the CPTS; default `roles` and `cpts`. */
  claims?: ClaimMapping;
  /**
   * A token signed with a key the cached JWKS lacks (the provider rotated its keys) makes the JWKS be
   * fetched again, but not more often than this, so that forged key ids cannot flood the provider.
   */
  jwksCooldownSeconds?: number;
}

/**
 * OIDC mode: the keys are the issuer's JWKS, found through its discovery document. Discovery happens at
 * the first request rather than at start, so that the API starts while the provider is briefly down; a
 * failed discovery is retried by the next request.
 */
export class OidcTokenVerifier extends TokenVerifier {
  private keys?: Promise<JWTVerifyGetKey>;

  constructor(
    private readonly issuer: string,
    private readonly audience: string,
    private readonly limits: TokenLimits = DEFAULT_TOKEN_LIMITS,
    private readonly options: OidcVerifierOptions = {},
  ) {
    super();
    const problem = untrustworthy(issuer);
    if (problem) throw new Error(`OIDC_ISSUER ${problem}`);
    if (audience.trim() === '') throw new Error('OIDC_AUDIENCE must not be empty');
  }

  async verify(token: string): Promise<Principal> {
    // What can be refused without the provider's keys is refused first: while the provider is down,
    // garbage and tokens that could never be valid here are still a 401, not a 503.
    assertWellFormed(token, this.issuer);
    const expected = { issuer: this.issuer, audience: this.audience, ...this.limits };
    const mapping = this.options.claims ?? DEFAULT_CLAIM_MAPPING;
    return verifyToken(token, await this.keySet(), expected, (claims) =>
      principalFromProviderClaims(claims, mapping),
    );
  }

  private keySet(): Promise<JWTVerifyGetKey> {
    const cooldownSeconds = this.options.jwksCooldownSeconds ?? DEFAULT_JWKS_COOLDOWN_SECONDS;
    this.keys ??= discoverKeys(this.issuer, cooldownSeconds * 1000).catch((error: unknown) => {
      this.keys = undefined;
      throw error;
    });
    return this.keys;
  }
}

async function verifyToken(
  token: string,
  keys: JWTVerifyGetKey,
  expected: TokenLimits & { issuer: string; audience: string },
  toPrincipal: (claims: Record<string, unknown>) => Principal,
): Promise<Principal> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      algorithms: ACCEPTED_ALGORITHMS,
      issuer: expected.issuer,
      audience: expected.audience,
      requiredClaims: ['exp'],
      clockTolerance: expected.clockSkewSeconds,
    }));
  } catch (error) {
    if (error instanceof IdentityProviderUnavailableError) throw error;
    throw new AuthenticationError(reasonFor(error));
  }
  checkLifetime(payload, expected);
  try {
    return toPrincipal(payload);
  } catch (error) {
    if (error instanceof InvalidClaimsError) {
      throw new AuthenticationError(`malformed claims: ${error.message}`);
    }
    throw error;
  }
}

/**
 * A stolen token is a key to health data until it expires: tokens issued for longer than the deployment
 * allows are refused, and so are tokens claiming to be issued in the future.
 */
function checkLifetime(payload: Record<string, unknown>, limits: TokenLimits): void {
  const now = Math.floor(Date.now() / 1000);
  const { exp, iat } = payload;
  if (iat !== undefined && typeof iat !== 'number') throw new AuthenticationError('iat claim rejected');
  if (typeof iat === 'number' && iat > now + limits.clockSkewSeconds) {
    throw new AuthenticationError('token issued in the future');
  }
  const from = typeof iat === 'number' ? iat : now;
  if ((exp as number) - from > limits.maxLifetimeSeconds + limits.clockSkewSeconds) {
    throw new AuthenticationError('token lifetime exceeds the maximum this server accepts');
  }
}

function reasonFor(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return 'token not yet valid';
    return error.reason === 'missing' ? `${error.claim} claim missing` : `${error.claim} claim rejected`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'invalid signature';
  if (error instanceof errors.JWKSNoMatchingKey) return 'unknown signing key';
  if (error instanceof errors.JWKSMultipleMatchingKeys) return 'ambiguous signing key';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'malformed token';
  return 'invalid token';
}

/**
 * A compact JWS whose header names an algorithm we accept and whose issuer is ours: only such a token is
 * worth fetching keys for.
 */
function assertWellFormed(token: string, issuer: string): void {
  let alg: unknown;
  let iss: unknown;
  try {
    ({ alg } = decodeProtectedHeader(token));
    ({ iss } = decodeJwt(token));
  } catch {
    throw new AuthenticationError('malformed token');
  }
  if (typeof alg !== 'string' || !ACCEPTED_ALGORITHMS.includes(alg)) {
    throw new AuthenticationError('algorithm not allowed');
  }
  if (iss !== issuer)
    throw new AuthenticationError(iss === undefined ? 'iss claim missing' : 'iss claim rejected');
}

async function discoverKeys(issuer: string, cooldownMs: number): Promise<JWTVerifyGetKey> {
  // OpenID Connect Discovery 1.0 §4: the issuer without its trailing slash, then the well-known path.
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let metadata: { issuer?: unknown; jwks_uri?: unknown } | null;
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    metadata = (await response.json()) as typeof metadata;
  } catch (error) {
    throw new IdentityProviderUnavailableError(`OIDC discovery at ${url} failed`, { cause: error });
  }
  // §4.3: metadata that names another issuer must not be used, or its keys would vouch for our tokens.
  if (metadata?.issuer !== issuer) {
    throw new IdentityProviderUnavailableError(
      `OIDC discovery at ${url} names another issuer than ${issuer}`,
    );
  }
  const jwksUri = metadata.jwks_uri;
  if (typeof jwksUri !== 'string') {
    throw new IdentityProviderUnavailableError(`OIDC discovery at ${url} has no jwks_uri`);
  }
  const problem = untrustworthy(jwksUri);
  if (problem) throw new IdentityProviderUnavailableError(`OIDC discovery at ${url}: jwks_uri ${problem}`);
  const remote = createRemoteJWKSet(new URL(jwksUri), { cooldownDuration: cooldownMs });
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (error) {
      // Only "no such key" is about the token; anything else is the provider failing to serve its keys.
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
        throw error;
      }
      throw new IdentityProviderUnavailableError(`Fetching the JWKS at ${jwksUri} failed`, { cause: error });
    }
  };
}

/**
 * Keys fetched over plain HTTP could be swapped on the way; only a loopback address is exempt (tests, an
 * identity provider on the same machine). Returns what is wrong, if anything.
 */
function untrustworthy(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol === 'https:') return undefined;
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return url.protocol === 'http:' && loopback
    ? undefined
    : 'must be an https URL (plain http only on localhost)';
}
