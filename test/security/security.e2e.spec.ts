/**
 * Parcours probed as an attacker would, over real HTTP against the built service: what a deployment meets
 * first. Each block answers one finding of the security review (docs/security.md lists them with the
 * protection and this test).
 */
import Database from 'better-sqlite3';
import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { ACCESS_POLICY } from '../../apps/api/src/access-policy';
import {
  call,
  GENEROUS_LIMITS,
  runCli,
  startApi,
  tempDataDir,
  type RunningApi,
} from '../support/api-process';
import { command, token } from '../support/tenant';

const CPTS = 'cpts-secu';
const identity = {
  familyName: 'Vrabelinsky',
  givenName: 'Orlanthe',
  birthDate: '1962-11-05',
  ins: '262117512345699',
};
const registration = {
  identity,
  sex: 'F',
  birthYear: 1962,
  ald: false,
  precarious: false,
  hasMedecinTraitant: false,
};

/** This machine's address on its network: a request from it is not a loopback request. */
function externalAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (!address.internal && address.family === 'IPv4') return address.address;
    }
  }
  throw new Error('this test needs a network interface other than loopback (none found)');
}

/** Every file and directory under `dir`, recursively. */
function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return lstatSync(path).isDirectory() ? [path, ...walk(path)] : [path];
  });
}

async function registerCpts(api: RunningApi, id = CPTS): Promise<void> {
  const admin = await token(api.url, null, 'platform-admin');
  await command(`${api.url}/api/v1/cpts`, admin, { id, name: 'CPTS Sécurité', population: 40000 });
}

describe('dev authentication: loud, local, short-lived and rate limited', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({ ...GENEROUS_LIMITS, RATE_LIMIT_TOKEN_MINTS_PER_MINUTE: '5' });
  });
  afterAll(() => api.dispose());

  it('says so at start and in /health', async () => {
    expect(api.output()).toContain('DEV AUTHENTICATION (AUTH_MODE=dev)');
    const health = await call(`${api.url}/health`);
    expect(health.body.auth).toEqual({ mode: 'dev', warning: expect.stringMatching(/sign in as anyone/) });
  });

  it('mints only for this machine: another host gets 403 and no token', async () => {
    const port = new URL(api.url).port;
    const remote = await call(`http://${externalAddress()}:${port}/api/v1/dev/tokens`, {
      body: { role: 'platform-admin' },
    });
    expect(remote.status).toBe(403);
    expect(remote.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(remote.text).not.toMatch(/eyJ/);
  });

  it('mints tokens valid for hours, not years', async () => {
    const issued = await call(`${api.url}/api/v1/dev/tokens`, { body: { role: 'platform-admin' } });
    const claims = JSON.parse(Buffer.from(issued.body.token.split('.')[1], 'base64url').toString()) as {
      iat: number;
      exp: number;
    };
    expect(claims.exp - claims.iat).toBe(8 * 3600);
  });

  it('limits minting per address: 429 with Retry-After, as a problem document', async () => {
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 10 && !limited; i++) {
      const response = await call(`${api.url}/api/v1/dev/tokens`, { body: { role: 'platform-admin' } });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    // 5 a minute: one was minted by the test before, so four more, then the limit.
    expect(statuses).toEqual([201, 201, 201, 201, 429]);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited!.body).toMatchObject({ status: 429, type: expect.stringMatching(/rate-limited$/) });
  });
});

describe('production configuration', () => {
  it('refuses to start with NODE_ENV=production and dev authentication, naming the setting', async () => {
    await expect(startApi({ NODE_ENV: 'production' }, 15_000)).rejects.toThrow(
      /NODE_ENV=production requires AUTH_MODE=oidc with OIDC_ISSUER/,
    );
  });

  it('with OIDC: no token minting route, no public API documentation, no dev warning', async () => {
    const api = await startApi({
      NODE_ENV: 'production',
      AUTH_MODE: 'oidc',
      OIDC_ISSUER: 'http://127.0.0.1:9/realms/cpts',
      OIDC_AUDIENCE: 'parcours',
    });
    try {
      expect((await call(`${api.url}/api/v1/dev/tokens`, { body: { role: 'platform-admin' } })).status).toBe(
        404,
      );
      expect((await call(`${api.url}/api/docs`)).status).toBe(404);
      expect((await call(`${api.url}/api/docs-json`)).status).toBe(404);
      expect((await call(`${api.url}/health`)).body.auth).toEqual({ mode: 'oidc' });
      expect(api.output()).not.toContain('DEV AUTHENTICATION');
    } finally {
      await api.dispose();
    }
  });
});

