import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Principal } from './principal';

/** The request as the guard leaves it for an authenticated route. */
export type AuthenticatedRequest = Request & { principal: Principal };

/** The principal of a request, for interceptors and filters; `undefined` on public routes. */
export function principalOf(request: Request): Principal | undefined {
  return (request as Partial<AuthenticatedRequest>).principal;
}

/** The authenticated principal; a programming error on a public route, where there is none. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = principalOf(context.switchToHttp().getRequest<Request>());
    if (!principal)
      throw new Error(
        '@CurrentPrincipal() on a route without a principal (is it public in the access policy?)',
      );
    return principal;
  },
);
