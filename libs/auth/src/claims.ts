import {
  InvalidClaimsError,
  isRole,
  type Principal,
  principalFromClaims,
  ROLES,
  type Role,
} from './principal';

/**
 * Where an identity provider puts what Parcours needs in its access tokens. Providers differ: Keycloak
 * lists realm roles under `realm_access.roles`, a regional provider may name the CPTS in a claim of its
 * own, Pro Santé Connect speaks of professions rather than of Parcours roles. Nothing here trusts a claim
 * more than the signature that carries it: the mapping only says where to read.
 */
export interface ClaimMapping {
  /** The claim holding the roles, a name or a dotted path (`realm_access.roles`). */
  rolesClaim: string;
  /** The claim holding the CPTS id, a name or a dotted path. */
  cptsClaim: string;
  /**
   * The provider's role names → Parcours roles. Without it the provider's roles are Parcours role names.
   * Either way a role that maps to nothing is ignored: providers add roles of their own (`offline_access`).
   */
  roleMap?: Readonly<Record<string, Role>>;
}

export const DEFAULT_CLAIM_MAPPING: ClaimMapping = { rolesClaim: 'roles', cptsClaim: 'cpts' };

/**
 * The value of a claim named `name`: the top-level claim of that exact name when there is one (namespaced
 * claims such as `https://cpts.example/roles` contain dots), else the dotted path through nested objects
 * (own properties of JSON objects only, never into arrays or prototypes).
 */
export function claimAt(claims: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let value: unknown = claims;
  for (const segment of name.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    if (!Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/**
 * `OIDC_ROLE_MAP`: comma-separated `provider-role=parcours-role` pairs. Several provider roles may give the
 * same Parcours role. Throws, naming the setting, on a pair that is not one or on an unknown Parcours role.
 */
export function parseRoleMap(text: string): Record<string, Role> {
  const map: Record<string, Role> = {};
  for (const pair of text.split(',')) {
    const match = /^\s*([^=\s]+)\s*=\s*([^=\s]+)\s*$/.exec(pair);
    if (!match) throw new Error(`OIDC_ROLE_MAP: "${pair.trim()}" is not a provider-role=parcours-role pair`);
    const [, providerRole, role] = match as unknown as [string, string, string];
    if (!isRole(role)) {
      throw new Error(`OIDC_ROLE_MAP: "${role}" is not a Parcours role (${ROLES.join(', ')})`);
    }
    if (Object.hasOwn(map, providerRole) && map[providerRole] !== role) {
      throw new Error(`OIDC_ROLE_MAP: "${providerRole}" is mapped twice`);
    }
    map[providerRole] = role;
  }
  return map;
}

/**
 * The principal an identity provider's verified claims describe, through the deployment's mapping; the
 * structural rules (one CPTS for tenant roles, a platform admin alone) are `principalFromClaims`'s.
 */
export function principalFromProviderClaims(
  claims: Record<string, unknown>,
  mapping: ClaimMapping = DEFAULT_CLAIM_MAPPING,
): Principal {
  const given = claimAt(claims, mapping.rolesClaim);
  const names = typeof given === 'string' ? [given] : given;
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
    throw new InvalidClaimsError(`the ${mapping.rolesClaim} claim must be a string or an array of strings`);
  }
  const roles = names.flatMap((name: string) => {
    const role = mapping.roleMap
      ? Object.hasOwn(mapping.roleMap, name)
        ? mapping.roleMap[name]
        : undefined
      : name;
    return isRole(role) ? [role] : [];
  });
  if (roles.length === 0) {
    throw new InvalidClaimsError(`the ${mapping.rolesClaim} claim grants no Parcours role`);
  }
  return principalFromClaims({ sub: claims.sub, cpts: claimAt(claims, mapping.cptsClaim), roles });
}
