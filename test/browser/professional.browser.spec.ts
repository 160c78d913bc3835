/**
 * A pharmacist's day in the web UI, on the demo CPTS in a real headless Chromium: she signs in as
 * herself (picked by name in the dev sign-in), the header names her; she applies a cooperation protocol
 * (herself preselected as "Appliqué par", the patient's sex and birth year shown), and reads why it is
 * refused for a patient outside its age range. The members' directory, and a coordinator correcting a
 * participation there. Accessibility scans of each new page.
 */
import type { Page } from 'playwright-core';
import { call } from '../support/api-process';
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
import { command, read, token } from '../support/tenant';

jest.setTimeout(180_000);

const CPTS = 'cpts-demo';
const PROTOCOL = 'pollakiurie-brulure-mictionnelle';

interface Member {
  id: string;
  displayName: string;
  profession: string;
  leftOn?: string;
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

/** Polls a check from the test's side (the page's CSP forbids evaluating strings in it). */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a professional in the web UI', () => {
  let demo: Demo;
  let coordinator: string;
  let pharmacist: Member;
  let eligibleId: string;
  let tooOldId: string;
  const api = (path: string) => `${demo.api.url}/api/v1/cpts/${CPTS}${path}`;
  const get = async (path: string) => {
    const response = await read(demo.api.url, api(path), coordinator);
    if (response.status !== 200) throw new Error(`GET ${path} → ${response.status}: ${response.text}`);
    return response.body;
  };
  const registerAndOpen = async (birthDate: string, familyName: string) => {
    const patient = await command(api('/patients'), coordinator, {
      identity: { familyName, givenName: 'Test', birthDate },
      sex: 'F',
      birthYear: Number(birthDate.slice(0, 4)),
      ald: false,
      precarious: false,
      hasMedecinTraitant: true,
    });
    const pathway = await command(api('/pathways'), coordinator, {
      patientId: patient.id,
      kind: 'autre',
      openedAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    // A professional reads only the patients of her care circle: the coordinator adds her to it.
    await command(api(`/patients/${patient.id}/care-team`), coordinator, {
      memberId: pharmacist.id,
      role: 'dispensation',
      from: new Date().toISOString().slice(0, 10),
    });
    await read(demo.api.url, api(`/patients/${patient.id}/care-team`), coordinator);
    return pathway.id;
  };

  beforeAll(async () => {
    demo = await openDemo();
    coordinator = await token(demo.api.url, CPTS, 'coordinator');
    const members = (await get('/members')).items as Member[];
    const byId = new Map(members.map((member) => [member.id, member]));
    const { adherents } = (await get(`/protocols/${PROTOCOL}`)) as {
      adherents: Array<{ memberId: string; delegatingDoctorMemberId: string; signedOn: string }>;
    };
    const today = new Date().toISOString().slice(0, 10);
    const adherent = adherents.find(
      (candidate) =>
        byId.get(candidate.memberId)?.profession === 'pharmacien' &&
        !byId.get(candidate.memberId)?.leftOn &&
        !byId.get(candidate.delegatingDoctorMemberId)?.leftOn &&
        candidate.signedOn < today,
    );
    expect(adherent).toBeDefined();
    pharmacist = byId.get(adherent!.memberId)!;
    const year = new Date().getFullYear();
    eligibleId = await registerAndOpen(`${year - 30}-02-10`, 'Éligible-Essai');
    tooOldId = await registerAndOpen(`${year - 70}-02-10`, 'Âgée-Essai');
  });

  afterAll(async () => {
    await demo?.close();
  });

  it('signs in as herself by name, applies a protocol, and reads why an ineligible patient is refused', async () => {
    const page = await newPage(demo.browser);
    await page.goto(`${demo.api.url}/`);
    await page.getByLabel('CPTS (identifiant)').fill(CPTS);
    await page.getByLabel('Rôle').selectOption('professional');
    await page.getByRole('button', { name: 'Choisir le professionnel dans l’annuaire' }).click();
    await page.getByLabel('Rechercher un membre par son nom').fill(pharmacist.displayName.slice(0, 6));
    const picker = page.getByLabel(/^Le professionnel/);
    await picker.locator(`option[value="${pharmacist.id}"]`).waitFor({ state: 'attached' });
    await picker.selectOption(pharmacist.id);
    expect(await checkAccessibility(page)).toEqual([]);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    const header = page.getByTestId('signed-in');
    await header.waitFor();
    await expect(header.textContent()).resolves.toContain(pharmacist.displayName);
    await expect(header.textContent()).resolves.not.toContain(pharmacist.id);

    // An eligible patient: she is preselected, the patient's sex and birth year are shown.
    await visit(page, demo.api.url, `#/pathways/${eligibleId}?action=protocol`);
    await page.getByLabel(/^Protocole/).selectOption(PROTOCOL);
    const by = page.getByLabel(/^Appliqué par/);
    await by.locator(`option[value="${pharmacist.id}"]`).waitFor({ state: 'attached' });
    await until('her as “Appliqué par”', async () => (await by.inputValue()) === pharmacist.id);
    // Only the protocol's adherents are offered.
    const offered = await by
      .locator('option')
      .evaluateAll((options) => options.map((option) => (option as HTMLOptionElement).value).filter(Boolean));
    const { adherents } = (await get(`/protocols/${PROTOCOL}`)) as { adherents: Array<{ memberId: string }> };
    expect(offered.every((id) => adherents.some((adherent) => adherent.memberId === id))).toBe(true);
    await expect(page.getByTestId('patient-facts').textContent()).resolves.toMatch(/femme, né\(e\) en \d{4}/);
    await page.getByLabel('Le patient est éligible').check();
    await page.getByLabel(/^Test réalisé/).selectOption('bandelette-urinaire');
    await page.getByLabel(/^Résultat du test/).selectOption('positif');
    await page.getByLabel(/^Issue/).selectOption('dispensation');
    await page
      .getByLabel(/^Médecin traitant informé le/)
      .fill(new Date(Date.now() + 2 * 3_600_000).toISOString().slice(0, 16));
    await screenshot(page, 'protocol-pharmacist');
    expect(await checkAccessibility(page)).toEqual([]);
    // (informed "in two hours": in the future, refused — then corrected to now)
    await page.getByRole('button', { name: 'Enregistrer l’application' }).click();
    await fieldError(page, /^Médecin traitant informé le/);
    const now = new Date();
    const local = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Paris',
      dateStyle: 'short',
      timeStyle: 'short',
    })
      .format(now)
      .replace(' ', 'T');
    await page.getByLabel(/^Médecin traitant informé le/).fill(local);
    await page.getByRole('button', { name: 'Enregistrer l’application' }).click();
    await page.locator('ol.timeline > li[data-type="ProtocolApplied"]').waitFor();

    // Too old for the version in force: the refusal says which criterion, with her age.
    await visit(page, demo.api.url, `#/pathways/${tooOldId}?action=protocol`);
    await page.getByLabel(/^Protocole/).selectOption(PROTOCOL);
    const byAgain = page.getByLabel(/^Appliqué par/);
    await until('her as “Appliqué par”', async () => (await byAgain.inputValue()) === pharmacist.id);
    await page.getByLabel('Le patient est éligible').check();
    await page.getByLabel(/^Test réalisé/).selectOption('bandelette-urinaire');
    await page.getByLabel(/^Résultat du test/).selectOption('positif');
    await page.getByLabel(/^Issue/).selectOption('dispensation');
    await page.getByLabel(/^Médecin traitant informé le/).fill(local);
    await page.getByRole('button', { name: 'Enregistrer l’application' }).click();
    const refusal = await fieldError(page, /^Issue/);
    expect(refusal).toMatch(/^Critère d’âge non rempli : le patient a (69|70) ans/);
    expect(refusal).toContain('seule une orientation');
    expect(await checkAccessibility(page)).toEqual([]);
    await page.context().close();
  });

