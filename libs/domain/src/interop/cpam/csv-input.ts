import { CsvError, parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { ImportInputError } from '../shared/import-errors';

/**
 * The CSV files the CPAM sends, read as they come: UTF-8 or Latin-1 (Windows-1252, what a spreadsheet
 * saves on Windows), `;` or `,` between fields. The parsing is csv-parse's (quotes, quoted separators and
 * line breaks, CRLF); the encoding is decoded by iconv-lite.
 */

export type CsvEncoding = 'utf-8' | 'latin1';
export type CsvSeparator = ';' | ',';

export interface CsvRecord {
  /** The line of the file the record ends on (1 is the header; a quoted line break makes a record span two). */
  line: number;
  /** Field values by normalised column name. */
  fields: Record<string, string>;
}

export interface CsvTable {
  encoding: CsvEncoding;
  separator: CsvSeparator;
  /** The normalised names of the header's columns, in order. */
  columns: string[];
  records: CsvRecord[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), Windows-1252 otherwise. */
export function decodeCsv(bytes: Buffer, encoding?: CsvEncoding): { text: string; encoding: CsvEncoding } {
  if (encoding === 'latin1') return { text: iconv.decode(bytes, 'win1252'), encoding };
  try {
    const text = utf8.decode(bytes);
    return { text: text.startsWith('\ufeff') ? text.slice(1) : text, encoding: 'utf-8' };
  } catch {
    if (encoding === 'utf-8') {
      throw new ImportInputError([{ at: 'file', message: 'the file is not valid UTF-8' }]);
    }
    return { text: iconv.decode(bytes, 'win1252'), encoding: 'latin1' };
  }
}

/** Little words a column name may have or not (`Date de naissance`, `Date naissance`). */
const LITTLE_WORDS = new Set(['de', 'du', 'des', 'la', 'le', 'l', 'd']);

/**
 * `Date de naissance` → `date_naissance`: lower case, no accents, the little words left out, the others
 * joined by `_`.
 */
export function normalizeColumn(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '' && !LITTLE_WORDS.has(word))
    .join('_');
}

/** The separator the header line uses most: `;` (French spreadsheets) or `,`. */
export function detectSeparator(text: string): CsvSeparator {
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  const count = (character: string) => header.split(character).length - 1;
  return count(',') > count(';') ? ',' : ';';
}

/** The largest file read (a CPAM list of a CPTS is a few thousand lines). */
export const CSV_MAX_BYTES = 5 * 1024 * 1024;

/**
 * Reads a whole CSV file with a header line: every record with its line number, fields by normalised
 * column name. A file that cannot be read as CSV (an unclosed quote, a line with more fields than the
 * header) is refused whole, naming the line.
 */
export function readCsv(
  bytes: Buffer,
  options: { encoding?: CsvEncoding; separator?: CsvSeparator } = {},
): CsvTable {
  if (bytes.length > CSV_MAX_BYTES) {
    throw new ImportInputError([{ at: 'file', message: `the file is larger than ${CSV_MAX_BYTES} bytes` }]);
  }
  const { text, encoding } = decodeCsv(bytes, options.encoding);
  const separator = options.separator ?? detectSeparator(text);
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(text, {
      delimiter: separator,
      info: true,
      relax_column_count_less: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      throw new ImportInputError([
        {
          at: line === undefined ? 'file' : `line ${line}`,
          message: `not readable as CSV: ${error.message}`,
        },
      ]);
    }
    throw error;
  }
  const [header, ...body] = rows;
  if (!header) throw new ImportInputError([{ at: 'file', message: 'the file is empty' }]);
  const columns = header.record.map(normalizeColumn);
  const records = body.map(({ record, info }) => ({
    line: info.lines,
    fields: Object.fromEntries(columns.map((column, index) => [column, record[index] ?? ''])),
  }));
  return { encoding, separator, columns, records };
}

/**
 * The header's column for each of a file's columns (the first of its accepted names the header has), and
 * a 400 naming each required column the header lacks, with the names it may have.
 */
export function findColumns<C extends string>(
  table: CsvTable,
  spec: Record<C, readonly string[]>,
  required: readonly C[],
): Partial<Record<C, string>> {
  const columns: Partial<Record<C, string>> = {};
  for (const column of Object.keys(spec) as C[]) {
    const found = spec[column].find((alias) => table.columns.includes(alias));
    if (found !== undefined) columns[column] = found;
  }
  const missing = required.filter((column) => columns[column] === undefined);
  if (missing.length > 0) {
    throw new ImportInputError(
      missing.map((column) => ({
        at: 'header',
        message: `a column ${column} is required (named one of: ${spec[column].join(', ')})`,
      })),
    );
  }
  return columns;
}
