import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { AnalyticsDataset, DatasetError } from './dataset';
import { FeedError } from './feed-client';
import { sync } from './sync';

/**
 * The analytics job (`npm run analytics`): follows the pseudonymised feed of one CPTS over HTTP with an
 * analyst's token and keeps a DuckDB database and Parquet files up to date (docs/analytics.md).
 * Exit codes: 0 ok, 1 a failure (the API, the dataset), 2 bad usage.
 */

class UsageError extends Error {}

const positiveInteger = (value: string) => {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('a positive integer');
  return Number(value);
};
const calendarDate = (value: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError('a date, YYYY-MM-DD');
  }
  return value;
};
const apiUrl = (value: string) => {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    return value;
  } catch {
    throw new InvalidArgumentError('an http(s) URL, e.g. https://parcours.example.org');
  }
};

/** The token from PARCOURS_TOKEN or a file (never an argument: it would show in the process list). */
function readToken(file: string | undefined): string {
  const token = file === undefined ? process.env.PARCOURS_TOKEN : readFileSync(file, 'utf8');
  if (!token || token.trim() === '') {
    throw new UsageError(
      'no token: set PARCOURS_TOKEN, or PARCOURS_TOKEN_FILE / --token-file to a file holding it',
    );
  }
  return token.trim();
}

const program = new Command('analytics')
  .description('Parcours analytics job: the pseudonymised feed into DuckDB and Parquet')
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) })
  .showHelpAfterError();

const outOption = () =>
  new Option('--out <dir>', 'the dataset directory').env('ANALYTICS_DIR').default('./analytics');

program
  .command('sync', { isDefault: true })
  .description('fetch what is new since the last run and append it to the dataset')
  .addOption(
    new Option('--api-url <url>', 'the Parcours API')
      .env('PARCOURS_API_URL')
      .argParser(apiUrl)
      .makeOptionMandatory(),
  )
  .addOption(new Option('--cpts <id>', 'the CPTS').env('PARCOURS_CPTS').makeOptionMandatory())
  .addOption(outOption())
  .addOption(new Option('--token-file <file>', 'a file holding the analyst token').env('PARCOURS_TOKEN_FILE'))
  .addOption(
    new Option('--page-size <n>', 'events per request (one transaction each)')
      .argParser(positiveInteger)
      .default(50_000),
  )
  .addOption(new Option('--max-pages <n>', 'stop after this many pages').argParser(positiveInteger))
  .action(
    async (options: {
      apiUrl: string;
      cpts: string;
      out: string;
      tokenFile?: string;
      pageSize: number;
      maxPages?: number;
    }) => {
      const report = await sync({
        apiUrl: options.apiUrl,
        cptsId: options.cpts,
        token: readToken(options.tokenFile),
        out: options.out,
        pageSize: options.pageSize,
        maxPages: options.maxPages,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(`${JSON.stringify(report)}\n`);
    },
  );

program
  .command('indicators')
  .description('the ACI indicators of a period [from, to), computed from the dataset, as JSON')
  .addOption(outOption())
  .addOption(new Option('--from <date>', 'first day (Paris)').argParser(calendarDate).makeOptionMandatory())
  .addOption(
    new Option('--to <date>', 'day after the last (Paris)').argParser(calendarDate).makeOptionMandatory(),
  )
  .action(async (options: { out: string; from: string; to: string }) => {
    if (options.to <= options.from)
      throw new UsageError('--to must be after --from (the period is [from, to))');
    const dataset = await AnalyticsDataset.open(options.out, { readOnly: true });
    try {
      const indicators = await dataset.indicators(options.from, options.to);
      process.stdout.write(`${JSON.stringify({ from: options.from, to: options.to, indicators })}\n`);
    } finally {
      dataset.close();
    }
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const known = error instanceof FeedError || error instanceof DatasetError;
  process.stderr.write(
    `${known || !(error instanceof Error) ? String((error as Error).message ?? error) : error.stack}\n`,
  );
  process.exit(1);
});
