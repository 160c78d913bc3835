import { defineProjection, type ProjectedEvent, table } from '@parcours/projections';
import { parseStreamId } from '../../shared/ids';
import type { NotificationEvent } from '../notification.events';

export const NOTIFICATIONS = 'notifications';

/** A notification as recorded in the outbox, with its fate: what the inbox shows and the sender retries. */
export interface NotificationRow {
  cpts_id: string;
  notification_id: string;
  recipient_id: string;
  channel: string;
  kind: string;
  pathway_id: string | null;
  patient_id: string | null;
  requested_at: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  delivered_at: string | null;
  read_at: string | null;
  subscription_id: string | null;
  /** When the dispatcher may next try (quiet hours, or the retry after a failure); null: at once. */
  due_at: string | null;
  last_error: string | null;
}

const tables = {
  notifications: table<NotificationRow>({
    columns: {
      cpts_id: 'TEXT',
      notification_id: 'TEXT',
      recipient_id: 'TEXT',
      channel: 'TEXT',
      kind: 'TEXT',
      pathway_id: 'TEXT NULL',
      patient_id: 'TEXT NULL',
      requested_at: 'TEXT',
      status: 'TEXT',
      attempts: 'INTEGER',
      delivered_at: 'TEXT NULL',
      read_at: 'TEXT NULL',
      subscription_id: 'TEXT NULL',
      due_at: 'TEXT NULL',
      last_error: 'TEXT NULL',
    },
    key: ['cpts_id', 'notification_id'],
    indexes: [
      ['cpts_id', 'recipient_id', 'channel', 'requested_at'],
      ['status', 'channel', 'due_at'],
    ],
  }),
};

/** Each notification and its fate, from its own stream: the inboxes, and what is still to be sent. */
export const inboxProjection = defineProjection<NotificationEvent>()({
  name: NOTIFICATIONS,
  version: 2,
  tables,
  open: ({ notifications }) => {
    const row = (event: ProjectedEvent<NotificationEvent>) => {
      const stream = parseStreamId(event.streamId);
      return stream ? notifications.get(stream.cptsId, event.data.notificationId) : undefined;
    };
    return {
      NotificationRequested: (event) => {
        const stream = parseStreamId(event.streamId);
        if (!stream) return;
        const { data } = event;
        notifications.put({
          cpts_id: stream.cptsId,
          notification_id: data.notificationId,
          recipient_id: data.recipientId,
          channel: data.channel,
          kind: data.kind,
          pathway_id: data.pathwayId ?? null,
          patient_id: data.patientId ?? null,
          requested_at: event.metadata.recordedAt,
          status: 'pending',
          attempts: 0,
          delivered_at: null,
          read_at: null,
          subscription_id: data.subscriptionId ?? null,
          due_at: data.notBefore ?? null,
          last_error: null,
        });
      },
      NotificationDelivered: (event) => {
        const found = row(event);
        if (!found) return;
        notifications.put({
          ...found,
          status: 'delivered',
          attempts: Math.max(found.attempts, event.data.attempt),
          delivered_at: found.delivered_at ?? event.metadata.recordedAt,
        });
      },
      NotificationFailed: (event) => {
        const found = row(event);
        if (!found || found.status === 'delivered') return;
        notifications.put({
          ...found,
          status: event.data.final ? 'failed' : 'pending',
          attempts: Math.max(found.attempts, event.data.attempt),
          due_at: event.data.retryAt ?? null,
          last_error: event.data.error,
        });
      },
      NotificationRead: (event) => {
        const found = row(event);
        if (!found || found.read_at !== null) return;
        notifications.put({ ...found, read_at: event.data.at });
      },
    };
  },
});
