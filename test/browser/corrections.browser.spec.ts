/**
 * Corrections and the patient events in the web UI, as a coordinator on the demo CPTS in a real headless
 * Chromium: an achievement rate corrected on the financing page (the financing follows, and a rate out of
 * range comes back next to its field), an RCP voided from its page, an orientation of unscheduled care
 * voided; a médecin-traitant search closed without an assignment, a patient's status updated and a
 * misspelt identity corrected from the patient's page. An accessibility scan of the forms opened.
 */
import type { Locator, Page } from 'playwright-core';
import {
  checkAccessibility,
  type Demo,
  newPage,
  openDemo,
  screenshot,
  signIn,
  visit,
} from '../support/browser';
import { call } from '../support/api-process';
import { read, token } from '../support/tenant';

jest.setTimeout(120_000);

const CPTS = 'cpts-demo';

/** Opens the "correct or void" panel of an entry and returns its correction and voiding forms. */
async function changeForms(entry: Locator): Promise<{ correct: Locator; voiding: Locator }> {
  await entry.locator('summary', { hasText: 'Corriger ou annuler…' }).click();
  return {
    correct: entry.getByRole('form', { name: 'Corriger' }),
    voiding: entry.getByRole('form', { name: 'Annuler l’entrée' }),
  };
}

describe('corrections and patient events in the web UI', () => {
  let demo: Demo;
  let coordinator: string;
  let page: Page;
  const api = (path: string) => `${demo.api.url}/api/v1/cpts/${CPTS}${path}`;
  const get = async (path: string) => {
    const response = await read(demo.api.url, api(path), coordinator);
    if (response.status !== 200) throw new Error(`GET ${path} → ${response.status}: ${response.text}`);
    return response.body;
  };

  beforeAll(async () => {
    demo = await openDemo();
    coordinator = await token(demo.api.url, CPTS, 'coordinator', 'coord-ui');
    page = await newPage(demo.browser);
    await signIn(page, demo.api.url, 'coordinator', { sub: 'coord-ui' });
  });
  afterAll(() => demo?.close());

  it('corrects an achievement rate on the financing page; a rate out of range is refused next to its field', async () => {
    const cpts = await get('');
    const achievement = (cpts.achievements as Array<{ eventId: string; rate: number; mission: string }>)[0];
    await visit(page, demo.api.url, '#/financing');
    const entry = page.locator('.contract-entries li', { hasText: 'Taux d’atteinte' }).first();
    const { correct } = await changeForms(entry);
    await correct.getByLabel('Nouvelle valeur : Taux (0 à 1)').fill('8');
    await correct.getByLabel('Motif').fill('Erreur de saisie');
    await correct.getByRole('button', { name: 'Enregistrer la correction' }).click();
    await correct.locator('.field-error').first().waitFor();
    expect(await checkAccessibility(page)).toEqual([]);
    await screenshot(page, 'financing-correction');
    await correct.getByLabel('Nouvelle valeur : Taux (0 à 1)').fill('0,5');
    await correct.getByRole('button', { name: 'Enregistrer la correction' }).click();
    await page.locator('.contract-entries li', { hasText: 'Taux d’atteinte 0,5' }).first().waitFor();
    const after = await get('');
    expect(
      (after.achievements as Array<{ eventId: string; rate: number }>).find(
        (a) => a.eventId === achievement.eventId,
      )?.rate,
    ).toBe(0.5);
  });

  it('voids an RCP from its page: it leaves the register', async () => {
    const register = await get('/rcps');
    const [rcp] = register.items as Array<{ id: string }>;
    await visit(page, demo.api.url, `#/rcps/${rcp.id}`);
    const { voiding } = await changeForms(page.locator('.entry-change').first().locator('..'));
    await voiding.getByLabel('Motif').fill('Saisie en double');
    await voiding.getByRole('button', { name: 'Enregistrer l’annulation' }).click();
    await page.waitForURL(/#\/rcps$/);
    expect((await call(api(`/rcps/${rcp.id}`), { token: coordinator })).status).toBe(404);
  });

  it('voids the orientation of an unscheduled-care request: it is to orient again', async () => {
    const log = await get('/unscheduled-care?status=oriented');
    const [request] = log.items as Array<{ id: string }>;
    await visit(page, demo.api.url, `#/snp?change=${request.id}`);
    const orientation = page
      .locator('h3', { hasText: 'l’orientation' })
      .locator('xpath=following-sibling::details[1]');
    const { voiding } = await changeForms(orientation.locator('..'));
    await voiding.getByLabel('Motif').fill('Rendez-vous annulé');
    await voiding.getByRole('button', { name: 'Enregistrer l’annulation' }).click();
    await page.getByText('Correction enregistrée.').waitFor();
    expect((await get(`/unscheduled-care/${request.id}`)).status).toBe('requested');
  });

  it('closes a médecin-traitant search, updates the status and corrects the identity of a patient', async () => {
    // A patient whose search is open: the worklist has it.
    const searches = await get('/worklist?kind=mt.recherche&limit=1');
    const patient = { id: (searches.items as Array<{ patientId: string }>)[0].patientId };
    await visit(page, demo.api.url, `#/patients/${patient.id}?action=medecin-traitant-search-closure`);
    const closure = page.getByRole('form', {
      name: 'Clore la recherche de médecin traitant sans attribution',
    });
    await closure.getByLabel('Pourquoi la recherche s’arrête').selectOption('injoignable');
    await closure.getByRole('button', { name: 'Enregistrer' }).click();
    // Once the search is closed, the page offers its closure no more.
    await closure.waitFor({ state: 'detached' });
    expect((await get(`/patients/${patient.id}/summary`)).medecinTraitantSearch).toBeUndefined();

    await visit(page, demo.api.url, `#/patients/${patient.id}?action=status`);
    const status = page.getByRole('form', { name: 'Mettre à jour la situation (ALD, précarité)' });
    const ald = !(await get(`/patients/${patient.id}/summary`)).ald;
    await status.getByLabel('ALD').selectOption(String(ald));
    await status.getByRole('button', { name: 'Enregistrer' }).click();
    await status.getByRole('status').waitFor();
    expect((await get(`/patients/${patient.id}/summary`)).ald).toBe(ald);

    await visit(page, demo.api.url, `#/patients/${patient.id}?action=identity-correction`);
    const identity = page.getByRole('form', { name: 'Corriger l’identité' });
    await identity.getByLabel('Nom de naissance').fill('Corrigé');
    await identity.getByLabel('Premier prénom').fill('Prénom');
    await identity.getByLabel('Date de naissance').fill('1950-02-03');
    await identity.getByLabel('Motif de la correction').fill('Faute de frappe');
    expect(await checkAccessibility(page)).toEqual([]);
    await identity.getByRole('button', { name: 'Enregistrer' }).click();
    await identity.getByRole('status').waitFor();
    const shown = await call(api(`/patients/${patient.id}`), { token: coordinator });
    expect(shown.body.identity).toMatchObject({
      familyName: 'Corrigé',
      givenName: 'Prénom',
      birthDate: '1950-02-03',
    });
  });
});
