import { channelsFor, quietUntil, type DeploymentChannels, type Recipient } from './channel-policy';

const EVERY_CHANNEL: DeploymentChannels = { email: true, webhook: true };
const reachable = (overrides: Partial<Recipient> = {}): Recipient => ({
  hasEmail: true,
  webhookSubscriptions: ['sub-1'],
  ...overrides,
});
// 2026-03-06 is winter time (UTC+1); 2026-07-06 summer time (UTC+2).
const at = (iso: string) => new Date(iso);

describe('channelsFor', () => {
  it('given no preferences recorded, when a member with an address is told, then inbox, e-mail and each webhook, at once', () => {
    expect(
      channelsFor(reachable({ webhookSubscriptions: ['a', 'b'] }), EVERY_CHANNEL, at('2026-03-06T10:00:00Z')),
    ).toEqual([
      { channel: 'inbox' },
      { channel: 'email' },
      { channel: 'webhook', subscriptionId: 'a' },
      { channel: 'webhook', subscriptionId: 'b' },
    ]);
  });

  it('given a member without an address, then no e-mail', () => {
    expect(channelsFor(reachable({ hasEmail: false }), EVERY_CHANNEL, at('2026-03-06T10:00:00Z'))).toEqual([
      { channel: 'inbox' },
      { channel: 'webhook', subscriptionId: 'sub-1' },
    ]);
  });

  it('given a deployment without e-mail nor webhooks, then the inbox only, whatever the member wants', () => {
    expect(channelsFor(reachable(), { email: false, webhook: false }, at('2026-03-06T10:00:00Z'))).toEqual([
      { channel: 'inbox' },
    ]);
  });

  it('given a member who opted out of e-mail and webhooks, then the inbox only: it cannot be turned off', () => {
    const recipient = reachable({ preferences: { email: false, webhook: false } });
    expect(channelsFor(recipient, EVERY_CHANNEL, at('2026-03-06T10:00:00Z'))).toEqual([{ channel: 'inbox' }]);
  });

  it('given no subscription carries the member, then no webhook', () => {
    const recipient = reachable({ webhookSubscriptions: [] });
    expect(channelsFor(recipient, EVERY_CHANNEL, at('2026-03-06T10:00:00Z')).map((d) => d.channel)).toEqual([
      'inbox',
      'email',
    ]);
  });

  it('given quiet hours 20:00–08:00, when told at 23:30 Paris, then the e-mail waits until 08:00 Paris the next day; the inbox and webhooks do not wait', () => {
    const recipient = reachable({
      preferences: { email: true, webhook: true, quietHours: { from: '20:00', to: '08:00' } },
    });
    expect(channelsFor(recipient, EVERY_CHANNEL, at('2026-03-06T22:30:00Z'))).toEqual([
      { channel: 'inbox' },
      { channel: 'email', notBefore: '2026-03-07T07:00:00.000Z' },
      { channel: 'webhook', subscriptionId: 'sub-1' },
    ]);
  });

  it('given quiet hours 20:00–08:00, when told at 10:00 Paris, then the e-mail goes at once', () => {
    const recipient = reachable({
      preferences: { email: true, webhook: false, quietHours: { from: '20:00', to: '08:00' } },
    });
    expect(channelsFor(recipient, EVERY_CHANNEL, at('2026-03-06T09:00:00Z'))).toEqual([
      { channel: 'inbox' },
      { channel: 'email' },
    ]);
  });
});

describe('quietUntil', () => {
  const night = { from: '20:00', to: '08:00' };
  const lunch = { from: '12:00', to: '14:00' };

  it('given a window across midnight, when it is 06:00 Paris, then it ends at 08:00 the same day', () => {
    expect(quietUntil(night, at('2026-03-06T05:00:00Z'))?.toISOString()).toBe('2026-03-06T07:00:00.000Z');
  });

  it('given a window across midnight, when it is 20:00 Paris exactly, then it is quiet; at 08:00 it is not', () => {
    expect(quietUntil(night, at('2026-03-06T19:00:00Z'))?.toISOString()).toBe('2026-03-07T07:00:00.000Z');
    expect(quietUntil(night, at('2026-03-07T07:00:00Z'))).toBeNull();
  });

  it('given a window within a day, in summer time, then it ends at 14:00 Paris (12:00 UTC)', () => {
    expect(quietUntil(lunch, at('2026-07-06T10:30:00Z'))?.toISOString()).toBe('2026-07-06T12:00:00.000Z');
    expect(quietUntil(lunch, at('2026-07-06T12:00:00Z'))).toBeNull();
  });

  it('given a night that crosses the spring clock change, then the e-mail waits until 08:00 summer time', () => {
    // 2026-03-29: clocks go from 02:00 to 03:00. 23:00 winter time on the 28th is 22:00 UTC.
    expect(quietUntil(night, at('2026-03-28T22:00:00Z'))?.toISOString()).toBe('2026-03-29T06:00:00.000Z');
  });

  it('given no quiet hours, then never quiet', () => {
    expect(quietUntil(undefined, at('2026-03-06T02:00:00Z'))).toBeNull();
  });
});
