import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NotificationKind, NotificationRequested } from '../notification.events';

const KIND: Record<NotificationKind, { fr: string; en: string }> = {
  discharge: { fr: 'une sortie d’hospitalisation', en: 'a hospital discharge' },
  referral: { fr: 'un adressage', en: 'a referral' },
  'referral-answer': { fr: 'une réponse à un adressage', en: 'an answer to a referral' },
  'overdue-step': { fr: 'une étape en retard qui vous est attribuée', en: 'an overdue step assigned to you' },
  'break-glass': { fr: 'un accès d’urgence à un dossier', en: 'an emergency access to a record' },
};

export interface EmailContent {
  subject: string;
  text: string;
}

/**
 * The e-mail of a notification. By default it says only the kind of event and links to the inbox: e-mail
 * is not a channel for health data. A deployment whose e-mail is an MSSanté-grade channel adds a short
 * summary: when it happened, and the link to the pathway itself.
 */
export function emailContent(
  notification: NotificationRequested,
  options: { baseUrl: string; mssante: boolean; occurredAt: string },
): EmailContent {
  const kind = KIND[notification.kind];
  const inbox = `${options.baseUrl}/#/inbox`;
  const lines = [
    'Bonjour,',
    '',
    `Parcours vous signale ${kind.fr}. Connectez-vous pour en prendre connaissance :`,
    inbox,
  ];
  if (options.mssante && notification.pathwayId) {
    lines.push(
      '',
      `Enregistré le ${options.occurredAt}. Le parcours :`,
      `${options.baseUrl}/#/pathways/${notification.pathwayId}`,
    );
  }
  lines.push(
    '',
    '—',
    `Parcours has ${kind.en} for you. Sign in to read it: ${inbox}`,
    '',
    'Message automatique : ne pas répondre. / Automated message: do not reply.',
  );
  return { subject: `Parcours : ${kind.fr}`, text: `${lines.join('\n')}\n` };
}

/** What a webhook receives: which notification, of what kind, for whom, where to read it. No health data. */
export interface WebhookBody {
  id: string;
  kind: NotificationKind;
  cptsId: string;
  memberId: string;
  link: string;
  occurredAt: string;
  sentAt: string;
}

export const SIGNATURE_HEADER = 'parcours-signature';
export const TIMESTAMP_HEADER = 'parcours-timestamp';
export const NOTIFICATION_ID_HEADER = 'parcours-notification-id';

/**
 * `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`: the timestamp (Unix seconds, in its own header) is
 * signed with the body, so a receiver that refuses old timestamps refuses replays.
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The receiver's check (also the tests'): the signature matches, and the timestamp is recent enough. */
export function verifyWebhook(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  now: Date,
  toleranceSeconds = 300,
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp) || !headers.signature) return false;
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
