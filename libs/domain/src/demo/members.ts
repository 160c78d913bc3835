import type { MemberJoined, Profession } from '../members/member.events';
import { addDays, type DateString, daysBetween, weekday } from './calendar';
import {
  cabinet,
  CDS,
  COMMUNES,
  CPTS_TEAM,
  DAC,
  FAMILY_NAMES,
  GIVEN_NAMES,
  HOSPITAL,
  MSPS,
  PHARMACIES,
  SSIAD,
  type Structure,
} from './catalogue';
import type { TaskBuilder } from './plan';
import type { Random } from './random';
import { type ActivityWindow, type DemoContext, type DemoMember, Members } from './world';

/**
 * The ~125 members of the demo CPTS: who they are (profession, structure, practice mode), when they
 * joined, who left during the year; then what they did as members (meetings, working groups, interns).
 */

/** One kind of member and how many of them: the usual make-up of a CPTS of taille 2. */
interface Cohort {
  profession: Profession;
  count: number;
  /** Where the i-th of them works, and in which commune. */
  workplace: (
    i: number,
    rng: Random,
  ) => { structure: Structure; commune: string; mode: 'liberal' | 'salarie' };
  /** Paramedical and medical professions are in the RPPS; coordinators, social workers… are not. */
  rpps: boolean;
  /** Rare professions are always there: referrals to them would otherwise have no one to go to. */
  alwaysThere?: boolean;
  title?: string;
  /** The specialty of the i-th of them (specialists). */
  specialties?: readonly string[];
}

const VILLEFRANCHE = 'Villefranche-sur-Saône';

/** A commune weighted by its inhabitants: practices are where people live. */
function commune(rng: Random): string {
  return rng.weighted(COMMUNES.map((c) => [c.name, c.population] as const));
}

function liberal(structure: Structure, at: string) {
  return { structure, commune: at, mode: 'liberal' as const };
}
function salaried(structure: Structure, at: string) {
  return { structure, commune: at, mode: 'salarie' as const };
}
/** The i-th member of a cohort in an MSP for the first `inMsp`, else in a practice of their own. */
function mspOrCabinet(inMsp: number, practice: string) {
  return (i: number, rng: Random) => {
    if (i < inMsp) {
      const msp = MSPS[i % MSPS.length];
      return liberal(msp.structure, msp.commune);
    }
    const where = commune(rng);
    return liberal(cabinet(practice, where), where);
  };
}

