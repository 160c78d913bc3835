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

const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;

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

  /**
   * Where the embedded store writes: `inline` (on the thread that appends, the store's one connection) or
   * `thread` (a thread of its own with its own connection: a commit's fsync no longer holds up the
   * requests, but the requests' reads then start from a cold page cache after each commit).
   */
  @IsIn(['inline', 'thread'], { message: 'SQLITE_WRITER must be inline or thread' })
  SQLITE_WRITER: 'inline' | 'thread' = 'inline';

  /**
   * Where the API's projections run: `worker` (a thread of the API process, off the request thread),
   * `inline` (the request thread itself), or `off` (an `apps/projector` process runs them).
   */
  @IsIn(['worker', 'inline', 'off'], { message: 'PROJECTIONS must be worker, inline or off' })
  PROJECTIONS: 'worker' | 'inline' | 'off' = 'worker';

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

  // --- OpenID Connect: what the provider's tokens carry, and the web UI's client (docs/security.md) ---

  /** The claim holding the roles: a name, or a dotted path such as `realm_access.roles`. */
  @Matches(/^\S+$/, { message: 'OIDC_ROLES_CLAIM must be a claim name or a dotted path, without spaces' })
  OIDC_ROLES_CLAIM = 'roles';

  /** The claim holding the CPTS id: a name, or a dotted path. */
  @Matches(/^\S+$/, { message: 'OIDC_CPTS_CLAIM must be a claim name or a dotted path, without spaces' })
  OIDC_CPTS_CLAIM = 'cpts';

  /** `provider-role=parcours-role,…`; without it, the provider's role names are Parcours role names. */
  @IsOptional()
  @Matches(/^\s*[^=,\s]+\s*=\s*[^=,\s]+\s*(,\s*[^=,\s]+\s*=\s*[^=,\s]+\s*)*$/, {
    message: 'OIDC_ROLE_MAP must be comma-separated provider-role=parcours-role pairs',
  })
  OIDC_ROLE_MAP?: string;

  /** How often at most a token signed with a key we lack makes the provider's JWKS be fetched again. */
  @Transform(toInteger)
  @IsInt({ message: 'OIDC_JWKS_COOLDOWN_SECONDS must be a whole number of seconds' })
  @Min(1, { message: 'OIDC_JWKS_COOLDOWN_SECONDS must be between 1 and 3600' })
  @Max(3600, { message: 'OIDC_JWKS_COOLDOWN_SECONDS must be between 1 and 3600' })
  OIDC_JWKS_COOLDOWN_SECONDS = 30;

  /** The web UI's public client at the provider (authorization code + PKCE, no secret). */
  @IsOptional()
  @Matches(/^\S+$/, { message: 'OIDC_CLIENT_ID must not contain spaces' })
  OIDC_CLIENT_ID?: string;

  /** The scopes the web UI asks for. */
  @Matches(/^openid( \S+)*$/, {
    message: 'OIDC_SCOPE must start with openid, scopes separated by single spaces',
  })
  OIDC_SCOPE = 'openid';

  /** The resource indicator (RFC 8707) the web UI asks its access token for; usually OIDC_AUDIENCE. */
  @IsOptional()
  @Matches(/^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s#]+$/, {
    message: 'OIDC_RESOURCE must be an absolute URI without a fragment',
  })
  OIDC_RESOURCE?: string;

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

  // --- Security (docs/security.md) ---

  /** How often the worklist's overdue items are looked at, to tell their assignees (seconds). */
  @Transform(toInteger)
  @IsInt({ message: 'NOTIFY_OVERDUE_EVERY_SECONDS must be a whole number of seconds' })
  @Min(1, { message: 'NOTIFY_OVERDUE_EVERY_SECONDS must be between 1 and 86400' })
  @Max(86400, { message: 'NOTIFY_OVERDUE_EVERY_SECONDS must be between 1 and 86400' })
  NOTIFY_OVERDUE_EVERY_SECONDS = 300;

  /** Dev mode only: let `POST /api/v1/dev/tokens` answer other hosts than this machine. */
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'DEV_TOKENS_REMOTE must be true or false' })
  DEV_TOKENS_REMOTE = false;

  /** Tokens valid longer than this (from `iat`, or from now without it) are refused. */
  @Transform(toInteger)
  @IsInt({ message: 'TOKEN_MAX_LIFETIME_SECONDS must be a whole number of seconds' })
  @Min(60, { message: 'TOKEN_MAX_LIFETIME_SECONDS must be at least 60' })
  @Max(7 * 24 * 3600, { message: 'TOKEN_MAX_LIFETIME_SECONDS must be at most 604800 (7 days)' })
  TOKEN_MAX_LIFETIME_SECONDS = 12 * 3600;

  /** How far the identity provider's clock may differ from ours when checking `exp`, `nbf` and `iat`. */
  @Transform(toInteger)
  @IsInt({ message: 'TOKEN_CLOCK_SKEW_SECONDS must be a whole number of seconds' })
  @Min(0, { message: 'TOKEN_CLOCK_SKEW_SECONDS must be between 0 and 300' })
  @Max(300, { message: 'TOKEN_CLOCK_SKEW_SECONDS must be between 0 and 300' })
  TOKEN_CLOCK_SKEW_SECONDS = 30;

  /** The OpenAPI document and Swagger UI; off by default in production. */
  @Transform(toBoolean)
  @IsOptional()
  @IsIn([true, false], { message: 'API_DOCS must be true or false' })
  API_DOCS?: boolean;

  /** Requests per minute per signed-in user (all routes together); 429 beyond. */
  @Transform(toInteger)
  @IsInt({ message: 'RATE_LIMIT_PER_MINUTE must be a whole number' })
  @Min(1, { message: 'RATE_LIMIT_PER_MINUTE must be at least 1' })
  RATE_LIMIT_PER_MINUTE = 1200;

  /** Requests per minute per client address, before any token is looked at. */
  @Transform(toInteger)
  @IsInt({ message: 'RATE_LIMIT_IP_PER_MINUTE must be a whole number' })
  @Min(1, { message: 'RATE_LIMIT_IP_PER_MINUTE must be at least 1' })
  RATE_LIMIT_IP_PER_MINUTE = 3000;

  /** Reads that return a patient's identity, per minute per signed-in user. */
  @Transform(toInteger)
  @IsInt({ message: 'RATE_LIMIT_IDENTITY_READS_PER_MINUTE must be a whole number' })
  @Min(1, { message: 'RATE_LIMIT_IDENTITY_READS_PER_MINUTE must be at least 1' })
  RATE_LIMIT_IDENTITY_READS_PER_MINUTE = 120;

  /** Dev tokens minted per minute per client address. */
  @Transform(toInteger)
  @IsInt({ message: 'RATE_LIMIT_TOKEN_MINTS_PER_MINUTE must be a whole number' })
  @Min(1, { message: 'RATE_LIMIT_TOKEN_MINTS_PER_MINUTE must be at least 1' })
  RATE_LIMIT_TOKEN_MINTS_PER_MINUTE = 20;
  // --- Notifications: e-mail over SMTP with TLS, signed webhooks, the dispatcher's retries ---

  /** The SMTP server (submission); without it e-mail is not a channel of this deployment. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9.:[\]-]+$/, { message: 'SMTP_HOST must be a host name or an address' })
  SMTP_HOST?: string = undefined;

  @Transform(toInteger)
  @IsInt({ message: 'SMTP_PORT must be a port number' })
  @Min(1, { message: 'SMTP_PORT must be between 1 and 65535' })
  @Max(65535, { message: 'SMTP_PORT must be between 1 and 65535' })
  SMTP_PORT = 587;

  /** Implicit TLS from the first byte (port 465); otherwise STARTTLS, which is required either way. */
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'SMTP_SECURE must be true or false' })
  SMTP_SECURE = false;

  @IsOptional()
  @IsString()
  SMTP_USER?: string = undefined;

  @ValidateIf((config: AppConfig) => config.SMTP_USER !== undefined || config.SMTP_PASSWORD !== undefined)
  @IsString({ message: 'SMTP_PASSWORD is required with SMTP_USER' })
  SMTP_PASSWORD?: string = undefined;

  /** The CA that signed the SMTP server's certificate (PEM file), when it is not among the system's. */
  @IsOptional()
  @IsString()
  SMTP_TLS_CA_FILE?: string = undefined;

  /** The sender of every e-mail; required with SMTP_HOST. */
  @ValidateIf((config: AppConfig) => config.SMTP_HOST !== undefined || config.SMTP_FROM !== undefined)
  @Matches(/^([^<>\r\n]*<)?[^@\s<>]+@[^@\s<>]+(>)?$/, {
    message:
      'SMTP_FROM must be an e-mail address, e.g. "Parcours <parcours@cpts.example>" (required with SMTP_HOST)',
  })
  SMTP_FROM?: string = undefined;

  /**
   * The deployment's e-mail is an MSSanté-grade channel (secure health messaging): e-mails may then carry
   * a short summary of what happened. Otherwise only the kind of event and a link.
   */
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'SMTP_MSSANTE must be true or false' })
  SMTP_MSSANTE = false;

  /** Parcours's public address, for the links in e-mails and webhooks (default: this machine's port). */
  @IsOptional()
  @IsUrl(
    { require_tld: false, require_protocol: true, protocols: ['http', 'https'] },
    { message: 'PUBLIC_BASE_URL must be an http(s) URL' },
  )
  PUBLIC_BASE_URL?: string = undefined;

  /** Signed webhooks: subscriptions are taken and notifications sent to them. */
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'WEBHOOKS must be true or false' })
  WEBHOOKS = true;

  /** Development and tests only: webhook URLs may be plain http on a loopback address. */
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'WEBHOOKS_ALLOW_HTTP_LOOPBACK must be true or false' })
  WEBHOOKS_ALLOW_HTTP_LOOPBACK = false;

  /** Attempts of one e-mail or webhook delivery before it is given up (recorded as a final failure). */
  @Transform(toInteger)
  @IsInt({ message: 'NOTIFY_MAX_ATTEMPTS must be a whole number' })
  @Min(1, { message: 'NOTIFY_MAX_ATTEMPTS must be between 1 and 20' })
  @Max(20, { message: 'NOTIFY_MAX_ATTEMPTS must be between 1 and 20' })
  NOTIFY_MAX_ATTEMPTS = 8;

  /** The first retry's delay; each next one doubles it (with up to 50% jitter), capped at one hour. */
  @Transform(toInteger)
  @IsInt({ message: 'NOTIFY_RETRY_BASE_MS must be a whole number of milliseconds' })
  @Min(10, { message: 'NOTIFY_RETRY_BASE_MS must be between 10 and 3600000' })
  @Max(3_600_000, { message: 'NOTIFY_RETRY_BASE_MS must be between 10 and 3600000' })
  NOTIFY_RETRY_BASE_MS = 30_000;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

const KNOWN = new Set(
  Object.keys(new AppConfig()).concat([
    'EVENTSTORE_CONNECTION_STRING',
    'OIDC_ISSUER',
    'OIDC_AUDIENCE',
    'OIDC_ROLE_MAP',
    'OIDC_CLIENT_ID',
    'OIDC_RESOURCE',
    'NODE_ENV',
    'API_DOCS',
  ]),
);

/**
 * The API's own check: dev authentication lets anyone who reaches the API mint any token, so a production
 * API without an identity provider must not start. (Processes that serve no request, the projector and
 * the CLI, do not need it.)
 */
export function assertServableConfig(config: AppConfig): void {
  if (config.NODE_ENV === 'production' && (config.AUTH_MODE !== 'oidc' || !config.OIDC_ISSUER)) {
    throw new ConfigError([
      'NODE_ENV=production requires AUTH_MODE=oidc with OIDC_ISSUER and OIDC_AUDIENCE: dev authentication lets anyone mint any token',
    ]);
  }
}

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
  config.API_DOCS ??= config.NODE_ENV !== 'production';
  // Resolved once, so every part agrees on it whatever its working directory.
  config.DATA_DIR = resolve(config.DATA_DIR);
  return config;
}
