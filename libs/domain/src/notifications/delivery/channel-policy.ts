import type { NotificationPreferencesSet } from '../../members/member.events';
import { parisDate, parisInstant, parisWallClock } from '../../shared/paris-time';
import type { NotificationChannel } from '../notification.events';

/** The channels this deployment has beyond the inbox (configuration). */
export interface DeploymentChannels {
  email: boolean;
  webhook: boolean;
}

/** What the policy knows of a recipient: how they want to be told, whether they can be e-mailed. */
export interface Recipient {
  preferences?: NotificationPreferencesSet;
  hasEmail: boolean;
  /** The CPTS's webhook subscriptions that carry this member's notifications. */
  webhookSubscriptions: readonly string[];
}

export interface ChannelDecision {
  channel: NotificationChannel;
  /** For a webhook: which subscription. */
  subscriptionId?: string;
  /** Not sent before this instant (ISO): quiet hours hold e-mails, never the inbox. */
  notBefore?: string;
}

/** Without preferences recorded, a member is told by e-mail and webhook where the deployment has them. */
export const DEFAULT_PREFERENCES: NotificationPreferencesSet = { email: true, webhook: true };

const minutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/**
 * The end of the quiet window `at` falls in, or null when `at` is outside it. The window is Paris local
 * time, `from` included, `to` excluded; when `to` is earlier than `from` it runs across midnight.
 */
export function quietUntil(quietHours: { from: string; to: string } | undefined, at: Date): Date | null {
  if (!quietHours) return null;
  const ms = at.getTime();
  const wall = new Date(parisWallClock(ms));
  const now = wall.getUTCHours() * 60 + wall.getUTCMinutes();
  const from = minutes(quietHours.from);
  const to = minutes(quietHours.to);
  const crossesMidnight = to < from;
  const inside = crossesMidnight ? now >= from || now < to : now >= from && now < to;
  if (!inside) return null;
  const today = parisDate(ms);
  // Across midnight and still before it: the window ends tomorrow.
  const endDay =
    crossesMidnight && now >= from
      ? new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
      : today;
  return new Date(parisInstant(endDay, Math.floor(to / 60), to % 60));
}

/**
 * On which channels a recipient is told, and from when: the inbox always, at once; e-mail when the
 * deployment sends e-mail, the member has an address and wants it — held until their quiet hours end;
 * one webhook notification per subscription that carries the member, when they want webhooks. Pure.
 */
export function channelsFor(
  recipient: Recipient,
  deployment: DeploymentChannels,
  at: Date,
): ChannelDecision[] {
  const preferences = recipient.preferences ?? DEFAULT_PREFERENCES;
  const decisions: ChannelDecision[] = [{ channel: 'inbox' }];
  if (deployment.email && recipient.hasEmail && preferences.email) {
    const until = quietUntil(preferences.quietHours, at);
    decisions.push({ channel: 'email', ...(until ? { notBefore: until.toISOString() } : {}) });
  }
  if (deployment.webhook && preferences.webhook) {
    for (const subscriptionId of recipient.webhookSubscriptions) {
      decisions.push({ channel: 'webhook', subscriptionId });
    }
  }
  return decisions;
}
