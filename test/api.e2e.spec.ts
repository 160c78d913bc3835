/**
 * The service as `npm start` runs it: a real process, a real SQLite file, real HTTP.
 */
import { statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { call, runCli, startApi, tempDataDir, type RunningApi } from './support/api-process';

describe('the API service', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.dispose();
  });

  describe('GET /health', () => {
    it('answers without a token, with the store kind and position, and every projection', async () => {
      const response = await call(`${api.url}/health`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: 'ok', store: { kind: 'sqlite', position: '0' } });
      const names = response.body.projections.map((p: { name: string }) => p.name);
      expect(names).toEqual(
        expect.arrayContaining(['pathway-view', 'patient-summary', 'indicators', 'cpts-history']),
      );
      for (const projection of response.body.projections) {
        expect(projection).toEqual({
          name: expect.any(String),
          version: expect.any(Number),
          position: '0',
          lag: 0,
          state: 'running',
        });
      }
    });
  });

  describe('OpenAPI', () => {
    it('serves the browsable documentation at /api/docs', async () => {
      const response = await call(`${api.url}/api/docs`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
      expect(response.text).toContain('swagger');
    });

    it('serves the OpenAPI document at /api/docs-json, with the routes and bearer auth', async () => {
      const response = await call(`${api.url}/api/docs-json`);
      expect(response.status).toBe(200);
      expect(response.body.openapi).toMatch(/^3\./);
      expect(Object.keys(response.body.paths)).toEqual(
        expect.arrayContaining(['/health', '/api/v1/dev/tokens', '/api/v1/me']),
      );
      expect(response.body.components.securitySchemes).toHaveProperty('bearer');
    });

    it('documents a protocol application with the answers to the eligibility questions, not the criteria', async () => {
      const { schemas } = (await call(`${api.url}/api/docs-json`)).body.components;
      const ref: string = schemas.ProtocolApplicationDto.properties.eligibility.$ref;
      const eligibility = schemas[ref.replace('#/components/schemas/', '')];
      expect(Object.keys(eligibility.properties).sort()).toEqual(['answers', 'eligible']);
      // The protocol's own criteria keep their schema.
      expect(schemas.PublishProtocolDto.properties.eligibility.$ref).not.toBe(ref);
    });
  });

  describe('the web UI', () => {
    it('is served at / with a strict Content-Security-Policy, and the API routes are not shadowed', async () => {
      const page = await call(`${api.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect(page.text).toContain('<script defer src="/app.js"></script>');
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      const script = await call(`${api.url}/app.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
      // /api stays the API's: an unknown API route is still a problem document, not the page, with the
      // API's own policy (nothing may load from an API answer).
      const unknown = await call(`${api.url}/api/v1/nothing-here`);
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(unknown.headers.get('content-security-policy')).toContain("default-src 'none'");
    });

    it('keeps its script under 200 KB gzipped (issue 5)', async () => {
      const { gzipSync } = await import('node:zlib');
      const script = await call(`${api.url}/app.js`);
      expect(gzipSync(Buffer.from(script.text)).length).toBeLessThan(200 * 1024);
    });
  });

  describe('errors are problem documents, never a 500 for bad input', () => {
    const expectProblem = (response: Awaited<ReturnType<typeof call>>, status: number) => {
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
    };

    it('an unknown route is a 404', async () => {
      expectProblem(await call(`${api.url}/api/v1/nothing-here`), 404);
    });

    it('malformed JSON is a 400 that says so', async () => {
      const response = await call(`${api.url}/api/v1/dev/tokens`, { rawBody: '{"role": "coordinator",' });
      expectProblem(response, 400);
      expect(response.body.detail).toMatch(/n’est pas du JSON valide/);
    });

    it('a body over 1 MiB is a 413', async () => {
      const response = await call(`${api.url}/api/v1/dev/tokens`, {
        body: { role: 'coordinator', padding: 'x'.repeat(1024 * 1024) },
      });
      expectProblem(response, 413);
    });

    it('an invalid field is a 400 naming it', async () => {
      const response = await call(`${api.url}/api/v1/dev/tokens`, {
        body: { role: 'superuser', cpts: 'cpts-demo' },
      });
      expectProblem(response, 400);
      expect(response.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ path: 'role' })]),
      );
    });

    it('an unknown field is refused, not silently dropped', async () => {
      const response = await call(`${api.url}/api/v1/dev/tokens`, {
        body: { role: 'coordinator', cpts: 'cpts-demo', admin: true },
      });
      expectProblem(response, 400);
      expect(response.body.errors).toEqual([expect.objectContaining({ path: 'admin' })]);
    });

    it('a call without a token is a 401 with WWW-Authenticate', async () => {
      const response = await call(`${api.url}/api/v1/me`);
      expectProblem(response, 401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });
  });

  describe('dev auth', () => {
    beforeAll(async () => {
      const admin = await call(`${api.url}/api/v1/dev/tokens`, { body: { role: 'platform-admin' } });
      const registered = await call(`${api.url}/api/v1/cpts`, {
        token: admin.body.token,
        body: { id: 'cpts-demo', name: 'CPTS Démo', population: 60000 },
      });
      expect(registered.status).toBe(201);
    });

    it('the sign-in route gives a token that identifies its holder', async () => {
      const issued = await call(`${api.url}/api/v1/dev/tokens`, {
        body: { cpts: 'cpts-demo', role: 'coordinator', sub: 'marie' },
      });
      expect(issued.status).toBe(201);
      const me = await call(`${api.url}/api/v1/me`, { token: issued.body.token });
      expect(me.status).toBe(200);
      expect(me.body).toEqual({ sub: 'marie', cpts: 'cpts-demo', roles: ['coordinator'] });
    });

    it('`cli token` signs with the same key in DATA_DIR, kept private (mode 0600)', async () => {
      const cli = runCli(['token', '--cpts', 'cpts-demo', '--role', 'auditor', '--sub', 'ars-audit'], {
        DATA_DIR: api.dataDir,
      });
      expect(cli.status).toBe(0);
      const lines = cli.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const me = await call(`${api.url}/api/v1/me`, { token: lines[0] });
      expect(me.body).toEqual({ sub: 'ars-audit', cpts: 'cpts-demo', roles: ['auditor'] });

      const keyFiles = readdirSync(join(api.dataDir, 'keys'));
      expect(keyFiles.length).toBeGreaterThan(0);
      for (const file of keyFiles) expect(statSync(join(api.dataDir, 'keys', file)).mode & 0o777).toBe(0o600);
    });

    it('a token signed with another DATA_DIR key is refused', async () => {
      const cli = runCli(['token', '--cpts', 'cpts-demo', '--role', 'coordinator'], {
        DATA_DIR: tempDataDir(),
      });
      expect(cli.status).toBe(0);
      expect((await call(`${api.url}/api/v1/me`, { token: cli.stdout.trim() })).status).toBe(401);
    });

    it('never writes a bearer token into the logs, even one put in the URL', async () => {
      const issued = await call(`${api.url}/api/v1/dev/tokens`, {
        body: { cpts: 'cpts-demo', role: 'analyst' },
      });
      const { token } = issued.body as { token: string };
      await call(`${api.url}/api/v1/me`, { token });
      await call(`${api.url}/api/v1/me?access_token=${token}&from=2026-01-01`);
      await new Promise((r) => setTimeout(r, 200));
      expect(api.output()).not.toContain(token);
      // The signature alone would be enough to replay the token.
      expect(api.output()).not.toContain(token.split('.')[2]);
      expect(api.output()).toContain('/api/v1/me?access_token=[redacted]&from=2026-01-01');
    });

    it("a request's log line says what was asked and the status, never the answer's headers", async () => {
      const admin = await call(`${api.url}/api/v1/dev/tokens`, { body: { role: 'platform-admin' } });
      const registered = await call(`${api.url}/api/v1/cpts`, {
        token: admin.body.token,
        body: { id: 'cpts-logged', name: 'CPTS Journalisée', population: 1000 },
      });
      expect(registered.status).toBe(201);
      expect(registered.headers.get('content-security-policy')).toBeTruthy();
      await new Promise((r) => setTimeout(r, 200));
      const lines = api
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, any>);
      const logged = lines.find(
        (line) =>
          line.req?.method === 'POST' && line.req?.url === '/api/v1/cpts' && line.res?.statusCode === 201,
      );
      expect(logged).toBeDefined();
      expect(logged!.service).toBe('parcours-api');
      expect(logged!.res).toEqual({ statusCode: 201 });
      expect(JSON.stringify(logged)).not.toMatch(/content-security-policy|no-store/i);
    });
  });
});

