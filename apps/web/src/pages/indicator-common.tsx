/**
 * What the indicators dashboard and its drill-down share: the names of the 26 indicators of
 * `indicators.md` in French and English, the API's shapes, periods (`[from, to)` of Paris dates) and how
 * a figure is written.
 */
import type { Lang } from '../i18n';
import { formatNumber, formatPercent } from '../format';
import { label } from '../labels';
import type { ExternalFigure } from './indicators-external';
import {
  BREAKDOWN_NAMES,
  INDICATOR_TEXT,
} from '../../../../libs/cross-capability/src/indicators/indicator-names';

export { INDICATOR_TEXT };

export interface Figure {
  code: string;
  mission: string | null;
  value: number | null;
  numerator?: number;
  denominator?: number;
  breakdown?: Record<string, number>;
}

export interface Figures {
  cptsId: string;
  from: string;
  to: string;
  asOf?: string;
  position: string;
  indicators: Figure[];
  /** The CPAM's yearly figures whose year overlaps the period (`indicators-external.tsx`). */
  external?: ExternalFigure[];
}

export interface Series {
  from: string;
  to: string;
  asOf?: string;
  months: Array<{ from: string; to: string; indicators: Figure[] }>;
}

export function indicatorName(lang: Lang, code: string): string {
  const entry = INDICATOR_TEXT[code];
  return entry ? entry[lang] : code;
}

export function indicatorDefinition(lang: Lang, code: string): string {
  const entry = INDICATOR_TEXT[code];
  if (!entry) return '';
  return lang === 'fr' ? entry.defFr : entry.defEn;
}

export const isRate = (figure: Figure): boolean => figure.denominator !== undefined;

/** The figure as people read it: a count, or a rate in %. */
export function formatFigure(figure: Figure, lang: Lang): string {
  if (figure.value === null) return '—';
  return isRate(figure) ? formatPercent(figure.value, lang) : formatNumber(figure.value, lang);
}

/** `172 / 201` for a rate; undefined for a count. */
export function formatRatio(figure: Figure, lang: Lang): string | undefined {
  if (!isRate(figure)) return undefined;
  return `${formatNumber(figure.numerator ?? 0, lang)} / ${formatNumber(figure.denominator ?? 0, lang)}`;
}

/** The labels of a breakdown's keys, by indicator. */
/** A breakdown's part by its label (a protocol's `code@version` stays as it is). */
export function breakdownLabel(lang: Lang, code: string, key: string): string {
  return BREAKDOWN_NAMES[code]?.[key]?.[lang] ?? key;
}

// ---- Periods: `[from, to)` of Paris calendar dates, as the API takes them ----

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `value` is a real calendar date `YYYY-MM-DD`. */
export function isDate(value: string | null | undefined): value is string {
  const match = value ? DATE.exec(value) : null;
  if (!match) return false;
  const [y, m, d] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === (m ?? 1) - 1 && date.getUTCDate() === d;
}

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y ?? 1970, m ?? 1, d ?? 1];
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  return iso(Date.UTC(y, m - 1, d + days));
}

/** + n months, the day clamped to the month's length. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return iso(Date.UTC(y, m - 1 + months, Math.min(d, lastDay)));
}

export function addYears(date: string, years: number): string {
  return addMonths(date, years * 12);
}

export const firstOfMonth = (date: string): string => `${date.slice(0, 7)}-01`;

/** Whole months between two firsts of a month. */
export function monthsBetween(from: string, to: string): number {
  const [fy, fm] = parts(from);
  const [ty, tm] = parts(to);
  return (ty - fy) * 12 + (tm - fm);
}

export function daysBetween(from: string, to: string): number {
  const [fy, fm, fd] = parts(from);
  const [ty, tm, td] = parts(to);
  return Math.round((Date.UTC(ty, tm - 1, td) - Date.UTC(fy, fm - 1, fd)) / 86_400_000);
}

/**
 * The period of the same length just before: as many whole months when the period is made of whole
 * months (12 months → the 12 months before), else as many days.
 */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  if (from.endsWith('-01') && to.endsWith('-01')) {
    return { from: addMonths(from, -monthsBetween(from, to)), to: from };
  }
  return { from: addDays(from, -daysBetween(from, to)), to: from };
}

/** Calendar months touched by `[from, to)` (what the series route returns). */
export function monthCount(from: string, to: string): number {
  return monthsBetween(firstOfMonth(from), firstOfMonth(addDays(to, -1))) + 1;
}

const locale = (lang: Lang) => (lang === 'fr' ? 'fr-FR' : 'en-GB');

/** `nov.` / `Nov` for a chart's axis. */
export function shortMonth(date: string, lang: Lang): string {
  const [y, m] = parts(date);
  return new Intl.DateTimeFormat(locale(lang), { month: 'short', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, 15)),
  );
}

/** `novembre 2025`, or `15–30 novembre 2025` for a partial month. */
export function monthTitle(from: string, to: string, lang: Lang): string {
  const [y, m, d] = parts(from);
  const name = new Intl.DateTimeFormat(locale(lang), {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, 15)));
  const last = parts(addDays(to, -1))[2];
  const monthEnd = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d === 1 && last === monthEnd ? name : `${d}–${last} ${name}`;
}

/** An event type's label (`eventType`, then the other types), else the type itself. */
export function eventTypeLabel(lang: Lang, type: string): string {
  const pathwayEvent = label(lang, 'eventType', type);
  return pathwayEvent !== type ? pathwayEvent : label(lang, 'otherEventType', type);
}
