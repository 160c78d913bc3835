export * from './notification.events';
export * from './notification-policy';
export * from './notification-reactor';
export * from './inbox/inbox.projection';
export * from './inbox/inbox.queries';
export { NotificationsModule, notificationProjections } from './notifications.module';
export * from './outbox';
