/**
 * The yearly review in a real headless Chromium. On the demo CPTS: the review page, its PDF downloaded
 * and its figures checked against the API's JSON, the annex read as bytes (BOM, `;`). On a CPTS of its
 * own: the contract signed, a mission started mid-year and an achievement rate recorded from the
 * financing page, the variable part following, and the financing's CSV read as bytes (BOM, `;`, decimal
 * comma). Each new page is scanned with axe-core.
 */
import { readFileSync } from 'node:fs';
import type { Download, Page } from 'playwright-core';
import {
  checkAccessibility,
  type Demo,
  newPage,
  openDemo,
  screenshot,
  signIn,
  visit,
} from '../support/browser';
import { packFigure, pdfText } from '../support/pdf-text';
import { command, read, token } from '../support/tenant';

jest.setTimeout(180_000);

const DEMO = 'cpts-demo';
const OWN = 'cpts-revue';
const BOM = [0xef, 0xbb, 0xbf];

const plain = (text: string | null) => (text ?? '').replace(/[\u202f\u00a0]/g, ' ').trim();
const euros = (amount: number) =>
  plain(new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(amount));

async function downloadBy(page: Page, button: string): Promise<{ download: Download; bytes: Buffer }> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  return { download, bytes: readFileSync(await download.path()) };
}

