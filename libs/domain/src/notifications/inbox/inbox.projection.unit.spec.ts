import { EventLog, projectionSpec } from '@parcours/projections';
import { v7 as uuidv7 } from 'uuid';
import type { NotificationEvent, NotificationRequested } from '../notification.events';
import { inboxProjection } from './inbox.projection';
import { InboxQueries } from './inbox.queries';

const CPTS = 'cpts-inbox';
const OTHER = 'cpts-inbox-other';
const MARIE = 'member-marie';
const COORDINATORS = 'coordinators';

function fixture() {
  const log = new EventLog();
  const stream = (cptsId: string, id: string) => `notification-${cptsId}.${id}`;
  const requested = (
    fields: Partial<NotificationRequested> = {},
    options: { cptsId?: string; recordedAt?: string } = {},
  ) => {
    const notificationId = fields.notificationId ?? uuidv7();
    return log.event<NotificationEvent>(
      stream(options.cptsId ?? CPTS, notificationId),
      'NotificationRequested',
      {
        notificationId,
        recipientId: MARIE,
        channel: 'inbox',
        kind: 'referral',
        sourceEventId: uuidv7(),
        sourceType: 'PatientReferred',
        pathwayId: 'pathway-1',
        ...fields,
      },
      options.recordedAt === undefined ? {} : { recordedAt: options.recordedAt },
    );
  };
  const idOf = (event: { data: Record<string, unknown> }) => event.data.notificationId as string;
  const cptsOf = (event: { streamId: string }) => event.streamId.replace(/^notification-/, '').split('.')[0];
  const delivered = (of: ReturnType<typeof requested>, attempt = 1, recordedAt?: string) =>
    log.event<NotificationEvent>(
      stream(cptsOf(of), idOf(of)),
      'NotificationDelivered',
      { notificationId: idOf(of), attempt },
      recordedAt === undefined ? {} : { recordedAt },
    );
  const failed = (of: ReturnType<typeof requested>, attempt: number, final: boolean, retryAt?: string) =>
    log.event<NotificationEvent>(stream(cptsOf(of), idOf(of)), 'NotificationFailed', {
      notificationId: idOf(of),
      attempt,
      error: final ? 'smtp-550' : 'ECONNREFUSED',
      final,
      ...(retryAt === undefined ? {} : { retryAt }),
    });
  const read = (of: ReturnType<typeof requested>, at: string) =>
    log.event<NotificationEvent>(stream(cptsOf(of), idOf(of)), 'NotificationRead', {
      notificationId: idOf(of),
      at,
    });
  return { requested, delivered, failed, read, idOf };
}

const spec = projectionSpec(inboxProjection);

