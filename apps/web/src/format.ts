/**
 * Times as the CPTS lives them: in Europe/Paris, whatever the browser's own zone. Inputs of type
 * `datetime-local` give a Paris wall-clock time that becomes an ISO 8601 time with its Paris offset
 * (`2026-03-05T11:00:00+01:00`), the form the API's business times take.
 */
import type { Lang } from './i18n';

const ZONE = 'Europe/Paris';
const offsetFormat = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, timeZoneName: 'longOffset' });

/** Paris's offset from UTC at an instant, in minutes (60 or 120). */
export function parisOffsetMinutes(utcMs: number): number {
  const name =
    offsetFormat.formatToParts(new Date(utcMs)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

const pad = (n: number) => String(n).padStart(2, '0');

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** `2026-03-05T11:00` (Paris wall clock) → `2026-03-05T11:00:00+01:00`; null when not a time. */
export function parisIso(local: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match) return null;
  const [y, mo, d, h, mi] = match.slice(1).map(Number);
  const asUtc = Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi);
  // The offset at the instant itself; two passes settle the days the clocks change.
  let offset = parisOffsetMinutes(asUtc - 60 * 60_000);
  offset = parisOffsetMinutes(asUtc - offset * 60_000);
  return `${local}:00${offsetText(offset)}`;
}

/** An instant as a Paris `datetime-local` value (`2026-03-05T11:00`). */
export function parisLocal(instant: Date | string | number = Date.now()): string {
  const ms = new Date(instant).getTime();
  const shifted = new Date(ms + parisOffsetMinutes(ms) * 60_000);
  return `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}T${pad(shifted.getUTCHours())}:${pad(shifted.getUTCMinutes())}`;
}

/** Today in Paris, `YYYY-MM-DD`. */
export function parisToday(): string {
  return parisLocal().slice(0, 10);
}

const locale = (lang: Lang) => (lang === 'fr' ? 'fr-FR' : 'en-GB');

export function formatDateTime(value: string | undefined | null, lang: Lang): string {
  if (!value) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value, lang);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale(lang), {
    timeZone: ZONE,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(date);
}

export function formatDate(value: string | undefined | null, lang: Lang): string {
  if (!value) return '—';
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!day) return value;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value);
  return new Intl.DateTimeFormat(locale(lang), { timeZone: ZONE, dateStyle: 'medium' }).format(date);
}

export function formatNumber(value: number, lang: Lang, digits = 0): string {
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: digits }).format(value);
}

export function formatPercent(value: number | null | undefined, lang: Lang): string {
  if (value === null || value === undefined) return '—';
  return new Intl.NumberFormat(locale(lang), { style: 'percent', maximumFractionDigits: 1 }).format(value);
}

export function formatEuros(value: number, lang: Lang): string {
  return new Intl.NumberFormat(locale(lang), { style: 'currency', currency: 'EUR' }).format(value);
}

/** First 8 characters of an id, for display where the full uuid is noise. */
export const shortId = (id: string): string => id.slice(0, 8);
