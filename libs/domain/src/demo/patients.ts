import type { RegisterPatient } from '../patients/patient.commands';
import type { MedecinTraitantSearchRegistered } from '../patients/patient.events';
import { addDays, type DateString, maxDate } from './calendar';
import { COMMUNES, FAMILY_NAMES, GIVEN_NAMES } from './catalogue';
import type { TaskBuilder } from './plan';
import type { Random } from './random';
import { ageOn, type DemoContext, type DemoMember, type DemoPatient, Members } from './world';

/**
 * The ~700 patients the CPTS coordinates care for, older than the general population (the pathways are
 * mostly about elderly and chronic patients), with their consents, pharmacists correspondants, the
 * professionals two of them blocked, and the ~80 searches for a médecin traitant, half of them found.
 */

export const PATIENT_COUNT = 700;
const MT_SEARCHES = 80;

/** Age bands (years at the start of the year shown) and their share of the patients. */
const AGE_BANDS: ReadonlyArray<readonly [readonly [number, number], number]> = [
  [[1, 12], 8],
  [[13, 17], 3],
  [[18, 44], 20],
  [[45, 64], 17],
  [[65, 74], 18],
  [[75, 84], 20],
  [[85, 98], 14],
];

/** Where people were born, for the INS: mostly the Rhône, some neighbouring départements, some Paris. */
const BIRTH_DEPARTMENTS: ReadonlyArray<readonly [string, number]> = [
  ['69', 70],
  ['01', 10],
  ['42', 6],
  ['71', 6],
  ['75', 5],
  ['13', 3],
];

function givenName(rng: Random, sex: 'F' | 'M', birthYear: number): string {
  const names = GIVEN_NAMES[sex];
  return rng.pick(
    birthYear < 1950 ? names.before1950 : birthYear < 1980 ? names.before1980 : names.since1980,
  );
}

/**
 * An INS (NIR of the patient): sex, year and month of birth, département and commune of birth, order
 * number, then the key 97 − (number mod 97).
 */
function ins(rng: Random, sex: 'F' | 'M', birthDate: DateString): string {
  const department = rng.weighted(BIRTH_DEPARTMENTS);
  const body = `${sex === 'M' ? 1 : 2}${birthDate.slice(2, 4)}${birthDate.slice(5, 7)}${department}${rng.digits(3)}${rng.digits(3)}`;
  const key = 97n - (BigInt(body) % 97n);
  return `${body}${String(key).padStart(2, '0')}`;
}

/** The patient's médecin traitant, when a member: one of the GPs practising near them. */
function nearby(rng: Random, members: readonly DemoMember[], commune: string): DemoMember {
  const near = members.filter((m) => m.commune === commune);
  return rng.pick(near.length > 0 && rng.chance(0.75) ? near : members);
}

interface PatientDraft extends Omit<DemoPatient, 'id'> {
  registration: RegisterPatient['data'];
}

/** Draws the patients: age, sex, identity, commune, ALD and CSS/AME, médecin traitant and pharmacy. */
function draftPatients(rng: Random, ctx: DemoContext): PatientDraft[] {
  const { window, members } = ctx;
  const gps = members.of('medecin-generaliste');
  const pharmacists = members.of('pharmacien');
  const names = new Set<string>();
  const drafts: PatientDraft[] = [];
  for (let i = 0; i < PATIENT_COUNT; i += 1) {
    const [min, max] = rng.weighted(AGE_BANDS);
    const age = rng.int(min, max);
    const birthDate = addDays(window.from, -(age * 365 + Math.floor(age / 4) + rng.int(1, 364)));
    const birthYear = Number(birthDate.slice(0, 4));
    const sex = rng.chance(age >= 85 ? 0.68 : age >= 65 ? 0.57 : 0.51) ? 'F' : 'M';
    let familyName: string;
    let given: string;
    do {
      familyName = rng.pick(FAMILY_NAMES);
      given = givenName(rng, sex, birthYear);
    } while (names.has(`${given} ${familyName} ${birthYear}`));
    names.add(`${given} ${familyName} ${birthYear}`);
    const home = rng.weighted(COMMUNES.map((c) => [c, c.population] as const));
    const ald = rng.chance(age >= 75 ? 0.6 : age >= 65 ? 0.4 : age >= 45 ? 0.2 : 0.05);
    const precarious = rng.chance(age < 25 ? 0.14 : age < 65 ? 0.11 : 0.05);
    const registration: RegisterPatient['data'] = {
      identity: {
        familyName,
        givenName: given,
        birthDate,
        ...(rng.chance(0.85) ? { ins: ins(rng, sex, birthDate) } : {}),
      },
      sex,
      birthYear,
      commune: home.insee,
      ald,
      precarious,
      hasMedecinTraitant: true,
    };
    drafts.push({
      registration,
      sex,
      birthDate,
      ald,
      precarious,
      hasMedecinTraitant: true,
      gp: rng.chance(0.88) ? nearby(rng, gps, home.name) : undefined,
      pharmacist: nearby(rng, pharmacists, home.name),
      refusesMtSharing: rng.chance(0.03),
      blocked: new Set<string>(),
    });
  }
  // Adults without a médecin traitant (a GP retired, a newcomer to the territory): each has a search.
  for (const draft of rng.sample(
    drafts.filter((d) => ageOn(d.birthDate, window.from) >= 16),
    MT_SEARCHES,
  )) {
    draft.hasMedecinTraitant = false;
    draft.registration.hasMedecinTraitant = false;
    draft.gp = undefined;
  }
  // Two patients fell out with a nurse and forbade them their file: nothing is recorded by or for them.
  const nurses = members.of('infirmier');
  for (const draft of rng.sample(
    drafts.filter((d) => ageOn(d.birthDate, window.from) >= 70),
    2,
  )) {
    (draft.blocked as Set<string>).add(rng.pick(nurses.filter((n) => !n.leftOn)).id);
  }
  return drafts;
}

