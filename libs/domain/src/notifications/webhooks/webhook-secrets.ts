import type { IdentityVault, SealedIdentity } from '@parcours/crypto';
import { randomBytes } from 'node:crypto';

/** The vault's key of one subscription's secret: destroyed when the subscription is removed. */
const keyOf = (subscriptionId: string) => `webhook.${subscriptionId}`;

/** A new secret (256 random bits), and how the log keeps it: sealed. */
export function newWebhookSecret(
  vault: IdentityVault,
  cptsId: string,
  subscriptionId: string,
): { secret: string; sealed: SealedIdentity } {
  const secret = randomBytes(32).toString('base64url');
  return { secret, sealed: vault.seal(cptsId, keyOf(subscriptionId), { secret }) };
}

/** The secret in clear, or null once the subscription was removed (its key destroyed). */
export function openWebhookSecret(
  vault: IdentityVault,
  cptsId: string,
  subscriptionId: string,
  sealed: SealedIdentity,
): string | null {
  return vault.open<{ secret: string }>(cptsId, keyOf(subscriptionId), sealed)?.secret ?? null;
}

export function destroyWebhookSecret(vault: IdentityVault, cptsId: string, subscriptionId: string): void {
  vault.destroy(cptsId, keyOf(subscriptionId));
}
