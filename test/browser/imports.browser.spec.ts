/**
 * The CPAM's files in the web UI, as a coordinator in a real headless Chromium: the list of patients
 * without a médecin traitant uploaded from the patients page (Latin-1, as a spreadsheet saves it on
 * Windows) with its report, then a file with a bad line, refused with the line and the reason; the CPAM's
 * yearly figures on the indicators page, beside Parcours's own and marked external. Accessibility scans of
 * both pages.
 */
import iconv from 'iconv-lite';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { startApi, type RunningApi } from '../support/api-process';
import { checkAccessibility, launchBrowser, newPage, screenshot, signIn, visit } from '../support/browser';
import { ins } from '../support/fhir-bundles';
import { command, token } from '../support/tenant';

jest.setTimeout(120_000);

const CPTS = 'cpts-imports-ui';
const LIST = [
  'NIR;Nom;Prénom;Date de naissance;Sexe;ALD;CSS',
  `${ins('2480375123456')};Lefèvre;Hélène;02/03/1948;2;N;N`,
  `${ins('1520169123041')};Bénard;Aimé;15/01/1952;1;O;N`,
].join('\r\n');

describe('the CPAM’s files in the web UI', () => {
  let api: RunningApi;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    api = await startApi();
    dir = mkdtempSync(join(tmpdir(), 'parcours-ui-imports-'));
    const admin = await token(api.url, null, 'platform-admin');
    await command(`${api.url}/api/v1/cpts`, admin, {
      id: CPTS,
      name: 'CPTS des imports',
      population: 40_000,
    });
    const coordinator = await token(api.url, CPTS, 'coordinator');
    await command(`${api.url}/api/v1/cpts/${CPTS}/external-indicators`, coordinator, {
      code: 'acces.cpam.patientele-mt',
      period: '2025',
      value: 0.87,
      source: 'CPAM du Rhône',
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads the list from the patients page, and shows a refused line with its reason', async () => {
    const page = await newPage(browser);
    await signIn(page, api.url, 'coordinator', { cpts: CPTS });
    await visit(page, api.url, '#/patients');
    const good = join(dir, 'liste.csv');
    writeFileSync(good, iconv.encode(LIST, 'win1252'));
    await page.getByLabel('Fichier CSV').setInputFiles(good);
    await page.getByRole('button', { name: 'Importer le fichier' }).click();
    await page.getByText('2 ligne(s) lue(s) : 2 enregistrée(s), 0 déjà connue(s).').waitFor();
    await page
      .getByText(
        '2 patient(s) inscrit(s), 0 retrouvé(s) par INS ; 2 recherche(s) ouverte(s), 0 déjà en cours.',
      )
      .waitFor();
    expect(await checkAccessibility(page)).toEqual([]);

    const bad = join(dir, 'mauvaise.csv');
    writeFileSync(bad, `${LIST}\r\n${ins('1700169123099')};Nouveau;Jean;31/02/1970;1;N;N\r\n`);
    await page.getByLabel('Fichier CSV').setInputFiles(bad);
    await page.getByRole('button', { name: 'Importer le fichier' }).click();
    const refused = page.getByRole('alert');
    await refused.getByText('1 ligne(s) refusée(s) : rien n’a été importé.', { exact: false }).waitFor();
    await refused
      .getByRole('cell', { name: 'date_naissance: pas une date (JJ/MM/AAAA ou AAAA-MM-JJ)' })
      .waitFor();
    expect(await refused.getByRole('cell').first().textContent()).toBe('4');
    await screenshot(page, 'patients-cpam-upload');
  });

  it('shows the CPAM’s figures beside the accès-aux-soins indicators, marked external', async () => {
    const page = await newPage(browser);
    await signIn(page, api.url, 'coordinator', { cpts: CPTS });
    await visit(page, api.url, '#/indicators?from=2025-01-01&to=2026-01-01');
    const section = page.locator('section.external-figures');
    await section.getByRole('heading', { name: /Chiffres de l’Assurance Maladie/ }).waitFor();
    const card = section.locator('[data-code="acces.cpam.patientele-mt"]');
    expect(await card.getByTestId('external-figure').textContent()).toMatch(/^87\s?%$/);
    expect(await card.textContent()).toContain('Externe');
    expect(await card.textContent()).toContain('Source : CPAM du Rhône');
    // Beside, in the same section as Parcours's own accès-aux-soins figures.
    const mission = page.locator('section.mission', { has: section });
    expect(await mission.locator('[data-code="acces.mt.recherches"]').count()).toBe(1);
    expect(await checkAccessibility(page)).toEqual([]);
    await screenshot(page, 'indicators-external');
  });
});
