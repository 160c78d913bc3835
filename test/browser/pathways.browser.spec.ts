/**
 * The pathway list and the pathway page, as a coordinator on the demo CPTS in a real headless Chromium:
 * a discharge recorded through the UI opens a reconciliation on the worklist, whose link leads back to
 * the pre-filled form that closes it; a protocol application for an ineligible patient is refused with
 * the API's message next to the outcome, and nothing is recorded; a business time after the clock gets
 * the API's rule next to its field. Screenshots and accessibility scans of the list and the page.
 */
import type { Page } from 'playwright-core';
import {
  checkAccessibility,
  type Demo,
  newPage,
  openDemo,
  screenshot,
  signIn,
  visit,
} from '../support/browser';
import { read, token } from '../support/tenant';

jest.setTimeout(120_000);

const CPTS = 'cpts-demo';
const DAY = 24 * 60 * 60 * 1000;

interface Summary {
  id: string;
  patientId: string;
  status: 'open' | 'closed';
  openedAt: string;
}

interface Entry {
  eventId: string;
  type: string;
  data: Record<string, any>;
}

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

/** The message shown next to a field: the text its `aria-describedby` points at, hints left out. */
async function fieldError(page: Page, label: RegExp): Promise<string> {
  const control = page.getByLabel(label);
  await control.locator('xpath=..').locator('.field-error').waitFor();
  const ids = ((await control.getAttribute('aria-describedby')) ?? '').split(' ');
  const errorId = ids.find((id) => id.endsWith('-error'));
  if (!errorId) return '';
  return (await page.locator(`[id="${errorId}"]`).textContent()) ?? '';
}

