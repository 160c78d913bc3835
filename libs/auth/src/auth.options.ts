export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export interface AuthModuleOptions {
  mode: 'dev' | 'oidc';
  /** Where the dev signing key lives (`DATA_DIR`); unused in `oidc` mode. */
  dataDir: string;
  /** Required in `oidc` mode: the `iss` of accepted tokens, and where discovery starts. */
  oidcIssuer?: string;
  /** Required in `oidc` mode: the `aud` accepted tokens must carry. */
  oidcAudience?: string;
}
