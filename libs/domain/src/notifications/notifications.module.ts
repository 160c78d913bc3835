import { Module } from '@nestjs/common';
import { ProjectionRegistry } from '@parcours/projections';
import { inboxProjection } from './inbox/inbox.projection';
import { InboxQueries } from './inbox/inbox.queries';
import { NotificationDispatcher } from './delivery/notification-dispatcher';
import { RecipientChannels } from './delivery/recipient-channels';
import { NotificationReactor } from './notification-reactor';
import { NotificationsController } from './notifications.controller';
import { NotificationOutbox } from './outbox';
import { WebhooksController } from './webhooks/webhooks.controller';

/** The read models of the notifications capability. */
export const notificationProjections = [inboxProjection];

/**
 * Notifications: the reactor that decides who is told of what, on which channels, and records each
 * notification before it is delivered; the dispatcher that sends e-mails and webhooks from that outbox;
 * the inboxes and each member's preferences; the CPTS's webhook subscriptions.
 */
@Module({
  controllers: [NotificationsController, WebhooksController],
  providers: [
    InboxQueries,
    RecipientChannels,
    NotificationOutbox,
    NotificationReactor,
    NotificationDispatcher,
  ],
  exports: [NotificationReactor, NotificationDispatcher, NotificationOutbox, InboxQueries],
})
export class NotificationsModule {
  constructor(registry: ProjectionRegistry) {
    registry.register(...notificationProjections);
  }
}
