import { Module } from '@nestjs/common';
import { ProjectionRegistry } from '@parcours/projections';
import { inboxProjection } from './inbox/inbox.projection';
import { InboxQueries } from './inbox/inbox.queries';
import { NotificationReactor } from './notification-reactor';
import { NotificationsController } from './notifications.controller';

/** The read models of the notifications capability. */
export const notificationProjections = [inboxProjection];

/**
 * Notifications: the reactor that decides who is told of what and records each notification before
 * delivering it; the inboxes.
 */
@Module({
  controllers: [NotificationsController],
  providers: [InboxQueries, NotificationReactor],
  exports: [NotificationReactor, InboxQueries],
})
export class NotificationsModule {
  constructor(registry: ProjectionRegistry) {
    registry.register(...notificationProjections);
  }
}
