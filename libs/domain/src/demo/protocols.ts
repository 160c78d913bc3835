import type { Profession } from '../members/member.events';
import type { ProtocolApplied } from '../pathways/pathway.events';
import { NATIONAL_PROTOCOLS } from '../protocols/national-protocols';
import type { ProtocolPublished } from '../protocols/protocol.events';
import { ageInMonths } from '../shared/paris-time';
import { addDays, type DateString, daysBetween, maxDate, MINUTE_MS, weekday } from './calendar';
import type { Random } from './random';
import { at, type DemoContext, type DemoMember, type DemoPatient, Members, time } from './world';

/**
 * The national cooperation protocols at work (`events.md`, Protocols): about ten pharmacists and nurses
 * sign a delegation with a GP after their training, then apply the protocols at the pharmacy — cystitis
 * all year, sore throats in winter, hay fever in spring, chickenpox in children — mostly to eligible
 * patients, sometimes to one the questionnaire excludes, who is then oriented to a doctor.
 */

type Code =
  | 'pollakiurie-brulure-mictionnelle'
  | 'odynophagie'
  | 'rhino-conjonctivite-allergique'
  | 'eruption-vesiculeuse-enfant';

/** The in-year session of the CPTS's protocol training (also in the training plan, `actions.ts`). */
export const PROTOCOL_TRAINING = { month: 1, day: 27 } as const;

export interface Adherent {
  member: DemoMember;
  code: Code;
  signedOn: DateString;
}

/** Who adheres to what: pharmacists to cystitis (most), sore throat and hay fever; nurses to chickenpox. */
const ADHERENCES: ReadonlyArray<{ profession: Profession; codes: readonly Code[]; count: number }> = [
  {
    profession: 'pharmacien',
    codes: ['pollakiurie-brulure-mictionnelle', 'odynophagie', 'rhino-conjonctivite-allergique'],
    count: 3,
  },
  { profession: 'pharmacien', codes: ['pollakiurie-brulure-mictionnelle', 'odynophagie'], count: 2 },
  { profession: 'pharmacien', codes: ['pollakiurie-brulure-mictionnelle'], count: 3 },
  {
    profession: 'infirmier',
    codes: ['pollakiurie-brulure-mictionnelle', 'eruption-vesiculeuse-enfant'],
    count: 2,
  },
];

/**
 * Phase "setup", one task per protocol (its stream): each adherent with the GP who delegates to them,
 * in signature order. Six signed before the year shown; four after the CPTS's training in January.
 */
export function planAdherents(rng: Random, ctx: DemoContext): { adherents: Adherent[]; trainees: string[] } {
  const { window, members } = ctx;
  const training = window.dateOf(PROTOCOL_TRAINING.month, PROTOCOL_TRAINING.day);
  // A delegation is for the long run: delegate and doctor were members before the year, and stay.
  const settled = (p: Profession) => members.of(p).filter((m) => m.joinedOn < window.from && !m.leftOn);
  const gps = settled('medecin-generaliste');
  const adherents: Adherent[] = [];
  const trainees: string[] = [];
  const registrations: Array<{
    code: Code;
    memberId: string;
    delegatingDoctorMemberId: string;
    trainedOn: DateString;
    signedOn: DateString;
  }> = [];
  for (const { profession, codes, count } of ADHERENCES) {
    const free = settled(profession).filter((m) => !adherents.some((a) => a.member.id === m.id));
    for (const member of rng.sample(free, count)) {
      // The delegating doctor is a GP they work with: one of their commune when there is one.
      const colleagues = gps.filter((gp) => gp.commune === member.commune);
      const doctor = rng.pick(colleagues.length > 0 ? colleagues : gps);
      // Four in ten were trained at the CPTS's session of the year; the others in the year(s) before,
      // once both were members.
      const inYear = rng.chance(0.4) && addDays(training, 25) <= window.until;
      const earliest = maxDate(maxDate(member.joinedOn, doctor.joinedOn), addDays(window.from, -400));
      const trainedOn = inYear
        ? training
        : addDays(earliest, rng.int(0, Math.max(0, daysBetween(earliest, addDays(window.from, -30)))));
      if (inYear) trainees.push(member.id);
      const signedOn = addDays(trainedOn, rng.int(5, 25));
      for (const code of codes) {
        adherents.push({ member, code, signedOn });
        registrations.push({
          code,
          memberId: member.id,
          delegatingDoctorMemberId: doctor.id,
          trainedOn,
          signedOn,
        });
      }
    }
  }
  for (const code of new Set(registrations.map((r) => r.code))) {
    const task = ctx.phases.setup.task();
    const ofCode = registrations
      .filter((r) => r.code === code)
      .sort((a, b) => a.signedOn.localeCompare(b.signedOn));
    for (const { code: _code, ...data } of ofCode) task.registerAdherent(code, data);
  }
  return { adherents, trainees };
}

