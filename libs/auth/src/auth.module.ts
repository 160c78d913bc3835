import { type DynamicModule, Module } from '@nestjs/common';
import { AuthConfigController, DevTokensController, MeController } from './auth.controller';
import { TenantDirectory } from './access-policy';
import { AUTH_OPTIONS, type AuthModuleOptions } from './auth.options';
import { AuthGuard } from './auth.guard';
import {
  CachingTokenVerifier,
  DEFAULT_TOKEN_LIMITS,
  DevTokenVerifier,
  OidcTokenVerifier,
  type TokenLimits,
  TokenVerifier,
} from './token-verifier';

@Module({})
export class AuthModule {
  /**
   * Authentication and authorization: `AuthGuard` enforces `options.policy` on every route once the
   * application registers it as a global guard (`APP_GUARD`, `useExisting: AuthGuard`), in the order it
   * chooses among its other guards. Throws at start on an incomplete `oidc` configuration.
   */
  static forRoot(options: AuthModuleOptions): DynamicModule {
    const verifier = verifierProvider(options);
    return {
      module: AuthModule,
      global: true,
      controllers:
        options.mode === 'dev'
          ? [MeController, AuthConfigController, DevTokensController]
          : [MeController, AuthConfigController],
      providers: [
        { provide: AUTH_OPTIONS, useValue: options },
        ...(options.tenants ? [{ provide: TenantDirectory, ...options.tenants }] : []),
        { provide: TokenVerifier, useFactory: verifier },
        AuthGuard,
      ],
      exports: [TokenVerifier, AUTH_OPTIONS, AuthGuard],
    };
  }
}

/** Each token's signature is checked once a minute at most (see `CachingTokenVerifier`). */
const cached = (verifier: TokenVerifier, limits: TokenLimits): TokenVerifier =>
  new CachingTokenVerifier(verifier, {
    ttlSeconds: 60,
    maxEntries: 10_000,
    clockSkewSeconds: limits.clockSkewSeconds,
  });

function verifierProvider(options: AuthModuleOptions): () => TokenVerifier | Promise<TokenVerifier> {
  const limits: TokenLimits = {
    maxLifetimeSeconds: options.maxTokenLifetimeSeconds ?? DEFAULT_TOKEN_LIMITS.maxLifetimeSeconds,
    clockSkewSeconds: options.clockSkewSeconds ?? DEFAULT_TOKEN_LIMITS.clockSkewSeconds,
  };
  switch (options.mode) {
    case 'dev':
      if (!options.dataDir) throw new Error('Dev auth requires a data directory for its signing key');
      // Created at start, not at first request: the key file is in place before the CLI may want it.
      return async () => cached(await DevTokenVerifier.create(options.dataDir, limits), limits);
    case 'oidc': {
      const { oidcIssuer, oidcAudience } = options;
      if (!oidcIssuer || !oidcAudience) {
        throw new Error('AUTH_MODE=oidc requires OIDC_ISSUER and OIDC_AUDIENCE');
      }
      const verifier = new OidcTokenVerifier(oidcIssuer, oidcAudience, limits, {
        claims: options.oidcClaims,
        jwksCooldownSeconds: options.oidcJwksCooldownSeconds,
      });
      return () => cached(verifier, limits);
    }
    default:
      throw new Error(`Unknown auth mode ${String(options.mode)}: expected dev or oidc`);
  }
}
