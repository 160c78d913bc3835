import { Command, InvalidArgumentError, Option } from 'commander';
import { InvalidClaimsError, issueDevToken, ROLES, type Role } from '@parcours/auth';
import { ConfigError, loadConfig, secureDataDir } from '@parcours/platform';
import { CONTRACT_YEARS, DEMO_CPTS_ID, DEMO_SEED, isCalendarDate } from '@parcours/domain';
import { exportEvents, exportFinancing, exportIndicators } from './export.command';
import { projectionsStatus, rebuild, UnknownProjectionError } from './rebuild.command';
import { pastDate, seedDemo, type SeedDemoOptions, seedNumber } from './seed.command';
import { replay, streamIdArgument, timestampArgument } from './replay.command';
import { verify } from './verify.command';
import {
  encodingArgument,
  importCsv,
  importFhir,
  separatorArgument,
  type CsvImportCliOptions,
} from './import.command';

/** Raised for a usage mistake the parser cannot see (exit code 2). */
export class UsageError extends Error {}

function config() {
  let loaded;
  try {
    loaded = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  secureDataDir(loaded.DATA_DIR);
  return loaded;
}

function slug(value: string): string {
  if (!/^[a-z0-9-]{3,40}$/.test(value))
    throw new InvalidArgumentError('a CPTS id is 3 to 40 of a-z, 0-9 and -');
  return value;
}

export function buildProgram(): Command {
  const program = new Command('parcours')
    .description('Parcours command-line tool')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) })
    .showHelpAfterError();

  program
    .command('token')
    .description('print a dev-mode access token (signed with the key in DATA_DIR) on one line')
    .addOption(new Option('--role <role>', 'the role the token grants').choices(ROLES).makeOptionMandatory())
    .option('--cpts <id>', 'the CPTS (tenant) the token is for; not for platform-admin', slug)
    .option('--sub <id>', 'the actor id recorded on every event (default: dev:<role>)')
    .option('--expires-in <duration>', 'lifetime, e.g. 8h, 30m', '8h')
    .action(async (options: { role: Role; cpts?: string; sub?: string; expiresIn: string }) => {
      const { AUTH_MODE, DATA_DIR, TOKEN_MAX_LIFETIME_SECONDS } = config();
      if (AUTH_MODE !== 'dev')
        throw new UsageError('token: AUTH_MODE is oidc; tokens come from the identity provider');
      const token = await issueDevToken(DATA_DIR, {
        sub: options.sub ?? `dev:${options.role}`,
        cpts: options.cpts,
        roles: [options.role],
        expiresIn: options.expiresIn,
        maxLifetimeSeconds: TOKEN_MAX_LIFETIME_SECONDS,
      }).catch((error: unknown) => {
        throw error instanceof InvalidClaimsError ? new UsageError(`token: ${error.message}`) : error;
      });
      process.stdout.write(`${token}\n`);
    });

  program
    .command('rebuild')
    .description('rebuild the read models from the start of the log (new tables, switched when complete)')
    .option('--projection <name>', 'only this read model')
    .option(
      '--threads <n>',
      'worker threads the read models are spread over (default: the cores, at most 4)',
      positiveInteger,
    )
    .action(async (options: { projection?: string; threads?: number }) => {
      try {
        await rebuild(config(), options.projection, options.threads);
      } catch (error) {
        if (error instanceof UnknownProjectionError) throw new UsageError(error.message);
        throw error;
      }
    });

  program
    .command('projections')
    .description('read models')
    .command('status')
    .description('what each read model has applied, and how far behind the log it is')
    .action(() => projectionsStatus(config()));

  program
    .command('seed')
    .description('load demo data')
    .command('demo')
    .description('load the demo CPTS (taille 2, a year of activity) through the commands; re-runnable')
    .option('--seed <n>', 'random seed: same seed and --until, same events', seedNumber, DEMO_SEED)
    .option('--until <date>', 'last day of the year shown, YYYY-MM-DD (default: end of last month)', pastDate)
    .option('--cpts <id>', 'the CPTS id', slug, DEMO_CPTS_ID)
    .action((options: SeedDemoOptions) => seedDemo(config(), options));

  program
    .command('verify')
    .description('check the hash chain of every stream (of one CPTS, or of all); exit 1 when one is broken')
    .option('--cpts <id>', 'only this CPTS', slug)
    .action(async (options: { cpts?: string }) => {
      process.exitCode = await verify(config(), options.cpts);
    });

  program
    .command('replay')
    .description('print the events of a stream, one JSON line each, and for a pathway the state they fold to')
    .argument('<streamId>', 'e.g. pathway-<cptsId>.<pathwayId>', streamIdArgument)
    .option('--as-of <timestamp>', 'only the events recorded at or before this instant', timestampArgument)
    .action(async (streamId: string, options: { asOf?: string }) => {
      process.exitCode = await replay(config(), streamId, options.asOf);
    });

  const exports = program
    .command('export')
    .description(
      'what analysts take away: the pseudonymised events (NDJSON), indicators and financing (CSV)',
    );
  const stderr = (line: string) => process.stderr.write(`${line}\n`);
  exports
    .command('events')
    .description('the pseudonymised feed of a CPTS, one JSON line per event (as GET …/exports/events.ndjson)')
    .requiredOption('--cpts <id>', 'the CPTS', slug)
    .option('--after <position>', 'only events after this log position', position)
    .option('--limit <n>', 'at most this many events', positiveInteger)
    .option('--out <file>', 'write to this file rather than stdout')
    .action(async (options: { cpts: string; after?: bigint; limit?: number; out?: string }) => {
      process.exitCode = await exportEvents(config(), options, stderr);
    });
  exports
    .command('indicators')
    .description('the indicators of each month of [from, to), as CSV (RFC 4180, header row)')
    .requiredOption('--cpts <id>', 'the CPTS', slug)
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD (Paris)', calendarDate)
    .requiredOption('--to <date>', 'day after the last, YYYY-MM-DD (Paris)', calendarDate)
    .option('--as-of <timestamp>', 'the figures as they were known then', timestampArgument)
    .option('--out <file>', 'write to this file rather than stdout')
    .action(async (options: { cpts: string; from: string; to: string; asOf?: string; out?: string }) => {
      if (options.to <= options.from) throw new UsageError('export indicators: --to must be after --from');
      process.exitCode = await exportIndicators(config(), options, stderr);
    });
  exports
    .command('financing')
    .description(
      'the ACI financing, line by line, of every contract year (or one), as CSV (RFC 4180, header row)',
    )
    .requiredOption('--cpts <id>', 'the CPTS', slug)
    .option('--contract-year <n>', `one contract year, 1 to ${CONTRACT_YEARS}`, contractYear)
    .option('--as-of <timestamp>', 'the financing as it was known then', timestampArgument)
    .option('--out <file>', 'write to this file rather than stdout')
    .action(async (options: { cpts: string; contractYear?: number; asOf?: string; out?: string }) => {
      process.exitCode = await exportFinancing(config(), options, stderr);
    });

  program
    .command('import')
    .description('import FHIR R4 Bundles (a file, or every .json file of a directory), each all or nothing')
    .argument('<file.json|dir>', 'a Bundle, or a directory of them')
    .option('--cpts <id>', 'the CPTS to import into', slug, DEMO_CPTS_ID)
    .option('--actor <id>', 'who is recorded as importing', 'system:cli-import')
    .action(async (path: string, options: { cpts: string; actor: string }) => {
      process.exitCode = await importFhir(config(), path, options);
    });

  for (const [name, kind, description] of [
    [
      'import-mt-list',
      'mt-list',
      'import the CPAM list of patients without a médecin traitant (CSV; columns in docs/cpam-imports.md): all rows or none',
    ],
    [
      'import-indicators',
      'indicators',
      'import the CPAM yearly figures of the accès-aux-soins mission (CSV; docs/cpam-imports.md): all rows or none',
    ],
  ] as const) {
    program
      .command(name)
      .description(description)
      .argument('<file.csv>', 'the file as the CPAM sent it')
      .option('--cpts <id>', 'the CPTS to import into', slug, DEMO_CPTS_ID)
      .option(
        '--encoding <encoding>',
        'utf-8 or latin1 (default: UTF-8 when valid, else Latin-1)',
        encodingArgument,
      )
      .option('--separator <separator>', '; or , (default: the one the header uses)', separatorArgument)
      .option('--actor <id>', 'who is recorded as importing', 'system:cli-import')
      .action(async (file: string, options: CsvImportCliOptions) => {
        process.exitCode = await importCsv(config(), kind, file, options);
      });
  }

  return program;
}

function calendarDate(value: string): string {
  if (!isCalendarDate(value)) throw new InvalidArgumentError('a date is YYYY-MM-DD');
  return value;
}

function position(value: string): bigint {
  if (!/^\d{1,40}$/.test(value)) throw new InvalidArgumentError('a log position (a decimal number)');
  return BigInt(value);
}

function positiveInteger(value: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('a positive integer');
  return Number(value);
}

function contractYear(value: string): number {
  const year = /^\d$/.test(value) ? Number(value) : NaN;
  if (!(year >= 1 && year <= CONTRACT_YEARS)) {
    throw new InvalidArgumentError(`a contract year from 1 to ${CONTRACT_YEARS}`);
  }
  return year;
}
