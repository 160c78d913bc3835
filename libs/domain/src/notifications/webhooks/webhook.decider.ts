import type { CorrectionRules, CorrectEntry } from '../../shared/corrections';
import type { Command, Decision, Evolver, StoredEvent } from '../../shared/decider';
import { broken, NotFoundError } from '../../shared/errors';
import type { WebhookEvent, WebhookSubscribed } from './webhook.events';

export type Subscribe = Command<'Subscribe', WebhookSubscribed>;
export type Unsubscribe = Command<'Unsubscribe', { subscriptionId: string; reason: string }>;
export type WebhookCommand = Subscribe | Unsubscribe;
export type WebhookStreamCommand = WebhookCommand | CorrectEntry;

export interface Subscription extends WebhookSubscribed {
  /** The entry that recorded it: what a correction targets. */
  eventId: string;
  at: string;
  removed: boolean;
}

export interface WebhookState {
  subscriptions: Record<string, Subscription>;
}

/** What the rules need beyond the stream: the deployment's setting, and which members exist. */
export interface WebhookFacts {
  allowHttpLoopback: boolean;
  knownMembers: ReadonlySet<string>;
}

export const webhookEvolver: Evolver<WebhookState, WebhookEvent> = {
  initialState: () => ({ subscriptions: {} }),
  evolve: (state, event: StoredEvent<WebhookEvent>): WebhookState => {
    switch (event.type) {
      case 'WebhookSubscribed':
        return {
          subscriptions: {
            ...state.subscriptions,
            [event.data.subscriptionId]: {
              ...event.data,
              eventId: event.context.eventId,
              at: event.context.recordedAt,
              removed: false,
            },
          },
        };
      case 'WebhookRemoved': {
        const found = state.subscriptions[event.data.subscriptionId];
        if (!found) return state;
        return {
          subscriptions: { ...state.subscriptions, [found.subscriptionId]: { ...found, removed: true } },
        };
      }
      default:
        return state;
    }
  },
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https; plain http only to a loopback address, and only where the deployment allows it. */
export function checkWebhookUrl(url: string, allowHttpLoopback: boolean): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw broken('webhook-url-invalid', 'Cette adresse n’est pas une URL.', 'This is not a URL.', 'url');
  }
  if (parsed.username || parsed.password) {
    throw broken(
      'webhook-url-credentials',
      'L’URL ne doit pas contenir d’identifiants : la signature authentifie les envois.',
      'The URL must not carry credentials: the signature authenticates the requests.',
      'url',
    );
  }
  if (parsed.protocol === 'https:') return;
  if (parsed.protocol === 'http:' && allowHttpLoopback && LOOPBACK.has(parsed.hostname)) return;
  throw broken('webhook-url-not-https', 'Un webhook doit être en https.', 'A webhook must use https.', 'url');
}

/** The rules of a subscription as recorded (also decided again when it is corrected). */
function subscriptionRules(data: WebhookSubscribed, facts: WebhookFacts): void {
  checkWebhookUrl(data.url, facts.allowHttpLoopback);
  const unknown = (data.memberIds ?? []).findIndex((id) => !facts.knownMembers.has(id));
  if (unknown >= 0) {
    throw broken(
      'unknown-member',
      'Ce membre n’existe pas dans cette CPTS.',
      'This member does not exist in this CPTS.',
      `memberIds[${unknown}]`,
    );
  }
}

export const webhookNotFound = () =>
  new NotFoundError({ fr: 'Ce webhook n’existe pas.', en: 'This webhook does not exist.' });

export function decideWebhook(
  command: WebhookCommand,
  state: WebhookState,
  facts: WebhookFacts,
  _decision: Decision,
): WebhookEvent[] {
  switch (command.type) {
    case 'Subscribe':
      subscriptionRules(command.data, facts);
      return [{ type: 'WebhookSubscribed', data: { ...command.data } }];
    case 'Unsubscribe': {
      const found = state.subscriptions[command.data.subscriptionId];
      if (!found || found.removed) throw webhookNotFound();
      return [{ type: 'WebhookRemoved', data: { ...command.data } }];
    }
  }
}

/**
 * A subscription's URL and members are corrected (decided again); its id and secret are not. A
 * subscription recorded by mistake is removed, not voided: the removal says when it stopped.
 */
export const webhookCorrections: CorrectionRules<WebhookState, WebhookEvent, WebhookFacts> = {
  evolver: webhookEvolver,
  correctable: {
    WebhookSubscribed: { optional: ['memberIds'], locked: ['subscriptionId', 'secret'] },
  },
  voidable: new Set(),
  redecide: (entry, _before, facts) => {
    if (entry.type === 'WebhookSubscribed') subscriptionRules(entry.data, facts);
  },
  recheck: () => undefined,
};
