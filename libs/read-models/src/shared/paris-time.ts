/**
 * Due dates are French civil time: "7 days after a discharge at 10:00" is 10:00 on the seventh day in
 * Paris, even across a daylight-saving change (a 167 or 169 h span), whereas "48 h" is an elapsed
 * duration. These helpers only use the IANA zone rules bundled with Node (no clock, no randomness), so a
 * projection that calls them stays deterministic.
 */

const HOUR_MS = 3_600_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const PARIS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

function parisLocal(ms: number): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of PARIS.formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
    millisecond: ((ms % 1000) + 1000) % 1000,
  };
}

/** Paris's offset from UTC at an instant, in milliseconds (+1 h in winter, +2 h in summer). */
function parisOffsetMs(ms: number): number {
  const local = parisLocal(ms);
  const asUtc = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
    local.millisecond,
  );
  return asUtc - ms;
}

/**
 * The instant of a Paris wall-clock time. A time that does not exist (the hour skipped in March) moves
 * forward by the gap; one that exists twice (the hour repeated in October) is the later one.
 */
function fromParisLocal(local: LocalTime): number {
  const guess = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour,
    local.minute,
    local.second,
    local.millisecond,
  );
  const first = guess - parisOffsetMs(guess);
  return guess - parisOffsetMs(first);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** ISO 8601 with the Paris offset of that instant: `2026-03-06T17:30:00+01:00`. */
export function parisTimestamp(ms: number): string {
  const local = parisLocal(ms);
  const offset = Math.round(parisOffsetMs(ms) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const millis = local.millisecond === 0 ? '' : `.${pad(local.millisecond, 3)}`;
  return (
    `${local.year}-${pad(local.month)}-${pad(local.day)}T${pad(local.hour)}:${pad(local.minute)}:` +
    `${pad(local.second)}${millis}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

export function addHours(ms: number, hours: number): number {
  return ms + hours * HOUR_MS;
}

/** The same Paris wall-clock time `days` calendar days later. */
export function addParisDays(ms: number, days: number): number {
  const local = parisLocal(ms);
  const shifted = new Date(Date.UTC(local.year, local.month - 1, local.day + days));
  return fromParisLocal({
    ...local,
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
  });
}

/** `YYYY-MM-DD` plus calendar days. */
export function addDaysToDate(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** The instant a Paris calendar day starts (midnight, Paris time). */
export function parisDayStart(date: string): number {
  const [year, month, day] = date.split('-').map(Number);
  return fromParisLocal({ year, month, day, hour: 0, minute: 0, second: 0, millisecond: 0 });
}

/** The Paris calendar date of an instant or of a timestamp; a `YYYY-MM-DD` date is itself. */
export function parisDateOf(value: string | number): string {
  if (typeof value === 'string' && DATE_ONLY.test(value)) return value;
  const local = parisLocal(typeof value === 'number' ? value : Date.parse(value));
  return `${local.year}-${pad(local.month)}-${pad(local.day)}`;
}

/** `06/03`, as French summaries write a day. */
export function shortFrenchDate(value: string | number): string {
  const [, month, day] = parisDateOf(value).split('-');
  return `${day}/${month}`;
}

/** `14:30`, Paris time. */
export function frenchTime(ms: number): string {
  const local = parisLocal(ms);
  return `${pad(local.hour)}:${pad(local.minute)}`;
}
