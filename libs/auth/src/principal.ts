/** The roles of `api.md` ("Auth"); what each may do is the access policy's table (`access-policy.ts`). */
export const ROLES = ['platform-admin', 'coordinator', 'professional', 'auditor', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/** Every role but `platform-admin` acts inside one CPTS, so its tokens must name it. */
export const TENANT_ROLES: readonly Role[] = ROLES.filter((role) => role !== 'platform-admin');

/** A CPTS id, as the tenant routes and `POST /api/v1/cpts` take it. */
export const CPTS_ID_PATTERN = /^[a-z0-9-]{3,40}$/;

/** Long enough for any identity provider's `sub` (OIDC leaves it unbounded; 255 is the common limit). */
export const SUB_MAX_LENGTH = 255;

/** Who is calling: the verified claims of their token. */
export interface Principal {
  sub: string;
  /** The tenant; `null` only for a platform admin. */
  cpts: string | null;
  roles: Role[];
}

/** The actor recorded on events: one role, so that history says in which capacity someone acted. */
export function actorOf(principal: Principal): { id: string; role: Role } {
  const role = principal.roles[0];
  if (role === undefined) throw new Error('A principal without a role cannot act');
  return { id: principal.sub, role };
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Claims that cannot make a principal. Messages never repeat the values: they may come from a token. */
export class InvalidClaimsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidClaimsError';
  }
}

/**
 * The one place that decides what a well-formed principal is, shared by token issuing and verifying so
 * that we never sign what we would refuse. A platform admin stands alone: mixing it with a tenant role
 * would make "which CPTS?" ambiguous.
 */
export function principalFromClaims(claims: { sub?: unknown; cpts?: unknown; roles?: unknown }): Principal {
  const { sub, cpts, roles } = claims;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > SUB_MAX_LENGTH) {
    throw new InvalidClaimsError(`sub must be a string of 1 to ${SUB_MAX_LENGTH} characters`);
  }
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isRole)) {
    throw new InvalidClaimsError(`roles must be a non-empty array of ${ROLES.join(', ')}`);
  }
  const unique = [...new Set(roles)];
  if (unique.includes('platform-admin')) {
    if (unique.length > 1) {
      throw new InvalidClaimsError('platform-admin cannot be combined with another role');
    }
    if (cpts !== undefined && cpts !== null) throw new InvalidClaimsError('a platform-admin has no cpts');
    return { sub, cpts: null, roles: unique };
  }
  if (cpts === undefined || cpts === null) {
    throw new InvalidClaimsError(`cpts is required for the roles ${TENANT_ROLES.join(', ')}`);
  }
  if (typeof cpts !== 'string' || !CPTS_ID_PATTERN.test(cpts)) {
    throw new InvalidClaimsError('cpts must be 3 to 40 of a-z, 0-9 and -');
  }
  return { sub, cpts, roles: unique };
}
