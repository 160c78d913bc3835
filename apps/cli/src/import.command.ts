import {
  CpamIndicatorsImport,
  FhirBundle,
  FhirImport,
  ImportRefused,
  type CsvEncoding,
  type CsvImportReport,
  CsvRowsRejected,
  type CsvSeparator,
  type ImportContext,
  ImportInputError,
  type ImportProgress,
  MtListImport,
} from '@parcours/domain';
import type { EventSource } from '@parcours/event-store';
import type { AppConfig } from '@parcours/platform';
import { Presets, SingleBar } from 'cli-progress';
import { InvalidArgumentError } from 'commander';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { withApplication } from './cli-context';

export interface CsvImportCliOptions {
  cpts: string;
  encoding?: CsvEncoding;
  separator?: CsvSeparator;
  actor: string;
}

export function encodingArgument(value: string): CsvEncoding {
  const lower = value.toLowerCase();
  if (lower === 'utf-8' || lower === 'utf8') return 'utf-8';
  if (lower === 'latin1' || lower === 'latin-1' || lower === 'iso-8859-1' || lower === 'windows-1252')
    return 'latin1';
  throw new InvalidArgumentError('utf-8 or latin1');
}

export function separatorArgument(value: string): CsvSeparator {
  if (value === ';' || value === ',') return value;
  throw new InvalidArgumentError('; or ,');
}

/** The context of an import run from a shell: the operator, as a system actor, and the format's source. */
export function cliImportContext(cptsId: string, actor: string, source: EventSource): ImportContext {
  return {
    cptsId,
    actor: { id: actor, role: 'system' },
    correlationId: randomUUID(),
    source,
    now: new Date(),
  };
}

/** A progress bar on stderr (a terminal only): the rows decided, then the streams written. */
export class ImportProgressBar {
  private readonly bar = new SingleBar(
    { format: '{phase} |{bar}| {value}/{total} {unit}', stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  private phase?: ImportProgress['phase'];

  update({ phase, done, total }: ImportProgress): void {
    const labels = { decide: ['decide', 'rows'], write: ['write ', 'streams'] } as const;
    const [label, unit] = labels[phase];
    if (this.phase !== phase) {
      if (this.phase !== undefined) this.bar.stop();
      this.bar.start(Math.max(total, 1), 0, { phase: label, unit });
      this.phase = phase;
    }
    this.bar.update(done, { phase: label, unit });
  }

  stop(): void {
    if (this.phase !== undefined) this.bar.stop();
    this.phase = undefined;
  }
}

/**
 * `import-mt-list` and `import-indicators`: a CPAM file through the same import as the API's upload. The
 * report is one JSON document on stdout; exit 1 when a row is rejected (nothing recorded then).
 */
export async function importCsv(
  config: AppConfig,
  kind: 'mt-list' | 'indicators',
  file: string,
  options: CsvImportCliOptions,
): Promise<number> {
  const bytes = readFileSync(file);
  return withApplication(config, async (app) => {
    const progress = new ImportProgressBar();
    const settings = {
      ...(options.encoding === undefined ? {} : { encoding: options.encoding }),
      ...(options.separator === undefined ? {} : { separator: options.separator }),
      onProgress: (p: ImportProgress) => progress.update(p),
    };
    let report: CsvImportReport;
    try {
      report =
        kind === 'mt-list'
          ? await app
              .get(MtListImport)
              .import(cliImportContext(options.cpts, options.actor, 'import:cpam-mt'), bytes, settings)
          : await app
              .get(CpamIndicatorsImport)
              .import(
                cliImportContext(options.cpts, options.actor, 'import:cpam-indicators'),
                bytes,
                settings,
              );
    } catch (error) {
      progress.stop();
      if (error instanceof CsvRowsRejected) {
        process.stdout.write(`${JSON.stringify(error.report, null, 2)}\n`);
        process.stderr.write(`${file}: ${error.report.rejected.length} row(s) rejected, nothing imported\n`);
        return 1;
      }
      if (error instanceof ImportInputError) {
        process.stderr.write(`${file}: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    progress.stop();
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  });
}

/** What `import` did with one file. */
interface FhirFileResult {
  file: string;
  outcome: 'imported' | 'unchanged' | 'refused';
  records?: number;
  problems?: Array<{ at: string; message: string; rule?: string }>;
}

/** The files of `import <file|dir>`: the file, or the `.json` files of the directory, in name order. */
export function fhirFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(path, name));
}

/**
 * `import <file.json|dir>`: FHIR R4 Bundles through the same import as `POST …/fhir`, each file all or
 * nothing. A progress bar on stderr; on stdout, one JSON document: each file's outcome and the problems of
 * those refused. Exit 1 when a file was refused.
 */
export async function importFhir(
  config: AppConfig,
  path: string,
  options: { cpts: string; actor: string },
): Promise<number> {
  const files = fhirFiles(path);
  return withApplication(config, async (app) => {
    const importer = app.get(FhirImport);
    const bar = new SingleBar(
      { format: 'import |{bar}| {value}/{total} files | {file}', stream: process.stderr, hideCursor: true },
      Presets.shades_classic,
    );
    bar.start(files.length, 0, { file: '' });
    const results: FhirFileResult[] = [];
    for (const file of files) {
      bar.update(results.length, { file });
      try {
        const bundle = FhirBundle.parse(readFileSync(file));
        const result = await importer.import(cliImportContext(options.cpts, options.actor, 'fhir'), bundle);
        results.push({
          file,
          outcome: result.replayed ? 'unchanged' : 'imported',
          records: result.records.filter((record) => !record.replayed).length,
        });
      } catch (error) {
        if (error instanceof ImportInputError) {
          results.push({ file, outcome: 'refused', problems: error.issues });
        } else if (error instanceof ImportRefused) {
          results.push({
            file,
            outcome: 'refused',
            problems: [{ at: error.at, message: error.messages.en, rule: error.rule }],
          });
        } else throw error;
      }
    }
    bar.update(files.length, { file: '' });
    bar.stop();
    const count = (outcome: FhirFileResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
    const summary = {
      files: files.length,
      imported: count('imported'),
      unchanged: count('unchanged'),
      refused: count('refused'),
      results,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return summary.refused > 0 ? 1 : 0;
  });
}
