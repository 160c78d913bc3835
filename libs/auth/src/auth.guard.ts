import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  Optional,
} from '@nestjs/common';
import { LocalizedProblemError } from '@parcours/platform';
import type { Request, Response } from 'express';
import { type AccessPolicy, PUBLIC, requestRouteKey, TenantDirectory } from './access-policy';
import { forbidden, roleRequired, unauthenticated } from './auth-problems';
import { AUTH_OPTIONS, type AuthModuleOptions } from './auth.options';
import type { AuthenticatedRequest } from './decorators';
import type { Principal } from './principal';
import { AuthenticationError, IdentityProviderUnavailableError, TokenVerifier } from './token-verifier';

/** The path parameter that names the tenant: `/api/v1/cpts/:cptsId/...`. */
export const TENANT_PARAM = 'cptsId';

/**
 * Registered globally and driven by the one access policy (`AuthModuleOptions.policy`): a route the
 * policy does not name is refused to everyone, so forgetting it fails closed. Checks run in the order
 * that reveals least: who you are (401; also for a token naming a CPTS that does not exist), then
 * whether the tenant is yours (404, so that another CPTS's existence is not disclosed), then what your
 * role may do (403).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('auth');
  private readonly policy: AccessPolicy;
  /** CPTSs seen to exist; a CPTS is never deleted, so a yes is final. */
  private readonly knownTenants = new Set<string>();

  constructor(
    private readonly verifier: TokenVerifier,
    @Inject(AUTH_OPTIONS) options: AuthModuleOptions,
    @Optional() private readonly tenants?: TenantDirectory,
  ) {
    this.policy = options.policy;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Only HTTP requests carry a token here: anything else is refused rather than waved through.
    if (context.getType() !== 'http') return false;
    const request = context.switchToHttp().getRequest<Request>();
    const key = requestRouteKey(request);
    const allowed = this.policy[key];
    if (allowed === PUBLIC) return true;

    const principal = await this.authenticate(request, context.switchToHttp().getResponse<Response>());
    (request as AuthenticatedRequest).principal = principal;

    if (allowed === undefined) {
      this.logger.error(`No access rule for ${key}: refused to everyone`);
      throw forbidden({
        fr: 'Cette route n’a pas de règle d’accès : elle est refusée à tous.',
        en: 'This route has no access rule.',
      });
    }

    const cptsId = (request.params as Record<string, string | undefined> | undefined)?.[TENANT_PARAM];
    if (cptsId !== undefined) {
      // A platform admin administers tenants from outside; it never reads or writes inside one.
      if (principal.cpts === null) {
        throw forbidden({
          fr: 'Un administrateur de la plateforme n’a pas accès à l’intérieur d’une CPTS.',
          en: 'A platform admin has no access inside a CPTS.',
        });
      }
      if (principal.cpts !== cptsId) throw new NotFoundException();
    }

    if (!principal.roles.some((role) => allowed.includes(role))) {
      throw roleRequired(allowed);
    }
    return true;
  }

  private async authenticate(request: Request, response: Response): Promise<Principal> {
    const token = bearerToken(request.headers.authorization);
    try {
      if (token === undefined) throw new AuthenticationError('missing bearer token');
      const principal = await this.verifier.verify(token);
      if (principal.cpts !== null) await this.assertTenantExists(principal.cpts);
      return principal;
    } catch (error) {
      if (error instanceof AuthenticationError) {
        // RFC 6750 §3: a 401 names the scheme the client should use.
        response.setHeader('WWW-Authenticate', 'Bearer');
        throw unauthenticated(error.reason);
      }
      if (error instanceof IdentityProviderUnavailableError) {
        const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
        this.logger.warn(`${error.message}${cause}`);
        throw new LocalizedProblemError(503, 'identity-provider-unavailable', {
          fr: 'Le fournisseur d’identité ne répond pas ; réessayez dans un instant.',
          en: 'The identity provider cannot be reached; try again shortly.',
        });
      }
      throw error;
    }
  }

  private async assertTenantExists(cptsId: string): Promise<void> {
    if (!this.tenants || this.knownTenants.has(cptsId)) return;
    if (!(await this.tenants.exists(cptsId))) {
      throw new AuthenticationError('the token names a CPTS that does not exist');
    }
    this.knownTenants.add(cptsId);
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}
