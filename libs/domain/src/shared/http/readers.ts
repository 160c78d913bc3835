import type { Principal } from '@parcours/auth';

/**
 * A principal who reads as a professional only: the patients who blocked them are out of their reach.
 * Coordinators and auditors read everything in their CPTS, whatever other role they also hold.
 */
export function restrictedMember(principal: Principal): string | undefined {
  const privileged = principal.roles.includes('coordinator') || principal.roles.includes('auditor');
  return principal.roles.includes('professional') && !privileged ? principal.sub : undefined;
}
