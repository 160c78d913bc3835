import type { Role } from './principal';

/** A route anyone may call, without a token (health, the dev sign-in). */
export const PUBLIC = 'public';

/**
 * Who may call which route: the one table the guard enforces. Keys are `METHOD path`, the path as the
 * application declares it (`GET /api/v1/cpts/:cptsId/pathways/:pathwayId`); values are the roles that
 * may call it, or `PUBLIC`. A route missing from the table is refused to everyone (fail closed), and the
 * generated matrix test fails on it, so a new route cannot ship unguarded.
 */
export type AccessPolicy = Readonly<Record<string, readonly Role[] | typeof PUBLIC>>;

/** The key of a route in the policy. HEAD is answered by the GET route, so it is governed by it. */
export function routeKey(method: string, path: string): string {
  const verb = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  return `${verb} ${path}`;
}

/** The policy key of the route a request matched (Express keeps the declared path on `request.route`). */
export function requestRouteKey(request: { method: string; path: string; route?: unknown }): string {
  const route = request.route as { path?: unknown } | undefined;
  return routeKey(request.method, typeof route?.path === 'string' ? route.path : request.path);
}

/** Checks a tenant exists: a token naming a CPTS that was never registered is no credential. */
export abstract class TenantDirectory {
  abstract exists(cptsId: string): Promise<boolean>;
}
