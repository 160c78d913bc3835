import type { PathwayEvent } from '../pathways/pathway.events';
import type { NotificationKind } from './notification.events';

/** An event of the log, as the policy reads it. */
export interface SourceEvent {
  type: string;
  data: unknown;
  eventId: string;
  /** Who recorded it: they are not told of what they did themselves. */
  actorId: string;
}

/** What the policy needs to know beyond the event, read from the log as it stands. */
export interface NotificationContext {
  pathwayId?: string;
  patientId?: string;
  /** The patient's care circle today (médecin traitant and pharmacien correspondant included). */
  circle: readonly string[];
  /** Members the patient blocked: told nothing about the patient. */
  blocked: readonly string[];
  /** The pathway's referrals: who sent each, to whom. */
  referrals: Readonly<Record<string, { fromMemberId: string; toMemberId?: string }>>;
}

export interface NotificationIntent {
  recipientId: string;
  kind: NotificationKind;
}

/**
 * Which notifications an event calls for, and for whom: a discharge tells the GP and the pharmacist it
 * names and the patient's care circle; a referral its recipient; an answer to a referral (accepted,
 * declined, completed) its sender. Never the author of the event, never a member the patient blocked.
 * Pure: the same event and context give the same intents, in the same order.
 */
export function notificationsFor(event: SourceEvent, context: NotificationContext): NotificationIntent[] {
  const recipients: string[] = [];
  let kind: NotificationKind;
  const typed = event as unknown as PathwayEvent;
  switch (typed.type) {
    case 'DischargeNotified':
      kind = 'discharge';
      if (typed.data.gpMemberId) recipients.push(typed.data.gpMemberId);
      if (typed.data.pharmacistMemberId) recipients.push(typed.data.pharmacistMemberId);
      recipients.push(...context.circle);
      break;
    case 'PatientReferred':
      kind = 'referral';
      if (typed.data.to.memberId) recipients.push(typed.data.to.memberId);
      break;
    case 'ReferralAccepted':
    case 'ReferralDeclined':
    case 'ReferralCompleted': {
      kind = 'referral-answer';
      const sender = context.referrals[typed.data.referralId]?.fromMemberId;
      if (sender) recipients.push(sender);
      break;
    }
    default:
      return [];
  }
  const seen = new Set<string>();
  return recipients
    .filter((id) => {
      if (seen.has(id) || id === event.actorId || context.blocked.includes(id)) return false;
      seen.add(id);
      return true;
    })
    .map((recipientId) => ({ recipientId, kind }));
}

/** The event types the policy may act on: the reactor reads only these from the log. */
export const NOTIFYING_EVENT_TYPES = [
  'DischargeNotified',
  'PatientReferred',
  'ReferralAccepted',
  'ReferralDeclined',
  'ReferralCompleted',
] as const;
