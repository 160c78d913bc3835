import type { NotificationRequested } from '../notification.events';
import { emailContent, verifyWebhook, webhookSignature } from './messages';

const notification: NotificationRequested = {
  notificationId: '0193a0e0-0000-7000-8000-0000000000aa',
  recipientId: 'gp',
  channel: 'email',
  kind: 'discharge',
  sourceEventId: 'e1',
  sourceType: 'DischargeNotified',
  pathwayId: '0193a0e0-0000-7000-8000-0000000000bb',
  patientId: '0193a0e0-0000-7000-8000-0000000000cc',
};

describe('the e-mail of a notification', () => {
  it('by default says the kind of event and links to the inbox: no pathway, no patient', () => {
    const mail = emailContent(notification, {
      baseUrl: 'https://parcours.cpts.example',
      mssante: false,
      occurredAt: '2026-03-06T10:00:00Z',
    });
    expect(mail.subject).toBe('Parcours : une sortie d’hospitalisation');
    expect(mail.text).toContain('https://parcours.cpts.example/#/inbox');
    expect(mail.text).not.toContain(notification.pathwayId);
    expect(mail.text).not.toContain(notification.patientId);
    expect(mail.text).not.toContain('2026-03-06');
  });

  it('on an MSSanté-grade channel adds when it happened and the link to the pathway, still no patient', () => {
    const mail = emailContent(notification, {
      baseUrl: 'https://parcours.cpts.example',
      mssante: true,
      occurredAt: '2026-03-06T10:00:00Z',
    });
    expect(mail.text).toContain(`https://parcours.cpts.example/#/pathways/${notification.pathwayId}`);
    expect(mail.text).toContain('2026-03-06T10:00:00Z');
    expect(mail.text).not.toContain(notification.patientId);
  });
});

describe('webhook signatures', () => {
  const body = JSON.stringify({ id: 'n1' });
  const now = new Date('2026-03-06T10:00:00Z');
  const timestamp = now.getTime() / 1000;

  it('a receiver with the secret accepts what was signed', () => {
    const signature = webhookSignature('s3cret', timestamp, body);
    expect(verifyWebhook('s3cret', { timestamp: String(timestamp), signature }, body, now)).toBe(true);
  });

  it('refuses a tampered body, another secret, another timestamp, or an old one (a replay)', () => {
    const signature = webhookSignature('s3cret', timestamp, body);
    expect(verifyWebhook('s3cret', { timestamp: String(timestamp), signature }, `${body} `, now)).toBe(false);
    expect(verifyWebhook('other', { timestamp: String(timestamp), signature }, body, now)).toBe(false);
    expect(verifyWebhook('s3cret', { timestamp: String(timestamp + 1), signature }, body, now)).toBe(false);
    const late = new Date(now.getTime() + 301_000);
    expect(verifyWebhook('s3cret', { timestamp: String(timestamp), signature }, body, late)).toBe(false);
    expect(verifyWebhook('s3cret', { timestamp: undefined, signature }, body, now)).toBe(false);
  });
});
