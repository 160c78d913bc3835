import { isAbsolute } from 'node:path';
import { assertServableConfig, ConfigError, eventStoreConnectionString, loadConfig } from '../src';

describe('configuration from the environment', () => {
  it('given nothing, uses the defaults of api.md', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      EVENT_STORE: 'sqlite',
      PROJECTIONS: 'worker',
      AUTH_MODE: 'dev',
      SEED_DEMO: true,
      SQLITE_SYNCHRONOUS: 'FULL',
      SQLITE_WRITER: 'inline',
      LOG_LEVEL: 'info',
    });
    expect(isAbsolute(config.DATA_DIR)).toBe(true);
    expect(config.DATA_DIR.endsWith('/data')).toBe(true);
  });

  it('reads and converts what is given, treating empty variables as unset', () => {
    const config = loadConfig({
      PORT: '8080',
      SEED_DEMO: 'false',
      DATA_DIR: '/var/lib/parcours',
      EVENT_STORE: '',
      OTHER: 'x',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      SEED_DEMO: false,
      DATA_DIR: '/var/lib/parcours',
      EVENT_STORE: 'sqlite',
    });
  });

  it('accepts EventStoreDB with its connection string, and OIDC with issuer and audience', () => {
    expect(
      loadConfig({
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false',
      }),
    ).toMatchObject({ EVENT_STORE: 'eventstoredb' });
    expect(
      loadConfig({
        AUTH_MODE: 'oidc',
        OIDC_ISSUER: 'https://login.example.fr/realms/cpts',
        OIDC_AUDIENCE: 'parcours',
      }),
    ).toMatchObject({ AUTH_MODE: 'oidc' });
  });

  it('accepts a secure EventStoreDB with credentials in the string or apart, and a CA and a deadline', () => {
    const secure = 'esdb://node1:2113,node2:2113,node3:2113?tls=true';
    expect(
      loadConfig({
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING: secure,
        EVENTSTORE_USERNAME: 'parcours',
        EVENTSTORE_PASSWORD: 's3cret',
        EVENTSTORE_TLS_CA_FILE: '/certs/ca/ca.crt',
        EVENTSTORE_DEADLINE_MS: '5000',
      }),
    ).toMatchObject({ EVENTSTORE_USERNAME: 'parcours', EVENTSTORE_DEADLINE_MS: 5000 });
    expect(
      loadConfig({
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING: 'esdb://parcours:s3cret@node1:2113?tls=true',
      }),
    ).toMatchObject({ EVENT_STORE: 'eventstoredb' });
  });

  it('adds the CA file to the connection string the client is given', () => {
    const config = loadConfig({
      EVENT_STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: 'esdb://u:p@node1:2113?tls=true',
      EVENTSTORE_TLS_CA_FILE: '/certs/ca dir/ca.crt',
    });
    expect(eventStoreConnectionString(config)).toBe(
      'esdb://u:p@node1:2113?tls=true&tlsCAFile=%2Fcerts%2Fca%20dir%2Fca.crt',
    );
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [
      { EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://node1:2113?tls=true' },
      'EVENTSTORE_USERNAME',
    ],
    [
      { EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://node1:2113' },
      'refuses anonymous access',
    ],
    [
      {
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING: 'esdb://node1:2113',
        EVENTSTORE_USERNAME: 'parcours',
      },
      'EVENTSTORE_PASSWORD',
    ],
    [
      {
        EVENT_STORE: 'eventstoredb',
        EVENTSTORE_CONNECTION_STRING: 'esdb://u:p@node1:2113',
        EVENTSTORE_DEADLINE_MS: 'soon',
      },
      'EVENTSTORE_DEADLINE_MS',
    ],
    [{ PORT: '70000' }, 'PORT'],
    [{ EVENT_STORE: 'postgres' }, 'EVENT_STORE'],
    [{ EVENT_STORE: 'eventstoredb' }, 'EVENTSTORE_CONNECTION_STRING'],
    [
      { EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'http://localhost:2113' },
      'EVENTSTORE_CONNECTION_STRING',
    ],
    [{ PROJECTIONS: 'sometimes' }, 'PROJECTIONS'],
    [{ AUTH_MODE: 'oidc' }, 'OIDC_ISSUER'],
    [{ AUTH_MODE: 'oidc', OIDC_ISSUER: 'https://id.example.fr' }, 'OIDC_AUDIENCE'],
    [{ SEED_DEMO: 'yes' }, 'SEED_DEMO'],
    [{ SQLITE_SYNCHRONOUS: 'OFF' }, 'SQLITE_SYNCHRONOUS'],
    [{ SQLITE_WRITER: 'process' }, 'SQLITE_WRITER'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ TOKEN_MAX_LIFETIME_SECONDS: '3153600000' }, 'TOKEN_MAX_LIFETIME_SECONDS'],
    [{ TOKEN_MAX_LIFETIME_SECONDS: '1h' }, 'TOKEN_MAX_LIFETIME_SECONDS'],
    [{ TOKEN_CLOCK_SKEW_SECONDS: '3600' }, 'TOKEN_CLOCK_SKEW_SECONDS'],
    [{ RATE_LIMIT_PER_MINUTE: '0' }, 'RATE_LIMIT_PER_MINUTE'],
    [{ DEV_TOKENS_REMOTE: 'yes' }, 'DEV_TOKENS_REMOTE'],
    [{ API_DOCS: 'maybe' }, 'API_DOCS'],
    [{ OIDC_ROLES_CLAIM: 'realm access' }, 'OIDC_ROLES_CLAIM'],
    [{ OIDC_CPTS_CLAIM: ' ' }, 'OIDC_CPTS_CLAIM'],
    [{ OIDC_ROLE_MAP: 'coordinateur:coordinator' }, 'OIDC_ROLE_MAP'],
    [{ OIDC_ROLE_MAP: 'a=coordinator,' }, 'OIDC_ROLE_MAP'],
    [{ OIDC_JWKS_COOLDOWN_SECONDS: '0' }, 'OIDC_JWKS_COOLDOWN_SECONDS'],
    [{ OIDC_CLIENT_ID: 'parcours web' }, 'OIDC_CLIENT_ID'],
    [{ OIDC_SCOPE: 'profile' }, 'OIDC_SCOPE'],
    [{ OIDC_RESOURCE: 'parcours-api' }, 'OIDC_RESOURCE'],
    [{ OIDC_RESOURCE: 'https://parcours.example/api#x' }, 'OIDC_RESOURCE'],
  ])('refuses %j, naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(variable);
  });

  describe('in production (NODE_ENV=production)', () => {
    it.each([
      [{}],
      [{ AUTH_MODE: 'dev' }],
      [{ AUTH_MODE: 'dev', OIDC_ISSUER: 'https://id.example.fr', OIDC_AUDIENCE: 'parcours' }],
    ])('refuses to serve without OIDC (%j), naming the setting', (env) => {
      expect(() => assertServableConfig(loadConfig({ NODE_ENV: 'production', ...env }))).toThrow(
        /NODE_ENV=production requires AUTH_MODE=oidc with OIDC_ISSUER/,
      );
    });

    it('starts with OIDC, and keeps the API documentation off unless asked for', () => {
      const oidc = {
        NODE_ENV: 'production',
        AUTH_MODE: 'oidc',
        OIDC_ISSUER: 'https://id.example.fr',
        OIDC_AUDIENCE: 'parcours',
      };
      expect(() => assertServableConfig(loadConfig(oidc))).not.toThrow();
      expect(loadConfig(oidc)).toMatchObject({ AUTH_MODE: 'oidc', API_DOCS: false });
      expect(loadConfig({ ...oidc, API_DOCS: 'true' })).toMatchObject({ API_DOCS: true });
    });
  });

  it('keeps the API documentation on outside production, and the security defaults', () => {
    expect(loadConfig({})).toMatchObject({
      API_DOCS: true,
      DEV_TOKENS_REMOTE: false,
      TOKEN_MAX_LIFETIME_SECONDS: 43200,
      TOKEN_CLOCK_SKEW_SECONDS: 30,
    });
  });

  it("reads the provider's claim names, role mapping and the web UI's client, with defaults", () => {
    expect(loadConfig({})).toMatchObject({
      OIDC_ROLES_CLAIM: 'roles',
      OIDC_CPTS_CLAIM: 'cpts',
      OIDC_JWKS_COOLDOWN_SECONDS: 30,
      OIDC_SCOPE: 'openid',
    });
    expect(
      loadConfig({
        OIDC_ROLES_CLAIM: 'realm_access.roles',
        OIDC_CPTS_CLAIM: 'https://cpts.example/cpts',
        OIDC_ROLE_MAP: 'coordinateur=coordinator, auditeur=auditor',
        OIDC_JWKS_COOLDOWN_SECONDS: '5',
        OIDC_CLIENT_ID: 'parcours-web',
        OIDC_SCOPE: 'openid profile offline_access',
        OIDC_RESOURCE: 'https://parcours.example/api',
      }),
    ).toMatchObject({
      OIDC_ROLES_CLAIM: 'realm_access.roles',
      OIDC_CPTS_CLAIM: 'https://cpts.example/cpts',
      OIDC_ROLE_MAP: 'coordinateur=coordinator, auditeur=auditor',
      OIDC_JWKS_COOLDOWN_SECONDS: 5,
      OIDC_CLIENT_ID: 'parcours-web',
      OIDC_SCOPE: 'openid profile offline_access',
      OIDC_RESOURCE: 'https://parcours.example/api',
    });
  });

  it('lists every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', EVENT_STORE: 'y' })).toThrow(
      /PORT[\s\S]*EVENT_STORE|EVENT_STORE[\s\S]*PORT/,
    );
  });

  describe('notifications', () => {
    it('given nothing, no e-mail, webhooks on (https only), eight attempts from 30 s', () => {
      expect(loadConfig({})).toMatchObject({
        SMTP_HOST: undefined,
        SMTP_PORT: 587,
        SMTP_SECURE: false,
        SMTP_MSSANTE: false,
        WEBHOOKS: true,
        WEBHOOKS_ALLOW_HTTP_LOOPBACK: false,
        NOTIFY_MAX_ATTEMPTS: 8,
        NOTIFY_RETRY_BASE_MS: 30_000,
      });
    });

    it('reads an SMTP server with its account, CA and sender', () => {
      expect(
        loadConfig({
          SMTP_HOST: 'smtp.cpts.example',
          SMTP_PORT: '465',
          SMTP_SECURE: 'true',
          SMTP_USER: 'parcours',
          SMTP_PASSWORD: 's3cret',
          SMTP_TLS_CA_FILE: '/etc/parcours/ca.pem',
          SMTP_FROM: 'Parcours <parcours@cpts.example>',
          PUBLIC_BASE_URL: 'https://parcours.cpts.example',
        }),
      ).toMatchObject({
        SMTP_HOST: 'smtp.cpts.example',
        SMTP_PORT: 465,
        SMTP_SECURE: true,
        SMTP_USER: 'parcours',
      });
    });

    it('refuses an SMTP server without a sender, a user without a password, and bad numbers, naming each', () => {
      const problems = (env: Record<string, string>) => {
        try {
          loadConfig(env);
        } catch (error) {
          return (error as ConfigError).problems.join('\n');
        }
        return '';
      };
      expect(problems({ SMTP_HOST: 'smtp.cpts.example' })).toMatch(/SMTP_FROM .*required with SMTP_HOST/);
      expect(problems({ SMTP_USER: 'parcours' })).toMatch(/SMTP_PASSWORD is required with SMTP_USER/);
      expect(problems({ SMTP_PORT: '0' })).toMatch(/SMTP_PORT/);
      expect(problems({ NOTIFY_MAX_ATTEMPTS: '50' })).toMatch(/NOTIFY_MAX_ATTEMPTS must be between 1 and 20/);
      expect(problems({ PUBLIC_BASE_URL: 'parcours' })).toMatch(/PUBLIC_BASE_URL must be an http\(s\) URL/);
      expect(problems({ SMTP_MSSANTE: 'yes' })).toMatch(/SMTP_MSSANTE must be true or false/);
    });
  });
});
