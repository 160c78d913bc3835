import {
  parisDate,
  parisDayStart,
  parisInstant as parisWallClockInstant,
  parisTimestamp as withOffset,
} from '../shared/paris-time';

/**
 * Calendar arithmetic for the demo data, without the clock: dates are `YYYY-MM-DD` (a Paris calendar
 * day), instants are epoch milliseconds, and timestamps are written as Paris wall time with the offset of
 * that day (`2026-03-06T17:30:00+01:00`), as a coordinator's tool would send them.
 */

const DAY_MS = 24 * 60 * 60 * 1000;
export const HOUR_MS = 60 * 60 * 1000;
export const MINUTE_MS = 60 * 1000;

export type DateString = string;

/** Days since 1970-01-01 of a date. */
export function dayNumber(date: DateString): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

export function fromDayNumber(day: number): DateString {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: DateString, days: number): DateString {
  return fromDayNumber(dayNumber(date) + days);
}

export function daysBetween(from: DateString, to: DateString): number {
  return dayNumber(to) - dayNumber(from);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: DateString): number {
  return new Date(dayNumber(date) * DAY_MS).getUTCDay();
}

/** `date` plus whole years; 29 February becomes 28 February in a common year. */
export function addYears(date: DateString, years: number): DateString {
  const [y, m, d] = date.split('-').map(Number);
  const lastDay = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  return `${String(y + years).padStart(4, '0')}-${pad(m)}-${pad(Math.min(d, lastDay))}`;
}

export function minDate(a: DateString, b: DateString): DateString {
  return a < b ? a : b;
}

export function maxDate(a: DateString, b: DateString): DateString {
  return a > b ? a : b;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * The instant of a Paris wall time on a date. The demo only uses times between 06:00 and 23:59, so the
 * night of a summer-time change (02:00–03:00) never arises.
 */
export function parisInstant(date: DateString, hour: number, minute = 0): number {
  if (hour < 6 || hour > 23) throw new RangeError(`demo times stay between 06:00 and 23:59 (got ${hour}h)`);
  return parisWallClockInstant(date, hour, minute);
}

/** An instant as an ISO 8601 timestamp in Paris wall time with its offset, to the minute. */
export function parisTimestamp(ms: number): string {
  return withOffset(Math.floor(ms / MINUTE_MS) * MINUTE_MS);
}

/** The Paris calendar date of an instant. */
export function parisDay(ms: number): DateString {
  return parisDate(ms);
}

/** The first instant after the Paris day `date` (events at or after it lie beyond that day). */
export function endOfParisDay(date: DateString): number {
  return parisDayStart(addDays(date, 1));
}

/** The last day of the month before `now`'s month, in Paris: the default end of the demo's year. */
export function lastDayOfPreviousMonth(now: Date): DateString {
  const today = parisDate(now.getTime());
  return addDays(`${today.slice(0, 7)}-01`, -1);
}

/** Today's Paris date (only to refuse an `until` that has not ended yet; never used for data). */
export function parisToday(now: Date): DateString {
  return parisDate(now.getTime());
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date `YYYY-MM-DD`. */
export function isCalendarDate(value: string): boolean {
  return DATE_ONLY.test(value) && fromDayNumber(dayNumber(value)) === value;
}
