/**
 * Indicators, ACI financing and audit in a real headless Chromium on the demo CPTS: the dashboard with
 * its figures and monthly charts, the drill-down to the events behind a figure, "as known on" before and
 * after the seed, what an analyst sees (no patient stream id, no link to pathways), the financing's total,
 * advance and balance, the integrity check and a pathway stream's history with its hashes. Each page is
 * scanned with axe-core and saved as a screenshot.
 */
import type { Page } from 'playwright-core';
import {
  checkAccessibility,
  type Demo,
  newPage,
  openDemo,
  screenshot,
  settle,
  signIn,
} from '../support/browser';
import { read, token } from '../support/tenant';

jest.setTimeout(120_000);

const CPTS = 'cpts-demo';

/** French number and money formats use narrow and plain no-break spaces: compare with plain spaces. */
const plain = (text: string | null) => (text ?? '').replace(/[\u202f\u00a0]/g, ' ').trim();

const euros = (amount: number) =>
  plain(new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(amount));

/** `YYYY-MM-DD` + n months (firsts of a month stay firsts). */
function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + months, d)).toISOString().slice(0, 10);
}

describe('indicators, financing and audit in the browser', () => {
  let demo: Demo;
  let api: string;
  let tenant: string;
  /** The 12 months the demo covers, `[from, to)`. */
  let from: string;
  let to: string;
  let coordinator: string;
  /** The figures of the period, by code, as the API gives them. */
  let figures: Record<string, { value: number | null }>;

  const dashboard = (extra = '') => `${api}/#/indicators?from=${from}&to=${to}${extra}`;
  const card = (page: Page, code: string) => page.locator(`article[data-code="${code}"]`);
  const figureOf = async (page: Page, code: string) =>
    plain(await card(page, code).getByTestId('figure').textContent());

  beforeAll(async () => {
    demo = await openDemo();
    api = demo.api.url;
    tenant = `${api}/api/v1/cpts/${CPTS}`;
    // The demo covers the 12 months up to the seed's last day.
    const { until } = demo.api;
    to = addMonths(`${until.slice(0, 7)}-01`, 1);
    from = addMonths(to, -12);
    coordinator = await token(api, CPTS, 'coordinator');
    const response = await read(api, `${tenant}/indicators?from=${from}&to=${to}`, coordinator);
    figures = Object.fromEntries(
      (response.body.indicators as Array<{ code: string; value: number | null }>).map((f) => [f.code, f]),
    );
    expect(figures['parcours.sorties'].value).toBeGreaterThan(0);
  });

  afterAll(async () => {
    await demo?.close();
  });

  describe('as a coordinator', () => {
    let page: Page;

    beforeAll(async () => {
      page = await newPage(demo.browser, 'laptop');
      await signIn(page, api, 'coordinator');
    });

    afterAll(async () => {
      await page.context().close();
    });

    it('shows every mission with its figures and monthly charts, compared with the previous period', async () => {
      await page.goto(dashboard());
      await settle(page);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Indicateurs');
      for (const mission of [
        'Accès aux soins',
        'Parcours pluriprofessionnels',
        'Adhésion (Plan 100 % CPTS)',
      ]) {
        await page.getByRole('heading', { level: 2, name: mission }).waitFor();
      }
      expect(await page.locator('article.indicator').count()).toBe(27);

      // Figures as the API computes them; rates in % with their numerator and denominator.
      expect(await figureOf(page, 'parcours.sorties')).toBe(String(figures['parcours.sorties'].value));
      expect(await figureOf(page, 'parcours.ouverts')).toBe(String(figures['parcours.ouverts'].value));
      expect(await figureOf(page, 'parcours.sorties.taux-suivi-7j')).toMatch(/^\d+(,\d)? % soit \d+ \/ \d+$/);
      await card(page, 'parcours.sorties')
        .getByText(/par rapport à la période précédente/)
        .waitFor();

      // One chart per indicator, each an image with a summary, its data in a table.
      await page.getByRole('img', { name: /^Sorties d’hospitalisation, par mois\./ }).waitFor();
      expect(await page.getByRole('img', { name: /, par mois\./ }).count()).toBe(27);
      const chart = card(page, 'parcours.sorties');
      expect(await chart.locator('svg[role="img"] rect.bar').count()).toBeGreaterThanOrEqual(12);
      await chart.getByText('Données du graphique').click();
      expect(await chart.locator('.chart-data tbody tr').count()).toBe(24);
      // Breakdowns as small tables.
      await card(page, 'parcours.ouverts').getByRole('cell', { name: 'Sortie d’hospitalisation' }).waitFor();

      await screenshot(page, 'indicators');
      expect(await checkAccessibility(page)).toEqual([]);
    });

    it('drills a figure down to the events behind it, with links to the pathways', async () => {
      await page.goto(dashboard());
      await settle(page);
      await page.getByRole('link', { name: /^Voir les événements\s*: Sorties d’hospitalisation$/ }).click();
      await page
        .getByRole('heading', { level: 1, name: 'Sorties d’hospitalisation : les événements' })
        .waitFor();
      await settle(page);
      const total = figures['parcours.sorties'].value;
      await page.getByText(`${total} événement(s) derrière ce chiffre.`).waitFor();
      const rows = page.locator('table.indicator-events tbody tr');
      expect(await rows.count()).toBe(total);
      expect(await rows.first().textContent()).toContain('Sortie d’hospitalisation notifiée');
      expect(await page.locator('table.indicator-events a[href^="#/pathways/"]').count()).toBe(total);

      await screenshot(page, 'indicator-drilldown');
      expect(await checkAccessibility(page)).toEqual([]);
    });

    it('"as known on": the same figures after the seed, zeros before it', async () => {
      // Every event of the demo was recorded while the seed ran, before this test started.
      await page.goto(dashboard(`&asOf=${encodeURIComponent(new Date().toISOString())}`));
      await settle(page);
      await page.getByText(/^Chiffres tels qu’ils étaient connus le/).waitFor();
      expect(await figureOf(page, 'parcours.sorties')).toBe(String(figures['parcours.sorties'].value));
      expect(await figureOf(page, 'adhesion.membres')).toBe(String(figures['adhesion.membres'].value));

      // Through the form: the day before the seed ran.
      await page.goto(dashboard());
      await settle(page);
      const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      await page.getByLabel('Tel que connu le (facultatif)').fill(`${yesterday}T12:00`);
      await page.getByRole('button', { name: 'Afficher' }).click();
      await page.getByText(/^Chiffres tels qu’ils étaient connus le/).waitFor();
      await settle(page);
      expect(page.url()).toContain('asOf=');
      for (const code of ['parcours.sorties', 'parcours.ouverts', 'acces.snp.demandes', 'adhesion.membres']) {
        expect([code, await figureOf(page, code)]).toEqual([code, '0']);
      }
    });

    it('downloads the monthly series as a CSV file for French Excel', async () => {
      await page.goto(dashboard());
      await settle(page);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Télécharger les séries mensuelles (CSV)' }).click(),
      ]);
      const dayBefore = (date: string) =>
        new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      const fr = (date: string) => date.split('-').reverse().join('/');
      // Named by the period's last day, not the day after it.
      expect(download.suggestedFilename()).toBe(`indicateurs-${CPTS}-${from}-au-${dayBefore(to)}.csv`);
      const path = await download.path();
      const { readFileSync } = await import('node:fs');
      const bytes = readFileSync(path);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const csv = bytes.subarray(3).toString('utf8');
      expect(csv.split('\r\n')[0]).toBe(
        'du;au;indicateur;libellé de l’indicateur;mission;libellé de la mission;origine;détail;libellé du détail;valeur;unité;numérateur;dénominateur;source',
      );
      const first = `${fr(from)};${fr(dayBefore(addMonths(from, 1)))};parcours.sorties;Sorties d’hospitalisation;parcours;Parcours pluriprofessionnels;Parcours;;;`;
      expect(csv).toContain(first);
      // A rate is written with a decimal comma.
      expect(csv).toMatch(/;Parcours;;;0,\d+;part \(0 à 1\);/);
      expect(csv).toMatch(
        /;parcours\.ouverts;[^;]*;parcours;[^;]*;Parcours;sortie-hospitalisation;Sortie d’hospitalisation;\d+;nombre;/,
      );
      expect(csv).not.toContain('{');
      await page.getByText('Fichier CSV téléchargé.').waitFor();
    });

    it('fits a tablet', async () => {
      const tablet = await newPage(demo.browser, 'tablet');
      await signIn(tablet, api, 'coordinator');
      await tablet.goto(dashboard());
      await settle(tablet);
      await tablet.getByRole('img', { name: /^Parcours ouverts, par mois\./ }).waitFor();
      const overflow = await tablet.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await screenshot(tablet, 'indicators-tablet');
      expect(await checkAccessibility(tablet)).toEqual([]);
      await tablet.context().close();
    });
  });

  describe('as an analyst', () => {
    let page: Page;

    beforeAll(async () => {
      page = await newPage(demo.browser, 'laptop');
      await signIn(page, api, 'analyst');
    });

    afterAll(async () => {
      await page.context().close();
    });

    it('sees the dashboard, and a drill-down without any stream id nor link to patients’ records', async () => {
      await page.goto(dashboard());
      await settle(page);
      expect(await figureOf(page, 'parcours.sorties')).toBe(String(figures['parcours.sorties'].value));
      await page.getByRole('img', { name: /^Sorties d’hospitalisation, par mois\./ }).waitFor();

      for (const [code, name] of [
        ['parcours.sorties', 'Sorties d’hospitalisation'],
        ['acces.mt.sans-mt', 'Patients toujours sans médecin traitant'],
      ]) {
        await page.goto(dashboard());
        await settle(page);
        await page.getByRole('link', { name: new RegExp(`^Voir les événements\\s*: ${name}$`) }).click();
        await page.getByRole('heading', { level: 1, name: `${name} : les événements` }).waitFor();
        await settle(page);
        const total = figures[code].value;
        await page.getByText(`${total} événement(s) derrière ce chiffre.`).waitFor();
        expect(await page.locator('table.indicator-events tbody tr').count()).toBe(total);
        const main = await page.locator('main').innerText();
        expect(main).not.toMatch(/pathway-|patient-/);
        expect(await page.locator('main a[href^="#/pathways"], main a[href^="#/patients"]').count()).toBe(0);
        expect(await page.locator('main a[href^="#/audit"]').count()).toBe(0);
      }
    });

    it('sees the financing of the current contract year: total, advance and balance', async () => {
      await page.goto(`${api}/#/financing`);
      await settle(page);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Financement ACI');
      await page.getByRole('heading', { level: 2, name: /^Synthèse — Année \d$/ }).waitFor();
      const year = await page.getByLabel('Année de contrat').inputValue();
      const analyst = await token(api, CPTS, 'analyst');
      const financing = (await read(api, `${tenant}/financing?contractYear=${year}`, analyst)).body;
      expect(plain(await page.getByTestId('financing-total').textContent())).toBe(euros(financing.total));
      expect(plain(await page.getByTestId('financing-advance').textContent())).toBe(euros(financing.advance));
      expect(plain(await page.getByTestId('financing-balance').textContent())).toBe(euros(financing.balance));
      await page.getByRole('heading', { level: 3, name: 'Parcours pluriprofessionnels' }).waitFor();

      // Another year, chosen in the selector.
      await page.getByLabel('Année de contrat').selectOption('1');
      await page.getByRole('button', { name: 'Afficher' }).click();
      await page.getByRole('heading', { level: 2, name: 'Synthèse — Année 1' }).waitFor();
      await settle(page);
      const first = (await read(api, `${tenant}/financing?contractYear=1`, analyst)).body;
      expect(plain(await page.getByTestId('financing-total').textContent())).toBe(euros(first.total));

      await screenshot(page, 'financing');
      expect(await checkAccessibility(page)).toEqual([]);
    });
  });

  describe('as an auditor', () => {
    let page: Page;

    beforeAll(async () => {
      page = await newPage(demo.browser, 'laptop');
      await signIn(page, api, 'auditor');
    });

    afterAll(async () => {
      await page.context().close();
    });

    it('checks the integrity of the log and reads a pathway stream’s history with its hashes', async () => {
      await page.goto(`${api}/#/audit`);
      await settle(page);
      await page.getByRole('button', { name: 'Vérifier l’intégrité' }).click();
      await page.getByText(/^Intégrité vérifiée : .* aucune chaîne rompue\.$/).waitFor();

      const auditor = await token(api, CPTS, 'auditor');
      const drill = await read(
        api,
        `${tenant}/indicators/parcours.sorties/events?from=${from}&to=${to}&limit=1`,
        auditor,
      );
      const streamId = drill.body.events[0].streamId as string;
      expect(streamId).toMatch(/^pathway-/);
      const history = (await read(api, `${tenant}/audit/streams/${streamId}`, auditor)).body;

      await page.getByLabel('Identifiant du flux').fill(streamId);
      await page.getByRole('button', { name: 'Afficher l’historique' }).click();
      await page.getByText('Chaîne de ce flux intacte.').waitFor();
      const rows = page.locator('table.audit-history tbody tr');
      expect(await rows.count()).toBe(history.events.length);
      const first = history.events[0].metadata as { hash: string; prevHash: string };
      const hashCell = rows.first().locator('details.hash').nth(1);
      expect(await hashCell.locator('summary').textContent()).toBe(`${first.hash.slice(0, 10)}…`);
      expect(await hashCell.locator('summary').getAttribute('title')).toBe(first.hash);
      await hashCell.locator('summary').click();
      await hashCell.getByText(first.hash, { exact: true }).waitFor();
      // The next event links to it.
      const second = rows.nth(1).locator('details.hash').first().locator('summary');
      expect(await second.getAttribute('title')).toBe(first.hash);

      // The same pathway as known when it was opened: one event in its timeline, nothing more.
      const pathwayId = streamId.slice(streamId.lastIndexOf('.') + 1);
      const openedAt = (history.events[0].metadata as { recordedAt: string }).recordedAt;
      await page.goto(
        `${api}/#/audit?stream=${encodeURIComponent(streamId)}&pathway=${pathwayId}&asOf=${encodeURIComponent(openedAt)}`,
      );
      await settle(page);
      const asOf = page.getByTestId('pathway-as-of');
      await asOf.getByRole('heading', { level: 3, name: /^Tel que connu le/ }).waitFor();
      expect(await asOf.locator('ol.timeline li').count()).toBe(1);
      expect(await asOf.locator('ol.timeline li').first().textContent()).toContain('Parcours ouvert');
      await asOf.getByText('Ouvert', { exact: true }).waitFor();

      // Through the form: the day before the seed, the pathway was not known yet.
      await page.getByLabel('Identifiant du parcours').fill(streamId);
      const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      await page.getByLabel('Tel que connu le').fill(`${yesterday}T12:00`);
      await page.getByRole('button', { name: 'Afficher le parcours à cette date' }).click();
      await page.getByText('Ce parcours n’était pas connu à cette date (ou n’existe pas).').waitFor();

      await page
        .getByRole('heading', { level: 2, name: 'Journal des accès aux données des patients' })
        .waitFor();
      await screenshot(page, 'audit');
      expect(await checkAccessibility(page)).toEqual([]);
    });
  });
});
