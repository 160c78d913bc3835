/**
 * The yearly review pack over real HTTP: the JSON, the PDF (its text read back and checked against the
 * JSON), the annex and the financing as French spreadsheets, the refusals; and the validation messages
 * in the client's language.
 */
import { parse } from 'csv-parse/sync';
import { call, startApi, type RunningApi } from '../../../../test/support/api-process';
import { packEuros, packFigure, pdfText } from '../../../../test/support/pdf-text';
import { command, read, token } from '../../../../test/support/tenant';

const CPTS = 'cpts-pack';
const OTHER = 'cpts-pack-other';
const BOM = '\ufeff';

/**
 * A French-Excel file as a spreadsheet reads it: after the BOM, `;` between cells, CRLF between records;
 * one object per row, by column name (what the file's columns are is `french-exports.ts`'s to say).
 */
function sheet(bytes: Buffer): Array<Record<string, string>> {
  const text = bytes.toString('utf8');
  expect(text.startsWith(BOM)).toBe(true);
  expect(text).toMatch(/\r\n$/);
  return parse<Record<string, string>>(text.slice(1), {
    delimiter: ';',
    columns: true,
    record_delimiter: '\r\n',
  });
}

async function download(url: string, tokenValue: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers: { authorization: `Bearer ${tokenValue}`, ...headers } });
  return {
    status: response.status,
    headers: response.headers,
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

describe('the yearly review pack over HTTP', () => {
  let api: RunningApi;
  let base: string;
  let coordinator: string;
  let auditor: string;
  let analyst: string;
  let professional: string;
  let beforeContract: string;

  beforeAll(async () => {
    api = await startApi();
    const admin = await token(api.url, null, 'platform-admin');
    for (const id of [CPTS, OTHER]) {
      await command(`${api.url}/api/v1/cpts`, admin, {
        id,
        name: id === CPTS ? 'CPTS du Pilat' : 'Autre CPTS',
        population: 60_000,
        communes: ['69123'],
      });
    }
    coordinator = await token(api.url, CPTS, 'coordinator');
    auditor = await token(api.url, CPTS, 'auditor');
    analyst = await token(api.url, CPTS, 'analyst');
    professional = await token(api.url, CPTS, 'professional');
    base = `${api.url}/api/v1/cpts/${CPTS}`;
    await new Promise((resolve) => setTimeout(resolve, 5));
    beforeContract = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await command(`${base}/contract`, coordinator, {
      signedOn: '2025-01-01',
      missions: ['acces-soins', 'parcours', 'prevention', 'crises-sanitaires'],
    });
    for (const mission of ['acces-soins', 'parcours', 'prevention', 'crises-sanitaires']) {
      await command(`${base}/missions/${mission}/start`, coordinator, { startedOn: '2025-01-01' });
    }
    await command(`${base}/achievements`, coordinator, {
      contractYear: 1,
      mission: 'prevention',
      rate: 0.75,
    });
    await command(`${base}/crisis-plan`, coordinator, { on: '2025-02-10', kind: 'drafted' });
    await command(`${base}/crises`, coordinator, { declaredOn: '2025-07-15', kind: 'canicule' });
    await command(`${base}/external-indicators`, coordinator, {
      code: 'acces.cpam.patientele-mt',
      period: '2025',
      value: 0.875,
      source: 'CPAM du Rhône, dialogue de gestion 2025',
    });
    // Two prevention actions in contract year 1 (2025), one the year before.
    for (const heldOn of ['2025-03-10', '2025-10-02', '2024-05-05']) {
      await command(`${base}/prevention-actions`, coordinator, {
        theme: 'Dépistage du cancer colorectal',
        heldOn,
        participants: 40,
        memberIds: [],
      });
    }
  });

  afterAll(async () => {
    await api?.dispose();
  });

  const packUrl = (query: string, path = 'reports/yearly') => `${base}/${path}?${query}`;

  it('gathers the year: indicators with the year before, the CPAM’s figures, achievement rates, financing, crises', async () => {
    const response = await read(api.url, packUrl('contractYear=1'), auditor);
    expect(response.status).toBe(200);
    const pack = response.body;
    expect(pack).toMatchObject({
      cptsId: CPTS,
      name: 'CPTS du Pilat',
      contractYear: 1,
      period: { from: '2025-01-01', to: '2026-01-01', lastDay: '2025-12-31' },
      previousPeriod: { from: '2024-01-01', to: '2025-01-01', lastDay: '2024-12-31' },
      crises: [{ declaredOn: '2025-07-15', kind: 'canicule' }],
      crisisPlan: { draftedOn: '2025-02-10', updates: [] },
    });
    const prevention = pack.missions.find((m: { mission: string }) => m.mission === 'prevention');
    expect(prevention).toMatchObject({ inContract: true, startedOn: '2025-01-01', achievementRate: 0.75 });
    expect(prevention.indicators).toContainEqual(
      expect.objectContaining({ code: 'prevention.actions', value: 2, previous: { value: 1 } }),
    );
    const access = pack.missions.find((m: { mission: string }) => m.mission === 'acces-soins');
    expect(access.external).toEqual([
      expect.objectContaining({ code: 'acces.cpam.patientele-mt', value: 0.875, period: '2025' }),
    ]);
    // The variable part of prevention counts its 0.75.
    const financing = await read(api.url, `${base}/financing?contractYear=1`, auditor);
    expect(pack.financing).toEqual(financing.body);
    expect(pack.financing.lines).toContainEqual(
      expect.objectContaining({ mission: 'prevention', part: 'variable', amount: expect.any(Number) }),
    );
  });

  it('prints the same figures in the PDF, "tel que connu le" on every page', async () => {
    const json = (await read(api.url, packUrl('contractYear=1'), coordinator)).body;
    const pdf = await download(packUrl(`contractYear=1&consistentWith=0`, 'reports/yearly.pdf'), coordinator);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe(
      `attachment; filename="dialogue-de-gestion-${CPTS}-annee-1-2025-01-01-au-2025-12-31.pdf"`,
    );
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const { text, pages } = pdfText(pdf.bytes);
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(page).toMatch(/Tel que connu le \d{2}\/\d{2}\/\d{4} à \d{2}:\d{2}/);
    expect(text).toContain('CPTS du Pilat');
    expect(text).toContain('Année de contrat 1 : du 01/01/2025 au 31/12/2025');
    for (const mission of json.missions) {
      for (const indicator of mission.indicators) {
        const shown = (value: number | null) => packFigure(indicator.unit, value);
        expect(text).toContain(
          `${indicator.code} ${shown(indicator.value)} ${shown(indicator.previous.value)}`,
        );
      }
    }
    expect(text).toContain('acces.cpam.patientele-mt — source : CPAM du Rhône, dialogue de gestion 2025');
    expect(text).toContain('87,5 %');
    expect(text).toContain('taux d’atteinte : 75,0 %');
    for (const line of json.financing.lines) expect(text).toContain(packEuros(line.amount));
    expect(text).toContain(`Total ${packEuros(json.financing.total)}`);
    expect(text).toContain('Crise « canicule » déclarée le 15/07/2025');
    expect(text).toContain('rédaction du plan de crise le 10/02/2025');
  });

  it('answers the PDF on the JSON route to Accept: application/pdf', async () => {
    const pdf = await download(packUrl('contractYear=1'), analyst, { accept: 'application/pdf' });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('stamps the asOf asked, and knows only what was recorded by then (no contract before it was signed)', async () => {
    const early = await read(
      api.url,
      packUrl(`contractYear=1&asOf=${encodeURIComponent(beforeContract)}`),
      coordinator,
    );
    expect(early.status).toBe(422);
    expect(early.body.rule).toBe('no-contract');
    const now = new Date().toISOString();
    const known = await read(api.url, packUrl(`contractYear=1&asOf=${encodeURIComponent(now)}`), coordinator);
    expect(known.body).toMatchObject({ asOf: now, knownOn: now });
    const pdf = await download(
      packUrl(`contractYear=1&asOf=${encodeURIComponent(now)}`, 'reports/yearly.pdf'),
      coordinator,
    );
    const stamp = new Intl.DateTimeFormat('fr-FR', {
      timeZone: 'Europe/Paris',
      dateStyle: 'short',
      timeStyle: 'short',
    })
      .format(new Date(now))
      .replace(' ', ' à ');
    for (const page of pdfText(pdf.bytes).pages) expect(page).toContain(`Tel que connu le ${stamp}`);
  });

  it('gives the annex: each event behind each figure, one per row, for French Excel', async () => {
    const response = await download(packUrl('contractYear=1', 'reports/yearly/annex.csv'), analyst);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain(
      'annexe-cpts-pack-annee-1-2025-01-01-au-2025-12-31.csv',
    );
    const rows = sheet(response.bytes);
    const prevention = rows.filter((row) => row.indicateur === 'prevention.actions');
    expect(prevention).toHaveLength(2);
    expect(prevention[0]).toMatchObject({
      du: '01/01/2025',
      au: '31/12/2025',
      'libellé de l’indicateur': 'Actions de prévention',
      mission: 'prevention',
      'libellé de la mission': 'Prévention',
      événement: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'PreventionActionHeld',
      'libellé du type': 'Action de prévention menée',
      date: '10/03/2025',
    });
    const text = response.bytes.toString('utf8');
    expect(text).not.toMatch(/patient-|\{"/);
  });

  it('exports the financing for French Excel: `;`, BOM, decimal comma, labels, named by its last day', async () => {
    const json = (await read(api.url, `${base}/financing?contractYear=1`, analyst)).body;
    const response = await download(`${base}/exports/financing.csv?contractYear=1`, analyst);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="financement-${CPTS}-annee-1-2025-01-01-au-2025-12-31.csv"`,
    );
    const text = response.bytes.toString('utf8');
    expect(text.startsWith(BOM)).toBe(true);
    const [header, ...rows] = text.slice(1).trimEnd().split('\r\n');
    expect(header).toBe(
      'année de contrat;du;au;taille;mission;libellé de la mission;part;libellé de la part;montant (€);base de calcul',
    );
    expect(rows).toHaveLength(json.lines.length + 3);
    json.lines.forEach((line: { mission?: string; part: string; amount: number }, i: number) => {
      const cells = rows[i].split(';');
      expect(cells.slice(0, 4)).toEqual(['1', '01/01/2025', '31/12/2025', '2']);
      expect(cells[4]).toBe(line.mission ?? '');
      expect(cells[6]).toBe(line.part);
      expect(cells[8]).toBe(String(line.amount).replace('.', ','));
    });
    expect(rows.at(-3)?.split(';').slice(6, 9)).toEqual([
      'total',
      'Total',
      String(json.total).replace('.', ','),
    ]);
    const withDecimals = json.lines.find((line: { amount: number }) => !Number.isInteger(line.amount));
    if (withDecimals) expect(text).toContain(String(withDecimals.amount).replace('.', ','));
    expect(text).toMatch(/;Part variable;\d+(,\d+)?;/);
  });

  it('keeps the indicators CSV as RFC 4180 by default and offers it for French Excel', async () => {
    const rfc = await download(`${base}/exports/indicators.csv?from=2025-01-01&to=2026-01-01`, analyst);
    expect(rfc.status).toBe(200);
    const rfcText = rfc.bytes.toString('utf8');
    expect(rfcText.startsWith('from,to,code,mission,value,numerator,denominator,breakdown\r\n')).toBe(true);
    expect(rfc.headers.get('content-disposition')).toContain(
      'indicators-cpts-pack-2025-01-01-2025-12-31.csv',
    );
    const excel = await download(
      `${base}/exports/indicators.csv?from=2025-01-01&to=2026-01-01&dialect=excel-fr`,
      analyst,
    );
    expect(excel.headers.get('content-disposition')).toContain(
      'indicateurs-cpts-pack-2025-01-01-au-2025-12-31.csv',
    );
    const rows = sheet(excel.bytes);
    const march = { du: '01/03/2025', au: '31/03/2025', indicateur: 'prevention.actions' };
    expect(rows).toContainEqual({
      ...march,
      'libellé de l’indicateur': 'Actions de prévention',
      mission: 'prevention',
      'libellé de la mission': 'Prévention',
      origine: 'Parcours',
      détail: '',
      'libellé du détail': '',
      valeur: '1',
      unité: 'nombre',
      numérateur: '',
      dénominateur: '',
      source: '',
    });
    // A breakdown is one row per part, its label beside its key.
    expect(rows).toContainEqual(
      expect.objectContaining({
        ...march,
        détail: 'personnes',
        'libellé du détail': 'Personnes touchées',
        valeur: '40',
      }),
    );
    const cpam = rows.find((row) => row.indicateur === 'acces.cpam.patientele-mt');
    expect(cpam).toMatchObject({
      du: '01/01/2025',
      au: '31/12/2025',
      'libellé de l’indicateur': expect.stringMatching(/médecin traitant/i),
      mission: 'acces-soins',
      origine: 'CPAM (externe)',
      valeur: '0,875',
      unité: 'part (0 à 1)',
      source: 'CPAM du Rhône, dialogue de gestion 2025',
    });
    const text = excel.bytes.toString('utf8');
    expect(text).not.toContain('{');
  });

  it('refuses a bad contract year with a 400 naming the field, in French by default and in English on request', async () => {
    for (const bad of ['0', '6', 'un', '1.5', '']) {
      const response = await call(packUrl(`contractYear=${bad}`), { token: coordinator });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body.errors).toContainEqual(
        expect.objectContaining({ path: 'contractYear', constraint: expect.any(String) }),
      );
    }
    const french = await call(packUrl('contractYear=9'), { token: coordinator });
    expect(french.body.errors).toContainEqual({
      path: 'contractYear',
      constraint: 'max',
      message: 'contractYear doit être un entier de 1 à 5',
    });
    expect(french.body.detail).toBe('contractYear : contractYear doit être un entier de 1 à 5');
    const english = await call(packUrl('contractYear=9'), {
      token: coordinator,
      headers: { 'accept-language': 'en-GB,en;q=0.9' },
    });
    expect(english.body.errors).toContainEqual({
      path: 'contractYear',
      constraint: 'max',
      message: 'contractYear must be an integer from 1 to 5',
    });
    for (const path of ['reports/yearly.pdf', 'reports/yearly/annex.csv', 'exports/financing.csv']) {
      const response = await call(`${base}/${path}?contractYear=0`, { token: analyst });
      expect(response.status).toBe(400);
      expect(response.body.errors[0].path).toBe('contractYear');
    }
  });

  it('answers a command’s bad body in French by default, English on Accept-Language: en', async () => {
    const body = { code: 'acces.cpam.patientele-mt', period: '25', value: 2, source: ' ', extra: 1 };
    const french = await call(`${base}/external-indicators`, { token: coordinator, body });
    expect(french.status).toBe(400);
    expect(french.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'extra', constraint: 'whitelistValidation', message: 'le champ extra n’est pas attendu' },
        { path: 'period', constraint: 'matches', message: 'period doit être une année civile AAAA' },
        { path: 'source', constraint: 'matches', message: 'source ne doit pas être vide' },
      ]),
    );
    const english = await call(`${base}/external-indicators`, {
      token: coordinator,
      body,
      headers: { 'accept-language': 'en' },
    });
    expect(english.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'extra', constraint: 'whitelistValidation', message: 'property extra should not exist' },
        { path: 'period', constraint: 'matches', message: 'period must be a calendar year YYYY' },
      ]),
    );
  });

  it('is for coordinators, auditors and analysts only, and never another CPTS’s', async () => {
    for (const path of [
      'reports/yearly',
      'reports/yearly.pdf',
      'reports/yearly/annex.csv',
      'exports/financing.csv',
    ]) {
      const refused = await call(`${base}/${path}?contractYear=1`, { token: professional });
      expect(refused.status).toBe(403);
      const elsewhere = await call(`${api.url}/api/v1/cpts/${OTHER}/${path}?contractYear=1`, {
        token: coordinator,
      });
      expect(elsewhere.status).toBe(404);
    }
    const noContract = await call(`${api.url}/api/v1/cpts/${OTHER}/reports/yearly?contractYear=1`, {
      token: await token(api.url, OTHER, 'coordinator'),
    });
    expect(noContract.status).toBe(422);
    expect(noContract.body.rule).toBe('no-contract');
  });
});
