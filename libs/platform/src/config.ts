import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { resolve } from 'node:path';

/** TLS is on unless the string says `tls=false`; credentials are then needed unless it carries them. */
function eventStoreNeedsCredentials(connectionString: string | undefined): boolean {
  if (!connectionString) return false;
  const secure = !/[?&]tls=false(&|$)/i.test(connectionString);
  const hasUser = /^esdb(\+discover)?:\/\/[^@/?]+@/.test(connectionString);
  return secure && !hasUser;
}

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

/**
 * The configuration of every Parcours process, read from the environment and checked at start
 * (`api.md`, "Starting it"): a bad value stops the start with a message naming the variable.
 */
export class AppConfig {
  @Transform(({ value }) => (value === undefined ? 3000 : Number(value)))
  @IsInt({ message: 'PORT must be an integer' })
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  DATA_DIR = './data';

  @IsIn(['sqlite', 'eventstoredb'], { message: 'EVENT_STORE must be sqlite or eventstoredb' })
  EVENT_STORE: 'sqlite' | 'eventstoredb' = 'sqlite';

  // ---- EventStoreDB: where, as whom, trusting which CA, how long to wait -------------------------------
  @ValidateIf(
    (config: AppConfig) =>
      config.EVENT_STORE === 'eventstoredb' || config.EVENTSTORE_CONNECTION_STRING !== undefined,
  )
  @Matches(/^esdb(\+discover)?:\/\/\S+$/, {
    message:
      'EVENTSTORE_CONNECTION_STRING must be an esdb:// or esdb+discover:// URL (required with EVENT_STORE=eventstoredb)',
  })
  EVENTSTORE_CONNECTION_STRING?: string;

  /**
   * The user Parcours connects as, kept apart from the connection string (a mounted secret); required
   * with a secure (TLS) server unless the string carries `user:password@`: since 23.6 a secure
   * EventStoreDB refuses anonymous access. It must be in `$admins`, or be granted reading `$all`.
   */
  @ValidateIf(
    (config: AppConfig) =>
      config.EVENTSTORE_USERNAME !== undefined ||
      (config.EVENT_STORE === 'eventstoredb' &&
        eventStoreNeedsCredentials(config.EVENTSTORE_CONNECTION_STRING)),
  )
  @IsString({
    message:
      'EVENTSTORE_USERNAME and EVENTSTORE_PASSWORD (or user:password@ in EVENTSTORE_CONNECTION_STRING) are required with a secure EventStoreDB: it refuses anonymous access',
  })
  @Matches(/^[^:]+$/, { message: 'EVENTSTORE_USERNAME may not contain ":"' })
  EVENTSTORE_USERNAME?: string = undefined;

  @ValidateIf(
    (config: AppConfig) =>
      config.EVENTSTORE_USERNAME !== undefined || config.EVENTSTORE_PASSWORD !== undefined,
  )
  @IsString({ message: 'EVENTSTORE_PASSWORD is required with EVENTSTORE_USERNAME' })
  EVENTSTORE_PASSWORD?: string = undefined;

  /** The CA that signed the cluster's certificates (PEM file), when it is not among the system's. */
  @IsOptional()
  @IsString()
  EVENTSTORE_TLS_CA_FILE?: string = undefined;

  /** Deadline of every call to EventStoreDB, in ms (default: the string's `defaultDeadline`, else 10 s). */
  @IsOptional()
  @Transform(({ value }) => (value === undefined ? undefined : Number(value)))
  @IsInt({ message: 'EVENTSTORE_DEADLINE_MS must be an integer (milliseconds)' })
  @Min(100, { message: 'EVENTSTORE_DEADLINE_MS must be at least 100' })
  @Max(600_000, { message: 'EVENTSTORE_DEADLINE_MS must be at most 600000' })
  EVENTSTORE_DEADLINE_MS?: number = undefined;
  // ---- end of EventStoreDB ---------------------------------------------------------------------------

  @IsIn(['FULL', 'NORMAL'], { message: 'SQLITE_SYNCHRONOUS must be FULL or NORMAL' })
  SQLITE_SYNCHRONOUS: 'FULL' | 'NORMAL' = 'FULL';

  @IsIn(['inline', 'off'], { message: 'PROJECTIONS must be inline or off' })
  PROJECTIONS: 'inline' | 'off' = 'inline';

  @IsIn(['dev', 'oidc'], { message: 'AUTH_MODE must be dev or oidc' })
  AUTH_MODE: 'dev' | 'oidc' = 'dev';

  @ValidateIf((config: AppConfig) => config.AUTH_MODE === 'oidc' || config.OIDC_ISSUER !== undefined)
  @IsUrl(
    { require_tld: false, require_protocol: true },
    { message: 'OIDC_ISSUER must be a URL (required with AUTH_MODE=oidc)' },
  )
  OIDC_ISSUER?: string;

  @ValidateIf((config: AppConfig) => config.AUTH_MODE === 'oidc' || config.OIDC_AUDIENCE !== undefined)
  @IsString({ message: 'OIDC_AUDIENCE is required with AUTH_MODE=oidc' })
  @Matches(/\S/, { message: 'OIDC_AUDIENCE is required with AUTH_MODE=oidc' })
  OIDC_AUDIENCE?: string;

  @Transform(toBoolean)
  @IsIn([true, false], { message: 'SEED_DEMO must be true or false' })
  SEED_DEMO = true;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent',
  })
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  @IsOptional()
  @IsIn(['development', 'production', 'test'], {
    message: 'NODE_ENV must be development, production or test',
  })
  NODE_ENV?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const KNOWN = new Set(
  Object.keys(new AppConfig()).concat(['EVENTSTORE_CONNECTION_STRING', 'OIDC_ISSUER', 'OIDC_AUDIENCE']),
);

/** Builds the configuration from an environment; throws `ConfigError` listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    // An empty variable means "not set", as a shell user expects from `FOO= npm start`.
    if (KNOWN.has(key) && value !== undefined && value !== '') raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigError(
      errors.flatMap((error) =>
        Object.values(error.constraints ?? { [error.property]: `${error.property} is invalid` }),
      ),
    );
  }
  // Resolved once, so every part agrees on it whatever its working directory.
  config.DATA_DIR = resolve(config.DATA_DIR);
  return config;
}