describe('input hardening', () => {
  let api: RunningApi;
  let coordinator: string;
  beforeAll(async () => {
    api = await startApi();
    await registerCpts(api);
    coordinator = await token(api.url, CPTS, 'coordinator');
  });
  afterAll(() => api.dispose());

  const postRoutes = Object.keys(ACCESS_POLICY)
    .filter((key) => key.startsWith('POST '))
    .map((key) =>
      key
        .slice(5)
        .replace(':cptsId', CPTS)
        .replace(/:(\w+)/g, (_m, name: string) =>
          name === 'code'
            ? 'odynophagie'
            : name === 'mission'
              ? 'parcours'
              : '0193a0e0-0000-7000-8000-000000000000',
        ),
    );
  const deepArray = `${'['.repeat(3000)}${']'.repeat(3000)}`;
  const deepObject = `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`;
  const head = async () => (await call(`${api.url}/health`)).body.store.position as string;

  it('refuses a body nested 3 000 deep with a 400 on every POST route, with or without a token', async () => {
    const before = await head();
    const wrong: string[] = [];
    for (const route of postRoutes) {
      for (const [body, bearer] of [
        [deepArray, coordinator],
        [deepObject, undefined],
      ] as const) {
        const response = await call(`${api.url}${route}`, { rawBody: body, token: bearer });
        // The FHIR route reads its own body, after the token: an OperationOutcome, and nothing read without one.
        const refused = route.endsWith('/fhir')
          ? bearer === undefined
            ? response.status === 401
            : response.status === 400 &&
              String(response.body?.issue?.[0]?.diagnostics).includes('nests deeper than 64 levels')
          : response.status === 400 && String(response.body?.type).endsWith('body-too-deep');
        if (!refused) wrong.push(`${route}: ${response.status} ${response.text.slice(0, 80)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(postRoutes.length).toBeGreaterThan(40);
    expect(await head()).toBe(before);
  });

  it('takes nesting up to the limit as ordinary input (the validation answers, not the parser)', async () => {
    const response = await call(`${api.url}/api/v1/cpts/${CPTS}/patients`, {
      token: coordinator,
      rawBody: `{"identity":${'['.repeat(60)}${']'.repeat(60)}}`,
    });
    expect(response.status).toBe(400);
    expect(response.body.type).toMatch(/invalid-input$/);
  });

  it('refuses a body that is not valid UTF-8 (400), and takes accented UTF-8', async () => {
    const url = `${api.url}/api/v1/cpts/${CPTS}/patients`;
    const json = JSON.stringify(registration);
    const broken = Buffer.from(json.replace('Vrabelinsky', 'Vrab\u0000linsky'), 'utf8');
    broken[broken.indexOf(0)] = 0xe9; // "é" in Latin-1: a lone byte that is not UTF-8
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${coordinator}` },
      body: broken,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { type: string }).type).toMatch(/invalid-utf8$/);
    const accented = await call(url, {
      token: coordinator,
      body: { ...registration, identity: { ...identity, familyName: 'Vrabélinsky' } },
    });
    expect(accented.status).toBe(201);
  });

  it('puts security headers on every API answer, and forbids caching the authenticated ones', async () => {
    for (const response of [
      await call(`${api.url}/api/v1/me`, { token: coordinator }),
      await call(`${api.url}/api/v1/cpts/${CPTS}/worklist`, { token: coordinator }),
      await call(`${api.url}/api/v1/me`),
    ]) {
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      // No hash of an answer (a fingerprint of the health data in it) as an ETag: answers are never revalidated.
      expect(response.headers.get('etag')).toBeNull();
    }
  });
});

