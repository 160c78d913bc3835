/**
 * Indicators live in Europe/Paris calendar days (`indicators.md`, Periods and time). Dates (`YYYY-MM-DD`)
 * already are Paris days; timestamps are turned into the Paris day they fall on.
 */

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function isDateOnly(value: string): boolean {
  return DATE_ONLY.test(value);
}

/**
 * The Paris day of a business time (a date is its own day); null when it is not a time at all. Same
 * result as the domain's `parisDate`.
 */
export function businessDay(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  if (isDateOnly(value)) return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(parisWallClock(ms)).toISOString().slice(0, 10);
}

/** Milliseconds of a timestamp; null for a date or anything else (dates are compared as days). */
export function instantOf(value: unknown): number | null {
  if (typeof value !== 'string' || isDateOnly(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** `YYYY-MM-DD` + n calendar days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` + n calendar months, the day clamped to the month's length (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 1 + months, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

const parisParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/**
 * Offsets of Paris from UTC (+1 h in winter, +2 h in summer), per UTC hour: the clocks change on whole
 * hours, and asking Intl for each of a million timestamps during a rebuild would take most of its time.
 */
const offsets = new Map<number, number>();

/** Offset of Paris from UTC at an instant, in ms (from the time-zone database, through Intl). */
function parisOffset(ms: number): number {
  const hour = Math.floor(ms / HOUR_MS);
  let offset = offsets.get(hour);
  if (offset === undefined) {
    const start = hour * HOUR_MS;
    const parts: Record<string, number> = {};
    for (const part of parisParts.formatToParts(new Date(start))) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    offset = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - start;
    if (offsets.size >= 100_000) offsets.clear();
    offsets.set(hour, offset);
  }
  return offset;
}

/** Paris wall-clock time of an instant, read as if it were UTC (so that calendar arithmetic is plain). */
function parisWallClock(ms: number): number {
  return ms + parisOffset(ms);
}

/**
 * The same Paris wall-clock time `days` calendar days later: "within 7 days" of a Friday 17:30 discharge
 * runs to the next Friday 17:30 in Paris, whether or not the clocks changed in between (so such a week
 * is 167 or 169 hours long around the last Sundays of March and October). On the autumn day whose
 * 02:00–03:00 happens twice, the offset of the starting instant decides (else the first occurrence); a
 * wall-clock time that does not exist (the spring-forward hour) maps to the instant one hour later.
 */
export function addParisDays(ms: number, days: number): number {
  const target = parisWallClock(ms) + days * DAY_MS;
  const candidates = [target - HOUR_MS, target - 2 * HOUR_MS].filter((utc) => parisWallClock(utc) === target);
  if (candidates.length === 0) return target - HOUR_MS;
  return candidates.find((utc) => parisOffset(utc) === parisOffset(ms)) ?? Math.min(...candidates);
}

/** The calendar months of `[from, to)`, each clipped to the period: `[from, first of next month)`, … */
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
