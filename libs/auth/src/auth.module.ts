import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DevTokensController, MeController } from './auth.controller';
import { AUTH_OPTIONS, type AuthModuleOptions } from './auth.options';
import { AuthGuard } from './auth.guard';
import { DevTokenVerifier, OidcTokenVerifier, TokenVerifier } from './token-verifier';

@Module({})
export class AuthModule {
  /**
   * Authentication for the whole application: the guard is global, so every route needs a token unless
   * it is `@Public()`. Throws at start on an incomplete `oidc` configuration.
   */
  static forRoot(options: AuthModuleOptions): DynamicModule {
    const verifier = verifierProvider(options);
    return {
      module: AuthModule,
      global: true,
      controllers: options.mode === 'dev' ? [MeController, DevTokensController] : [MeController],
      providers: [
        { provide: AUTH_OPTIONS, useValue: options },
        { provide: TokenVerifier, useFactory: verifier },
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [TokenVerifier, AUTH_OPTIONS],
    };
  }
}

function verifierProvider(options: AuthModuleOptions): () => TokenVerifier | Promise<TokenVerifier> {
  switch (options.mode) {
    case 'dev':
      if (!options.dataDir) throw new Error('Dev auth requires a data directory for its signing key');
      // Created at start, not at first request: the key file is in place before the CLI may want it.
      return () => DevTokenVerifier.create(options.dataDir);
    case 'oidc': {
      const { oidcIssuer, oidcAudience } = options;
      if (!oidcIssuer || !oidcAudience) {
        throw new Error('AUTH_MODE=oidc requires OIDC_ISSUER and OIDC_AUDIENCE');
      }
      const verifier = new OidcTokenVerifier(oidcIssuer, oidcAudience);
      return () => verifier;
    }
    default:
      throw new Error(`Unknown auth mode ${String(options.mode)}: expected dev or oidc`);
  }
}
