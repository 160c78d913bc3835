/**
 * Paris time, for the whole server: a CPTS lives on the Europe/Paris calendar. A date (`YYYY-MM-DD`) is a
 * Paris day; a timestamp belongs to the Paris day of its wall-clock time there; a delay in days lands on
 * the same Paris wall-clock time that many days later. Only the IANA rules bundled with Node are used
 * (no clock, no randomness), so projections that call these stay deterministic.
 *
 * `deadline` is the one deadline rule: the worklist, the pathway view's pending steps and the indicators
 * all call it, so a step is due at the same instant everywhere.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export function isDateOnly(value: string): boolean {
  return DATE_ONLY.test(value);
}

const PARIS_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Paris's offset from UTC at an instant, asked of the IANA rules bundled with Node (slow: a few µs). */
function offsetFromIntl(ms: number): number {
  const parts: Record<string, number> = {};
  for (const part of PARIS_PARTS.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wall - Math.floor(ms / 1000) * 1000;
}

/** One UTC year of Paris's offsets: the offset at its start, and each change within it (instant, new offset). */
interface OffsetYear {
  initial: number;
  changes: Array<{ at: number; offset: number }>;
}

/**
 * The table of Paris's offsets, one entry per UTC year, built the first time a year is asked for: the
 * offset sampled at each month's start, and each change found to the hour between two samples that differ
 * (clocks change on whole hours). Every conversion afterwards is a lookup: a rebuild converts millions of
 * times, and asking Intl each time would take most of it.
 */
const offsetYears = new Map<number, OffsetYear>();

function offsetYear(year: number): OffsetYear {
  let table = offsetYears.get(year);
  if (table) return table;
  const monthStart = (month: number) => Date.UTC(year, month, 1);
  const initial = offsetFromIntl(monthStart(0));
  const changes: OffsetYear['changes'] = [];
  let before = initial;
  for (let month = 1; month <= 12; month += 1) {
    const offset = offsetFromIntl(monthStart(month));
    if (offset === before) continue;
    // The change lies between the two month starts: find its hour.
    let low = Math.floor(monthStart(month - 1) / HOUR_MS);
    let high = Math.floor(monthStart(month) / HOUR_MS);
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (offsetFromIntl(middle * HOUR_MS) === before) low = middle;
      else high = middle;
    }
    changes.push({ at: high * HOUR_MS, offset: offsetFromIntl(high * HOUR_MS) });
    before = offset;
  }
  table = { initial, changes };
  offsetYears.set(year, table);
  return table;
}

/** Paris's offset from UTC at an instant, in ms (+1 h in winter, +2 h in summer). */
export function parisOffset(ms: number): number {
  const table = offsetYear(new Date(ms).getUTCFullYear());
  let offset = table.initial;
  for (const change of table.changes) {
    if (ms < change.at) break;
    offset = change.offset;
  }
  return offset;
}

/** The Paris wall-clock time of an instant, as if it were UTC (so that calendar arithmetic is plain). */
export function parisWallClock(ms: number): number {
  return ms + parisOffset(ms);
}

/**
 * The instant of a Paris wall-clock time (given as if it were UTC), with the "compatible" disambiguation
 * of the Temporal proposal: a time that happens twice (the autumn hour) is the earlier instant; a time
 * that does not exist (the spring hour) is read with the offset before the change, i.e. one hour later.
 */
