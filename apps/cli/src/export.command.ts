import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify/sync';
import { IdentityVault, identityVaultPath } from '@parcours/crypto';
import { CONTRACT_YEARS, CPTS_HISTORY, monthsOf, readCptsHistory, requireCpts } from '@parcours/domain';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { type AppConfig, openEventStore } from '@parcours/platform';
import { ReadStore } from '@parcours/projections';
import {
  computeFinancing,
  ACI_AMOUNT_TABLES,
  INDICATOR_FACTS,
  IndicatorsReader,
  pseudonymKeyName,
  Pseudonymiser,
  readFeed,
} from '@parcours/cross-capability';
import { withApplication } from './cli-context';

/**
 * `export events|indicators|financing`: what the API exports, from DATA_DIR, for a data team working on the
 * server. Events as NDJSON (the pseudonymised feed of `GET …/exports/events.ndjson`, the same pseudonyms);
 * indicators and financing as plain RFC 4180 CSV (comma, CRLF, a header row, UTF-8 without BOM), written
 * by csv-stringify.
 */

type Err = (line: string) => void;

/** Where the export goes: the file given, else stdout. */
function output(file: string | undefined): Writable {
  return file === undefined ? process.stdout : createWriteStream(file);
}

async function write(stream: Writable, chunk: string): Promise<void> {
  if (!stream.write(chunk)) {
    await new Promise<void>((resolve, reject) => {
      stream.once('drain', resolve);
      stream.once('error', reject);
    });
  }
}

async function close(stream: Writable): Promise<void> {
  if (stream === process.stdout) return;
  stream.end();
  await finished(stream);
}

export interface EventsExportOptions {
  cpts: string;
  after?: bigint;
  limit?: number;
  out?: string;
}

/** `export events`: the feed, one JSON line per event; the position to resume from on stderr. */
export async function exportEvents(
  config: AppConfig,
  options: EventsExportOptions,
  err: Err,
): Promise<number> {
  const store = openEventStore(config);
  const vault = new IdentityVault(identityVaultPath(config.DATA_DIR));
  try {
    await requireCpts(store, options.cpts);
    const pseudonymiser = new Pseudonymiser(vault.serviceKey(pseudonymKeyName(options.cpts)));
    const feed = readFeed(store, options.cpts, pseudonymiser, { after: options.after, limit: options.limit });
    const stream = output(options.out);
    let step = await feed.next();
    while (!step.done) {
      await write(stream, `${step.value.lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
      step = await feed.next();
    }
    await close(stream);
    err(
      `${step.value.lines} events; next position ${step.value.next} (pass --after ${step.value.next} to go on)`,
    );
    return 0;
  } finally {
    vault.close();
    await store.close();
  }
}

/** A read model the CLI reads as the API serves it; says so when it lags behind the log. */
async function checkReadModel(
  store: EventStore,
  readStore: ReadStore,
  name: string,
  err: Err,
): Promise<void> {
  const active = readStore.active(name);
  if (!active) {
    throw new Error(
      `the ${name} read model is not built in this DATA_DIR: start the API (it builds it) or run \`rebuild\``,
    );
  }
  const head = await store.headPosition();
  if (store.kind === 'sqlite' && BigInt(active.position) < head) {
    err(
      `note: the ${name} read model includes the log up to position ${active.position} of ${head} ` +
        '(the API is catching up, or is not running: `rebuild` brings it up to date)',
    );
  }
}

export interface IndicatorsExportOptions {
  cpts: string;
  from: string;
  to: string;
  asOf?: string;
  out?: string;
}

export const INDICATORS_CSV_COLUMNS = [
  'from',
  'to',
  'code',
  'mission',
  'value',
  'numerator',
  'denominator',
  'breakdown',
] as const;

/** `export indicators`: each month of `[from, to)` × each indicator, one record each. */
export async function exportIndicators(
  config: AppConfig,
  options: IndicatorsExportOptions,
  err: Err,
): Promise<number> {
  return withApplication(config, async (app) => {
    const store = app.get<EventStore>(EVENT_STORE);
    const readStore = app.get(ReadStore);
    await requireCpts(store, options.cpts);
    await checkReadModel(store, readStore, INDICATOR_FACTS, err);
    const reader = app.get(IndicatorsReader);
    const records = monthsOf(options.from, options.to).flatMap((month) =>
      reader
        .all({ cptsId: options.cpts, from: month.from, to: month.to, asOf: options.asOf })
        .map((figure) => [
          month.from,
          month.to,
          figure.code,
          figure.mission,
          figure.value,
          figure.numerator,
          figure.denominator,
          figure.breakdown === undefined ? null : JSON.stringify(figure.breakdown),
        ]),
    );
    const stream = output(options.out);
    await write(
      stream,
      stringify(records, { header: true, columns: [...INDICATORS_CSV_COLUMNS], record_delimiter: 'windows' }),
    );
    await close(stream);
    return 0;
  });
}

export interface FinancingExportOptions {
  cpts: string;
  contractYear?: number;
  asOf?: string;
  out?: string;
}

export const FINANCING_CSV_COLUMNS = [
  'contract_year',
  'period_from',
  'period_to',
  'size_class',
  'mission',
  'part',
  'amount',
  'basis',
] as const;

/**
 * `export financing`: every line of each contract year (all five, or the one asked), then its total, the
 * advance and the balance as records of their own (`part` total, advance, balance). A year that cannot be
 * computed (no contract, no amounts in force) is named on stderr; none at all is a failure.
 */
export async function exportFinancing(
  config: AppConfig,
  options: FinancingExportOptions,
  err: Err,
): Promise<number> {
  return withApplication(config, async (app) => {
    const store = app.get<EventStore>(EVENT_STORE);
    const readStore = app.get(ReadStore);
    await requireCpts(store, options.cpts);
    await checkReadModel(store, readStore, CPTS_HISTORY, err);
    const history = readCptsHistory(readStore, options.cpts, options.asOf);
    const years =
      options.contractYear === undefined
        ? Array.from({ length: CONTRACT_YEARS }, (_, i) => i + 1)
        : [options.contractYear];
    const records: unknown[][] = [];
    for (const year of years) {
      try {
        const financing = computeFinancing(history, year, ACI_AMOUNT_TABLES, { asOf: options.asOf });
        const row = (mission: string | undefined, part: string, amount: number, basis: string) => [
          year,
          financing.period.from,
          financing.period.to,
          financing.sizeClass,
          mission ?? null,
          part,
          amount.toFixed(2),
          basis,
        ];
        for (const line of financing.lines)
          records.push(row(line.mission, line.part, line.amount, line.basis));
        records.push(row(undefined, 'total', financing.total, ''));
        records.push(row(undefined, 'advance', financing.advance, ''));
        records.push(row(undefined, 'balance', financing.balance, ''));
      } catch (error) {
        err(`contract year ${year}: ${(error as Error).message}`);
      }
    }
    if (records.length === 0) return 1;
    const stream = output(options.out);
    await write(
      stream,
      stringify(records, { header: true, columns: [...FINANCING_CSV_COLUMNS], record_delimiter: 'windows' }),
    );
    await close(stream);
    return 0;
  });
}
