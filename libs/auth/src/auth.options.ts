import type { FactoryProvider } from '@nestjs/common';
import type { AccessPolicy, TenantDirectory } from './access-policy';
import type { ClaimMapping } from './claims';

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export interface AuthModuleOptions {
  mode: 'dev' | 'oidc';
  /** Where the dev signing key lives (`DATA_DIR`); unused in `oidc` mode. */
  dataDir: string;
  /** Required in `oidc` mode: the `iss` of accepted tokens, and where discovery starts. */
  oidcIssuer?: string;
  /** Required in `oidc` mode: the `aud` accepted tokens must carry. */
  oidcAudience?: string;
  /** `oidc` mode: where the provider's tokens carry roles and CPTS; default `roles` and `cpts`. */
  oidcClaims?: ClaimMapping;
  /** `oidc` mode: how often at most a token signed with an unknown key makes the JWKS be re-fetched. */
  oidcJwksCooldownSeconds?: number;
  /**
   * `oidc` mode: what the web UI needs to sign in (the public client registered for it at the provider),
   * served by `GET /api/v1/auth/config`. Without a client id the UI cannot sign in; the API still serves.
   */
  oidcClient?: { clientId?: string; scope?: string; resource?: string };
  /** Tokens valid for longer than this (from `iat`) are refused; default 12 h. */
  maxTokenLifetimeSeconds?: number;
  /** Tolerance for the issuer's clock on `exp`, `nbf` and `iat`; default 30 s. */
  clockSkewSeconds?: number;
  /** Dev mode: mint tokens for other hosts than this machine too (off by default). */
  devTokensRemote?: boolean;
  /** Which role may call which route; the guard enforces it for every route. */
  policy: AccessPolicy;
  /** How the guard learns that a CPTS exists; without it, the tenant of a token is not checked. */
  tenants?: Omit<FactoryProvider<TenantDirectory>, 'provide'>;
}
