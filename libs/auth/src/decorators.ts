import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';
import type { Principal, Role } from './principal';

export const IS_PUBLIC_KEY = 'parcours:auth:public';
export const ROLES_KEY = 'parcours:auth:roles';

/** The route takes no token at all (health, the dev sign-in). Every other route requires one. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * Only principals holding one of these roles may call the route (403 otherwise). On a method it replaces
 * what the controller says, it does not add to it. Without it, any authenticated principal may call;
 * with no role listed, nobody may.
 */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator => SetMetadata(ROLES_KEY, roles);

/** The request as the guard leaves it for an authenticated route. */
export type AuthenticatedRequest = Request & { principal: Principal };

/** The principal of a request, for interceptors and filters; `undefined` on public routes. */
export function principalOf(request: Request): Principal | undefined {
  return (request as Partial<AuthenticatedRequest>).principal;
}

/** The authenticated principal; a programming error on a `@Public()` route, where there is none. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = principalOf(context.switchToHttp().getRequest<Request>());
    if (!principal) throw new Error('@CurrentPrincipal() on a route without a principal (is it @Public()?)');
    return principal;
  },
);
