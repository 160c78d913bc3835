/**
 * Who is signed in. Two ways to sign in end in the same `Session`: in dev mode the sign-in page asks the
 * API for a dev token (`POST /api/v1/dev/tokens`) and reads it (`sessionFromToken`); with OpenID Connect
 * (`auth.ts`) the identity provider issues the token and the API says whom it names (`GET /api/v1/me`,
 * `sessionFromPrincipal`), since each provider puts roles and CPTS in claims of its own.
 *
 * Tokens live in sessionStorage: they die with the tab, and are never sent anywhere but our own API.
 */
export type Role = 'platform-admin' | 'coordinator' | 'professional' | 'auditor' | 'analyst';
export const ROLES: readonly Role[] = ['coordinator', 'professional', 'auditor', 'analyst', 'platform-admin'];

export interface Session {
  token: string;
  sub: string;
  cpts: string | null;
  roles: Role[];
  /** Milliseconds since the epoch. */
  expiresAt: number;
  /** The user's name, when the identity provider gives it. */
  name?: string;
}

export interface DevSignIn {
  cpts?: string;
  role: Role;
  sub?: string;
}

const STORAGE_KEY = 'parcours.session';

function decodeClaims(token: string): Record<string, unknown> | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(json, (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** A session from a bearer token (the API verifies it on every call; here it is only read). */
export function sessionFromToken(token: string): Session | null {
  const claims = decodeClaims(token);
  if (!claims || typeof claims.sub !== 'string') return null;
  const roles = Array.isArray(claims.roles)
    ? (claims.roles.filter((r) => typeof r === 'string') as Role[])
    : [];
  const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now() + 3600_000;
  return {
    token,
    sub: claims.sub,
    cpts: typeof claims.cpts === 'string' ? claims.cpts : null,
    roles,
    expiresAt: exp,
  };
}

/** A session for a token the API has vouched for (`GET /api/v1/me` answered with this principal). */
export function sessionFromPrincipal(
  token: string,
  principal: { sub: string; cpts: string | null; roles: Role[] },
  expiresAt: number,
  name?: string,
): Session {
  return { token, sub: principal.sub, cpts: principal.cpts, roles: principal.roles, expiresAt, name };
}

/** The dev session kept in this tab, if any (with OpenID Connect, `auth.ts` keeps the tokens). */
export function loadSession(): Session | null {
  const token = sessionStorage.getItem(STORAGE_KEY);
  if (!token) return null;
  const session = sessionFromToken(token);
  if (!session || session.expiresAt <= Date.now()) {
    sessionStorage.removeItem(STORAGE_KEY);
    return null;
  }
  return session;
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(STORAGE_KEY, session.token);
}

export function clearSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

export const hasRole = (session: Session | null, ...roles: Role[]): boolean =>
  !!session && session.roles.some((role) => roles.includes(role));

/** Coordinators and professionals record events; auditors and analysts only read. */
export const canWrite = (session: Session | null): boolean => hasRole(session, 'coordinator', 'professional');