  it('lists the members in French order with their protocols; a coordinator corrects a participation', async () => {
    const page = await newPage(demo.browser);
    await signIn(page, demo.api.url, 'coordinator', { sub: 'coord-annuaire' });
    await visit(page, demo.api.url, '#/members');
    const names = await page
      .locator('table.members tbody tr td:first-child a')
      .evaluateAll((links) => links.map((link) => link.textContent ?? ''));
    expect(names.length).toBeGreaterThan(50);
    expect(names).toEqual([...names].sort(new Intl.Collator('fr', { sensitivity: 'base' }).compare));
    // Her protocols, once read from each protocol's adherents.
    await page
      .locator(`tr[data-member="${pharmacist.id}"]`, { hasText: 'Prise en charge de la pollakiurie' })
      .waitFor();
    await page.getByLabel('Rechercher un membre (nom)').fill(pharmacist.displayName);
    await expect(page.locator('table.members tbody tr').count()).resolves.toBeLessThan(5);
    await screenshot(page, 'members');
    expect(await checkAccessibility(page)).toEqual([]);

    // A member with participations: correct the hours of one.
    const withParticipation = await (async () => {
      for (const member of (await get('/members')).items as Member[]) {
        const detail = await get(`/members/${member.id}`);
        if (detail.entries.participations.length > 0 && !member.leftOn) return detail;
      }
      return undefined;
    })();
    expect(withParticipation).toBeDefined();
    const participation = withParticipation.entries.participations[0] as { eventId: string; hours: number };
    await visit(page, demo.api.url, `#/members/${withParticipation.id}`);
    const entry = page.locator(`li[data-event="${participation.eventId}"]`);
    await entry.getByText('Corriger ou annuler…').click();
    await entry.getByLabel(/^Nouvelle valeur : Heures/).fill(String(participation.hours + 1));
    await entry
      .getByLabel(/^Motif/)
      .first()
      .fill('Heures mal saisies');
    expect(await checkAccessibility(page)).toEqual([]);
    await entry.getByRole('button', { name: 'Enregistrer la correction' }).click();
    await settle(page);
    const hoursNow = async () =>
      (
        (await call(api(`/members/${withParticipation.id}`), { token: coordinator })).body.entries
          .participations as Array<{ eventId: string; hours: number }>
      ).find((p) => p.eventId === participation.eventId)?.hours;
    await until('the corrected hours', async () => (await hoursNow()) === participation.hours + 1);
    const member = await call(api(`/members/${withParticipation.id}`), { token: coordinator });
    expect(
      (member.body.entries.participations as Array<{ eventId: string; hours: number }>).find(
        (p) => p.eventId === participation.eventId,
      )?.hours,
    ).toBe(participation.hours + 1);

    // The member's e-mail address for notifications, recorded from the same page.
    await page.getByRole('textbox', { name: /^Adresse e-mail/ }).fill('cabinet.test@example.org');
    await page.getByRole('button', { name: 'Enregistrer l’adresse' }).click();
    await page.getByTestId('member-email').filter({ hasText: 'cabinet.test@example.org' }).waitFor();
    expect((await call(api(`/members/${withParticipation.id}`), { token: coordinator })).body.email).toBe(
      'cabinet.test@example.org',
    );
    await page.context().close();
  });
});
