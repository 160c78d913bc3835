import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import type { AppConfig } from '@parcours/platform';
import { memberEvolver } from '../../members/member.decider';
import { load } from '../../shared/command-runner';
import { streamId } from '../../shared/ids';
import { webhookStream } from '../webhooks/webhook.events';
import { webhookEvolver } from '../webhooks/webhook.decider';
import { type ChannelDecision, channelsFor } from './channel-policy';
import { type DeliveryConfig, deliveryConfig } from './delivery-config';

/**
 * The channels of one recipient, from the log as it stands: their preferences and address (their member
 * stream) and the CPTS's webhook subscriptions, with the deployment's channels — then `channelsFor`.
 */
@Injectable()
export class RecipientChannels {
  readonly config: DeliveryConfig;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    config: ConfigService<AppConfig, true>,
  ) {
    this.config = deliveryConfig(config);
  }

  async of(cptsId: string, recipientId: string, at: Date): Promise<ChannelDecision[]> {
    const member = (await load(this.store, streamId('member', cptsId, recipientId), memberEvolver)).state;
    const webhooks = this.config.webhooks
      ? (await load(this.store, webhookStream(cptsId), webhookEvolver)).state
      : { subscriptions: {} };
    const subscriptions = Object.values(webhooks.subscriptions)
      .filter((s) => !s.removed && (s.memberIds === undefined || s.memberIds.includes(recipientId)))
      .map((s) => s.subscriptionId);
    return channelsFor(
      {
        ...(member.exists && member.preferences ? { preferences: member.preferences } : {}),
        hasEmail: member.exists && member.email !== undefined,
        webhookSubscriptions: subscriptions,
      },
      { email: this.config.smtp !== undefined, webhook: this.config.webhooks },
      at,
    );
  }
}
