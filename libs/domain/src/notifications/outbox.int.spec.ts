/**
 * The outbox on a real SQLite store: an inbox notification is requested and delivered in one append, once,
 * however often it is recorded again; one whose request alone was stored (before a crash) is delivered
 * when recorded again, without a second request.
 */
import { SqliteEventStore } from '@parcours/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streamId } from '../shared/ids';
import { notificationIdOf, type NotificationToRecord, recordNotification } from './outbox';

const notification: NotificationToRecord = {
  cptsId: 'cpts-x',
  recipientId: 'member-gp',
  kind: 'discharge',
  sourceEventId: '0192a000-0000-7000-8000-000000000001',
  sourceType: 'DischargeNotified',
  correlationId: 'corr-1',
  pathwayId: 'pathway-1',
};

describe('the outbox', () => {
  let dir: string;
  let store: SqliteEventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'parcours-outbox-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const streamOf = () =>
    streamId('notification', 'cpts-x', notificationIdOf(notification.sourceEventId, 'member-gp', 'inbox'));
  const types = async () => (await store.readStream(streamOf())).map((e) => e.type);

  it('records an inbox notification and its delivery in one append, and nothing more when recorded again', async () => {
    const head = await store.headPosition();
    expect(await recordNotification(store, notification)).toMatchObject({ requested: true, delivered: true });
    const [requested, delivered] = await store.readStream(streamOf());
    expect([requested.type, delivered.type]).toEqual(['NotificationRequested', 'NotificationDelivered']);
    // One append: consecutive positions, one commit.
    expect(requested.position).toBe(head + 1n);
    expect(delivered.position).toBe(head + 2n);

    expect(await recordNotification(store, notification)).toMatchObject({
      requested: false,
      delivered: false,
    });
    expect(await types()).toEqual(['NotificationRequested', 'NotificationDelivered']);
  });

  it('delivers a notification whose request alone was stored, without requesting it twice', async () => {
    // The request as the outbox makes it (same ids), stored alone, as a crash between two appends left it.
    const scratch = new SqliteEventStore({ path: join(dir, 'scratch.db') });
    await recordNotification(scratch, notification);
    const [request] = await scratch.readStream(streamOf());
    await scratch.close();
    const { cptsId, actor, correlationId, causationId, source } = request.metadata;
    await store.append(streamOf(), [
      {
        eventId: request.metadata.eventId,
        type: request.type,
        data: request.data,
        metadata: { cptsId, actor, correlationId, causationId, source },
      },
    ]);
    expect(await types()).toEqual(['NotificationRequested']);

    expect(await recordNotification(store, notification)).toMatchObject({
      requested: false,
      delivered: true,
    });
    expect(await types()).toEqual(['NotificationRequested', 'NotificationDelivered']);
    expect(await recordNotification(store, notification)).toMatchObject({
      requested: false,
      delivered: false,
    });
  });
});