// ---- applications ---------------------------------------------------------------------------------

const APPLICATIONS = 150;

/** How often each protocol is called for in a month: cystitis all year, the others in their season. */
const SEASON: Record<Code, (month: number) => number> = {
  'pollakiurie-brulure-mictionnelle': () => 10,
  odynophagie: (month) => (month >= 11 || month <= 3 ? 7 : 2),
  'rhino-conjonctivite-allergique': (month) => (month >= 3 && month <= 6 ? 6 : 0),
  'eruption-vesiculeuse-enfant': (month) => (month <= 5 ? 2 : 0.5),
};

/** Pharmacies are open Monday to Saturday; Saturday afternoon, when no GP is available, is busiest. */
const OPENING_DAYS: Record<number, number> = { 0: 0, 1: 0.8, 2: 0.7, 3: 0.7, 4: 0.7, 5: 0.8, 6: 1 };

/** The version of a national protocol in force on a day (as `versionInForce` will check). */
function versionOn(code: Code, day: DateString): ProtocolPublished {
  const versions = NATIONAL_PROTOCOLS.filter((p) => p.code === code && p.effectiveFrom <= day);
  return versions.reduce((latest, v) => (v.version > latest.version ? v : latest));
}

/**
 * Whole months of age the way the rule computes them (`ageInMonths`); the birth year alone rules most
 * patients out first, which keeps the plan quick.
 */
function monthsOld(
  patient: DemoPatient,
  appliedAt: string,
  bounds: { min: number; max: number },
): number | null {
  const roughMonths = (Number(appliedAt.slice(0, 4)) - Number(patient.birthDate.slice(0, 4))) * 12;
  if (roughMonths < bounds.min - 12 || roughMonths > bounds.max + 12) return null;
  return ageInMonths(patient.birthDate, appliedAt);
}

function withinAges(version: ProtocolPublished, patient: DemoPatient, appliedAt: string): boolean {
  const { sex, minAgeMonths = 0, maxAgeMonths = 1500 } = version.eligibility;
  if (sex !== undefined && sex !== patient.sex) return false;
  const months = monthsOld(patient, appliedAt, { min: minAgeMonths, max: maxAgeMonths });
  return months !== null && months >= minAgeMonths && months <= maxAgeMonths;
}

/** Just outside the protocol's ages: a woman of 70 with cystitis, an adult of 50 with a sore throat. */
function justOutside(version: ProtocolPublished, patient: DemoPatient, appliedAt: string): boolean {
  const { sex, maxAgeMonths } = version.eligibility;
  if ((sex !== undefined && sex !== patient.sex) || maxAgeMonths === undefined) return false;
  const months = monthsOld(patient, appliedAt, { min: maxAgeMonths, max: maxAgeMonths + 15 * 12 });
  return months !== null && months > maxAgeMonths && months <= maxAgeMonths + 15 * 12;
}

/** What the professional found and did, as the protocol's questionnaire and test record it. */
interface Finding {
  eligible: boolean;
  excluded?: string;
  test?: ProtocolApplied['test'];
  outcome: ProtocolApplied['outcome'];
}

/** Exclusions that send the patient to the emergency department rather than to their GP. */
const ALARMING = new Set([
  'fievre-frissons',
  'douleur-lombaire',
  'gene-respiratoire',
  'dysphagie-trismus',
  'signes-neurologiques',
]);