describe('the notifications read model (inboxes and the outbox)', () => {
  it("shows a member's delivered notifications newest first, with the unread count, and nothing still pending", () => {
    const { requested, delivered, idOf } = fixture();
    const first = requested({ kind: 'discharge' }, { recordedAt: '2026-03-02T08:00:00Z' });
    const second = requested({ kind: 'referral' }, { recordedAt: '2026-03-02T09:00:00Z' });
    const notYet = requested({}, { recordedAt: '2026-03-02T10:00:00Z' });
    const forTheTeam = requested({ recipientId: COORDINATORS }, { recordedAt: '2026-03-02T11:00:00Z' });
    spec
      .given(first, second, notYet, forTheTeam)
      .when(
        delivered(first, 1, '2026-03-02T08:00:01Z'),
        delivered(second, 1, '2026-03-02T09:00:02Z'),
        delivered(forTheTeam),
      )
      .then((readStore) => {
        const inbox = new InboxQueries(readStore).inbox(CPTS, [MARIE]);
        expect(inbox.unread).toBe(2);
        expect(inbox.items).toEqual([
          {
            id: idOf(second),
            kind: 'referral',
            pathwayId: 'pathway-1',
            patientId: null,
            at: '2026-03-02T09:00:02.000Z',
            read: false,
            readAt: null,
          },
          {
            id: idOf(first),
            kind: 'discharge',
            pathwayId: 'pathway-1',
            patientId: null,
            at: '2026-03-02T08:00:01.000Z',
            read: false,
            readAt: null,
          },
        ]);
        // A coordinator's inbox is theirs and their team's.
        const coordinator = new InboxQueries(readStore).inbox(CPTS, ['member-paul', COORDINATORS]);
        expect(coordinator.items.map((item) => item.id)).toEqual([idOf(forTheTeam)]);
      });
  });

  it('marks a notification read once: a second read keeps the first time, and unread-only leaves it out', () => {
    const { requested, delivered, read, idOf } = fixture();
    const one = requested();
    const two = requested();
    spec
      .given(one, two, delivered(one), delivered(two))
      .when(read(one, '2026-03-03T10:00:00Z'), read(one, '2026-03-04T10:00:00Z'))
      .then((readStore) => {
        const queries = new InboxQueries(readStore);
        const all = queries.inbox(CPTS, [MARIE]);
        expect(all.unread).toBe(1);
        expect(all.items.find((item) => item.id === idOf(one))).toMatchObject({
          read: true,
          readAt: '2026-03-03T10:00:00Z',
        });
        expect(queries.inbox(CPTS, [MARIE], { unreadOnly: true }).items.map((item) => item.id)).toEqual([
          idOf(two),
        ]);
      });
  });

  it('keeps each CPTS apart: the same member and notification id in another CPTS is another row', () => {
    const { requested, delivered } = fixture();
    const notificationId = uuidv7();
    const here = requested({ notificationId, kind: 'referral' });
    const there = requested({ notificationId, kind: 'discharge' }, { cptsId: OTHER });
    spec
      .given(here, there)
      .when(delivered(there))
      .then((readStore) => {
        const queries = new InboxQueries(readStore);
        expect(queries.inbox(CPTS, [MARIE]).items).toEqual([]);
        expect(queries.inbox(OTHER, [MARIE]).items.map((item) => item.kind)).toEqual(['discharge']);
        expect(queries.notification(CPTS, notificationId)).toMatchObject({
          status: 'pending',
          kind: 'referral',
        });
      });
  });

  it('follows an e-mail through failed attempts: retried when due, given up when final, counted in the outbox', () => {
    const { requested, failed, idOf } = fixture();
    const retried = requested({ channel: 'email' }, { recordedAt: '2026-03-02T08:00:00Z' });
    const givenUp = requested({ channel: 'webhook', subscriptionId: 'sub-1' });
    const inApp = requested({ channel: 'inbox' });
    spec
      .given(retried, givenUp, inApp)
      .when(
        failed(retried, 1, false, '2026-03-02T08:05:00Z'),
        failed(givenUp, 1, false, '2026-03-02T08:05:00Z'),
        failed(givenUp, 2, true),
      )
      .then((readStore) => {
        const queries = new InboxQueries(readStore);
        expect(queries.notification(CPTS, idOf(retried))).toMatchObject({
          status: 'pending',
          attempts: 1,
          due_at: '2026-03-02T08:05:00Z',
          last_error: 'ECONNREFUSED',
        });
        expect(queries.notification(CPTS, idOf(givenUp))).toMatchObject({
          status: 'failed',
          attempts: 2,
          subscription_id: 'sub-1',
          last_error: 'smtp-550',
        });
        // Not before its retry time; never the in-app one, which the dispatcher does not send.
        expect(queries.due('2026-03-02T08:04:59Z', 10)).toEqual([]);
        expect(queries.due('2026-03-02T08:05:00Z', 10)).toEqual([
          { cptsId: CPTS, notificationId: idOf(retried) },
        ]);
        expect(queries.outbox()).toEqual({ pending: 1, failed: 1 });
      });
  });

  it('holds an e-mail until the end of its quiet hours, and sends those without any in request order', () => {
    const { requested, idOf } = fixture();
    const held = requested(
      { channel: 'email', notBefore: '2026-03-02T07:00:00Z' },
      { recordedAt: '2026-03-01T22:00:00Z' },
    );
    const later = requested({ channel: 'email' }, { recordedAt: '2026-03-01T23:00:00Z' });
    const earlier = requested({ channel: 'webhook' }, { recordedAt: '2026-03-01T21:00:00Z' });
    spec.given(held, later, earlier).then((readStore) => {
      const queries = new InboxQueries(readStore);
      expect(queries.due('2026-03-02T06:59:59Z', 10).map((due) => due.notificationId)).toEqual([
        idOf(earlier),
        idOf(later),
      ]);
      expect(queries.due('2026-03-02T07:00:00Z', 10).map((due) => due.notificationId)).toEqual([
        idOf(earlier),
        idOf(held),
        idOf(later),
      ]);
      expect(queries.due('2026-03-02T07:00:00Z', 1)).toHaveLength(1);
    });
  });

  it('keeps a delivery: a late failure does not undo it, a second delivery keeps the first time and the highest attempt', () => {
    const { requested, delivered, failed, idOf } = fixture();
    const sent = requested({ channel: 'email' });
    spec
      .given(sent, failed(sent, 1, false, '2026-03-02T08:05:00Z'))
      .when(
        delivered(sent, 2, '2026-03-02T08:06:00Z'),
        failed(sent, 3, true),
        delivered(sent, 1, '2026-03-02T09:00:00Z'),
      )
      .then((readStore) => {
        const queries = new InboxQueries(readStore);
        expect(queries.notification(CPTS, idOf(sent))).toMatchObject({
          status: 'delivered',
          attempts: 2,
          delivered_at: '2026-03-02T08:06:00.000Z',
        });
        expect(queries.due('2026-03-03T00:00:00Z', 10)).toEqual([]);
        expect(queries.outbox()).toEqual({ pending: 0, failed: 0 });
      });
  });

  it('ignores what comes for a notification it never saw requested', () => {
    const { requested, delivered, failed, read } = fixture();
    const unknown = requested();
    // Only the events that follow the request are applied: the request itself is left out of the log.
    spec
      .when(delivered(unknown), failed(unknown, 1, true), read(unknown, '2026-03-03T10:00:00Z'))
      .then((readStore) => {
        const queries = new InboxQueries(readStore);
        expect(queries.inbox(CPTS, [MARIE])).toEqual({ unread: 0, items: [] });
        expect(queries.outbox()).toEqual({ pending: 0, failed: 0 });
      });
  });
});
