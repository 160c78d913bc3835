import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { type AuthenticatedRequest, IS_PUBLIC_KEY, ROLES_KEY } from './decorators';
import type { Principal, Role } from './principal';
import { AuthenticationError, IdentityProviderUnavailableError, TokenVerifier } from './token-verifier';

/** The path parameter that names the tenant: `/api/v1/cpts/:cptsId/...`. */
export const TENANT_PARAM = 'cptsId';

/**
 * Registered globally, so a route is protected unless it says `@Public()`: forgetting a decorator fails
 * closed. Checks run in the order that reveals least: who you are (401), then whether the tenant is yours
 * (404, so that another CPTS's existence is not disclosed), then what your role may do (403).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('auth');

  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: TokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // Only HTTP requests carry a token here: anything else is refused rather than waved through.
    if (context.getType() !== 'http') return false;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, targets)) return true;

    const request = context.switchToHttp().getRequest<Request>();
    const principal = await this.authenticate(request, context.switchToHttp().getResponse<Response>());
    (request as AuthenticatedRequest).principal = principal;

    const cptsId = (request.params as Record<string, string | undefined> | undefined)?.[TENANT_PARAM];
    if (cptsId !== undefined) {
      // A platform admin administers tenants from outside; it never reads or writes inside one.
      if (principal.cpts === null) {
        throw new ForbiddenException('A platform admin has no access inside a CPTS');
      }
      if (principal.cpts !== cptsId) throw new NotFoundException();
    }

    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (allowed && !principal.roles.some((role) => allowed.includes(role))) {
      throw new ForbiddenException(`Requires one of the roles: ${allowed.join(', ')}`);
    }
    return true;
  }

  private async authenticate(request: Request, response: Response): Promise<Principal> {
    const token = bearerToken(request.headers.authorization);
    try {
      if (token === undefined) throw new AuthenticationError('missing bearer token');
      return await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof AuthenticationError) {
        // RFC 6750 §3: a 401 names the scheme the client should use.
        response.setHeader('WWW-Authenticate', 'Bearer');
        throw new UnauthorizedException(error.reason);
      }
      if (error instanceof IdentityProviderUnavailableError) {
        const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
        this.logger.warn(`${error.message}${cause}`);
        throw new ServiceUnavailableException('The identity provider cannot be reached; try again shortly.');
      }
      throw error;
    }
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? '');
  return match?.[1];
}
