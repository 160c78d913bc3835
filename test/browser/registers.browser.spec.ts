/**
 * Patients, RCP and unscheduled care in the web UI, as a coordinator on the demo CPTS in a real headless
 * Chromium: a patient registered through the form gets their page, whose identity shows only on request
 * (and the reading is in the access log), and a médecin traitant assigned there shows in the summary; an
 * RCP with two professions and one case is recorded (after the API refused one profession twice, next to
 * the participants) and appears in the register; an unscheduled-care request is recorded and oriented
 * (after the API refused an appointment 40 days away, next to its field). A GP outside the patient's circle
 * opens the record by emergency access, which the coordinators see in their menu, inbox and audit page.
 * Screenshots and accessibility
 * scans of each page with a form open.
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
import { command, read, token } from '../support/tenant';

jest.setTimeout(120_000);

const CPTS = 'cpts-demo';
const DAY = 24 * 60 * 60 * 1000;

interface Member {
  id: string;
  displayName: string;
  profession: string;
  joinedOn: string;
  leftOn?: string;
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
async function fieldError(page: Page, label: string | RegExp): Promise<string> {
  const control = page.getByLabel(label);
  await control.locator('xpath=..').locator('.field-error').waitFor();
  const ids = ((await control.getAttribute('aria-describedby')) ?? '').split(' ');
  const errorId = ids.find((id) => id.endsWith('-error'));
  if (!errorId) return '';
  return (await page.locator(`[id="${errorId}"]`).textContent()) ?? '';
}

/** Chooses an option by value once the member directory has filled the select. */
async function choose(page: Page, label: string | RegExp, value: string): Promise<void> {
  const select = page.getByLabel(label);
  await select.locator(`option[value="${value}"]`).waitFor({ state: 'attached' });
  await select.selectOption(value);
}

