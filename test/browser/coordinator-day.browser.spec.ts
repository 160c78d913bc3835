/**
 * The coordinator's day in the web UI, on the demo CPTS in a real headless Chromium: a patient found by a
 * name typed without its accents, a second registration of the same person spotted (same INS: refused,
 * the existing record named; same names and birth date: confirmed as someone else), a discharge recorded
 * from the patient's page, seen first in the worklist, assigned, closed; the worklist and the pathway page
 * on a phone. Accessibility scans of each new page.
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
  visit,
} from '../support/browser';
import { call } from '../support/api-process';
import { command, token } from '../support/tenant';

jest.setTimeout(180_000);

const CPTS = 'cpts-demo';

/** An instant as a Paris wall-clock `datetime-local` value (`2026-03-05T11:00`). */
function parisLocal(ms: number): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(ms))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

const solene = {
  familyName: 'Lévêque-Härtel',
  givenName: 'Solène',
  birthDate: '1944-09-12',
  ins: '244097512345617',
};

async function registerThroughForm(
  page: Page,
  identity: { familyName: string; givenName: string; birthDate: string; ins?: string },
) {
  await page.getByLabel(/^Nom de naissance/).fill(identity.familyName);
  await page.getByLabel(/^Premier prénom/).fill(identity.givenName);
  await page.getByLabel(/^Date de naissance/).fill(identity.birthDate);
  await page.getByLabel(/^INS/).fill(identity.ins ?? '');
  await page.getByLabel(/^Sexe/).selectOption('F');
  await page.getByRole('button', { name: 'Inscrire le patient' }).click();
}

