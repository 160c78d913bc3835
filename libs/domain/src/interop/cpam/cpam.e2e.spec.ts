/**
 * The CPAM's files over real HTTP (the UI's upload) and through the CLI, against the built service: the
 * list of patients without a médecin traitant and the yearly figures, shown beside the indicators. The
 * CSV's parsing rules are tested in `libs/domain/src/interop/cpam/cpam-imports.int.spec.ts`; here, what a
 * coordinator and an operator see. The CLI's FHIR import of a directory too.
 */
import iconv from 'iconv-lite';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, runCliAsync, startApi, type RunningApi } from '../../../../../test/support/api-process';
import { dischargeBundle, ins } from '../../../../../test/support/fhir-bundles';
import { command, read, token } from '../../../../../test/support/tenant';

const C = 'cpts-cpam';
const LIST = [
  'NIR;Nom;Prénom;Date de naissance;Sexe;Code commune;ALD;CSS',
  `${ins('2480375123456')};Lefèvre;Hélène;02/03/1948;2;69123;N;N`,
  `${ins('1520169123041')};Bénard;Aimé;15/01/1952;1;69381;O;N`,
  `${ins('2860269381002')};Sœur;Zélie;20/02/1986;2;69381;N;O`,
].join('\r\n');

type Json = Record<string, any>;

