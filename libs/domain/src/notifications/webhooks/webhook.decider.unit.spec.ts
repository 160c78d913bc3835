import { type CorrectionEvent, decideCorrectionCommand } from '../../shared/corrections';
import type { StoredEvent } from '../../shared/decider';
import { changeOf, decider, decisionAt } from '../../shared/testing';
import {
  decideWebhook,
  webhookCorrections,
  type WebhookCommand,
  webhookEvolver,
  type WebhookFacts,
  type WebhookState,
} from './webhook.decider';
import type { WebhookEvent, WebhookSubscribed } from './webhook.events';

const decision = decisionAt(new Date('2026-06-15T10:00:00+02:00'));
const sealed = { alg: 'A256GCM' as const, iv: 'aXY=', ciphertext: 'Y3Q=', tag: 'dGFn' };
const subscribed: WebhookSubscribed = {
  subscriptionId: 'sub-1',
  url: 'https://logiciel.test/parcours',
  memberIds: ['gp'],
  secret: sealed,
};
const subscribedEvent: WebhookEvent = { type: 'WebhookSubscribed', data: subscribed };
const facts = (overrides: Partial<WebhookFacts> = {}): WebhookFacts => ({
  allowHttpLoopback: false,
  knownMembers: new Set(['gp', 'nurse']),
  ...overrides,
});
const webhooks = decider(webhookEvolver);
const decide =
  (command: WebhookCommand, given: WebhookFacts = facts()) =>
  (state: WebhookState) =>
    decideWebhook(command, state, given, decision);
const correct =
  (correction?: Record<string, unknown>, given: WebhookFacts = facts()) =>
  (_: unknown, history: Array<StoredEvent<WebhookEvent | CorrectionEvent>>) =>
    decideCorrectionCommand(changeOf('event-0', correction), history, webhookCorrections, given, decision);

describe('webhook subscriptions', () => {
  it('records a subscription to an https URL carrying existing members', () => {
    webhooks
      .given()
      .when(decide({ type: 'Subscribe', data: subscribed }))
      .then([subscribedEvent]);
  });

  it('refuses plain http, unless to loopback where the deployment allows it', () => {
    const http = { ...subscribed, url: 'http://127.0.0.1:8080/hook' };
    webhooks
      .given()
      .when(decide({ type: 'Subscribe', data: http }))
      .thenBreaks('webhook-url-not-https', 'url');
    webhooks
      .given()
      .when(decide({ type: 'Subscribe', data: http }, facts({ allowHttpLoopback: true })))
      .then([{ type: 'WebhookSubscribed', data: http }]);
    webhooks
      .given()
      .when(
        decide(
          { type: 'Subscribe', data: { ...http, url: 'http://logiciel.test/hook' } },
          facts({ allowHttpLoopback: true }),
        ),
      )
      .thenBreaks('webhook-url-not-https', 'url');
  });

  it('refuses credentials in the URL, and a member the CPTS does not have', () => {
    webhooks
      .given()
      .when(decide({ type: 'Subscribe', data: { ...subscribed, url: 'https://u:p@logiciel.test/' } }))
      .thenBreaks('webhook-url-credentials', 'url');
    webhooks
      .given()
      .when(decide({ type: 'Subscribe', data: { ...subscribed, memberIds: ['gp', 'stranger'] } }))
      .thenBreaks('unknown-member', 'memberIds[1]');
  });

  it('removes a subscription once; an unknown one is not found', () => {
    webhooks
      .given(subscribedEvent)
      .when(decide({ type: 'Unsubscribe', data: { subscriptionId: 'sub-1', reason: 'fin' } }))
      .then([{ type: 'WebhookRemoved', data: { subscriptionId: 'sub-1', reason: 'fin' } }]);
    expect(() =>
      decideWebhook(
        { type: 'Unsubscribe', data: { subscriptionId: 'sub-1', reason: 'again' } },
        { subscriptions: { 'sub-1': { ...subscribed, eventId: 'e', at: 't', removed: true } } },
        facts(),
        decision,
      ),
    ).toThrow('This webhook does not exist.');
  });

  it('corrects the URL and the members by the same rules; never the id nor the secret; never voided', () => {
    webhooks
      .given(subscribedEvent)
      .when(correct({ url: 'https://logiciel.test/v2', memberIds: ['nurse'] }))
      .then([
        {
          type: 'EntryCorrected',
          data: {
            targetEventId: 'event-0',
            reason: 'Erreur',
            correction: { url: 'https://logiciel.test/v2', memberIds: ['nurse'] },
          },
        },
      ]);
    webhooks
      .given(subscribedEvent)
      .when(correct({ url: 'http://logiciel.test/v2' }))
      .thenBreaks('webhook-url-not-https');
    webhooks
      .given(subscribedEvent)
      .when(correct({ secret: sealed }))
      .thenBreaks('correction-field-not-allowed');
    webhooks
      .given(subscribedEvent)
      .when(correct({ subscriptionId: 'sub-2' }))
      .thenBreaks('correction-field-not-allowed');
    webhooks.given(subscribedEvent).when(correct()).thenBreaks('entry-not-voidable');
  });
});
