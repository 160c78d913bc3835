import Database from 'better-sqlite3';
import { join } from 'node:path';

export interface OutboxRecord {
  notificationId: string;
  channel: string;
  recipientId: string;
  subscriptionId?: string;
  notBefore?: string;
  /** What happened to it, in stream order: `requested`, `failed:1:http-503`, `failed:3:ECONNREFUSED:final`, `delivered:2`. */
  history: string[];
}

/** Every notification of the log (read from the embedded store), with its history. */
export function outbox(dataDir: string): OutboxRecord[] {
  const db = new Database(join(dataDir, 'events.db'), { readonly: true });
  try {
    const rows = db
      .prepare(
        `SELECT type, data FROM events WHERE type IN
           ('NotificationRequested', 'NotificationDelivered', 'NotificationFailed') ORDER BY position`,
      )
      .all() as Array<{ type: string; data: string }>;
    const records = new Map<string, OutboxRecord>();
    for (const row of rows) {
      const data = JSON.parse(row.data) as Record<string, unknown>;
      const id = data.notificationId as string;
      if (row.type === 'NotificationRequested') {
        records.set(id, {
          notificationId: id,
          channel: data.channel as string,
          recipientId: data.recipientId as string,
          ...(data.subscriptionId ? { subscriptionId: data.subscriptionId as string } : {}),
          ...(data.notBefore ? { notBefore: data.notBefore as string } : {}),
          history: ['requested'],
        });
        continue;
      }
      const record = records.get(id);
      if (!record) continue;
      record.history.push(
        row.type === 'NotificationDelivered'
          ? `delivered:${String(data.attempt)}`
          : `failed:${String(data.attempt)}:${String(data.error)}${data.final ? ':final' : ''}`,
      );
    }
    return [...records.values()];
  } finally {
    db.close();
  }
}