export function fromParisWallClock(wall: number): number {
  const candidates = [wall - 2 * HOUR_MS, wall - HOUR_MS].filter((utc) => parisWallClock(utc) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - parisOffset(wall - DAY_MS);
}

/** A delay as the rules state it: hours are elapsed time, days are Paris calendar days. */
export type Delay = { hours: number } | { days: number };

/**
 * The one deadline rule (`from` an ISO timestamp or epoch ms): `{ hours }` adds elapsed time; `{ days }`
 * lands on the same Paris wall-clock time that many calendar days later (167 or 169 hours for a week
 * across a clock change). NaN when `from` is not a time.
 */
export function deadline(from: string | number, delay: Delay): number {
  const ms = typeof from === 'number' ? from : Date.parse(from);
  if (!Number.isFinite(ms)) return Number.NaN;
  if ('hours' in delay) return ms + delay.hours * HOUR_MS;
  return fromParisWallClock(parisWallClock(ms) + delay.days * DAY_MS);
}

/** `YYYY-MM-DD` of each day met, by day number: every date a rebuild writes is one of a few thousand. */
const dayNames = new Map<number, string>();

/** The Paris calendar date of an instant or a timestamp; a `YYYY-MM-DD` date is itself. */
export function parisDate(value: string | number): string {
  if (typeof value === 'string' && DATE_ONLY.test(value)) return value;
  const ms = typeof value === 'number' ? value : Date.parse(value);
  const day = Math.floor(parisWallClock(ms) / DAY_MS);
  let name = dayNames.get(day);
  if (name === undefined) {
    name = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dayNames.size >= 100_000) dayNames.clear();
    dayNames.set(day, name);
  }
  return name;
}

/** The Paris day of a business time, or null when the value is not a time at all. */
export function businessDay(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  if (DATE_ONLY.test(value)) return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : parisDate(ms);
}

/** Milliseconds of a timestamp; null for a date or anything else (dates are compared as days). */
export function instantOf(value: unknown): number | null {
  if (typeof value !== 'string' || DATE_ONLY.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** The instant a Paris day starts (its midnight, Paris time). */
export function parisDayStart(date: string): number {
  return fromParisWallClock(Date.parse(`${date}T00:00:00Z`));
}

/** The instant of a Paris wall-clock time on a day. */
export function parisInstant(date: string, hour: number, minute = 0, second = 0): number {
  return fromParisWallClock(Date.parse(`${date}T00:00:00Z`) + ((hour * 60 + minute) * 60 + second) * 1000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** ISO 8601 with the Paris offset of that instant: `2026-03-06T17:30:00+01:00`. */
export function parisTimestamp(ms: number): string {
  const wall = new Date(parisWallClock(ms)).toISOString();
  const offset = Math.round(parisOffset(ms) / 60_000);
  const millis = wall.slice(19, 23) === '.000' ? '' : wall.slice(19, 23);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${wall.slice(0, 19)}${millis}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** `14:30`, Paris time. */
export function parisClock(ms: number): string {
  return new Date(parisWallClock(ms)).toISOString().slice(11, 16);
}

/** `06/03`, as French summaries write a day. */
export function shortFrenchDate(value: string | number): string {
  const [, month, day] = parisDate(value).split('-');
  return `${day}/${month}`;
}

// ---- calendar dates --------------------------------------------------------------------------------

/** `YYYY-MM-DD` plus n calendar days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` plus n calendar months, the day clamped to the month (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 1 + months, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` plus whole years; 29 February becomes 28 February in a common year. */
export function addYears(date: string, years: number): string {
  return addMonths(date, years * 12);
}

/** Days from `from` (included) to `to` (excluded). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The calendar months of `[from, to)`, each clipped to the period. */
export function monthsOf(from: string, to: string): Array<{ from: string; to: string }> {
  const months: Array<{ from: string; to: string }> = [];
  let start = from;
  while (start < to) {
    const nextMonth = addMonths(`${start.slice(0, 7)}-01`, 1);
    const end = nextMonth < to ? nextMonth : to;
    months.push({ from: start, to: end });
    start = end;
  }
  return months;
}

/**
 * Whole months of age at a business time, on the Paris calendar: a child born on 20 May is a year older
 * from 00:00 on 20 May in Paris, which is still 19 May in UTC for an hour or two.
 */
export function ageInMonths(birthDate: string, at: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [ty, tm, td] = parisDate(at).split('-').map(Number);
  let months = (ty - by) * 12 + (tm - bm);
  if (td < bd) months -= 1;
  return months;
}
