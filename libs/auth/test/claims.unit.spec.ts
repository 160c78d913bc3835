import { claimAt, InvalidClaimsError, parseRoleMap, principalFromProviderClaims } from '../src';

describe("reading a provider's claims", () => {
  describe('claimAt', () => {
    const claims = {
      sub: 'u1',
      realm_access: { roles: ['coordinateur'] },
      'https://cpts.example/roles': ['auditor'],
      nested: { 'not.split': 1, empty: null },
    };

    it('reads a top-level claim, or follows a dotted path', () => {
      expect(claimAt(claims, 'sub')).toBe('u1');
      expect(claimAt(claims, 'realm_access.roles')).toEqual(['coordinateur']);
    });

    it('prefers a top-level claim whose name has dots (namespaced claims)', () => {
      expect(claimAt(claims, 'https://cpts.example/roles')).toEqual(['auditor']);
    });

    it('finds nothing on a path that leaves the objects, or through inherited properties', () => {
      expect(claimAt(claims, 'realm_access.roles.length')).toBeUndefined();
      expect(claimAt(claims, 'nested.empty.x')).toBeUndefined();
      expect(claimAt(claims, 'missing.roles')).toBeUndefined();
      expect(claimAt(claims, 'sub.constructor')).toBeUndefined();
      expect(claimAt(claims, '__proto__')).toBeUndefined();
    });
  });

  describe('parseRoleMap', () => {
    it('reads provider-role=parcours-role pairs, several provider roles to one Parcours role', () => {
      expect(parseRoleMap(' coord = coordinator,COORD_ADJ=coordinator ,auditeur=auditor')).toEqual({
        coord: 'coordinator',
        COORD_ADJ: 'coordinator',
        auditeur: 'auditor',
      });
    });

    it.each([
      ['coord=superuser', /"superuser" is not a Parcours role/],
      ['coord', /not a provider-role=parcours-role pair/],
      ['coord=coordinator,,x=auditor', /not a provider-role=parcours-role pair/],
      ['coord=coordinator,coord=auditor', /"coord" is mapped twice/],
    ])('refuses %j, naming OIDC_ROLE_MAP', (text, message) => {
      expect(() => parseRoleMap(text)).toThrow(/^OIDC_ROLE_MAP: /);
      expect(() => parseRoleMap(text)).toThrow(message);
    });
  });

  describe('principalFromProviderClaims', () => {
    const keycloak = {
      rolesClaim: 'realm_access.roles',
      cptsClaim: 'parcours.cpts',
      roleMap: parseRoleMap(
        'cpts-coordinateur=coordinator,cpts-auditeur=auditor,parcours-admin=platform-admin',
      ),
    };

    it('reads Parcours role names from `roles` and the CPTS from `cpts` by default', () => {
      expect(principalFromProviderClaims({ sub: 'u1', cpts: 'cpts-a', roles: ['auditor'] })).toEqual({
        sub: 'u1',
        cpts: 'cpts-a',
        roles: ['auditor'],
      });
    });

    it('follows the mapping, ignoring the roles it does not map', () => {
      const claims = {
        sub: 'u2',
        parcours: { cpts: 'cpts-b' },
        realm_access: { roles: ['offline_access', 'cpts-coordinateur', 'cpts-auditeur', 'coordinator'] },
      };
      expect(principalFromProviderClaims(claims, keycloak)).toEqual({
        sub: 'u2',
        cpts: 'cpts-b',
        roles: ['coordinator', 'auditor'],
      });
    });

    it('takes a single role given as a string', () => {
      const claims = { sub: 'u3', parcours: { cpts: 'cpts-b' }, realm_access: { roles: 'cpts-auditeur' } };
      expect(principalFromProviderClaims(claims, keycloak).roles).toEqual(['auditor']);
    });

    it('ignores provider roles that are not Parcours roles when there is no mapping', () => {
      const claims = { sub: 'u4', cpts: 'cpts-a', roles: ['uma_authorization', 'analyst'] };
      expect(principalFromProviderClaims(claims).roles).toEqual(['analyst']);
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      ['no roles claim', { sub: 'u', parcours: { cpts: 'cpts-b' } }, /realm_access.roles claim must be/],
      [
        'roles of another type',
        { sub: 'u', parcours: { cpts: 'cpts-b' }, realm_access: { roles: [1] } },
        /must be a string or an array of strings/,
      ],
      [
        'only roles the mapping does not know',
        {
          sub: 'u',
          parcours: { cpts: 'cpts-b' },
          realm_access: { roles: ['coordinator', 'offline_access'] },
        },
        /grants no Parcours role/,
      ],
      [
        'a tenant role without CPTS',
        { sub: 'u', realm_access: { roles: ['cpts-auditeur'] } },
        /cpts is required/,
      ],
      [
        'a platform admin with a tenant role',
        { sub: 'u', realm_access: { roles: ['parcours-admin', 'cpts-auditeur'] } },
        /cannot be combined/,
      ],
      [
        'a CPTS that is not an id',
        { sub: 'u', parcours: { cpts: ['cpts-b'] }, realm_access: { roles: ['cpts-auditeur'] } },
        /cpts must be/,
      ],
      ['no sub', { parcours: { cpts: 'cpts-b' }, realm_access: { roles: ['cpts-auditeur'] } }, /sub must be/],
    ])('refuses %s', (_case, claims, message) => {
      expect(() => principalFromProviderClaims(claims, keycloak)).toThrow(InvalidClaimsError);
      expect(() => principalFromProviderClaims(claims, keycloak)).toThrow(message);
    });
  });
});
