import { broken } from './errors';
import { addYears, isDateOnly, parisDate } from './paris-time';

// Kept reachable from here for the callers that read the Paris date with the time rules.
export { parisDate } from './paris-time';

/** Business time may run ahead of the server clock by this much (clock skew between devices). */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

/** Milliseconds of an ISO 8601 timestamp or a `YYYY-MM-DD` date (midnight UTC for a date). */
export function instant(value: string): number {
  return Date.parse(value);
}

/**
 * Orders two business times. A calendar date means a Paris day: against a timestamp, the timestamp's
 * Paris date is what counts (a date is not "midnight UTC").
 */
export function compareBusinessTimes(a: string, b: string): number {
  if (isDateOnly(a) || isDateOnly(b)) {
    const [da, db] = [parisDate(a), parisDate(b)];
    return da < db ? -1 : da > db ? 1 : 0;
  }
  return instant(a) - instant(b);
}

/** Business time may not lie more than 5 minutes in the future (`docs/rules.md`); today is never the future. */
export function notInFuture(value: string, now: Date, path: string): void {
  const horizon = new Date(now.getTime() + FUTURE_TOLERANCE_MS).toISOString();
  if (compareBusinessTimes(value, horizon) > 0) {
    throw broken(
      'business-time-in-future',
      `La date ${value} est dans le futur.`,
      `The time ${value} lies in the future.`,
      path,
    );
  }
}

/** Business time may not lie before a reference (the patient's birth, the stream's opening…). */
export function notBefore(
  value: string,
  earliest: string,
  what: { fr: string; en: string },
  path: string,
): void {
  if (compareBusinessTimes(value, earliest) < 0) {
    throw broken(
      'business-time-too-early',
      `La date ${value} est antérieure ${what.fr} (${earliest}).`,
      `The time ${value} is before ${what.en} (${earliest}).`,
      path,
    );
  }
}

/** Both checks of a business time in one call. */
export function checkBusinessTime(
  value: string,
  now: Date,
  path: string,
  earliest?: { at: string; fr: string; en: string },
): void {
  notInFuture(value, now, path);
  if (earliest) notBefore(value, earliest.at, earliest, path);
}

/**
 * A planned time (a discharge notified ahead, an appointment, a review) may lie in the future, but not
 * more than a year ahead: further than that it is a mistyped year, and it would sit in the worklist.
 */
export function plannedWithinAYear(value: string, now: Date, path: string): void {
  const limit = addYears(parisDate(now.getTime()), 1);
  if (parisDate(value) > limit) {
    throw broken(
      'planned-time-too-far',
      `La date prévue ${value} est à plus d’un an (au plus le ${limit}).`,
      `The planned time ${value} is more than a year ahead (${limit} at the latest).`,
      path,
    );
  }
}
