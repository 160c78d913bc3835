import { decodeJwt, SignJWT } from 'jose';
import { loadOrCreateDevSigningKey } from './dev-keys';
import { InvalidClaimsError, principalFromClaims } from './principal';

/** Dev tokens name their own issuer, so that an identity provider's token is never taken for one. */
export const DEV_ISSUER = 'parcours-dev';
/** The audience of dev tokens (OIDC mode uses `OIDC_AUDIENCE`). */
export const DEV_AUDIENCE = 'parcours';
/** A working day: dev tokens are short-lived, like the access tokens of an identity provider. */
export const DEV_TOKEN_DEFAULT_LIFETIME = '8h';

export interface DevTokenClaims {
  sub: string;
  /** The tenant; absent (or null) for a platform admin, required for every other role. */
  cpts?: string | null;
  /** Checked at run time: callers such as the CLI pass what a user typed. */
  roles: readonly string[];
  /** Seconds, or a span such as `30m`, `8h`. Default 8 h. */
  expiresIn?: number | string;
  /** Refuse a longer lifetime than this (the server's `TOKEN_MAX_LIFETIME_SECONDS`): it would refuse the token. */
  maxLifetimeSeconds?: number;
}

/**
 * Signs a dev-mode token with the key in `dataDir` (created at first use). Throws `InvalidClaimsError`
 * for claims the verifier would refuse: unknown role, missing or malformed `cpts`, admin with a `cpts`.
 */
export async function issueDevToken(dataDir: string, claims: DevTokenClaims): Promise<string> {
  const principal = principalFromClaims(claims);
  const lifetime = claims.expiresIn ?? DEV_TOKEN_DEFAULT_LIFETIME;
  if (typeof lifetime === 'number' && !(Number.isInteger(lifetime) && lifetime > 0)) {
    throw new InvalidClaimsError('expiresIn must be a positive whole number of seconds');
  }
  const key = await loadOrCreateDevSigningKey(dataDir);
  const payload =
    principal.cpts === null ? { roles: principal.roles } : { cpts: principal.cpts, roles: principal.roles };
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setSubject(principal.sub)
    .setIssuer(DEV_ISSUER)
    .setAudience(DEV_AUDIENCE)
    .setIssuedAt(now);
  try {
    // A number given to jose is an absolute time; ours is a lifetime.
    jwt.setExpirationTime(typeof lifetime === 'number' ? now + lifetime : lifetime);
  } catch {
    throw new InvalidClaimsError('expiresIn must be seconds or a span such as 30m or 8h');
  }
  const signed = await jwt.sign(key.privateKey);
  const max = claims.maxLifetimeSeconds;
  if (max !== undefined && (decodeJwt(signed).exp ?? Infinity) - now > max) {
    throw new InvalidClaimsError(`expiresIn must be at most ${max} seconds (TOKEN_MAX_LIFETIME_SECONDS)`);
  }
  return signed;
}