describe('rate limits', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi({
      ...GENEROUS_LIMITS,
      RATE_LIMIT_PER_MINUTE: '30',
      RATE_LIMIT_IDENTITY_READS_PER_MINUTE: '5',
      RATE_LIMIT_IP_PER_MINUTE: '150',
    });
    await registerCpts(api);
  });
  afterAll(() => api.dispose());

  it('limits each user: 429 with Retry-After past the budget, while another user goes on', async () => {
    const burst = await token(api.url, CPTS, 'auditor', 'burst-user');
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await call(`${api.url}/api/v1/me`, { token: burst })).status);
    expect(statuses.slice(0, 30).every((status) => status === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
    const limited = await call(`${api.url}/api/v1/me`, { token: burst });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const other = await token(api.url, CPTS, 'auditor', 'calm-user');
    expect((await call(`${api.url}/api/v1/me`, { token: other })).status).toBe(200);
  });

  it('limits identity reads more strictly than the rest', async () => {
    const coordinator = await token(api.url, CPTS, 'coordinator', 'reader');
    const { id } = await command(`${api.url}/api/v1/cpts/${CPTS}/patients`, coordinator, registration);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      statuses.push(
        (await call(`${api.url}/api/v1/cpts/${CPTS}/patients/${id}`, { token: coordinator })).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    // Other reads of the same user still go through.
    expect((await call(`${api.url}/api/v1/cpts/${CPTS}/worklist`, { token: coordinator })).status).toBe(200);
  });

  it('limits each address before any token is verified: a flood of forged tokens ends in 429s', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 160 && !statuses.has(429); i++) {
      statuses.add((await call(`${api.url}/api/v1/me`, { token: `forged.${i}.token` })).status);
    }
    expect([...statuses].sort()).toEqual([401, 429]);
  });
});

describe('files under DATA_DIR', () => {
  it('are readable by the service’s user only, even in a directory created with looser modes', async () => {
    const dataDir = tempDataDir();
    chmodSync(dataDir, 0o755);
    mkdirSync(join(dataDir, 'keys'), { mode: 0o755 });
    writeFileSync(join(dataDir, 'notes.txt'), 'left by an older version', { mode: 0o644 });
    const api = await startApi({ DATA_DIR: dataDir });
    try {
      await registerCpts(api);
      const coordinator = await token(api.url, CPTS, 'coordinator');
      const { id } = await command(`${api.url}/api/v1/cpts/${CPTS}/patients`, coordinator, registration);
      await call(`${api.url}/api/v1/cpts/${CPTS}/patients/${id}`, { token: coordinator });
      const paths = [dataDir, ...walk(dataDir)];
      for (const name of ['events.db', 'read.db', 'idempotency.db', 'access-log.db', 'keys']) {
        expect(paths.some((path) => path.endsWith(name))).toBe(true);
      }
      expect(paths.some((path) => path.endsWith('-wal'))).toBe(true);
      const open = paths.filter((path) => (lstatSync(path).mode & 0o077) !== 0);
      expect(open).toEqual([]);
    } finally {
      await api.dispose();
    }
  });
});

describe('erasure leaves nothing that confirms a guessed identity', () => {
  it('in any file, and through the API: a retry with the old key answers the same for a right and a wrong guess', async () => {
    const api = await startApi();
    try {
      await registerCpts(api);
      const coordinator = await token(api.url, CPTS, 'coordinator');
      const url = `${api.url}/api/v1/cpts/${CPTS}/patients`;
      const headers = { 'idempotency-key': 'registration-of-orlanthe' };
      const guess = { ...registration, identity: { ...identity, givenName: 'Orlando' } };
      const first = await call(url, { token: coordinator, body: registration, headers });
      expect(first.status).toBe(201);
      // Before erasure the key still tells requests apart: that is its purpose.
      expect((await call(url, { token: coordinator, body: registration, headers })).status).toBe(200);
      expect((await call(url, { token: coordinator, body: guess, headers })).status).toBe(409);

      const erased = await call(`${url}/${first.body.id}/erasure`, {
        token: coordinator,
        body: { on: '2026-01-10', reason: 'demande du patient (art. 17 RGPD)' },
      });
      expect(erased.status).toBe(201);

      const right = await call(url, { token: coordinator, body: registration, headers });
      const wrong = await call(url, { token: coordinator, body: guess, headers });
      expect([right.status, wrong.status]).toEqual([200, 200]);
      expect(wrong.body).toEqual(right.body);
      expect((await call(`${url}/${first.body.id}`, { token: coordinator })).body.identity).toBeNull();

      await api.stop('SIGTERM');
      const unkeyed = createHash('sha256')
        .update(canonicalize({ method: 'POST', path: `/api/v1/cpts/${CPTS}/patients`, body: registration })!)
        .digest('hex');
      const secrets = [identity.familyName, identity.givenName, identity.birthDate, identity.ins, unkeyed];
      for (const path of walk(api.dataDir).filter((p) => lstatSync(p).isFile())) {
        const content = readFileSync(path).toString('latin1');
        for (const secret of secrets) expect([path, content.includes(secret)]).toEqual([path, false]);
      }
      for (const secret of secrets) expect(api.output()).not.toContain(secret);
    } finally {
      await api.dispose();
    }
  });
});

