import type { SealedIdentity } from '@parcours/crypto';
import type { DomainEvent } from '../../shared/decider';
import { streamId } from '../../shared/ids';

/**
 * `webhook-<cptsId>.subscriptions`: the CPTS's webhook subscriptions, the way practice software follows
 * Parcours. One stream per CPTS (the notifier reads them all for every event), each entry naming its
 * subscription.
 */
export const webhookStream = (cptsId: string) => streamId('webhook', cptsId, 'subscriptions');

export interface WebhookSubscribed {
  subscriptionId: string;
  /** Where notifications are POSTed: https (plain http only on a loopback address, where configured). */
  url: string;
  /** Whose notifications it carries; absent: every member's. */
  memberIds?: string[];
  /**
   * The HMAC key, sealed under a key of its own in the vault (never in clear in the log or an export):
   * removing the subscription destroys that key.
   */
  secret: SealedIdentity;
}

export interface WebhookRemoved {
  subscriptionId: string;
  reason: string;
}

export type WebhookEvent =
  DomainEvent<'WebhookSubscribed', WebhookSubscribed> | DomainEvent<'WebhookRemoved', WebhookRemoved>;