describe('the coordinator’s day in the web UI', () => {
  let demo: Demo;
  let coordinator: string;
  let soleneId: string;
  const api = (path: string) => `${demo.api.url}/api/v1/cpts/${CPTS}${path}`;

  beforeAll(async () => {
    demo = await openDemo();
    coordinator = await token(demo.api.url, CPTS, 'coordinator');
    soleneId = (
      await command(api('/patients'), coordinator, {
        identity: solene,
        sex: 'F',
        birthYear: 1944,
        ald: true,
        precarious: false,
        hasMedecinTraitant: true,
      })
    ).id;
  });

  afterAll(async () => {
    await demo?.close();
  });

  it('finds a patient by a name typed without accents, and spots the same person registered again', async () => {
    const page = await newPage(demo.browser);
    await signIn(page, demo.api.url, 'coordinator', { sub: 'coord-journee' });
    await visit(page, demo.api.url, '#/patients');

    await page.getByLabel('Nom et prénom').fill('solene leveque hartel');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    const found = page.locator(`tr[data-found="${soleneId}"]`);
    await found.waitFor();
    await expect(found.textContent()).resolves.toContain('LÉVÊQUE-HÄRTEL Solène');
    await expect(found.textContent()).resolves.toContain('12 sept. 1944');
    // The search is not in the address (nor in the browser's history).
    expect(page.url()).not.toMatch(/solene|leveque/i);
    await screenshot(page, 'patient-search');
    expect(await checkAccessibility(page)).toEqual([]);

    // A typo is not forgiven: whole words only.
    await page.getByLabel('Nom et prénom').fill('solenne leveque');
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByText('Aucun patient ne correspond.', { exact: false }).waitFor();

    // The same INS: refused, the existing record named.
    await page.getByRole('link', { name: 'Inscrire un patient' }).click();
    await registerThroughForm(page, { ...solene, familyName: 'Leveque', givenName: 'Solene' });
    const duplicates = page.getByTestId('duplicates');
    await duplicates.waitFor();
    await expect(duplicates.textContent()).resolves.toContain('déjà inscrit avec cet INS');
    await duplicates.getByRole('link', { name: `Ouvrir le dossier ${soleneId.slice(0, 8)}` }).waitFor();

    // The same names and birth date without INS: a homonym to confirm.
    await page.getByLabel(/^INS/).fill('');
    await page.getByRole('button', { name: 'Inscrire le patient' }).click();
    await duplicates.getByText('même nom et de même date de naissance', { exact: false }).waitFor();
    expect(await checkAccessibility(page)).toEqual([]);
    await screenshot(page, 'patient-duplicate');
    await page.getByLabel('J’ai vérifié : ce n’est pas la même personne, inscrire quand même').check();
    await page.getByRole('button', { name: 'Inscrire le patient' }).click();
    await page.waitForURL(/#\/patients\/[0-9a-f-]{36}$/);
    const homonymId = /#\/patients\/([0-9a-f-]{36})/.exec(page.url())![1];
    expect(homonymId).not.toBe(soleneId);
    await page.context().close();
  });

  it('records a discharge from the patient page, finds it first in the worklist, assigns it and closes it', async () => {
    const page = await newPage(demo.browser);
    await signIn(page, demo.api.url, 'coordinator', { sub: 'coord-journee' });
    await visit(page, demo.api.url, `#/patients/${soleneId}`);

    await page.getByRole('link', { name: 'Signaler une sortie d’hospitalisation…' }).click();
    // No open pathway yet: one is opened here, of the discharge's kind.
    await expect(page.getByLabel(/^Type de parcours/).inputValue()).resolves.toBe('sortie-hospitalisation');
    expect(await checkAccessibility(page)).toEqual([]);
    await page.getByRole('button', { name: 'Ouvrir le parcours' }).click();

    // The discharge form, on that pathway, on the same page.
    await page.getByLabel(/^Parcours/).waitFor();
    await page.getByLabel(/^Établissement/).fill('CH Essai');
    const now = Date.now();
    await page.getByLabel(/^Sortie le/).fill(parisLocal(now - 60_000));
    await page.getByLabel(/^Notifiée à la CPTS le/).fill(parisLocal(now));
    await screenshot(page, 'patient-discharge');
    expect(await checkAccessibility(page)).toEqual([]);
    await page.getByRole('button', { name: 'Enregistrer la sortie' }).click();
    await page.waitForURL(/#\/pathways\/[0-9a-f-]{36}$/);
    const pathwayId = /#\/pathways\/([0-9a-f-]{36})/.exec(page.url())![1];

    // First in the worklist (what came in today first), with the patient's name (coordinators).
    await visit(page, demo.api.url, '#/worklist');
    const first = page.locator('table.worklist tbody tr').first();
    await expect(first.getAttribute('data-pathway')).resolves.toBe(pathwayId);
    await expect(first.getAttribute('data-kind')).resolves.toBe('sortie.pharmacien');
    await expect(first.textContent()).resolves.toContain('LÉVÊQUE-HÄRTEL Solène');
    await screenshot(page, 'worklist');
    expect(await checkAccessibility(page)).toEqual([]);
    // The names were read once for the page, with the worklist's purpose.
    const log = await call(api(`/patients/${soleneId}/access-log`), { token: coordinator });
    expect(log.body.entries.at(-1)).toMatchObject({ actorId: 'coord-journee', purpose: 'liste-de-travail' });

    // Assign it (to herself), see it among hers; then close it: the reconciliation, from its link.
    await first.getByRole('button', { name: 'Me l’affecter' }).click();
    await first.getByText('Affecté à coord-journee').waitFor();
    await visit(page, demo.api.url, '#/worklist?assigned=me');
    const mine = page.locator(`table.worklist tbody tr[data-pathway="${pathwayId}"]`);
    await expect(mine.count()).resolves.toBe(1);
    await expect(mine.getAttribute('data-kind')).resolves.toBe('sortie.pharmacien');
    await mine.getByRole('link', { name: 'Enregistrer la conciliation' }).click();
    await page.waitForURL(/action=reconciliation/);
    const pharmacists = page.getByLabel(/^Pharmacien destinataire/);
    await pharmacists.locator('option:not([value=""])').first().waitFor({ state: 'attached' });
    const pharmacist = await pharmacists.locator('option:not([value=""])').first().getAttribute('value');
    await pharmacists.selectOption(pharmacist);
    await page.getByRole('button', { name: 'Enregistrer la conciliation' }).click();
    await page.locator('ol.timeline > li[data-type="MedicationReconciliationSent"]').waitFor();
    await visit(page, demo.api.url, '#/worklist?assigned=me');
    await expect(page.locator(`tr[data-pathway="${pathwayId}"]`).count()).resolves.toBe(0);
    await visit(page, demo.api.url, '#/worklist');
    await expect(page.locator('table.worklist tbody tr').first().getAttribute('data-kind')).resolves.toBe(
      'sortie.suivi',
    );

    // Oldest first puts it far down; the pathway-kind filter and pages still find it.
    await page.getByLabel('Ordre').selectOption('oldest');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(/sort=oldest/);
    // The new order replaces the old one once read: wait for the first row to change.
    const firstPathway = () => page.locator('table.worklist tbody tr').first().getAttribute('data-pathway');
    const deadline = Date.now() + 15_000;
    while ((await firstPathway()) === pathwayId && Date.now() < deadline) await page.waitForTimeout(100);
    await settle(page);
    await expect(firstPathway()).resolves.not.toBe(pathwayId);
    await page.getByRole('link', { name: 'Page suivante' }).click();
    await page.getByText(/^Étapes 51 à/).waitFor();
    await page.context().close();
  });

  it('works the worklist on a phone (390 px): every row a card, its action within the screen', async () => {
    const page = await newPage(demo.browser, 'phone');
    await signIn(page, demo.api.url, 'coordinator', { sub: 'coord-telephone' });
    await visit(page, demo.api.url, '#/worklist');
    const first = page.locator('table.worklist tbody tr').first();
    const action = first.locator('a.button').first();
    await action.waitFor();
    const box = await action.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    // Nothing wider than the screen: no sideways scrolling of the page.
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await screenshot(page, 'worklist-phone');
    expect(await checkAccessibility(page)).toEqual([]);

    // The pathway page on the phone too.
    await first.locator('a', { hasText: 'Ouvrir le parcours' }).click();
    await page.waitForURL(/#\/pathways\//);
    await page.getByRole('heading', { name: 'Chronologie' }).waitFor();
    const pathwayWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(pathwayWidth).toBeLessThanOrEqual(390);
    await screenshot(page, 'pathway-phone');
    expect(await checkAccessibility(page)).toEqual([]);
    await page.context().close();
  });
});