function assess(
  rng: Random,
  code: Code,
  version: ProtocolPublished,
  eligible: boolean,
  outOfAges: boolean,
): Finding {
  if (!eligible) {
    const excluded = outOfAges ? undefined : rng.pick(version.eligibility.exclusions).code;
    const urgent = excluded !== undefined && ALARMING.has(excluded) && rng.chance(0.5);
    return { eligible: false, excluded, outcome: urgent ? 'orientation-urgences' : 'orientation-medecin' };
  }
  switch (code) {
    case 'pollakiurie-brulure-mictionnelle': {
      const result = rng.weighted([
        ['positif', 80],
        ['negatif', 17],
        ['invalide', 3],
      ] as const);
      const outcome =
        result === 'positif'
          ? 'dispensation'
          : result === 'negatif' && rng.chance(0.3)
            ? 'conseil'
            : 'orientation-medecin';
      return { eligible, test: { kind: 'bandelette-urinaire', result }, outcome };
    }
    case 'odynophagie': {
      const positive = rng.chance(0.25);
      return {
        eligible,
        test: { kind: 'trod-angine', result: positive ? 'positif' : 'negatif' },
        outcome: positive ? 'dispensation' : 'conseil',
      };
    }
    case 'rhino-conjonctivite-allergique':
      return { eligible, outcome: rng.chance(0.9) ? 'dispensation' : 'conseil' };
    case 'eruption-vesiculeuse-enfant':
      return { eligible, outcome: rng.chance(0.3) ? 'dispensation' : 'conseil' };
  }
}

/**
 * Phase "activity": one pathway per application (kind `autre`, opened at the counter), the application,
 * then, for most, the pathway closed a few days later. A dispensation informs the médecin traitant, as
 * the protocols require, unless the patient refused it.
 */
export function planProtocolApplications(
  rng: Random,
  ctx: DemoContext,
  adherents: readonly Adherent[],
): void {
  const { window, patients } = ctx;
  for (let i = 0; i < APPLICATIONS; i += 1) {
    let day = window.randomDay(rng);
    while (!rng.chance(OPENING_DAYS[weekday(day)])) day = window.randomDay(rng);
    const month = Number(day.slice(5, 7));
    const available = adherents.filter((a) => a.signedOn <= day && Members.isActive(a.member, day));
    const codes = [...new Set(available.map((a) => a.code))].filter((code) => SEASON[code](month) > 0);
    if (codes.length === 0) continue; // early in the year, before anyone adhered to a seasonal protocol
    const code = rng.weighted(codes.map((c) => [c, SEASON[c](month)] as const));
    const adherent = rng.pick(available.filter((a) => a.code === code));
    const saturday = weekday(day) === 6;
    const appliedMs = time(day, saturday && rng.chance(0.7) ? rng.int(28, 37) / 2 : rng.int(18, 37) / 2);
    const appliedAt = at(appliedMs);
    const version = versionOn(code, day);

    const wantsEligible = rng.chance(0.92);
    const outOfAges = !wantsEligible && rng.chance(0.5);
    const candidates = patients.filter(
      (p) =>
        !p.blocked.has(adherent.member.id) &&
        (outOfAges ? justOutside(version, p, appliedAt) : withinAges(version, p, appliedAt)),
    );
    if (candidates.length === 0) continue;
    const patient = rng.pick(candidates);
    const finding = assess(rng, code, version, wantsEligible, outOfAges);

    const answers: Record<string, unknown> = { 'symptomes-depuis-jours': rng.int(1, 3) };
    for (const exclusion of version.eligibility.exclusions)
      answers[exclusion.code] = exclusion.code === finding.excluded;
    // The refusal in force at the application spares informing the médecin traitant, not a later one.
    const refused = patient.mtSharingRefusedOn !== undefined && patient.mtSharingRefusedOn <= day;
    const informs = finding.outcome === 'dispensation' ? !refused : rng.chance(0.4);
    let informedMs = appliedMs + rng.int(10, 26 * 60) * MINUTE_MS;
    if (!window.happened(informedMs)) informedMs = appliedMs + 10 * MINUTE_MS;

    const task = ctx.phases.activity.task();
    const pathwayId = task.openPathway({
      patientId: patient.id,
      kind: 'autre',
      openedAt: at(appliedMs - rng.int(5, 15) * MINUTE_MS),
      reason: `Soins non programmés : ${version.title}`,
    });
    task.applyProtocol(pathwayId, {
      protocolCode: code,
      protocolVersion: version.version,
      byMemberId: adherent.member.id,
      appliedAt,
      eligibility: { eligible: finding.eligible, answers },
      ...(finding.test ? { test: finding.test } : {}),
      outcome: finding.outcome,
      ...(informs ? { mtInformedAt: at(informedMs) } : {}),
    });
    const closedMs = time(addDays(day, rng.int(2, 10)), rng.int(9, 17));
    if (rng.chance(0.4) && window.happened(closedMs)) {
      task.closePathway(pathwayId, { closedAt: at(closedMs), outcome: 'termine' });
    }
  }
}