/** Phase "setup": registers every patient, each in a task with what follows on their stream. */
export function planPatients(rng: Random, ctx: DemoContext): DemoPatient[] {
  return draftPatients(rng, ctx).map(({ registration, ...draft }) => {
    const task = ctx.phases.setup.task();
    const patient: DemoPatient = { ...draft, id: task.registerPatient(registration) };
    planConsents(rng, ctx, task, patient);
    planBlocks(rng, ctx, task, patient);
    planPharmacienCorrespondant(rng, ctx, task, patient);
    if (!patient.hasMedecinTraitant) planMedecinTraitantSearch(rng, ctx, task, patient);
    return patient;
  });
}

/** A day of the year shown, or of the months before it, but never before the patient's birth. */
function dayFor(rng: Random, ctx: DemoContext, patient: DemoPatient, daysBefore: number): DateString {
  const day = addDays(ctx.window.from, rng.int(-daysBefore, ctx.window.days - 1));
  return maxDate(day, addDays(patient.birthDate, 1));
}

/**
 * Consents, each scope's decisions in date order: sharing with the médecin traitant (given by many,
 * refused by a few, withdrawn once or twice), the shared record, test results.
 */
function planConsents(rng: Random, ctx: DemoContext, task: TaskBuilder, patient: DemoPatient): void {
  if (patient.refusesMtSharing) {
    patient.mtSharingRefusedOn = dayFor(rng, ctx, patient, 300);
    task.recordConsent(patient.id, {
      scope: 'partage-medecin-traitant',
      decision: 'refus',
      on: patient.mtSharingRefusedOn,
    });
  } else if (rng.chance(0.25)) {
    const on = dayFor(rng, ctx, patient, 300);
    task.recordConsent(patient.id, { scope: 'partage-medecin-traitant', decision: 'accord', on });
    const withdrawn = addDays(on, rng.int(30, 200));
    if (rng.chance(0.01) && withdrawn <= ctx.window.until) {
      task.recordConsent(patient.id, {
        scope: 'partage-medecin-traitant',
        decision: 'retrait',
        on: withdrawn,
      });
    }
  }
  if (rng.chance(0.15)) {
    task.recordConsent(patient.id, {
      scope: 'dossier-partage',
      decision: 'accord',
      on: dayFor(rng, ctx, patient, 300),
    });
  }
  if (rng.chance(0.05)) {
    task.recordConsent(patient.id, {
      scope: 'resultat-test',
      decision: 'accord',
      on: dayFor(rng, ctx, patient, 100),
    });
  }
}

function planBlocks(rng: Random, ctx: DemoContext, task: TaskBuilder, patient: DemoPatient): void {
  for (const memberId of patient.blocked) {
    const member = ctx.members.all.find((m) => m.id === memberId)!;
    const on = maxDate(member.joinedOn, addDays(ctx.window.from, -rng.int(10, 120)));
    task.blockProfessional(patient.id, memberId, on);
  }
}

/** Elderly patients with a chronic disease name their pharmacist (polymedication, discharges). */
function planPharmacienCorrespondant(
  rng: Random,
  ctx: DemoContext,
  task: TaskBuilder,
  patient: DemoPatient,
): void {
  if (!(ageOn(patient.birthDate, ctx.window.from) >= 65 && patient.ald && rng.chance(0.35))) return;
  const on = ctx.window.randomDay(rng);
  if (Members.isActive(patient.pharmacist, on) && !patient.blocked.has(patient.pharmacist.id)) {
    task.designatePharmacien(patient.id, patient.pharmacist.id, on);
  }
}

/** The search's priority, as the CPAM ranks them: ALD first, then age, then precariousness. */
function priority(patient: DemoPatient, on: DateString): MedecinTraitantSearchRegistered['priority'] {
  if (patient.ald) return 'ald';
  if (ageOn(patient.birthDate, on) >= 70) return 'plus-de-70-ans';
  if (patient.precarious) return 'precarite';
  return 'aucune';
}

/**
 * A search registered during the year, by the patient or a professional who met them (the coordinator,
 * a pharmacist, a nurse); half end with a GP taking them on within days or weeks.
 */
function planMedecinTraitantSearch(
  rng: Random,
  ctx: DemoContext,
  task: TaskBuilder,
  patient: DemoPatient,
): void {
  const { window, members } = ctx;
  const registeredOn = window.randomDay(rng);
  const requester = rng.weighted<
    'patient' | 'coordinateur' | 'pharmacien' | 'infirmier' | 'medecin-generaliste'
  >([
    ['patient', 35],
    ['coordinateur', 25],
    ['pharmacien', 20],
    ['infirmier', 10],
    ['medecin-generaliste', 10],
  ]);
  const requestedBy =
    requester === 'patient' ? 'patient' : members.pick(rng, [requester], registeredOn, patient.blocked).id;
  task.searchMedecinTraitant(patient.id, {
    registeredOn,
    requestedBy,
    priority: priority(patient, registeredOn),
  });

  const assignedOn = addDays(registeredOn, rng.int(3, 75));
  if (rng.chance(0.5) && assignedOn <= window.until) {
    const gp = members.pick(rng, ['medecin-generaliste'], assignedOn, patient.blocked);
    task.assignMedecinTraitant(patient.id, gp.id, assignedOn);
  }
}
