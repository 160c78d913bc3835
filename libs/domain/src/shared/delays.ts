import { addDays, deadline, type Delay, parisDayStart, parisTimestamp } from './paris-time';

/**
 * The delays of the worklist and the indicators (`docs/rules.md`, Deadlines), each given once. Hours are
 * elapsed time, days Paris calendar days; `deadline` (the one deadline function) turns them into instants.
 */
export const DELAYS = {
  /** A discharge's medication reconciliation: `dischargeAt` + 48 h. */
  medicationReconciliation: { hours: 48 },
  /** A discharge's follow-up: `dischargeAt` + 7 days. */
  followUp: { days: 7 },
  /** A discharge notified ahead: `notifiedAt` ≤ `dischargeAt` − 24 h. */
  dischargeNotice: { hours: -24 },
  /** An answer to a referral, by urgency. */
  referral: {
    'jour-meme': { hours: 12 },
    '24h': { hours: 24 },
    programmee: { days: 14 },
  },
  /** An unscheduled-care request oriented: `receivedAt` + 24 h. */
  orientation: { hours: 24 },
  /** A médecin-traitant search: `registeredOn` + 30 days. */
  medecinTraitantSearch: { days: 30 },
} as const satisfies Record<string, Delay | Record<string, Delay>>;

/** When a step is due: a timestamp with the Paris offset, or a `YYYY-MM-DD` day; overdue from `overdueFromMs`. */
export interface Due {
  dueAt: string;
  overdueFromMs: number;
}

/** Due at an instant: overdue once it has passed. */
function dueAtInstant(ms: number): Due | null {
  if (!Number.isFinite(ms)) return null;
  return { dueAt: parisTimestamp(ms), overdueFromMs: ms + 1 };
}

/** Due on a Paris day: overdue from the start of the next day. */
function dueOnDay(date: string): Due | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return null;
  const overdueFromMs = parisDayStart(addDays(date, 1));
  return Number.isFinite(overdueFromMs) ? { dueAt: date, overdueFromMs } : null;
}

/** `dischargeAt` + 48 h (elapsed). */
export const pharmacistDue = (dischargeAt: string) =>
  dueAtInstant(deadline(dischargeAt, DELAYS.medicationReconciliation));

/** `dischargeAt` + 7 calendar days, same Paris wall-clock time. */
export const followUpDue = (dischargeAt: string) => dueAtInstant(deadline(dischargeAt, DELAYS.followUp));

/** `referredAt` + 12 h (jour-meme), 24 h (24h), 14 calendar days (programmee). */
export function referralDue(referredAt: string, urgency: string): Due | null {
  const delay = DELAYS.referral[urgency as keyof typeof DELAYS.referral];
  return delay === undefined ? null : dueAtInstant(deadline(referredAt, delay));
}

/** `receivedAt` + 24 h (elapsed). */
export const orientationDue = (receivedAt: string) => dueAtInstant(deadline(receivedAt, DELAYS.orientation));

/** `reviewOn`, the day itself. */
export const reviewDue = (reviewOn: string) => dueOnDay(reviewOn);

/** `registeredOn` + 30 days: due on that Paris day. */
export const medecinTraitantDue = (registeredOn: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(registeredOn)
    ? dueOnDay(addDays(registeredOn, DELAYS.medecinTraitantSearch.days))
    : null;