const COHORTS: readonly Cohort[] = [
  {
    profession: 'medecin-generaliste',
    count: 35,
    rpps: true,
    title: 'Dr',
    workplace: (i, rng) =>
      i < 20
        ? liberal(MSPS[i % 4].structure, MSPS[i % 4].commune)
        : i < 23
          ? salaried(CDS, VILLEFRANCHE)
          : mspOrCabinet(0, 'Cabinet médical')(i, rng),
  },
  {
    profession: 'medecin-specialiste',
    count: 5,
    rpps: true,
    title: 'Dr',
    alwaysThere: true,
    specialties: ['cardiologie', 'pneumologie', 'geriatrie', 'rhumatologie', 'pediatrie'],
    workplace: (i) =>
      [
        liberal({ kind: 'cabinet', name: 'Cabinet de cardiologie du Beaujolais' }, VILLEFRANCHE),
        salaried(HOSPITAL, VILLEFRANCHE), // pneumologue
        salaried(HOSPITAL, VILLEFRANCHE), // gériatre
        liberal({ kind: 'cabinet', name: 'Cabinet de rhumatologie de Gleizé' }, 'Gleizé'),
        liberal({ kind: 'cabinet', name: 'Cabinet de pédiatrie de Limas' }, 'Limas'),
      ][i],
  },
  {
    profession: 'pharmacien',
    count: 20,
    rpps: true,
    // One titulaire per pharmacy; the busiest ones also employ an adjoint (salaried).
    workplace: (i) => {
      const pharmacy = PHARMACIES[i % PHARMACIES.length];
      return i < PHARMACIES.length
        ? liberal(pharmacy.structure, pharmacy.commune)
        : salaried(pharmacy.structure, pharmacy.commune);
    },
  },
  {
    profession: 'infirmier',
    count: 28,
    rpps: true,
    workplace: (i, rng) =>
      i < 3 ? salaried(SSIAD, VILLEFRANCHE) : mspOrCabinet(4, 'Cabinet infirmier')(i - 3, rng),
  },
  {
    profession: 'infirmier-pratique-avancee',
    count: 2,
    rpps: true,
    alwaysThere: true,
    workplace: (i) =>
      i === 0 ? liberal(MSPS[0].structure, MSPS[0].commune) : salaried(HOSPITAL, VILLEFRANCHE),
  },
  {
    profession: 'masseur-kinesitherapeute',
    count: 15,
    rpps: true,
    workplace: mspOrCabinet(2, 'Cabinet de kinésithérapie'),
  },
  {
    profession: 'sage-femme',
    count: 4,
    rpps: true,
    workplace: (i, rng) =>
      i === 0 ? salaried(HOSPITAL, VILLEFRANCHE) : mspOrCabinet(1, 'Cabinet de sages-femmes')(i - 1, rng),
  },
  {
    profession: 'chirurgien-dentiste',
    count: 4,
    rpps: true,
    title: 'Dr',
    workplace: mspOrCabinet(0, 'Cabinet dentaire'),
  },
  { profession: 'orthophoniste', count: 3, rpps: true, workplace: mspOrCabinet(1, 'Cabinet d’orthophonie') },
  {
    profession: 'orthoptiste',
    count: 1,
    rpps: true,
    alwaysThere: true,
    workplace: () => liberal({ kind: 'cabinet', name: 'Cabinet d’orthoptie de Villefranche' }, VILLEFRANCHE),
  },
  {
    profession: 'pedicure-podologue',
    count: 2,
    rpps: true,
    alwaysThere: true,
    workplace: mspOrCabinet(1, 'Cabinet de podologie'),
  },
  {
    profession: 'ergotherapeute',
    count: 1,
    rpps: true,
    alwaysThere: true,
    workplace: () => salaried(SSIAD, VILLEFRANCHE),
  },
  {
    profession: 'psychomotricien',
    count: 1,
    rpps: false,
    alwaysThere: true,
    workplace: () => liberal({ kind: 'cabinet', name: 'Cabinet de psychomotricité de Gleizé' }, 'Gleizé'),
  },
  {
    profession: 'dieteticien',
    count: 2,
    rpps: false,
    alwaysThere: true,
    workplace: (i) =>
      i === 0 ? salaried(HOSPITAL, VILLEFRANCHE) : liberal(MSPS[1].structure, MSPS[1].commune),
  },
  {
    profession: 'psychologue',
    count: 2,
    rpps: false,
    alwaysThere: true,
    workplace: mspOrCabinet(1, 'Cabinet de psychologie'),
  },
  {
    profession: 'assistant-social',
    count: 1,
    rpps: false,
    alwaysThere: true,
    workplace: () => salaried(DAC, VILLEFRANCHE),
  },
  {
    profession: 'coordinateur',
    count: 2,
    rpps: false,
    alwaysThere: true,
    workplace: () => salaried(CPTS_TEAM, VILLEFRANCHE),
  },
];

/** How many members leave during the year, and of which professions. */
const LEAVING: readonly Profession[] = [
  'medecin-generaliste',
  'infirmier',
  'masseur-kinesitherapeute',
  'pharmacien',
  'sage-femme',
];

/** Names for people of working age; each member's name is drawn once. */
function memberName(rng: Random, used: Set<string>): { given: string; family: string } {
  for (;;) {
    const sex = rng.chance(0.58) ? 'F' : 'M'; // health professions are mostly women
    const given = rng.pick(rng.chance(0.5) ? GIVEN_NAMES[sex].before1980 : GIVEN_NAMES[sex].since1980);
    const family = rng.pick(FAMILY_NAMES);
    const name = `${given} ${family}`;
    if (!used.has(name)) {
      used.add(name);
      return { given, family };
    }
  }
}

/** A member's data and when they joined; ids are given when their `MemberJoined` is planned. */
export interface MemberDraft extends Omit<DemoMember, 'id'> {
  joined: MemberJoined;
}

/**
 * The members: most joined when the association formed (before the ACI contract) or in its first year;
 * about one in eight joined during the year shown (`accompagnement.nouveaux-membres`); five leave in it.
 */
