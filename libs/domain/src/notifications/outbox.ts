import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore, IdempotencyConflictError } from '@parcours/event-store';
import { v5 as uuidv5 } from 'uuid';
import { streamId } from '../shared/ids';
import type { ChannelDecision } from './delivery/channel-policy';
import { RecipientChannels } from './delivery/recipient-channels';
import type { NotificationChannel, NotificationEvent, NotificationKind } from './notification.events';

const NAMESPACE = '0f7a5c7e-3b7d-4f3e-9b8e-9d2f1c6a4b21';
const NOTIFIER = { id: 'system:notifier', role: 'system' as const };

/**
 * Who is told of emergency accesses: the coordinators of the CPTS as a team. Any coordinator's inbox shows
 * what is addressed to it, and one of them reading it marks it read for the team.
 */
export const COORDINATORS = 'team:coordinators';

/**
 * The notification's id: the event that called for it, its recipient and its channel (and, for a webhook,
 * the subscription).
 */
export function notificationIdOf(
  sourceEventId: string,
  recipientId: string,
  channel: NotificationChannel,
  subscriptionId?: string,
): string {
  const target = subscriptionId === undefined ? '' : `|${subscriptionId}`;
  return uuidv5(`${sourceEventId}|${recipientId}|${channel}${target}`, NAMESPACE);
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
 * Records one notification on one channel in the outbox, on a stream of its own, before anything is sent;
 * in the app's inbox, where the log itself is the delivery, its delivery too, in the same append (the
 * dispatcher sends the others). Every id is derived from the source, so recording it again (a restart, a
 * second sweep) records nothing more.
 */
export async function recordNotification(
  store: EventStore,
  notification: NotificationToRecord,
  decided: ChannelDecision = { channel: 'inbox' },
): Promise<Recorded> {
  const { channel, subscriptionId, notBefore } = decided;
  const { cptsId, recipientId, sourceEventId } = notification;
  const notificationId = notificationIdOf(sourceEventId, recipientId, channel, subscriptionId);
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
      ...(subscriptionId === undefined ? {} : { subscriptionId }),
      ...(notBefore === undefined ? {} : { notBefore }),
    },
  };
  const requestedEvent = { eventId: eventIdOf('requested', notificationId), ...requested, metadata } as never;
  if (channel !== 'inbox') {
    const first = await store.append(stream, [requestedEvent]);
    return { notificationId, requested: !first.replayed, delivered: false };
  }
  const delivered: NotificationEvent = {
    type: 'NotificationDelivered',
    data: { notificationId, attempt: 1 },
  };
  const deliveredEvent = { eventId: eventIdOf('delivered', notificationId), ...delivered, metadata } as never;
  try {
    // Requested and delivered in one append: one transaction, one write to disk.
    const both = await store.append(stream, [requestedEvent, deliveredEvent]);
    return { notificationId, requested: !both.replayed, delivered: !both.replayed };
  } catch (error) {
    if (!(error instanceof IdempotencyConflictError)) throw error;
    // Only the request is stored (recorded one event at a time before a crash): deliver it now.
    const first = await store.append(stream, [requestedEvent]);
    const second = await store.append(stream, [deliveredEvent]);
    return { notificationId, requested: !first.replayed, delivered: !second.replayed };
  }
}

/**
 * The one way into the outbox: a notification for a recipient becomes one per channel they are told on
 * (their preferences, address and quiet hours, the CPTS's webhook subscriptions, the deployment's channels).
 * The reactor, the overdue sweep and the emergency access all record through it.
 */
@Injectable()
export class NotificationOutbox {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly channels: RecipientChannels,
  ) {}

  /** How many notifications were recorded, and delivered at once (the inbox), by this call. */
  async notify(
    notification: NotificationToRecord,
    at = new Date(),
  ): Promise<{ requested: number; delivered: number }> {
    const decisions = await this.channels.of(notification.cptsId, notification.recipientId, at);
    // One stream per channel: recorded together, so that the store commits them in one transaction.
    const recorded = await Promise.all(
      decisions.map((decided) => recordNotification(this.store, notification, decided)),
    );
    return {
      requested: recorded.filter((r) => r.requested).length,
      delivered: recorded.filter((r) => r.delivered).length,
    };
  }
}
