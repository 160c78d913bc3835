/**
 * The problems the API builds by hand — a header, a path or query parameter, a token, a file, a body the
 * parser refuses — over real HTTP, in French (the default) and in English (`Accept-Language`), each with
 * the same `type`, `errors[].path` and extension members whatever the language.
 */
import { randomUUID } from 'node:crypto';
import { call, startApi, tempDataDir, type RunningApi } from './support/api-process';
import { registerCptsInStore, token } from './support/tenant';

const CPTS = 'cpts-langues';
const EN = { 'accept-language': 'en-GB,en;q=0.9,fr;q=0.5' };
const FR = { 'accept-language': 'fr-FR,fr;q=0.9' };

describe('hand-built problems, in French and English', () => {
  let api: RunningApi;
  let coordinator: string;
  let auditor: string;
  let analyst: string;
  const url = (path: string) => `${api.url}/api/v1/cpts/${CPTS}${path}`;

  beforeAll(async () => {
    const dataDir = tempDataDir();
    await registerCptsInStore(dataDir, CPTS);
    api = await startApi({ DATA_DIR: dataDir });
    [coordinator, auditor, analyst] = await Promise.all([
      token(api.url, CPTS, 'coordinator', 'coord-1'),
      token(api.url, CPTS, 'auditor'),
      token(api.url, CPTS, 'analyst'),
    ]);
  });
  afterAll(() => api.dispose());

  /** The same request in both languages: each answer's status, type, paths and messages. */
  async function both(
    path: string,
    init: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ) {
    const [fr, en, none] = await Promise.all(
      [FR, EN, {}].map((language) => call(url(path), { ...init, headers: { ...init.headers, ...language } })),
    );
    expect(en.status).toBe(fr.status);
    expect(en.body.type).toBe(fr.body.type);
    expect(en.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((en.body.errors ?? []).map((e: { path: string }) => e.path)).toEqual(
      (fr.body.errors ?? []).map((e: { path: string }) => e.path),
    );
    // French unless the client asks for English.
    expect(none.body.detail).toBe(fr.body.detail);
    return { fr: fr.body, en: en.body, status: fr.status };
  }

  it('X-Purpose: the header named, its rule in each language', async () => {
    const { fr, en, status } = await both('/patients/search', {
      token: coordinator,
      body: { name: 'martin' },
      headers: { 'X-Purpose': 'Free text!' },
    });
    expect([status, fr.type]).toEqual([400, 'https://parcours.example/problems/invalid-header']);
    expect(fr.errors).toEqual([
      {
        path: 'X-Purpose',
        message: 'X-Purpose doit compter 1 à 64 caractères parmi a-z, 0-9 et -, par exemple consultation',
      },
    ]);
    expect(en.errors[0].message).toBe(
      'X-Purpose must be 1 to 64 characters of a-z, 0-9 and -, e.g. consultation',
    );
    expect(fr.detail).toBe(fr.errors[0].message);
  });

  it('an audit stream id that names no stream', async () => {
    const { fr, en, status } = await both('/audit/streams/not-a-stream-name', { token: auditor });
    expect([status, fr.errors[0].path]).toEqual([400, 'streamId']);
    expect(fr.detail).toMatch(/^streamId doit être cpts-<cptsId> ou <catégorie>-<cptsId>\.<id>/);
    expect(en.detail).toMatch(/^streamId must be cpts-<cptsId> or <category>-<cptsId>\.<id>/);
  });

  it('a CPAM upload with an unknown encoding, and one that is JSON rather than a file', async () => {
    const encoding = await both('/imports/cpam-mt-list?encoding=ebcdic', {
      token: coordinator,
      rawBody: 'nir;nom\n',
      headers: { 'content-type': 'text/csv' },
    });
    expect([encoding.status, encoding.fr.errors[0].path]).toEqual([400, 'encoding']);
    expect([encoding.fr.detail, encoding.en.detail]).toEqual([
      'encoding doit valoir utf-8 ou latin1',
      'encoding must be utf-8 or latin1',
    ]);
    const json = await both('/imports/cpam-mt-list', { token: coordinator, body: { rows: [] } });
    expect(json.status).toBe(415);
    expect([json.fr.detail, json.en.detail]).toEqual([
      'Envoyez le fichier lui-même (par exemple text/csv), pas du JSON.',
      'Send the file itself (e.g. text/csv), not JSON.',
    ]);
  });

  it('the FHIR export’s identity parameter, in the OperationOutcome the FHIR routes answer with', async () => {
    const [fr, en] = await Promise.all(
      [FR, EN].map((language) =>
        call(url(`/pathways/${randomUUID()}/fhir?identity=yes`), { token: coordinator, headers: language }),
      ),
    );
    expect([fr.status, en.status, fr.body.resourceType]).toEqual([400, 400, 'OperationOutcome']);
    expect(fr.body.issue.map((issue: { diagnostics: string }) => issue.diagnostics).join(' ')).toContain(
      'identity doit valoir true ou false',
    );
    expect(en.body.issue.map((issue: { diagnostics: string }) => issue.diagnostics).join(' ')).toContain(
      'identity must be true or false',
    );
  });

  it('If-Match and Idempotency-Key', async () => {
    const ifMatch = await both('/members', {
      token: coordinator,
      body: {},
      headers: { 'If-Match': 'latest' },
    });
    expect([ifMatch.status, ifMatch.fr.errors[0].path, ifMatch.fr.detail, ifMatch.en.detail]).toEqual([
      400,
      'If-Match',
      'If-Match doit être une révision, par exemple "3"',
      'If-Match must be a revision, e.g. "3"',
    ]);
  });

  it('authentication: the reason kept as a code, the words in each language', async () => {
    const { fr, en, status } = await both('/members', { token: 'not-a-jwt' });
    expect([status, fr.reason, en.reason]).toEqual([401, 'malformed token', 'malformed token']);
    expect([fr.detail, en.detail]).toEqual([
      'Authentification refusée : jeton mal formé.',
      'Authentication refused: malformed token.',
    ]);
    const missing = await both('/members', {});
    expect([missing.status, missing.fr.reason]).toEqual([401, 'missing bearer token']);
    expect(missing.fr.detail).toMatch(/^Authentification refusée : aucun jeton d’accès/);
  });

  it('authorisation: the roles a route is for, listed the same in both', async () => {
    const { fr, en, status } = await both('/members', { token: analyst, body: {} });
    expect([status, fr.type]).toEqual([403, 'https://parcours.example/problems/forbidden']);
    expect(fr.roles).toEqual(en.roles);
    expect(fr.detail).toBe(`Réservé aux rôles : ${fr.roles.join(', ')}.`);
    expect(en.detail).toBe(`Requires one of the roles: ${en.roles.join(', ')}.`);
  });

  it('a body that is not JSON', async () => {
    const [fr, en] = await Promise.all(
      [FR, EN].map((language) =>
        call(url('/members'), { token: coordinator, rawBody: '{"displayName":', headers: language }),
      ),
    );
    expect([fr.status, en.status, fr.body.type]).toEqual([
      400,
      400,
      'https://parcours.example/problems/malformed-json',
    ]);
    expect(fr.body.detail).toMatch(/^Le corps de la requête n’est pas du JSON valide : /);
    expect(en.body.detail).toMatch(/^The request body is not valid JSON: /);
  });
});
