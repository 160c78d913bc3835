import type { NotificationEvent, NotificationRequested } from '../notification.events';
import { deliveryState, errorCode, failure, nextStep, retryDelay } from './delivery-state';

const ID = '0193a0e0-0000-7000-8000-0000000000aa';
const requested = (overrides: Partial<NotificationRequested> = {}): NotificationEvent => ({
  type: 'NotificationRequested',
  data: {
    notificationId: ID,
    recipientId: 'gp',
    channel: 'email',
    kind: 'discharge',
    sourceEventId: 'e1',
    sourceType: 'DischargeNotified',
    ...overrides,
  },
});
const failed = (attempt: number, final: boolean, retryAt?: string): NotificationEvent => ({
  type: 'NotificationFailed',
  data: { notificationId: ID, attempt, error: 'ECONNREFUSED', final, ...(retryAt ? { retryAt } : {}) },
});
const now = new Date('2026-03-06T10:00:00Z');
const policy = { maxAttempts: 3, baseMs: 1000 };

describe('nextStep', () => {
  it('given an e-mail just requested, then the first attempt, at once', () => {
    expect(nextStep(deliveryState([requested()]), now)).toEqual({ kind: 'attempt', attempt: 1 });
  });

  it('given an e-mail held by quiet hours, then it waits until they end; after, the first attempt', () => {
    const state = deliveryState([requested({ notBefore: '2026-03-07T07:00:00.000Z' })]);
    expect(nextStep(state, now)).toEqual({ kind: 'wait', until: '2026-03-07T07:00:00.000Z' });
    expect(nextStep(state, new Date('2026-03-07T07:00:00Z'))).toEqual({ kind: 'attempt', attempt: 1 });
  });

  it('given a failed attempt, then it waits for its retry time, then makes attempt 2', () => {
    const state = deliveryState([requested(), failed(1, false, '2026-03-06T10:00:01.000Z')]);
    expect(nextStep(state, now)).toEqual({ kind: 'wait', until: '2026-03-06T10:00:01.000Z' });
    expect(nextStep(state, new Date('2026-03-06T10:00:02Z'))).toEqual({ kind: 'attempt', attempt: 2 });
  });

  it('given a delivered notification, a final failure, an inbox notification or nothing requested, then nothing more', () => {
    const delivered: NotificationEvent = {
      type: 'NotificationDelivered',
      data: { notificationId: ID, attempt: 2 },
    };
    expect(
      nextStep(deliveryState([requested(), failed(1, false, now.toISOString()), delivered]), now),
    ).toEqual({ kind: 'done' });
    expect(nextStep(deliveryState([requested(), failed(3, true)]), now)).toEqual({ kind: 'done' });
    expect(nextStep(deliveryState([requested({ channel: 'inbox' })]), now)).toEqual({ kind: 'done' });
    expect(nextStep(deliveryState([]), now)).toEqual({ kind: 'done' });
  });
});

describe('failure and backoff', () => {
  it('when attempt 1 fails, then a retry after the base delay (plus jitter up to half of it)', () => {
    expect(failure(ID, 1, 'http-503', now, policy, 0)).toEqual({
      notificationId: ID,
      attempt: 1,
      error: 'http-503',
      final: false,
      retryAt: '2026-03-06T10:00:01.000Z',
    });
    expect(failure(ID, 1, 'http-503', now, policy, 0.999).retryAt).toBe('2026-03-06T10:00:01.500Z');
  });

  it('when attempt 2 fails, then the delay doubles', () => {
    expect(retryDelay(2, policy, 0)).toBe(2000);
    expect(retryDelay(3, policy, 0)).toBe(4000);
  });

  it('the delay is capped at an hour, whatever the attempt', () => {
    expect(retryDelay(30, { maxAttempts: 40, baseMs: 60_000 }, 0)).toBe(3_600_000);
  });

  it('when the last allowed attempt fails, then it is final, with no retry time', () => {
    expect(failure(ID, 3, 'ECONNREFUSED', now, policy, 0.5)).toEqual({
      notificationId: ID,
      attempt: 3,
      error: 'ECONNREFUSED',
      final: true,
    });
  });
});

describe('errorCode', () => {
  it('keeps a short code, never a message that could quote an address or a body', () => {
    expect(errorCode({ responseCode: 550, message: '550 <gp@example.org> unknown' })).toBe('smtp-550');
    expect(errorCode(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }))).toBe(
      'ECONNREFUSED',
    );
    expect(errorCode({ code: 'ETLS', message: 'x' })).toBe('ETLS');
    expect(errorCode({ code: 'a b <c@d>' })).toBe('error');
    expect(errorCode(undefined)).toBe('error');
  });
});