export function draftMembers(rng: Random, window: ActivityWindow, signedOn: DateString): MemberDraft[] {
  const names = new Set<string>();
  const rppsNumbers = new Set<string>();
  const drafts: MemberDraft[] = [];
  const yearBefore = daysBetween(signedOn, window.from);
  for (const cohort of COHORTS) {
    for (let i = 0; i < cohort.count; i += 1) {
      const { structure, commune: where, mode } = cohort.workplace(i, rng);
      const { given, family } = memberName(rng, names);
      const displayName = cohort.title ? `${cohort.title} ${given} ${family}` : `${given} ${family}`;
      const joinedOn = joinDate(rng, cohort, i, window, signedOn, yearBefore);
      let rpps: string | undefined;
      while (cohort.rpps && (rpps === undefined || rppsNumbers.has(rpps))) rpps = `10${rng.digits(9)}`;
      if (rpps) rppsNumbers.add(rpps);
      const joined: MemberJoined = {
        displayName,
        profession: cohort.profession,
        ...(rpps ? { rpps } : {}),
        structure,
        mode,
        joinedOn,
        sasParticipant: false,
      };
      const specialty = cohort.specialties?.[i];
      drafts.push({ ...joined, ...(specialty ? { specialty } : {}), commune: where, joined });
    }
  }
  chooseSasParticipants(rng, drafts);
  chooseLeavers(rng, drafts, window);
  return drafts;
}

function joinDate(
  rng: Random,
  cohort: Cohort,
  i: number,
  window: ActivityWindow,
  signedOn: DateString,
  yearBefore: number,
): DateString {
  // The coordinators were hired once the contract was signed: the general one first, then the pathways one.
  if (cohort.profession === 'coordinateur') return addDays(signedOn, i === 0 ? 14 : 75);
  const draw = rng.next();
  if (draw < 0.12 && !cohort.alwaysThere) return window.randomDay(rng, 10, window.days - 30);
  if (draw < 0.55) return addDays(signedOn, rng.int(0, yearBefore - 1));
  return addDays(signedOn, -rng.int(20, 420));
}

/** About 40 % of the GPs take SAS slots (`acces.sas.medecins`). */
function chooseSasParticipants(rng: Random, drafts: MemberDraft[]): void {
  const gps = drafts.filter((d) => d.profession === 'medecin-generaliste');
  for (const gp of rng.sample(gps, 14)) {
    gp.sasParticipant = true;
    gp.joined.sasParticipant = true;
  }
}

/** One of each of these professions leaves during the year (retirement, moving away). */
function chooseLeavers(rng: Random, drafts: MemberDraft[], window: ActivityWindow): void {
  for (const profession of LEAVING) {
    const candidates = drafts.filter(
      (d) => d.profession === profession && d.joinedOn < window.from && d.leftOn === undefined,
    );
    rng.pick(candidates).leftOn = window.randomDay(rng, 60, window.days - 40);
  }
}

/** Phase "members": one `MemberJoined` each, all side by side. */
export function planJoins(ctx: Pick<DemoContext, 'phases'>, drafts: readonly MemberDraft[]): Members {
  const members = drafts.map(({ joined, ...member }): DemoMember => {
    const id = ctx.phases.members.task().joinMember(joined);
    return { ...member, id };
  });
  return new Members(members);
}

// ---- what members do as members --------------------------------------------------------------------

/** A weekday on or after `date` (meetings are not held at weekends). */
function weekdayFrom(date: DateString): DateString {
  let day = date;
  while (weekday(day) === 0 || weekday(day) === 6) day = addDays(day, 1);
  return day;
}

interface Participation {
  member: DemoMember;
  activity: 'reunion' | 'groupe-de-travail';
  on: DateString;
  hours: number;
}

/**
 * The life of the association: the yearly general assembly (June), the bureau each month but August,
 * and three working groups (ville-hôpital, soins non programmés, prévention) every two months.
 */