describe('pathways in the web UI', () => {
  let demo: Demo;
  let coordinator: string;
  const api = (path: string) => `${demo.api.url}/api/v1/cpts/${CPTS}${path}`;
  const get = async (path: string) => {
    const response = await read(demo.api.url, api(path), coordinator);
    if (response.status !== 200) throw new Error(`GET ${path} → ${response.status}: ${response.text}`);
    return response.body;
  };

  /** Open pathways opened at least `days` ago, newest first. */
  async function openPathways(days: number): Promise<Summary[]> {
    const page = await get('/pathways?status=open&limit=200');
    return (page.items as Summary[]).filter((p) => Date.parse(p.openedAt) < Date.now() - days * DAY);
  }

  beforeAll(async () => {
    demo = await openDemo();
    coordinator = await token(demo.api.url, CPTS, 'coordinator');
  });

  afterAll(async () => {
    await demo?.close();
  });

  it('lists the pathways with their filters, and passes the accessibility scan', async () => {
    const page = await newPage(demo.browser);
    await signIn(page, demo.api.url, 'coordinator');
    await visit(page, demo.api.url, '#/pathways');

    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Parcours');
    const rows = page.locator('table.pathways tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);

    // The filters go to the route, and the list follows.
    const search = page.getByRole('search');
    await search.getByLabel('Statut').selectOption('closed');
    await search.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(/status=closed/);
    // The previous rows stay on screen while the new page loads: wait for the list to change.
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('table.pathways tbody tr td:nth-child(2)')).every(
        (cell) => cell.textContent === 'Clos',
      ),
    );
    const statuses = await page.locator('table.pathways tbody tr td:nth-child(2)').allTextContents();
    expect(new Set(statuses)).toEqual(new Set(['Clos']));

    // "Next" gives the following page.
    await visit(page, demo.api.url, '#/pathways');
    const first = await rows.first().getAttribute('data-pathway');
    await page.getByRole('link', { name: 'Suivant' }).click();
    await page.waitForURL(/after=/);
    await page.waitForFunction(
      (previous) =>
        document.querySelector('table.pathways tbody tr')?.getAttribute('data-pathway') !== previous,
      first,
    );
    expect(await rows.first().getAttribute('data-pathway')).not.toBe(first);
    expect(await rows.count()).toBeGreaterThan(0);

    await visit(page, demo.api.url, '#/pathways');
    await screenshot(page, 'pathways-list');
    expect(await checkAccessibility(page)).toEqual([]);
    await page.context().close();
  });

  it('shows the API’s rule next to a field: a notification after the clock', async () => {
    const [pathway] = await openPathways(7);
    const before = await get(`/pathways/${pathway.id}`);
    const page = await newPage(demo.browser);
    await signIn(page, demo.api.url, 'coordinator');
    await visit(page, demo.api.url, `#/pathways/${pathway.id}`);

    await page.getByRole('link', { name: 'Enregistrer une sortie' }).click();
    await page.getByLabel(/^Établissement/).fill('Clinique du futur');
    await page.getByLabel(/^Sortie le/).fill(parisLocal(Date.now() - DAY));
    await page.getByLabel(/^Notifiée à la CPTS le/).fill(parisLocal(Date.now() + DAY));
    await page.getByRole('button', { name: 'Enregistrer la sortie' }).click();

    expect(await fieldError(page, /^Notifiée à la CPTS le/)).toMatch(/est dans le futur/);
    expect((await get(`/pathways/${pathway.id}`)).revision).toBe(before.revision);
    await page.context().close();
  });

  it('records a discharge, sees its reconciliation on the worklist, and closes it from there', async () => {
    const [pathway] = await openPathways(7);
    const hospital = `Clinique des Essais ${Date.now() % 100_000}`;
    const page = await newPage(demo.browser);
    await signIn(page, demo.api.url, 'coordinator');
    await visit(page, demo.api.url, `#/pathways/${pathway.id}`);

    // A discharge three days ago: the pharmacist's step (48 h after the discharge) is due.
    await page.getByRole('link', { name: 'Enregistrer une sortie' }).click();
    await page.getByLabel(/^Établissement/).fill(hospital);
    await page.getByLabel(/^Service/).fill('Cardiologie');
    await page.getByLabel(/^Sortie le/).fill(parisLocal(Date.now() - 3 * DAY));
    await page.getByLabel(/^Notifiée à la CPTS le/).fill(parisLocal(Date.now() - 4 * DAY));
    await page.getByLabel('Le traitement a été modifié').check();
    await page.getByLabel('Soins infirmiers').check();
    const pharmacist = page.getByLabel(/^Pharmacien du patient/);
    await pharmacist.locator('option:nth-child(2)').waitFor({ state: 'attached' });
    await pharmacist.selectOption({ index: 1 });
    const pharmacistId = await pharmacist.inputValue();
    await page.getByRole('button', { name: 'Enregistrer la sortie' }).click();

    await page.getByRole('status').filter({ hasText: 'Enregistré' }).first().waitFor();
    const timeline = page.locator('ol.timeline > li[data-type="DischargeNotified"]', { hasText: hospital });
    await timeline.waitFor();
    await page.getByRole('heading', { name: 'Étapes en attente' }).waitFor();
    await page.locator('.pending-steps li[data-kind="sortie.pharmacien"]', { hasText: hospital }).waitFor();

    // The worklist has the new step, with the hospital typed above.
    await visit(page, demo.api.url, '#/worklist?kind=sortie.pharmacien');
    const item = page.locator('table.worklist tbody tr', { hasText: hospital });
    await item.waitFor();
    await expect(item.textContent()).resolves.toContain('Conciliation médicamenteuse');

    // Its link opens the reconciliation form with this discharge and its pharmacist chosen.
    await item.getByRole('link', { name: 'Enregistrer la conciliation' }).click();
    await page.waitForURL(/action=reconciliation/);
    const discharge = page.getByLabel(/^Sortie concernée/);
    await discharge.waitFor();
    await expect(discharge.locator('option:checked').textContent()).resolves.toContain(hospital);
    const to = page.getByLabel(/^Pharmacien destinataire/);
    await to.locator(`option[value="${pharmacistId}"]`).waitFor({ state: 'attached' });
    await page.waitForFunction(
      `document.querySelector('select[name="toMemberId"]')?.value === ${JSON.stringify(pharmacistId)}`,
    );
    await page.getByRole('button', { name: 'Enregistrer la conciliation' }).click();
    await page.getByRole('status').filter({ hasText: 'Enregistré' }).first().waitFor();
    await page
      .locator('ol.timeline > li[data-type="MedicationReconciliationSent"]', { hasText: hospital })
      .waitFor();

    // Done: the worklist no longer has it.
    await visit(page, demo.api.url, '#/worklist?kind=sortie.pharmacien');
    await page.locator('table.worklist tbody tr').first().waitFor();
    expect(await page.locator('table.worklist tbody tr', { hasText: hospital }).count()).toBe(0);
    await page.context().close();
  });

  it('refuses a protocol application for an ineligible patient, with the API’s message by the outcome', async () => {
    // A protocol, a member who applied it lately (an adherent still active), and an open pathway.
    const today = new Date().toISOString().slice(0, 10);
    const yearAgo = new Date(Date.now() - 365 * DAY).toISOString().slice(0, 10);
    const drill = await get(`/indicators/qualite.protocoles/events?from=${yearAgo}&to=${today}`);
    const members = new Map<string, { leftOn?: string }>(
      ((await get('/members')).items as Array<{ id: string; leftOn?: string }>).map((m) => [m.id, m]),
    );
    const protocols = (await get('/protocols')).items as Array<{
      code: string;
      inForce: {
        version: number;
        eligibility: { exclusions: Array<{ code: string; label: string }> };
      } | null;
    }>;
    let choice: { pathwayId: string; code: string; memberId: string } | undefined;
    for (const event of [...(drill.events as Array<{ eventId: string; streamId: string }>)].reverse()) {
      const pathwayId = event.streamId.slice(event.streamId.lastIndexOf('.') + 1);
      const view = await get(`/pathways/${pathwayId}`);
      const applied = (view.timeline as Entry[]).find((entry) => entry.eventId === event.eventId);
      const code = applied?.data.protocolCode as string | undefined;
      const memberId = applied?.data.byMemberId as string | undefined;
      const protocol = protocols.find((p) => p.code === code);
      if (!code || !memberId || !protocol?.inForce?.eligibility.exclusions.length) continue;
      if (!members.has(memberId) || members.get(memberId)?.leftOn) continue;
      if (view.status !== 'open') continue;
      choice = { pathwayId, code, memberId };
      break;
    }
    expect(choice).toBeDefined();
    const { pathwayId, code, memberId } = choice!;
    const exclusion = protocols.find((p) => p.code === code)!.inForce!.eligibility.exclusions[0];
    const before = await get(`/pathways/${pathwayId}`);

    const page = await newPage(demo.browser);
    await signIn(page, demo.api.url, 'coordinator');
    await visit(page, demo.api.url, `#/pathways/${pathwayId}?action=protocol`);
    const entries = page.locator('ol.timeline > li');
    const count = await entries.count();

    await page.getByLabel(/^Protocole/).selectOption(code);
    const by = page.getByLabel(/^Appliqué par/);
    await by.locator(`option[value="${memberId}"]`).waitFor({ state: 'attached' });
    await by.selectOption(memberId);
    // One yes/no question per exclusion criterion of the version in force: this patient has one.
    await page.getByLabel(exclusion.label, { exact: true }).check();
    await page.getByLabel('Le patient est éligible').check();
    await page.getByLabel(/^Issue/).selectOption({ label: 'Dispensation' });
    await page.getByRole('button', { name: 'Enregistrer l’application' }).click();

    // The refusal names the criterion that failed: the exclusion answered yes.
    expect(await fieldError(page, /^Issue/)).toContain(
      `Critère d’exclusion présent : « ${exclusion.label} »`,
    );
    // Nothing recorded: the timeline and the revision are as they were.
    await page.getByRole('button', { name: 'Recharger' }).click();
    await page.waitForLoadState('networkidle');
    expect(await entries.count()).toBe(count);
    expect((await get(`/pathways/${pathwayId}`)).revision).toBe(before.revision);

    await screenshot(page, 'pathway-page');
    expect(await checkAccessibility(page)).toEqual([]);
    await page.context().close();
  });

  it('shows the pathway page at a tablet’s width, with a form open', async () => {
    const [pathway] = await openPathways(7);
    const page = await newPage(demo.browser, 'tablet');
    await signIn(page, demo.api.url, 'coordinator');
    await visit(page, demo.api.url, `#/pathways/${pathway.id}?action=discharge`);
    await page.getByRole('heading', { name: 'Enregistrer une sortie d’hospitalisation' }).waitFor();
    await page.getByRole('heading', { name: 'Chronologie' }).waitFor();
    await screenshot(page, 'pathway-page-tablet');
    expect(await checkAccessibility(page)).toEqual([]);
    await page.context().close();
  });

  it('offers in a form’s member picker only the members present on the form’s date, as it changes', async () => {
    const today = parisLocal(Date.now()).slice(0, 10);
    const members = (await get('/members')).items as Array<{ id: string; joinedOn: string; leftOn?: string }>;
    // The latest to join (before today), and one who left: each is offered on one side of their date only.
    const joiner = members
      .filter((m) => !m.leftOn && m.joinedOn < today)
      .sort((a, b) => b.joinedOn.localeCompare(a.joinedOn))[0];
    const leaver = members.find((m) => m.leftOn !== undefined && m.leftOn < today && m.joinedOn < m.leftOn);
    if (!leaver) throw new Error('the demo has a member who left');
    const dayBefore = (day: string) =>
      new Date(Date.parse(`${day}T12:00:00Z`) - DAY).toISOString().slice(0, 10);
    const dayAfter = (day: string) =>
      new Date(Date.parse(`${day}T12:00:00Z`) + DAY).toISOString().slice(0, 10);

    const [pathway] = await openPathways(7);
    const page = await newPage(demo.browser);
    await signIn(page, demo.api.url, 'coordinator');
    await visit(page, demo.api.url, `#/pathways/${pathway.id}?action=follow-up`);
    const picker = page.getByLabel(/^Réalisé par/);
    const offered = (id: string) => picker.locator(`option[value="${id}"]`);
    const at = page.locator('input[name="at"]');
    // Now (the field's default): the joiner is offered, the leaver is not.
    await offered(joiner.id).waitFor({ state: 'attached' });
    expect(await offered(leaver.id).count()).toBe(0);

    await at.fill(`${dayBefore(joiner.joinedOn)}T10:00`);
    await offered(joiner.id).waitFor({ state: 'detached' });
    await at.fill(`${joiner.joinedOn}T10:00`);
    await offered(joiner.id).waitFor({ state: 'attached' });

    await at.fill(`${leaver.leftOn}T10:00`);
    await offered(leaver.id).waitFor({ state: 'attached' });
    await at.fill(`${dayAfter(leaver.leftOn!)}T10:00`);
    await offered(leaver.id).waitFor({ state: 'detached' });
    await page.context().close();
  });

  it('works the pathway page on a phone (390 px): cards stacked, every action on the screen and big enough to tap', async () => {
    // A pathway with pending steps and a timeline of several entries.
    const candidates = await openPathways(7);
    let pathwayId: string | undefined;
    for (const candidate of candidates) {
      const view = await get(`/pathways/${candidate.id}`);
      if (view.pending.length > 0 && view.timeline.length >= 3) {
        pathwayId = candidate.id;
        break;
      }
    }
    if (!pathwayId) throw new Error('the demo has an open pathway with pending steps');
    const page = await newPage(demo.browser, 'phone');
    await signIn(page, demo.api.url, 'coordinator');
    await visit(page, demo.api.url, `#/pathways/${pathwayId}`);
    await page.getByRole('heading', { name: 'Chronologie' }).waitFor();
    await page.locator('.pending-steps li').first().waitFor();

    // Nothing wider than the screen.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // The facts and the pending steps are cards one under the other, each the screen's width.
    const facts = (await page.locator('section[aria-labelledby="pathway-facts"]').boundingBox())!;
    const pending = (await page.locator('section[aria-labelledby="pathway-pending"]').boundingBox())!;
    expect(pending.y).toBeGreaterThanOrEqual(facts.y + facts.height);
    expect(facts.width).toBeGreaterThan(300);

    /** Every one of `selector`, visible, within the screen's width, at least 44 px high (a finger's tap). */
    const reachable = async (selector: string) => {
      const boxes = await page.locator(selector).evaluateAll((elements) =>
        elements.map((element) => {
          const box = element.getBoundingClientRect();
          const style = getComputedStyle(element);
          return {
            text: element.textContent?.trim() ?? '',
            left: box.left,
            right: box.right,
            height: box.height,
            visible: style.visibility !== 'hidden' && style.display !== 'none' && box.width > 0,
          };
        }),
      );
      expect(boxes.length).toBeGreaterThan(0);
      const faults = boxes.flatMap((box) => [
        ...(box.visible ? [] : [`${box.text}: hidden`]),
        ...(box.left >= 0 && box.right <= 390 ? [] : [`${box.text}: from ${box.left} to ${box.right} px`]),
        ...(box.height >= 44 ? [] : [`${box.text}: ${box.height} px high`]),
      ]);
      expect(faults).toEqual([]);
    };
    await screenshot(page, 'pathway-page-phone');
    await reachable('ul.pathway-actions a.button');
    await reachable('.pending-steps a.button');
    await reachable('ol.timeline .entry-actions button');

    // A form opened from the page: its fields and its button within the screen too.
    await page.getByRole('link', { name: 'Enregistrer un suivi' }).click();
    await page.getByRole('button', { name: 'Enregistrer le suivi' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await reachable('form button[type="submit"]');
    const fields = await page
      .locator('form input:not([type="hidden"]):not([type="checkbox"]), form select')
      .evaluateAll((elements) => elements.map((element) => element.getBoundingClientRect().right));
    expect(fields.every((right) => right <= 390)).toBe(true);
    await screenshot(page, 'pathway-form-phone');
    expect(await checkAccessibility(page)).toEqual([]);
    await page.context().close();
  });
});
