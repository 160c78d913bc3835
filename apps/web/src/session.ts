/**
 * Who is signed in. The one seam for signing in: `SignInMethod`. In dev mode the sign-in page asks the
 * API for a dev token (`POST /api/v1/dev/tokens`); an OpenID Connect authorization-code flow would be
 * another `SignInMethod` that ends with the same `startSession(token)`.
 *
 * The token lives in sessionStorage: it dies with the tab, and is never sent anywhere but our own API.
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
}

export interface DevSignIn {
  cpts?: string;
  role: Role;
  sub?: string;
}

/** How a token is obtained. The page for `dev` is `pages/sign-in.tsx`. */
export interface SignInMethod {
  kind: 'dev' | 'oidc';
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