function participations(rng: Random, ctx: DemoContext): Participation[] {
  const { window, members } = ctx;
  const out: Participation[] = [];
  const attend = (member: DemoMember, activity: Participation['activity'], on: DateString, hours: number) => {
    if (Members.isActive(member, on) && on >= window.from) out.push({ member, activity, on, hours });
  };

  const assembly = weekdayFrom(window.dateOf(6, 12));
  for (const member of members.all) if (rng.chance(0.45)) attend(member, 'reunion', assembly, 3);

  const coordinators = members.of('coordinateur');
  const bureau = [
    ...coordinators,
    ...rng.sample(
      members.of('medecin-generaliste').filter((m) => m.joinedOn < window.from && !m.leftOn),
      2,
    ),
    ...rng.sample(
      members.of('pharmacien').filter((m) => m.joinedOn < window.from && !m.leftOn),
      1,
    ),
    ...rng.sample(
      members.of('infirmier').filter((m) => m.joinedOn < window.from && !m.leftOn),
      1,
    ),
  ];
  for (let month = 1; month <= 12; month += 1) {
    if (month === 8) continue;
    const on = weekdayFrom(window.dateOf(month, 7));
    for (const member of bureau) attend(member, 'reunion', on, 2);
  }

  const groups: Array<{ professions: Profession[]; size: number; day: number }> = [
    {
      professions: ['medecin-generaliste', 'infirmier', 'pharmacien', 'infirmier-pratique-avancee'],
      size: 10,
      day: 14,
    },
    {
      professions: ['medecin-generaliste', 'pharmacien', 'masseur-kinesitherapeute', 'chirurgien-dentiste'],
      size: 9,
      day: 18,
    },
    {
      professions: ['pharmacien', 'sage-femme', 'infirmier', 'dieteticien', 'masseur-kinesitherapeute'],
      size: 8,
      day: 22,
    },
  ];
  groups.forEach((group, index) => {
    const people = [coordinators[index % 2], ...rng.sample(members.of(...group.professions), group.size - 1)];
    for (let month = 1 + index; month <= 12; month += 2) {
      if (month === 8) continue;
      const on = weekdayFrom(window.dateOf(month, group.day));
      for (const member of people) if (rng.chance(0.85)) attend(member, 'groupe-de-travail', on, 2);
    }
  });
  return out;
}

/**
 * Phase "setup", one task per member (their stream's events in order): participations, the interns
 * some host (GPs take an intern for a semester, a pharmacy a student in sixth year), then the departure.
 */
export function planMemberLives(rng: Random, ctx: DemoContext): void {
  const { window, members } = ctx;
  const byMember = new Map<string, Participation[]>();
  for (const participation of participations(rng, ctx)) {
    const list = byMember.get(participation.member.id) ?? [];
    list.push(participation);
    byMember.set(participation.member.id, list);
  }

  const semester = window.dateOf(5, 2);
  const tutors = new Map<string, { profession: Profession; from: DateString; to: DateString }>();
  const stayers = (p: Profession) => members.of(p).filter((m) => m.joinedOn < semester && !m.leftOn);
  for (const gp of rng.sample(stayers('medecin-generaliste'), 2)) {
    tutors.set(gp.id, { profession: 'medecin-generaliste', from: semester, to: addDays(semester, 181) });
  }
  const pharmacyInternship = window.dateOf(1, 5);
  const pharmacist = rng.pick(
    members.of('pharmacien').filter((m) => m.joinedOn < pharmacyInternship && !m.leftOn),
  );
  tutors.set(pharmacist.id, {
    profession: 'pharmacien',
    from: pharmacyInternship,
    to: addDays(pharmacyInternship, 180),
  });

  for (const member of members.all) {
    // The member's stream in business-time order: participations and internship by date, departure last.
    const entries: Array<{ on: DateString; record: (task: TaskBuilder) => void }> = (
      byMember.get(member.id) ?? []
    ).map(({ activity, on, hours }) => ({
      on,
      record: (task) => task.recordParticipation(member.id, { activity, on, hours }),
    }));
    const intern = tutors.get(member.id);
    if (intern) entries.push({ on: intern.from, record: (task) => task.hostIntern(member.id, intern) });
    if (member.leftOn) {
      const leftOn = member.leftOn;
      entries.push({ on: leftOn, record: (task) => task.leave(member.id, leftOn) });
    }
    if (entries.length === 0) continue;
    const task = ctx.phases.setup.task();
    for (const entry of entries.sort((a, b) => a.on.localeCompare(b.on))) entry.record(task);
  }
}
