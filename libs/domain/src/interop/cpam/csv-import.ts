import { ImportRefused, located } from '../shared/import-errors';
import type { ImportContext, Importer, ImportSession } from '../shared/importer';
import type { CsvEncoding, CsvSeparator } from './csv-input';

/** A row of a CPAM file that was not imported, and why (each reason names the column or the rule). */
export interface RejectedRow {
  line: number;
  reasons: string[];
}

/** What an import of a CPAM file did — or, when a row was rejected, would have done: nothing then. */
export interface CsvImportReport {
  format: 'cpam-mt-list' | 'cpam-indicators';
  encoding: CsvEncoding;
  separator: CsvSeparator;
  /** Data rows read (the header excluded). */
  rows: number;
  /** Whether the file was recorded: false whenever a row is rejected (nothing half-imported). */
  imported: boolean;
  /** Rows that record something new. */
  recorded: number;
  /** Rows already known (imported before, or already in Parcours): nothing to record. */
  unchanged: number;
  rejected: RejectedRow[];
  /** Per format: patients registered, searches registered… */
  counts: Record<string, number>;
  /** The global position of the last event appended, for `consistentWith`. */
  position?: string;
}

/** A file with a rejected row: the report says which and why, and nothing was recorded. */
export class CsvRowsRejected extends Error {
  constructor(readonly report: CsvImportReport) {
    super(
      `${report.rejected.length} row(s) rejected, nothing imported: ` +
        report.rejected.map((row) => `line ${row.line}: ${row.reasons.join('; ')}`).join(' | '),
    );
    this.name = 'CsvRowsRejected';
  }

  toProblem(language: 'fr' | 'en') {
    const count = this.report.rejected.length;
    return {
      type: 'https://parcours.example/problems/import-rows-rejected',
      title: 'Unprocessable Content',
      status: 422,
      detail:
        language === 'fr'
          ? `${count} ligne(s) refusée(s) : rien n’a été importé. Corrigez-les et importez le fichier à nouveau.`
          : `${count} row(s) rejected: nothing was imported. Fix them and import the file again.`,
      errors: this.report.rejected.flatMap((row) =>
        row.reasons.map((message) => ({ path: `line ${row.line}`, message })),
      ),
      report: this.report,
    };
  }
}

/** Progress of an import, for a progress bar: rows decided, then streams written. */
export interface ImportProgress {
  phase: 'decide' | 'write';
  done: number;
  total: number;
}

/** `O`, `oui`, `1`, `true`, `x` → true; empty, `N`, `non`, `0`, `false` → false; anything else null. */
export function yesNo(value: string): boolean | null {
  const text = value.trim().toLowerCase();
  if (['o', 'oui', 'y', 'yes', '1', 'true', 'vrai', 'x'].includes(text)) return true;
  if (['', 'n', 'non', 'no', '0', 'false', 'faux'].includes(text)) return false;
  return null;
}

/** `31/12/1948` or `1948-12-31` → `1948-12-31`, a real day; null otherwise. */
export function csvDate(value: string): string | null {
  const text = value.trim();
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const [y, m, d] = french
    ? [Number(french[3]), Number(french[2]), Number(french[1])]
    : iso
      ? [Number(iso[1]), Number(iso[2]), Number(iso[3])]
      : [NaN, NaN, NaN];
  if (!Number.isInteger(y)) return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  if (y < 1900 || y > 2200) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export interface CsvImportOptions {
  encoding?: CsvEncoding;
  separator?: CsvSeparator;
  /** The language of the rejection reasons (French by default). */
  language?: 'fr' | 'en';
  onProgress?: (progress: ImportProgress) => void;
}

/**
 * Decides every row read — each through `decide`, which records it (true), finds it known already
 * (false), or throws the rule it breaks — and commits only when no row was rejected: the report then
 * says what was recorded; otherwise `CsvRowsRejected` says which rows, and nothing is written.
 */
export async function importRows<R extends { line: number }>(
  importer: Importer,
  context: ImportContext,
  read: { report: CsvImportReport; rows: R[] },
  options: CsvImportOptions,
  decide: (session: ImportSession, row: R, counts: Record<string, number>) => Promise<boolean>,
): Promise<CsvImportReport> {
  const language = options.language ?? 'fr';
  const { rows } = read;
  const commit = await importer.run(
    context,
    async (session) => {
      const attempt: CsvImportReport = {
        ...read.report,
        rejected: [...read.report.rejected],
        counts: { ...read.report.counts },
      };
      for (const [index, row] of rows.entries()) {
        try {
          if (await decide(session, row, attempt.counts)) attempt.recorded += 1;
          else attempt.unchanged += 1;
        } catch (error) {
          const refusal = located(`line ${row.line}`, error);
          if (!(refusal instanceof ImportRefused)) throw error;
          attempt.rejected.push({
            line: row.line,
            reasons: [`${refusal.rule}: ${refusal.messages[language]}`],
          });
        }
        options.onProgress?.({ phase: 'decide', done: index + 1, total: rows.length });
      }
      if (attempt.rejected.length > 0) {
        attempt.rejected.sort((a, b) => a.line - b.line);
        throw new CsvRowsRejected(attempt);
      }
      return attempt;
    },
    { onWrite: (done, total) => options.onProgress?.({ phase: 'write', done, total }) },
  );
  return {
    ...commit.result,
    imported: true,
    ...(commit.position === undefined ? {} : { position: commit.position.toString() }),
  };
}