describe('the read-access log, as a patient would ask for it', () => {
  let api: RunningApi;
  let dataDir: string;
  let coordinator: string;
  let patientId: string;
  beforeAll(async () => {
    dataDir = tempDataDir();
    api = await startApi({ DATA_DIR: dataDir });
    await registerCpts(api);
    coordinator = await token(api.url, CPTS, 'coordinator', 'coord-secu');
    patientId = (await command(`${api.url}/api/v1/cpts/${CPTS}/patients`, coordinator, registration)).id;
    for (const purpose of ['consultation', 'preparation-rcp']) {
      await call(`${api.url}/api/v1/cpts/${CPTS}/patients/${patientId}`, {
        token: coordinator,
        headers: { 'x-purpose': purpose },
      });
    }
  });
  afterAll(() => api.dispose());

  const report = (format: string, bearer: string) =>
    call(`${api.url}/api/v1/cpts/${CPTS}/patients/${patientId}/access-log?format=${format}`, {
      token: bearer,
    });

  it('exports who read the record, oldest first, as JSON and as a CSV French spreadsheets open', async () => {
    const json = await report('json', coordinator);
    expect(json.status).toBe(200);
    expect(
      json.body.entries.map((e: { purpose: string; actorId: string }) => [e.actorId, e.purpose]),
    ).toEqual([
      ['coord-secu', 'consultation'],
      ['coord-secu', 'preparation-rcp'],
    ]);
    const csv = await fetch(`${api.url}/api/v1/cpts/${CPTS}/patients/${patientId}/access-log?format=csv`, {
      headers: { authorization: `Bearer ${coordinator}` },
    });
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trim().split('\n');
    expect(lines[0]).toBe('Date et heure (Paris);Lecteur;Rôle;Motif;Requête');
    expect(lines).toHaveLength(3);
    expect(lines[2].split(';').slice(1, 4)).toEqual(['coord-secu', 'coordinator', 'preparation-rcp']);
    // Nobody reads it without the right: no identity is in it, but it says who cares for whom.
    for (const role of ['professional', 'analyst']) {
      expect((await report('json', await token(api.url, CPTS, role))).status).toBe(403);
    }
  });

  it('is hash-chained: verify passes, then finds an entry changed behind the service’s back', async () => {
    const clean = runCli(['verify', '--cpts', CPTS], { DATA_DIR: dataDir });
    expect(clean.status).toBe(0);
    expect(clean.stdout).toContain('access log: 2 entries — ok');
    const auditor = await token(api.url, CPTS, 'auditor');
    const audit = await call(`${api.url}/api/v1/cpts/${CPTS}/audit/verify`, { token: auditor });
    expect(audit.body).toMatchObject({ ok: true, accessLog: { ok: true, entries: 2 } });

    const db = new Database(join(dataDir, 'access-log.db'));
    db.exec(
      "DROP TRIGGER access_log_no_update; UPDATE access_log SET actor_id = 'someone-else' WHERE seq = 1;",
    );
    db.close();

    const tampered = runCli(['verify', '--cpts', CPTS], { DATA_DIR: dataDir });
    expect(tampered.status).toBe(1);
    expect(tampered.stdout).toMatch(/BROKEN access log entry .* hash-mismatch/);
    const after = await call(`${api.url}/api/v1/cpts/${CPTS}/audit/verify`, { token: auditor });
    expect(after.body).toMatchObject({ ok: false, accessLog: { ok: false, broken: [{ seq: 1 }] } });
  });
});