describe('CPAM imports and the CLI imports', () => {
  let api: RunningApi;
  let coordinator: string;
  let dir: string;
  const upload = (path: string, body: Buffer, as = coordinator) =>
    fetch(`${api.url}/api/v1/cpts/${C}/imports/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${as}`, 'content-type': 'text/csv', 'accept-language': 'fr' },
      body: new Uint8Array(body),
    }).then(async (response) => ({
      status: response.status,
      type: response.headers.get('content-type'),
      body: (await response.json()) as Json,
    }));
  const position = async () => (await call(`${api.url}/health`)).body.store.position as string;

  beforeAll(async () => {
    api = await startApi();
    dir = mkdtempSync(join(tmpdir(), 'parcours-cpam-'));
    const admin = await token(api.url, null, 'platform-admin');
    await command(`${api.url}/api/v1/cpts`, admin, { id: C, name: C, population: 40_000 });
    coordinator = await token(api.url, C, 'coordinator', 'coordinator-1');
  }, 60_000);
  afterAll(async () => {
    await api?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads the list in Latin-1: patients registered with a search each, then nothing more on a second upload', async () => {
    const first = await upload('cpam-mt-list', iconv.encode(LIST, 'win1252'));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      encoding: 'latin1',
      separator: ';',
      rows: 3,
      imported: true,
      recorded: 3,
      counts: { patientsRegistered: 3, searchesRegistered: 3 },
    });
    const list = await read(
      api.url,
      `${api.url}/api/v1/cpts/${C}/patients?hasMedecinTraitant=false`,
      coordinator,
    );
    expect(list.body.items.filter((item: Json) => item.medecinTraitantSearch)).toHaveLength(3);

    const before = await position();
    const again = await upload('cpam-mt-list', Buffer.from(LIST.replace(/;/g, ','), 'utf8'));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ encoding: 'utf-8', separator: ',', recorded: 0, unchanged: 3 });
    expect(await position()).toBe(before);
  });

  it('refuses a file with a bad row with a 422 naming the line, and records nothing; a file without its columns is a 400', async () => {
    const before = await position();
    const bad = `${LIST}\r\n${ins('1700169123099')};Nouveau;Jean;31/02/1970;1;;N;N\r\n${ins('1700169123100')};Autre;Paul;01/01/1970;1;;N;N`;
    const refused = await upload('cpam-mt-list', Buffer.from(bad));
    expect(refused.status).toBe(422);
    expect(refused.type).toMatch(/^application\/problem\+json/);
    expect(refused.body.report.imported).toBe(false);
    expect(refused.body.report.rejected).toEqual([
      { line: 5, reasons: ['date_naissance: pas une date (JJ/MM/AAAA ou AAAA-MM-JJ)'] },
    ]);
    expect(refused.body.errors).toEqual([
      { path: 'line 5', message: 'date_naissance: pas une date (JJ/MM/AAAA ou AAAA-MM-JJ)' },
    ]);
    expect(await position()).toBe(before);

    const headerless = await upload('cpam-mt-list', Buffer.from('a;b\n1;2\n'));
    expect(headerless.status).toBe(400);
    expect(headerless.body.errors[0].path).toBe('header');
  });

  it('records the CPAM’s figures by API and by CSV, and shows them beside the indicators, marked external', async () => {
    await command(`${api.url}/api/v1/cpts/${C}/external-indicators`, coordinator, {
      code: 'acces.cpam.patientele-mt',
      period: '2025',
      value: 0.87,
      source: 'CPAM du Rhône',
    });
    const csv = await upload(
      'cpam-indicators',
      Buffer.from('code,annee,valeur,source\nacces.cpam.sans-mt-ald,2025,"4,1 %",CPAM du Rhône\n'),
    );
    expect(csv.status).toBe(201);
    const duplicate = await call(`${api.url}/api/v1/cpts/${C}/external-indicators`, {
      token: coordinator,
      body: { code: 'acces.cpam.patientele-mt', period: '2025', value: 0.9, source: 'CPAM' },
    });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.rule).toBe('external-indicator-recorded');

    const figures = await read(
      api.url,
      `${api.url}/api/v1/cpts/${C}/indicators?from=2025-01-01&to=2026-01-01`,
      coordinator,
    );
    expect(figures.body.external).toEqual([
      expect.objectContaining({
        code: 'acces.cpam.patientele-mt',
        period: '2025',
        value: 0.87,
        external: true,
        source: 'CPAM du Rhône',
      }),
      expect.objectContaining({
        code: 'acces.cpam.sans-mt-ald',
        period: '2025',
        value: 0.041,
        external: true,
      }),
    ]);
    const other = await read(
      api.url,
      `${api.url}/api/v1/cpts/${C}/indicators?from=2026-01-01&to=2026-06-01`,
      coordinator,
    );
    expect(other.body.external).toEqual([]);
    const exported = await call(
      `${api.url}/api/v1/cpts/${C}/exports/indicators.csv?from=2025-11-01&to=2026-01-01`,
      {
        token: coordinator,
      },
    );
    expect(exported.text).toContain(
      '2025-01-01,2026-01-01,acces.cpam.patientele-mt,acces-soins,0.87,,,"{""external"":true,""source"":""CPAM du Rhône""}"',
    );
  });

  it('imports the list from the CLI, with a report, and exits 1 on a rejected row', async () => {
    const file = join(dir, 'liste.csv');
    writeFileSync(
      file,
      iconv.encode(LIST.concat(`\r\n${ins('2900175123010')};Neuve;Anne;01/01/1990;F;;N;O`), 'win1252'),
    );
    const ok = await runCliAsync(['import-mt-list', file, '--cpts', C], { DATA_DIR: api.dataDir });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ rows: 4, recorded: 1, unchanged: 3, imported: true });

    const bad = join(dir, 'mauvaise.csv');
    writeFileSync(bad, `${LIST}\r\n${ins('2900175123011')};Neuve;Anne;01/01/1990;Z;;N;O`);
    const refused = await runCliAsync(['import-mt-list', bad, '--cpts', C], { DATA_DIR: api.dataDir });
    expect(refused.status).toBe(1);
    expect(JSON.parse(refused.stdout).rejected).toEqual([
      { line: 5, reasons: ['sexe: 1, M ou H pour un homme, 2 ou F pour une femme'] },
    ]);
    expect(refused.stderr).toContain('1 row(s) rejected, nothing imported');
  }, 60_000); // two CLI runs, each a process of its own

  it('imports a directory of FHIR bundles from the CLI, each all or nothing, and says which were refused', async () => {
    const admin = await token(api.url, null, 'platform-admin');
    await command(`${api.url}/api/v1/cpts`, admin, { id: 'cpts-cli-fhir', name: 'CLI', population: 40_000 });
    const bundles = join(dir, 'fhir');
    mkdirSync(bundles);
    writeFileSync(
      join(bundles, '1-sortie.json'),
      JSON.stringify(dischargeBundle({ patient: { ins: ins('2410569123045') } })),
    );
    writeFileSync(
      join(bundles, '2-sortie.json'),
      JSON.stringify(dischargeBundle({ patient: { ins: ins('1380769388012') }, encounterId: 'SEJ-9' })),
    );
    writeFileSync(
      join(bundles, '3-invalide.json'),
      '{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Foo"}}]}',
    );
    writeFileSync(join(bundles, 'notes.txt'), 'not a bundle');
    const run = await runCliAsync(['import', bundles, '--cpts', 'cpts-cli-fhir'], { DATA_DIR: api.dataDir });
    expect(run.status).toBe(1);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ files: 3, imported: 2, unchanged: 0, refused: 1 });
    expect(summary.results[2]).toMatchObject({
      outcome: 'refused',
      problems: [{ at: 'Bundle.entry[0].resource.resourceType' }],
    });
    const again = await runCliAsync(['import', join(bundles, '1-sortie.json'), '--cpts', 'cpts-cli-fhir'], {
      DATA_DIR: api.dataDir,
    });
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ files: 1, unchanged: 1 });
  }, 60_000); // two CLI runs, each a process of its own
});