describe('the CLI', () => {
  it.each([
    [['token', '--cpts', 'cpts-demo']], // no role
    [['token', '--role', 'wizard', '--cpts', 'cpts-demo']],
    [['token', '--role', 'coordinator', '--cpts', 'Not A Slug']],
    [['no-such-command']],
  ])('exits 2 on bad usage: %j', (args) => {
    const result = runCli(args, { DATA_DIR: tempDataDir() });
    expect(result.status).toBe(2);
    expect(result.stderr).not.toBe('');
    expect(result.stdout).toBe('');
  });
});

describe('starting and stopping', () => {
  it('refuses to start on a bad configuration, naming the variable', async () => {
    await expect(startApi({ EVENT_STORE: 'postgres' }, 15_000)).rejects.toThrow(
      /EVENT_STORE must be sqlite or eventstoredb/,
    );
  });

  it('stops cleanly on SIGTERM, closing the store', async () => {
    const api = await startApi();
    try {
      expect((await call(`${api.url}/health`)).status).toBe(200);
      const ended = await api.stop('SIGTERM');
      expect(ended).toEqual({ code: 0, signal: null });
      expect(api.output()).toContain('event store closed');
    } finally {
      await api.dispose();
    }
  });

  // Two starts and a graceful stop of the built service: more than jest's default 30 s on a busy machine.
  it('serves the events written before a restart', async () => {
    const dataDir = tempDataDir();
    const first = await startApi({ DATA_DIR: dataDir });
    await first.stop('SIGTERM');
    // Write through the store directly: the domain endpoints come with the domain.
    const { SqliteEventStore } = await import('@parcours/event-store');
    const store = new SqliteEventStore({ path: join(dataDir, 'events.db') });
    await store.append('cpts-cpts-demo', [
      {
        type: 'CptsRegistered',
        data: { name: 'CPTS Démo', population: 60000, communes: [] },
        metadata: {
          cptsId: 'cpts-demo',
          actor: { id: 'admin', role: 'platform-admin' },
          correlationId: 'c',
          causationId: 'c',
          source: 'cli',
        },
      },
    ]);
    await store.close();
    const second = await startApi({ DATA_DIR: dataDir });
    try {
      expect((await call(`${second.url}/health`)).body.store.position).toBe('1');
    } finally {
      await second.dispose();
    }
  }, 90_000);
});