describe('patients, RCP and unscheduled care in the web UI', () => {
  let demo: Demo;
  let coordinator: string;
  let members: Member[];
  const api = (path: string) => `${demo.api.url}/api/v1/cpts/${CPTS}${path}`;
  const get = async (path: string, as = coordinator) => {
    const response = await read(demo.api.url, api(path), as);
    if (response.status !== 200) throw new Error(`GET ${path} → ${response.status}: ${response.text}`);
    return response.body;
  };
  /** Members active today, of a profession. */
  const active = (profession: string) =>
    members.filter((m) => m.profession === profession && !m.leftOn && m.joinedOn < parisLocal(Date.now()));

  beforeAll(async () => {
    demo = await openDemo();
    coordinator = await token(demo.api.url, CPTS, 'coordinator');
    members = (await get('/members')).items as Member[];
  });

  afterAll(async () => {
    await demo?.close();
  });

  it('registers a patient, shows the identity only on request, and assigns a médecin traitant', async () => {
    const page = await newPage(demo.browser);
    await signIn(page, demo.api.url, 'coordinator', { sub: 'coord-registres' });
    await visit(page, demo.api.url, '#/patients');

    // The pseudonymous list: short ids, no names.
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Patients');
    expect(await page.locator('table.patients tbody tr').count()).toBeGreaterThan(0);

    await page.getByRole('link', { name: 'Inscrire un patient' }).click();
    await page.getByLabel(/^Nom de naissance/).fill('Beauregard-Essai');
    await page.getByLabel(/^Premier prénom/).fill('Solange');
    await page.getByLabel(/^Date de naissance/).fill('1947-06-18');
    // The birth year follows the birth date.
    await expect(page.getByLabel('Année de naissance (obligatoire)').inputValue()).resolves.toBe('1947');
    await page.getByLabel(/^Sexe/).selectOption('F');
    await page.getByLabel('Affection de longue durée (ALD)').check();
    await screenshot(page, 'patients');
    expect(await checkAccessibility(page)).toEqual([]);
    await page.getByRole('button', { name: 'Inscrire le patient' }).click();

    // The new patient's page: the summary, and no identity until asked.
    await page.waitForURL(/#\/patients\/[0-9a-f-]{36}$/);
    const patientId = /#\/patients\/([0-9a-f-]{36})/.exec(page.url())![1];
    await page.getByRole('heading', { level: 1, name: `Patient ${patientId.slice(0, 8)}` }).waitFor();
    await page.getByRole('heading', { name: 'Résumé' }).waitFor();
    await expect(page.locator('main').textContent()).resolves.not.toContain('Beauregard-Essai');
    await expect(page.locator('main').textContent()).resolves.toContain('journal des accès');

    await page.getByLabel('Motif').selectOption('coordination-parcours');
    await page.getByRole('button', { name: 'Afficher l’identité' }).click();
    const identity = page.getByTestId('identity');
    await identity.waitFor();
    await expect(identity.textContent()).resolves.toContain('Beauregard-Essai');
    await expect(identity.textContent()).resolves.toContain('Solange');
    // The reading is in the access log, under the coordinator's name and the purpose chosen.
    const auditor = await token(demo.api.url, CPTS, 'auditor');
    const log = await get(`/audit/access-log?patientId=${patientId}`, auditor);
    expect(log.entries).toEqual([
      expect.objectContaining({ patientId, actorId: 'coord-registres', purpose: 'coordination-parcours' }),
    ]);
    await page.getByRole('button', { name: 'Masquer l’identité' }).click();
    await expect(page.locator('main').textContent()).resolves.not.toContain('Beauregard-Essai');

    // The médecin traitant, from the link the worklist uses.
    const gp = active('medecin-generaliste')[0];
    await visit(page, demo.api.url, `#/patients/${patientId}?action=medecin-traitant`);
    await choose(page, /^Médecin généraliste/, gp.id);
    await screenshot(page, 'patient-page');
    expect(await checkAccessibility(page)).toEqual([]);
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Enregistré' }).waitFor();
    await page.getByTestId('medecin-traitant').filter({ hasText: gp.displayName }).waitFor();
    const summary = await get(`/patients/${patientId}/summary`);
    expect(summary.medecinTraitant).toEqual({ memberId: gp.id, displayName: gp.displayName });

    // The care circle: the médecin traitant is in it; a nurse is added, then removed.
    const circle = page.getByTestId('care-team');
    await circle.locator('tr', { hasText: gp.displayName }).filter({ hasText: 'Médecin traitant' }).waitFor();
    const nurse = active('infirmier')[0];
    await circle.getByRole('button', { name: 'Ajouter au cercle de soins' }).click();
    await choose(page, /^Professionnel/, nurse.id);
    await page.getByLabel(/^Rôle/).selectOption('soins-infirmiers');
    expect(await checkAccessibility(page)).toEqual([]);
    await page.getByRole('button', { name: 'Ajouter au cercle', exact: true }).click();
    await circle
      .locator('tr', { hasText: nurse.displayName })
      .filter({ hasText: 'Soins infirmiers' })
      .waitFor();
    expect((await get(`/patients/${patientId}/care-team`)).members).toEqual([
      expect.objectContaining({ memberId: gp.id, basis: 'medecin-traitant' }),
      expect.objectContaining({ memberId: nurse.id, basis: 'care-team', role: 'soins-infirmiers' }),
    ]);
    await circle.getByRole('button', { name: `Retirer ${nurse.displayName} du cercle de soins` }).click();
    await page.getByLabel(/^Motif du retrait/).fill('Fin des soins');
    await page.getByRole('button', { name: 'Retirer du cercle', exact: true }).click();
    await circle.getByRole('heading', { name: 'Anciens membres' }).waitFor();
    expect((await get(`/patients/${patientId}/care-team`)).past).toEqual([
      expect.objectContaining({ memberId: nurse.id, to: expect.any(String) }),
    ]);

    // A discharge of this patient: the médecin traitant finds it in their notifications, and reads it.
    const { id: pathwayId } = await command(api('/pathways'), coordinator, {
      patientId,
      kind: 'sortie-hospitalisation',
      openedAt: new Date(Date.now() - 2 * DAY).toISOString(),
    });
    await command(api(`/pathways/${pathwayId}/discharges`), coordinator, {
      hospital: { name: 'CH Essai' },
      dischargeAt: new Date(Date.now() - DAY).toISOString(),
      notifiedAt: new Date(Date.now() - DAY).toISOString(),
      treatmentChanged: false,
      complex: false,
      needs: [],
    });
    const gpToken = await token(demo.api.url, CPTS, 'professional', gp.id);
    for (let tries = 0; (await get('/inbox', gpToken)).unread === 0; tries += 1) {
      if (tries > 100) throw new Error('the discharge never reached the médecin traitant’s inbox');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const gpPage = await newPage(demo.browser);
    await signIn(gpPage, demo.api.url, 'professional', { sub: gp.id });
    await visit(gpPage, demo.api.url, '#/inbox');
    await gpPage.getByTestId('unread').filter({ hasText: '1 non lue' }).waitFor();
    // The menu says it too, on every page.
    await gpPage.getByTestId('unread-badge').filter({ hasText: '1 non lue' }).waitFor();
    await gpPage.locator('tr', { hasText: 'Sortie d’hospitalisation' }).waitFor();
    await gpPage.getByRole('heading', { name: 'Comment être prévenu' }).waitFor();
    expect(await checkAccessibility(gpPage)).toEqual([]);
    await gpPage.getByRole('button', { name: 'Marquer comme lue' }).click();
    await gpPage.getByTestId('unread').filter({ hasText: 'Aucune notification non lue.' }).waitFor();
    await gpPage.getByTestId('unread-badge').waitFor({ state: 'detached' });
    // Her preferences, below: no e-mail at night; half a window is refused next to its field.
    await gpPage.getByLabel('De', { exact: true }).fill('20:00');
    await gpPage.getByRole('button', { name: 'Enregistrer mes préférences' }).click();
    await gpPage.locator('.field-error', { hasText: 'Indiquez le début et la fin' }).waitFor();
    await gpPage.getByLabel('À', { exact: true }).fill('07:00');
    await gpPage.getByRole('button', { name: 'Enregistrer mes préférences' }).click();
    await gpPage.getByText('Enregistré.').waitFor();
    await expect(get('/inbox/preferences', gpToken)).resolves.toEqual(
      expect.objectContaining({ email: true, quietHours: { from: '20:00', to: '07:00' } }),
    );
    await gpPage.context().close();

    // A GP outside the circle is told the patient is not found, and may open the record in an emergency;
    // the coordinators hear of it (the menu's count, the inbox) and review it on the audit page.
    const outsider = active('medecin-generaliste')[1];
    const outsiderPage = await newPage(demo.browser);
    await signIn(outsiderPage, demo.api.url, 'professional', { sub: outsider.id });
    await visit(outsiderPage, demo.api.url, `#/patients/${patientId}`);
    await outsiderPage.getByRole('heading', { name: 'Accès d’urgence (bris de glace)' }).waitFor();
    await expect(outsiderPage.locator('main').textContent()).resolves.not.toContain('Résumé');
    expect(await checkAccessibility(outsiderPage)).toEqual([]);
    await outsiderPage.getByLabel(/^Motif/).selectOption('patient-inconscient');
    await outsiderPage.getByLabel(/^Je confirme/).check();
    await outsiderPage.getByRole('button', { name: 'Ouvrir le dossier' }).click();
    await outsiderPage.getByRole('heading', { name: 'Résumé' }).waitFor();
    await outsiderPage.context().close();
    await visit(page, demo.api.url, '#/audit');
    await page
      .getByTestId('break-glass-row')
      .filter({ hasText: outsider.displayName })
      .filter({ hasText: 'Patient inconscient' })
      .waitFor();
    await page.getByTestId('unread-badge').waitFor();
    await visit(page, demo.api.url, '#/inbox');
    await page.locator('tr', { hasText: 'Accès d’urgence (bris de glace) à un dossier' }).waitFor();

    // It is in the list, still without a name.
    await visit(page, demo.api.url, '#/patients?hasMedecinTraitant=true&birthYear=1947');
    const row = page.locator(`table.patients tbody tr[data-patient="${patientId}"]`);
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain(gp.displayName);
    await expect(page.locator('main').textContent()).resolves.not.toContain('Beauregard-Essai');
    await page.context().close();
  });

  it('records an RCP with two professions and a case; one profession twice is refused next to the participants', async () => {
    const pathway = ((await get('/pathways?status=open&limit=20')).items as Array<{ id: string }>)[0];
    const [gp1, gp2] = active('medecin-generaliste');
    const page = await newPage(demo.browser);
    await signIn(page, demo.api.url, 'coordinator');
    // The worklist's link: the form open, its case pre-filled.
    await visit(page, demo.api.url, `#/rcps?action=new&pathwayId=${pathway.id}`);
    await expect(page.getByLabel(/^Parcours \(cas 1\)/).inputValue()).resolves.toBe(pathway.id);

    await choose(page, /^Convoquée par/, gp1.id);
    await page.getByLabel(/^Date et heure/).fill(parisLocal(Date.now() - 2 * 60 * 60 * 1000));
    await page.getByLabel(/^Durée \(minutes\)/).fill('45');
    await page.getByLabel(/^Format/).selectOption('visio');
    await choose(page, /^Membre de la CPTS \(participant 1\)/, gp1.id);
    await choose(page, /^Membre de la CPTS \(participant 2\)/, gp2.id);
    await page
      .getByLabel(/^Décisions \(cas 1\)/)
      .fill('Adapter le traitement diurétique\nPassage infirmier quotidien');
    await page.getByRole('button', { name: 'Enregistrer la RCP' }).click();

    // Two general practitioners are one profession: the rule shows at the head of the participants.
    const participants = page.getByRole('group', { name: 'Participants' });
    await participants
      .locator('.field-error', { hasText: 'deux participants de deux professions différentes' })
      .waitFor();

    // Replace the second one with an outside nurse.
    await page.getByRole('button', { name: 'Retirer le participant 2' }).click();
    await page.getByRole('button', { name: 'Ajouter un professionnel extérieur' }).click();
    await page.getByLabel(/^Nom du professionnel extérieur \(participant 2\)/).fill('Inès Extérieure');
    await page.getByLabel(/^Profession \(participant 2\)/).selectOption('infirmier');
    await page.getByRole('button', { name: 'Enregistrer la RCP' }).click();

    // Saved: the register has it, with both professions and the case's pathway.
    const saved = page.getByRole('status').filter({ hasText: 'RCP enregistrée.' });
    await saved.waitFor();
    const rcpHref = await saved.getByRole('link', { name: 'Voir la RCP' }).getAttribute('href');
    const rcpId = /#\/rcps\/([0-9a-f-]{36})/.exec(rcpHref ?? '')![1];
    const row = page.locator(`table.rcps tbody tr[data-rcp="${rcpId}"]`);
    await row.waitFor();
    const rowText = (await row.textContent()) ?? '';
    expect(rowText).toContain('Médecin généraliste');
    expect(rowText).toContain('Infirmier');
    expect(rowText).toContain(pathway.id.slice(0, 8));
    expect(rowText).toContain('Visio');
    await screenshot(page, 'rcps');
    expect(await checkAccessibility(page)).toEqual([]);

    // Its detail: participants and decisions.
    await page.getByRole('link', { name: 'Voir la RCP' }).click();
    await page.getByRole('heading', { name: 'Cas discutés et décisions' }).waitFor();
    await page.getByText('Adapter le traitement diurétique').waitFor();
    await page.getByText('Inès Extérieure').waitFor();
    expect(await checkAccessibility(page)).toEqual([]);
    const rcp = await get(`/rcps/${rcpId}`);
    expect(rcp.participants).toEqual([
      { memberId: gp1.id },
      { name: 'Inès Extérieure', profession: 'infirmier' },
    ]);
    expect(rcp.cases).toEqual([
      {
        pathwayId: pathway.id,
        decisions: ['Adapter le traitement diurétique', 'Passage infirmier quotidien'],
      },
    ]);
    await page.context().close();

    // On a tablet, the form stays usable.
    const tablet = await newPage(demo.browser, 'tablet');
    await signIn(tablet, demo.api.url, 'coordinator');
    await visit(tablet, demo.api.url, '#/rcps?action=new');
    await tablet.getByRole('button', { name: 'Ajouter un professionnel extérieur' }).click();
    await screenshot(tablet, 'rcps-tablet');
    expect(await checkAccessibility(tablet)).toEqual([]);
    await tablet.context().close();
  });

  it('records an unscheduled-care request and orients it; an appointment 40 days away is refused next to its field', async () => {
    const gp = active('medecin-generaliste')[1];
    const motive = `Plaie de la main ${Date.now() % 100_000}`;
    const page = await newPage(demo.browser);
    await signIn(page, demo.api.url, 'coordinator');
    await visit(page, demo.api.url, '#/snp');

    await page.getByRole('link', { name: 'Enregistrer une demande' }).click();
    await page.getByLabel(/^Reçue le/).fill(parisLocal(Date.now() - 30 * 60 * 1000));
    await page.getByLabel(/^Canal/).selectOption('telephone');
    await page.getByLabel(/^Motif/).fill(motive);
    await page.getByRole('button', { name: 'Enregistrer la demande' }).click();

    const saved = page.getByRole('status').filter({ hasText: 'Demande enregistrée.' });
    await saved.waitFor();
    const row = page.locator('table.snp tbody tr', { hasText: motive });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('À orienter');
    const requestId = await row.getAttribute('data-request');

    // Orient it from the notice's link (the worklist's `orient=` link opens the same form).
    await saved.getByRole('link', { name: 'L’orienter maintenant' }).click();
    await page.waitForURL(new RegExp(`orient=${requestId}`));
    await page.getByRole('heading', { name: 'Orienter la demande' }).waitFor();
    await page.getByText(motive).first().waitFor();
    await choose(page, /^Professionnel qui reçoit le patient/, gp.id);
    await page.getByLabel(/^Date et heure du rendez-vous/).fill(parisLocal(Date.now() + 40 * DAY));
    await page.getByRole('button', { name: 'Orienter vers ce rendez-vous' }).click();
    expect(await fieldError(page, /^Date et heure du rendez-vous/)).toMatch(
      /dans les 30 jours suivant la demande/,
    );
    await screenshot(page, 'snp');
    expect(await checkAccessibility(page)).toEqual([]);

    await page.getByLabel(/^Date et heure du rendez-vous/).fill(parisLocal(Date.now() + 2 * 60 * 60 * 1000));
    await page.getByRole('button', { name: 'Orienter vers ce rendez-vous' }).click();
    await page.getByRole('status').filter({ hasText: 'Demande orientée.' }).waitFor();
    const oriented = page.locator(`table.snp tbody tr[data-request="${requestId}"]`);
    await oriented.filter({ hasText: 'Orientée' }).waitFor();
    await expect(oriented.textContent()).resolves.toContain(gp.displayName);
    const log = await get('/unscheduled-care?status=oriented');
    expect(log.items).toContainEqual(
      expect.objectContaining({ id: requestId, motive, status: 'oriented', orientedTo: gp.id }),
    );
    await page.context().close();
  });
});
