import type { ExternalFigure } from './external-figures';
import type { IndicatorFigure } from './indicators.reader';

/** One RFC 4180 field: quoted when it holds a comma, a quote or a line break; quotes doubled. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, CRLF-terminated as RFC 4180 says. */
export function csvRecord(fields: Array<string | number | null | undefined>): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

export const INDICATOR_CSV_HEADER = [
  'from',
  'to',
  'code',
  'mission',
  'value',
  'numerator',
  'denominator',
  'breakdown',
] as const;

/**
 * The indicator series as CSV: a header, then one record per period × indicator, periods in order and
 * indicators in catalogue order. `breakdown` is the breakdown object as compact JSON (empty without one).
 * The CPAM's yearly figures follow, one record per figure over its year, marked external in `breakdown`.
 */
export function indicatorsCsv(
  series: Array<{ from: string; to: string; figures: IndicatorFigure[] }>,
  external: ExternalFigure[] = [],
): string {
  let csv = csvRecord([...INDICATOR_CSV_HEADER]);
  for (const { from, to, figures } of series) {
    for (const figure of figures) {
      csv += csvRecord([
        from,
        to,
        figure.code,
        figure.mission,
        figure.value,
        figure.numerator,
        figure.denominator,
        figure.breakdown ? JSON.stringify(figure.breakdown) : null,
      ]);
    }
  }
  for (const figure of external) {
    const marker = JSON.stringify({ external: true, source: figure.source });
    csv += csvRecord([figure.from, figure.to, figure.code, figure.mission, figure.value, null, null, marker]);
  }
  return csv;
}
