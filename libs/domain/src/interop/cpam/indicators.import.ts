import { Injectable } from '@nestjs/common';
import type { RecordExternalIndicator } from '../../cpts/cpts.commands';
import { cptsEvolver } from '../../cpts/cpts.decider';
import { ExternalIndicatorDto } from '../../cpts/cpts.dto';
import { CptsCommandMessage } from '../../cpts/cpts.handler';
import { externalIndicator } from '../../cpts/external-indicators';
import { streamId } from '../../shared/ids';
import { checkShape } from '../shared/import-errors';
import { type ImportContext, Importer, type ImportSession } from '../shared/importer';
import { type CsvImportOptions, type CsvImportReport, importRows, type RejectedRow } from './csv-import';
import { findColumns, readCsv } from './csv-input';

/** The columns of the CPAM's yearly figures, by the names accepted for each (see `docs/cpam-imports.md`). */
export const INDICATOR_COLUMNS = {
  code: ['code', 'indicateur', 'code_indicateur'],
  annee: ['annee', 'periode', 'period', 'year'],
  valeur: ['valeur', 'value'],
  source: ['source'],
} as const;
type Column = keyof typeof INDICATOR_COLUMNS;

interface FigureRow {
  line: number;
  code: string;
  period: string;
  value: number;
  source: string;
}

/**
 * `0.87`, `0,87` (a French decimal comma), and for a share `87 %` → 0.87. Null when it is not a number.
 */
export function figureValue(text: string, unit: 'share' | 'per-1000' | undefined): number | null {
  const trimmed = text.trim().replace(/\s+/g, '');
  const percent = trimmed.endsWith('%');
  const number = Number((percent ? trimmed.slice(0, -1) : trimmed).replace(',', '.'));
  if (trimmed === '' || !Number.isFinite(number) || (percent && unit !== 'share')) return null;
  return percent ? Math.round(number * 1e6) / 1e8 : number;
}

/**
 * `import-indicators`: the CPAM's yearly figures of the accès-aux-soins mission, one per row, each as
 * `RecordExternalIndicator` on the CPTS's stream (the same command and rules as `POST …/external-indicators`).
 * A figure already recorded with the same value is left as it is; a different value for a code and year
 * that has one is rejected (correct it instead). Any rejected row, and nothing is recorded.
 */
@Injectable()
export class CpamIndicatorsImport {
  constructor(private readonly importer: Importer) {}

  async import(
    context: ImportContext,
    bytes: Buffer,
    options: CsvImportOptions & { source?: string } = {},
  ): Promise<CsvImportReport> {
    const table = readCsv(bytes, options);
    const columns = findColumns<Column>(table, INDICATOR_COLUMNS, ['code', 'annee', 'valeur']);
    const fr = (options.language ?? 'fr') === 'fr';
    const rejected: RejectedRow[] = [];
    const rows: FigureRow[] = [];
    for (const { line, fields } of table.records) {
      const field = (column: Column) => (columns[column] === undefined ? '' : fields[columns[column]].trim());
      const code = field('code');
      const indicator = externalIndicator(code);
      const value = figureValue(field('valeur'), indicator?.unit);
      const source = field('source') || options.source || 'CPAM';
      const reasons: string[] = [];
      if (!indicator)
        reasons.push(`${columns.code}: ${fr ? 'code inconnu' : 'unknown code'} ${JSON.stringify(code)}`);
      if (value === null) reasons.push(`${columns.valeur}: ${fr ? 'pas un nombre' : 'not a number'}`);
      if (reasons.length > 0) rejected.push({ line, reasons });
      else rows.push({ line, code, period: field('annee'), value: value!, source });
    }
    const report: CsvImportReport = {
      format: 'cpam-indicators',
      encoding: table.encoding,
      separator: table.separator,
      rows: table.records.length,
      imported: false,
      recorded: 0,
      unchanged: 0,
      rejected,
      counts: { figuresRecorded: 0, figuresKnown: 0 },
    };
    return importRows(this.importer, context, { report, rows }, options, (session, row, counts) =>
      this.importRow(session, row, counts),
    );
  }

  private async importRow(
    session: ImportSession,
    row: FigureRow,
    counts: Record<string, number>,
  ): Promise<boolean> {
    const { cptsId } = session.context;
    const state = await session.state(streamId('cpts', cptsId), cptsEvolver);
    const same =
      state.exists &&
      Object.values(state.externalIndicators).some(
        (figure) => figure.code === row.code && figure.period === row.period && figure.value === row.value,
      );
    if (same) {
      counts.figuresKnown += 1;
      return false;
    }
    const command: RecordExternalIndicator = {
      type: 'RecordExternalIndicator',
      data: { code: row.code, period: row.period, value: row.value, source: row.source },
    };
    checkShape(ExternalIndicatorDto, command.data, `line ${row.line}`);
    const key = `cpam-indicator\n${row.code}\n${row.period}`;
    const outcome = await session.execute(new CptsCommandMessage(session.meta(key), command));
    if (outcome.replayed) {
      counts.figuresKnown += 1;
      return false;
    }
    counts.figuresRecorded += 1;
    return true;
  }
}
