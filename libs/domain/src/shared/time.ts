import { broken } from './errors';

/** Business time may run ahead of the server clock by this much (clock skew between devices). */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

/** Milliseconds of an ISO 8601 timestamp or a `YYYY-MM-DD` date (midnight UTC for a date). */
export function instant(value: string): number {
  return Date.parse(value);
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Orders two business times. A calendar date means a Paris day: against a timestamp, the timestamp's
 * Paris date is what counts (a date is not "midnight UTC").
 */
export function compareBusinessTimes(a: string, b: string): number {
  if (DATE_ONLY.test(a) || DATE_ONLY.test(b)) {
    const [da, db] = [DATE_ONLY.test(a) ? a : parisDate(a), DATE_ONLY.test(b) ? b : parisDate(b)];
    return da < db ? -1 : da > db ? 1 : 0;
  }
  return instant(a) - instant(b);
}

/** Business time may not lie more than 5 minutes in the future (`events.md`, rules); today is never the future. */
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

/** The Paris-local calendar date of an instant, `YYYY-MM-DD`. */
/** One formatter for every call: building an Intl formatter costs far more than using one. */
const PARIS_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

export function parisDate(value: string | number): string {
  return PARIS_DATE.format(new Date(typeof value === 'string' ? instant(value) : value));
}

/** Whole months between a birth date and an instant (eligibility ages are in months). */
export function ageInMonths(birthDate: string, at: string): number {
  const birth = new Date(instant(birthDate));
  const then = new Date(instant(at));
  let months =
    (then.getUTCFullYear() - birth.getUTCFullYear()) * 12 + (then.getUTCMonth() - birth.getUTCMonth());
  if (then.getUTCDate() < birth.getUTCDate()) months -= 1;
  return months;
}
