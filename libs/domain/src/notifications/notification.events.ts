import type { DomainEvent } from '../shared/decider';

/** `notification-<cptsId>.<notificationId>`: one stream per notification, its outbox record and its fate. */

export const NOTIFICATION_CHANNELS = ['inbox', 'email', 'webhook'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/**
 * What happened, as a notification says it: never more than the kind of event and a link. `overdue-step`:
 * a worklist item assigned to the recipient fell due; `break-glass`: a professional opened a record in an
 * emergency (told to the coordinators).
 */
export const NOTIFICATION_KINDS = [
  'discharge',
  'referral',
  'referral-answer',
  'overdue-step',
  'break-glass',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * A notification decided and recorded before anything is sent (the outbox): its id is derived from the
 * event that called for it, its recipient and its channel, so deciding it again records nothing more.
 */
export interface NotificationRequested {
  notificationId: string;
  recipientId: string;
  channel: NotificationChannel;
  kind: NotificationKind;
  sourceEventId: string;
  sourceType: string;
  pathwayId?: string;
  patientId?: string;
  /** A webhook notification: the subscription it goes to. */
  subscriptionId?: string;
  /** An e-mail held by the recipient's quiet hours: not sent before then (ISO). */
  notBefore?: string;
}
/** Handed over on its channel (in the inbox, accepted by the SMTP server, answered 2xx by the webhook). */
export interface NotificationDelivered {
  notificationId: string;
  attempt: number;
}
/**
 * An attempt failed: retried at `retryAt`, or given up (`final`). `error` is a short code (`ECONNREFUSED`,
 * `http-503`, `smtp-550`…), never a body nor an address.
 */
export interface NotificationFailed {
  notificationId: string;
  attempt: number;
  error: string;
  final: boolean;
  retryAt?: string;
}
/** Its recipient read it in their inbox. */
export interface NotificationRead {
  notificationId: string;
  at: string;
}

export type NotificationEvent =
  | DomainEvent<'NotificationRequested', NotificationRequested>
  | DomainEvent<'NotificationDelivered', NotificationDelivered>
  | DomainEvent<'NotificationFailed', NotificationFailed>
  | DomainEvent<'NotificationRead', NotificationRead>;
