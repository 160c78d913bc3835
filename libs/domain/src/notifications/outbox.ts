import type { EventStore } from '@parcours/event-store';
import { v5 as uuidv5 } from 'uuid';
import { streamId } from '../shared/ids';
import type { NotificationChannel, NotificationEvent, NotificationKind } from './notification.events';

const NAMESPACE = '0f7a5c7e-3b7d-4f3e-9b8e-9d2f1c6a4b21';
const NOTIFIER = { id: 'system:notifier', role: 'system' as const };

/**
 * Who is told of emergency accesses: the coordinators of the CPTS as a team. Any coordinator's inbox shows
 * what is addressed to it, and one of them reading it marks it read for the team.
 */
export const COORDINATORS = 'team:coordinators';

/** The notification's id: the event that called for it, its recipient and its channel. */
export function notificationIdOf(
  sourceEventId: string,
  recipientId: string,
  channel: NotificationChannel,
): string {
  return uuidv5(`${sourceEventId}|${recipientId}|${channel}`, NAMESPACE);
}
const eventIdOf = (what: string, notificationId: string) => uuidv5(`${what}|${notificationId}`, NAMESPACE);

/** A stable id for what calls for a notification without being an event of the log (a step falling due). */
export const sourceIdOf = (what: string) => uuidv5(what, NAMESPACE);

export interface NotificationToRecord {
  cptsId: string;
  recipientId: string;
  kind: NotificationKind;
  /** The event (or the occurrence, `sourceIdOf`) that calls for it: with the recipient, the notification. */
  sourceEventId: string;
  sourceType: string;
  correlationId: string;
  pathwayId?: string;
  patientId?: string;
}

/** What one call recorded: `requested`/`delivered` are false when it was recorded before (a replay). */
export interface Recorded {
  notificationId: string;
  requested: boolean;
  delivered: boolean;
}

/**
 * The outbox: records a notification on its own stream before anything is sent, then — in the app's inbox,
 * where the log itself is the delivery — its delivery. Every id is derived from the source, so recording it
 * again (a restart, a crash between the two appends, a second sweep) records nothing more.
 */
export async function recordNotification(
  store: EventStore,
  notification: NotificationToRecord,
): Promise<Recorded> {
  const channel: NotificationChannel = 'inbox';
  const { cptsId, recipientId, sourceEventId } = notification;
  const notificationId = notificationIdOf(sourceEventId, recipientId, channel);
  const stream = streamId('notification', cptsId, notificationId);
  const metadata = {
    cptsId,
    actor: NOTIFIER,
    correlationId: notification.correlationId,
    causationId: sourceEventId,
    source: 'api' as const,
  };
  const requested: NotificationEvent = {
    type: 'NotificationRequested',
    data: {
      notificationId,
      recipientId,
      channel,
      kind: notification.kind,
      sourceEventId,
      sourceType: notification.sourceType,
      ...(notification.pathwayId === undefined ? {} : { pathwayId: notification.pathwayId }),
      ...(notification.patientId === undefined ? {} : { patientId: notification.patientId }),
    },
  };
  const first = await store.append(stream, [
    { eventId: eventIdOf('requested', notificationId), ...requested, metadata } as never,
  ]);
  const delivered: NotificationEvent = {
    type: 'NotificationDelivered',
    data: { notificationId, attempt: 1 },
  };
  const second = await store.append(stream, [
    { eventId: eventIdOf('delivered', notificationId), ...delivered, metadata } as never,
  ]);
  return { notificationId, requested: !first.replayed, delivered: !second.replayed };
}
