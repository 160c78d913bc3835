import { stringify } from 'csv-stringify/sync';

/**
 * Figures and dates as a French reader (and French Excel) reads them. Thousands are separated by a
 * no-break space in print; spreadsheet cells carry bare numbers with a decimal comma, which French Excel
 * reads as numbers.
 */

const NBSP = '\u00a0';

/** 1234.5 → "1 234,5" (print); `grouped: false` → "1234,5" (a spreadsheet cell). */
export function frNumber(value: number, options: { decimals?: number; grouped?: boolean } = {}): string {
  const fixed = options.decimals === undefined ? String(value) : value.toFixed(options.decimals);
  const [whole, fraction] = fixed.split('.');
  const digits = options.grouped === false ? whole : whole.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  return fraction === undefined ? digits : `${digits},${fraction}`;
}

/** A share 0.875 → "87,5 %" (one decimal: the precision the figures are discussed at). */
export function frPercent(share: number): string {
  return `${frNumber(Math.round(share * 1000) / 10, { decimals: 1 })}${NBSP}%`;
}

/** 12345.6 → "12 345,60 €". */
export function frEuros(amount: number): string {
  return `${frNumber(amount, { decimals: 2 })}${NBSP}€`;
}

/** "2026-03-01" → "01/03/2026". */
export function frDate(date: string): string {
  const [y, m, d] = date.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

const PARIS = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/** An instant in Paris time: "06/12/2026 à 20:10". */
export function frDateTime(instant: string): string {
  const parts = Object.fromEntries(PARIS.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  return `${parts.day}/${parts.month}/${parts.year} à ${parts.hour}:${parts.minute}`;
}

/** A number for a French spreadsheet cell: decimal comma, no grouping; empty for none. */
export function cellNumber(value: number | null | undefined): string {
  return value === null || value === undefined ? '' : frNumber(value, { grouped: false });
}

/**
 * A CSV file French Excel opens as it should: `;` between cells (the comma is the decimal mark), a UTF-8
 * byte-order mark (without it Excel reads the accents as Windows-1252), CRLF line ends, a header row.
 */
export function frenchCsv(header: string[], rows: Array<Array<string | number | null | undefined>>): string {
  return stringify([header, ...rows.map((row) => row.map((cell) => (cell === null ? '' : cell)))], {
    delimiter: ';',
    bom: true,
    record_delimiter: 'windows',
    cast: { number: (value) => cellNumber(value) },
  });
}

/** The ISO dates inside a sentence (a financing line's basis) written dd/mm/yyyy. */
export function frDatesIn(sentence: string): string {
  return sentence.replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, '$3/$2/$1');
}
