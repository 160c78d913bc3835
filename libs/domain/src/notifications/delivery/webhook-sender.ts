import {
  NOTIFICATION_ID_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  type WebhookBody,
  webhookSignature,
} from './messages';

/** Answered 2xx in time: delivered. Anything else is an error with a short code (`http-503`, `ECONNREFUSED`). */
export class WebhookError extends Error {
  constructor(readonly code: string) {
    super(code);
    this.name = 'WebhookError';
  }
}

const TIMEOUT_MS = 10_000;

/** POSTs a notification to a subscription's URL, signed with its secret; redirects are not followed. */
export async function postWebhook(url: string, secret: string, body: WebhookBody, now: Date): Promise<void> {
  const text = JSON.stringify(body);
  const timestamp = Math.floor(now.getTime() / 1000);
  const response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    signal: AbortSignal.timeout(TIMEOUT_MS),
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Parcours-Webhooks/1',
      [NOTIFICATION_ID_HEADER]: body.id,
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: webhookSignature(secret, timestamp, text),
    },
    body: text,
  });
  // The receiver's answer is not read: only its status counts.
  await response.body?.cancel();
  if (response.status < 200 || response.status >= 300) throw new WebhookError(`http-${response.status}`);
}