describe('the yearly review in the browser', () => {
  let demo: Demo;
  let api: string;
  let page: Page;

  beforeAll(async () => {
    demo = await openDemo();
    api = demo.api.url;
    page = await newPage(demo.browser);
  });

  afterAll(async () => {
    await demo?.close();
  });

  describe('on the demo CPTS', () => {
    let coordinator: string;

    beforeAll(async () => {
      coordinator = await token(api, DEMO, 'coordinator');
      await signIn(page, api, 'coordinator');
    });

    it('shows the pack of contract year 1, and downloads its PDF with the API’s figures', async () => {
      const pack = (await read(api, `${api}/api/v1/cpts/${DEMO}/reports/yearly?contractYear=1`, coordinator))
        .body;
      await visit(page, api, '#/review-pack?contractYear=1');
      await page.getByRole('heading', { level: 1, name: 'Dialogue de gestion' }).waitFor();
      await page
        .getByTestId('pack-known-on')
        .getByText(/^Tel que connu le /)
        .waitFor();
      expect(plain(await page.getByTestId('pack-total').textContent())).toBe(euros(pack.financing.total));
      await screenshot(page, 'review-pack');
      expect(await checkAccessibility(page)).toEqual([]);

      const { download, bytes } = await downloadBy(page, 'Télécharger le dossier (PDF)');
      expect(download.suggestedFilename()).toBe(
        `dialogue-de-gestion-${DEMO}-annee-1-${pack.period.from}-au-${pack.period.lastDay}.pdf`,
      );
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      const { text, pages } = pdfText(bytes);
      for (const one of pages) expect(one).toMatch(/Tel que connu le \d{2}\/\d{2}\/\d{4} à \d{2}:\d{2}/);
      expect(text).toContain(pack.name);
      let checked = 0;
      for (const mission of pack.missions) {
        for (const indicator of mission.indicators) {
          const row = `${indicator.code} ${packFigure(indicator.unit, indicator.value)} ${packFigure(indicator.unit, indicator.previous.value)}`;
          expect([indicator.code, text.includes(row)]).toEqual([indicator.code, true]);
          checked += 1;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(26);
      expect(
        pack.missions
          .flatMap((m: { indicators: Array<{ value: number | null }> }) => m.indicators)
          .some((i: { value: number | null }) => (i.value ?? 0) > 0),
      ).toBe(true);
    });

    it('downloads the annex: UTF-8 BOM, `;` between cells, labels next to codes', async () => {
      const { download, bytes } = await downloadBy(
        page,
        'Annexe : les événements derrière chaque chiffre (CSV)',
      );
      expect(download.suggestedFilename()).toMatch(
        /^annexe-cpts-demo-annee-1-\d{4}-\d{2}-\d{2}-au-\d{4}-\d{2}-\d{2}\.csv$/,
      );
      expect([...bytes.subarray(0, 3)]).toEqual(BOM);
      const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
      expect(lines[0].split(';').slice(0, 4)).toEqual(['du', 'au', 'indicateur', 'libellé de l’indicateur']);
      expect(lines.length).toBeGreaterThan(100);
      expect(
        lines
          .find((line) => line.includes(';parcours.sorties;'))
          ?.split(';')
          .slice(3, 6),
      ).toEqual(['Sorties d’hospitalisation', 'parcours', 'Parcours pluriprofessionnels']);
      expect(bytes.toString('utf8')).not.toMatch(/patient-/);

      // A protocol application: its code@version as category, the title of that version beside it.
      const header = lines[0].split(';');
      const [category, label] = ['catégorie', 'libellé de la catégorie'].map((name) => header.indexOf(name));
      expect(label).toBe(category + 1);
      const application = lines.find((line) => line.includes(';qualite.protocoles;'))?.split(';') as string[];
      const [code, version] = application[category].split('@');
      const catalogue = (await read(api, `${api}/api/v1/cpts/${DEMO}/protocols`, coordinator)).body;
      const published = (
        catalogue.items as Array<{ code: string; versions: Array<{ version: number; title: string }> }>
      )
        .find((protocol) => protocol.code === code)
        ?.versions.find((v) => v.version === Number(version));
      expect(application[label]).toBe(`${published?.title} (version ${version})`);
    });
  });

  describe('on a CPTS recording its year from the UI', () => {
    let own: Page;
    let coordinator: string;
    let base: string;

    beforeAll(async () => {
      const admin = await token(api, null, 'platform-admin');
      await command(`${api}/api/v1/cpts`, admin, {
        id: OWN,
        name: 'CPTS de la Revue',
        population: 60_000,
        communes: ['69123'],
      });
      coordinator = await token(api, OWN, 'coordinator');
      base = `${api}/api/v1/cpts/${OWN}`;
      own = await newPage(demo.browser);
      await signIn(own, api, 'coordinator', { cpts: OWN });
    });

    const variableOf = async (mission: string) => {
      const financing = (await read(api, `${base}/financing?contractYear=1`, coordinator)).body;
      return financing.lines.find(
        (l: { mission?: string; part: string }) => l.mission === mission && l.part === 'variable',
      )?.amount as number;
    };

    it('signs the contract, starts a mission and records an achievement rate: the variable part follows', async () => {
      await visit(own, api, '#/financing');
      await own.getByText('Aucun contrat ACI n’est encore signé').waitFor();
      expect(await checkAccessibility(own)).toEqual([]);
      const contract = own.locator('form', {
        has: own.getByRole('heading', { name: 'Signature du contrat ACI' }),
      });
      await contract.getByLabel('Date de signature').fill('2025-01-01');
      await contract.getByRole('button', { name: 'Enregistrer le contrat' }).click();
      await own.getByRole('heading', { name: /^Synthèse — Année/ }).waitFor();

      const start = own.locator('form', {
        has: own.getByRole('heading', { name: 'Démarrage d’une mission' }),
      });
      await start.getByLabel('Mission').selectOption('prevention');
      await start.getByLabel('Date de démarrage').fill('2025-03-01');
      await start.getByRole('button', { name: 'Enregistrer le démarrage' }).click();
      await start.getByText('Enregistré.').waitFor();

      await visit(own, api, '#/financing?contractYear=1');
      expect(await variableOf('prevention')).toBe(0);
      expect(await checkAccessibility(own)).toEqual([]);
      const rate = own.locator('form', {
        has: own.getByRole('heading', { name: 'Taux d’atteinte d’une mission' }),
      });
      await rate.getByLabel('Année de contrat').selectOption('1');
      await rate.getByLabel('Mission').selectOption('prevention');
      // A mistyped rate is refused next to its field, in French.
      await rate.getByLabel('Taux (de 0 à 1, par exemple 0,8)').fill('8');
      await rate.getByRole('button', { name: 'Enregistrer le taux' }).click();
      await rate.getByText('rate ne doit pas être supérieur à 1', { exact: true }).waitFor();
      await rate.getByLabel('Taux (de 0 à 1, par exemple 0,8)').fill('0,8');
      await rate.getByRole('button', { name: 'Enregistrer le taux' }).click();
      await rate.getByText('Enregistré.').waitFor();

      const variable = await variableOf('prevention');
      // 0.8 × 306/365 of the 15 000 € variable part of prevention (taille 2), from 1 March.
      expect(variable).toBe(10_060.27);
      const prevention = own.locator('section.financing-group', {
        has: own.getByRole('heading', { name: 'Prévention' }),
      });
      await prevention
        .getByRole('row', { name: /Part variable/ })
        .getByText(euros(variable))
        .waitFor();
      await screenshot(own, 'financing-recorded');
    });

    it('exports that financing for French Excel: BOM, `;`, decimal comma', async () => {
      const financing = (await read(api, `${base}/financing?contractYear=1`, coordinator)).body;
      await visit(own, api, '#/financing?contractYear=1');
      const { download, bytes } = await downloadBy(own, 'Télécharger le financement (CSV pour Excel)');
      expect(download.suggestedFilename()).toBe(`financement-${OWN}-annee-1-2025-01-01-au-2025-12-31.csv`);
      expect([...bytes.subarray(0, 3)]).toEqual(BOM);
      const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
      expect(lines[0]).toBe(
        'année de contrat;du;au;taille;mission;libellé de la mission;part;libellé de la part;montant (€);base de calcul',
      );
      const variable = lines.find((line) => /;prevention;Prévention;variable;/.test(line))?.split(';');
      expect(variable?.slice(0, 9)).toEqual([
        '1',
        '01/01/2025',
        '31/12/2025',
        '2',
        'prevention',
        'Prévention',
        'variable',
        'Part variable',
        '10060,27',
      ]);
      expect(lines.at(-3)?.split(';').slice(6, 9)).toEqual([
        'total',
        'Total',
        String(financing.total).replace('.', ','),
      ]);
    });

    it('shows its review page with the rate recorded', async () => {
      await visit(own, api, '#/review-pack?contractYear=1');
      expect(plain(await own.getByTestId('pack-rate-prevention').textContent())).toBe('80 %');
      expect(await checkAccessibility(own)).toEqual([]);
    });
  });
});
