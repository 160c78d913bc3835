import { Injectable } from '@nestjs/common';
import { ReadStore } from '@parcours/projections';
import { NOTIFICATIONS, type NotificationRow } from './inbox.projection';

export interface InboxItem {
  id: string;
  kind: string;
  pathwayId: string | null;
  patientId: string | null;
  at: string;
  read: boolean;
  readAt: string | null;
}

/** A member's inbox: the notifications delivered to them in the app, newest first, and how many are unread. */
@Injectable()
export class InboxQueries {
  constructor(private readonly readStore: ReadStore) {}

  private get table(): string {
    return this.readStore.tables(NOTIFICATIONS)('notifications');
  }

  /** `recipientIds`: the member or coordinator, and the teams they belong to (`COORDINATORS`). */
  inbox(
    cptsId: string,
    recipientIds: readonly string[],
    options: { unreadOnly?: boolean; limit?: number } = {},
  ) {
    const unread = options.unreadOnly ? ' AND read_at IS NULL' : '';
    const recipients = `recipient_id IN (${recipientIds.map(() => '?').join(', ')})`;
    const rows = this.readStore
      .prepare<unknown[], NotificationRow>(
        `SELECT * FROM "${this.table}" WHERE cpts_id = ? AND ${recipients} AND channel = 'inbox'
           AND status = 'delivered'${unread} ORDER BY requested_at DESC, notification_id DESC LIMIT ?`,
      )
      .all(cptsId, ...recipientIds, options.limit ?? 100);
    const { n } = this.readStore
      .prepare<unknown[], { n: number }>(
        `SELECT count(*) AS n FROM "${this.table}" WHERE cpts_id = ? AND ${recipients} AND channel = 'inbox'
           AND status = 'delivered' AND read_at IS NULL`,
      )
      .get(cptsId, ...recipientIds)!;
    return {
      unread: n,
      items: rows.map((row): InboxItem => ({
        id: row.notification_id,
        kind: row.kind,
        pathwayId: row.pathway_id,
        patientId: row.patient_id,
        at: row.delivered_at ?? row.requested_at,
        read: row.read_at !== null,
        readAt: row.read_at,
      })),
    };
  }

  /** One notification of the CPTS, whoever it is for (the caller checks it is theirs). */
  notification(cptsId: string, notificationId: string): NotificationRow | undefined {
    return this.readStore
      .prepare<[string, string], NotificationRow>(
        `SELECT * FROM "${this.table}" WHERE cpts_id = ? AND notification_id = ?`,
      )
      .get(cptsId, notificationId);
  }
}
