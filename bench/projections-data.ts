/**
 * A year of a large CPTS as events, for the projection benchmark: ~1 000 000 events by default, written
 * straight into a `SqliteEventStore` (no commands, no HTTP: generation is not what is measured).
 *
 * The shapes are those of `events.md` and of what the deciders accept: members exist and have not left
 * when they are named, a pharmacist receives the reconciliations, a general practitioner is assigned as
 * médecin traitant, referrals are answered in order (accept → complete, or decline), follow-ups and
 * reconciliations name a discharge of their pathway, protocol applications use the version in force, an
 * adherent of an allowed profession, a patient within the ages (or an orientation), and inform the
 * médecin traitant of a dispensation unless the patient refused it; RCPs gather two professions or more
 * about pathways opened before them; business times lie in the year 2025 as Paris wall times with their
 * offset, never before the pathway's opening. Patients' identities are opaque sealed-looking objects
 * (projections never open them).
 *
 * Deterministic: the same seed and size give the same events (ids included) in the same order; only the
 * store's `recordedAt` and hence the hashes differ between generations. The log is in business-time
 * order, streams interleaved as they would be in a year of use, then appended in windows of APPEND_WINDOW
 * events: one `append` per stream present in the window, all issued in the same tick, so the store's
 * group commit writes each window as one transaction.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  fromParisWallClock as fromParis,
  NATIONAL_PROTOCOLS,
  parisTimestamp,
  schemaVersionOf,
} from '@parcours/domain';
import { SqliteEventStore, type Actor, type NewEvent } from '@parcours/event-store';

export const BENCH_CPTS = 'cpts-bench';
/** The year of activity: `[from, to)` as Paris dates, what the indicators are asked for. */
export const YEAR = { from: '2025-01-01', to: '2026-01-01' } as const;
/** A month of that year, for the month query. */
export const MONTH = { from: '2025-06-01', to: '2025-07-01' } as const;
/** Bump when the generated events change: the cache key includes it. */
export const GENERATOR_VERSION = 3;
export const SEED = 20_251_231;
/** Events per append window (one transaction, one append per stream present in it). */
export const APPEND_WINDOW = 2000;

// ---- random -----------------------------------------------------------------------------------------

/** mulberry32, as the demo uses: the same seed gives the same CPTS on every machine. */
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  u32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  weighted<T>(items: ReadonlyArray<readonly [T, number]>): T {
    const total = items.reduce((sum, [, w]) => sum + w, 0);
    let draw = this.next() * total;
    for (const [item, w] of items) {
      draw -= w;
      if (draw < 0) return item;
    }
    return items[items.length - 1][0];
  }
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items];
    const n = Math.min(count, copy.length);
    for (let i = 0; i < n; i += 1) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, n);
  }
  digits(length: number): string {
    let out = '';
    for (let i = 0; i < length; i += 1) out += String(this.int(0, 9));
    return out;
  }
  base64(bytes: number): string {
    const buffer = Buffer.alloc(bytes);
    for (let i = 0; i < bytes; i += 1) buffer[i] = this.int(0, 255);
    return buffer.toString('base64');
  }
  /** A UUIDv7 whose time part is `ms` and whose random part comes from this generator. */
  uuid7(ms: number): string {
    const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
    const time = hex(Math.max(0, Math.floor(ms)), 12);
    const a = this.u32();
    const b = this.u32();
    const c = this.u32();
    return (
      `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex(a >>> 20, 3)}-` +
      `${hex(0x8 | (a & 0x3), 1)}${hex((a >>> 2) & 0xfff, 3)}-${hex(b, 8)}${hex(c >>> 16, 4)}`
    );
  }
}

// ---- Paris calendar ---------------------------------------------------------------------------------

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

const dayNumber = (date: string): number =>
  Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) / DAY_MS;
const fromDayNumber = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
const addDays = (date: string, days: number): string => fromDayNumber(dayNumber(date) + days);

/** Paris wall time `hour` (06–23, fractional) on `date`, as an instant. */
function parisInstant(date: string, hour: number): number {
  return fromParis(dayNumber(date) * DAY_MS + Math.round(hour * 60) * MINUTE_MS);
}
/** `2025-03-06T17:30:00+01:00`: to the minute, with the offset of that instant. */
function at(ms: number): string {
  return parisTimestamp(Math.floor(ms / MINUTE_MS) * MINUTE_MS);
}
const parisDay = (ms: number): string => at(ms).slice(0, 10);

const YEAR_FIRST = dayNumber(YEAR.from);
const YEAR_DAYS = dayNumber(YEAR.to) - YEAR_FIRST;
const YEAR_END_MS = parisInstant(YEAR.to, 0);
/** A day of the year (0 = 1 January), weighted: weekends see less activity. */
const dayOfYear = (index: number): string => fromDayNumber(YEAR_FIRST + index);
const weekdayOf = (date: string): number => new Date(dayNumber(date) * DAY_MS).getUTCDay();
const WEEKDAY_WEIGHT = [0.15, 1, 1, 1, 1, 0.95, 0.4];
function workingDay(rng: Rng, first = 0, last = YEAR_DAYS - 1): string {
  for (;;) {
    const date = dayOfYear(rng.int(first, last));
    if (rng.chance(WEEKDAY_WEIGHT[weekdayOf(date)])) return date;
  }
}
/** A random instant between 06:00 and 22:00 Paris time on `date`. */
const during = (rng: Rng, date: string, from = 8, to = 19): number =>
  parisInstant(date, rng.int(from * 4, to * 4) / 4);

// ---- reference data ------------------------------------------------------------------------------------

const PROFESSION_MIX: ReadonlyArray<readonly [string, number]> = [
  ['medecin-generaliste', 22],
  ['medecin-specialiste', 8],
  ['pharmacien', 10],
  ['infirmier', 24],
  ['infirmier-pratique-avancee', 2],
  ['masseur-kinesitherapeute', 12],
  ['sage-femme', 3],
  ['chirurgien-dentiste', 4],
  ['orthophoniste', 3],
  ['orthoptiste', 1],
  ['pedicure-podologue', 2],
  ['ergotherapeute', 1],
  ['psychomotricien', 1],
  ['dieteticien', 1],
  ['psychologue', 2],
  ['assistant-social', 1],
  ['coordinateur', 2],
  ['autre', 1],
];
const WITH_RPPS = new Set([
  'medecin-generaliste',
  'medecin-specialiste',
  'pharmacien',
  'infirmier',
  'infirmier-pratique-avancee',
  'masseur-kinesitherapeute',
  'sage-femme',
  'chirurgien-dentiste',
]);
const STRUCTURE_OF: Record<string, ReadonlyArray<readonly [string, number]>> = {
  'medecin-generaliste': [
    ['msp', 50],
    ['cabinet', 35],
    ['cds', 15],
  ],
  'medecin-specialiste': [
    ['cabinet', 50],
    ['hopital', 30],
    ['clinique', 20],
  ],
  pharmacien: [['pharmacie', 100]],
  infirmier: [
    ['cabinet', 60],
    ['msp', 15],
    ['ssiad', 15],
    ['had', 10],
  ],
  coordinateur: [
    ['autre', 70],
    ['dac', 30],
  ],
};
// prettier-ignore
const COMMUNES = [
  '69123', '69381', '69382', '69383', '69384', '69385', '69386', '69387', '69388', '69389', '69266', '69259',
  '69256', '69290', '69034', '69149', '69202', '69244', '69204', '69081', '69282', '69091', '69029', '69152',
];
const COMMUNE_NAMES = [
  'Lyon',
  'Villeurbanne',
  'Vénissieux',
  'Vaulx-en-Velin',
  'Bron',
  'Caluire',
  'Oullins',
  'Rillieux',
];
// prettier-ignore
const FAMILY = ['Martin', 'Bernard', 'Thomas', 'Petit', 'Robert', 'Richard', 'Durand', 'Dubois', 'Moreau', 'Laurent', 'Simon', 'Michel', 'Lefebvre', 'Leroy', 'Roux', 'David', 'Bertrand', 'Morel', 'Fournier', 'Girard', 'Bonnet', 'Dupont', 'Lambert', 'Fontaine', 'Rousseau', 'Vincent', 'Muller', 'Faure', 'André', 'Mercier', 'Blanc', 'Guérin', 'Boyer', 'Garnier', 'Chevalier', 'François', 'Legrand', 'Gauthier', 'Garcia', 'Perrin'];
// prettier-ignore
const GIVEN = ['Camille', 'Nathalie', 'Isabelle', 'Sylvie', 'Julie', 'Claire', 'Élodie', 'Philippe', 'Patrick', 'Christophe', 'Thierry', 'Laurent', 'Éric', 'Nicolas', 'Julien', 'Maxime', 'Thomas', 'Hélène', 'Sophie', 'Anne'];
const HOSPITALS: ReadonlyArray<readonly [{ name: string; finess?: string }, number]> = [
  [{ name: 'Hospices Civils de Lyon — Hôpital Édouard Herriot', finess: '690781810' }, 35],
  [{ name: 'Hospices Civils de Lyon — Hôpital de la Croix-Rousse', finess: '690783220' }, 25],
  [{ name: 'Centre hospitalier Lyon Sud', finess: '690783154' }, 20],
  [{ name: 'Clinique de la Sauvegarde', finess: '690000245' }, 10],
  [{ name: 'Hôpital privé Jean Mermoz' }, 10],
];
// prettier-ignore
const WARDS = ['Médecine polyvalente', 'Cardiologie', 'Gériatrie aiguë', 'Pneumologie', 'Orthopédie', 'Chirurgie viscérale', 'Soins de suite et de réadaptation'];
const NEEDS = ['infirmier', 'kine', 'aide-domicile', 'materiel-medical', 'portage-repas'];
const CHRONIC_KINDS: ReadonlyArray<readonly [string, number]> = [
  ['diabete', 22],
  ['insuffisance-cardiaque', 10],
  ['bpco', 10],
  ['osteoporose', 6],
  ['polymedication', 14],
  ['personne-agee', 18],
  ['cas-complexe', 8],
  ['tnd', 4],
  ['autre', 8],
];
const CHRONIC_REFERRALS: Record<string, ReadonlyArray<readonly [string, string]>> = {
  diabete: [
    ['infirmier', 'Diabète de type 2 déséquilibré : surveillance glycémique et éducation'],
    ['pedicure-podologue', 'Pied diabétique grade 2 : soins de pédicurie'],
    ['dieteticien', 'Diabète : accompagnement diététique'],
  ],
  'insuffisance-cardiaque': [
    ['infirmier-pratique-avancee', 'Insuffisance cardiaque : titration et surveillance du poids'],
    ['infirmier', 'Surveillance des œdèmes et du traitement diurétique'],
  ],
  bpco: [
    ['masseur-kinesitherapeute', 'BPCO : réhabilitation respiratoire'],
    ['infirmier', 'BPCO : surveillance de l’oxygénothérapie'],
  ],
  osteoporose: [['masseur-kinesitherapeute', 'Prévention des chutes après fracture ostéoporotique']],
  polymedication: [['pharmacien', 'Bilan partagé de médication (plus de 10 lignes de traitement)']],
  'personne-agee': [
    ['infirmier', 'Perte d’autonomie : évaluation à domicile'],
    ['ergotherapeute', 'Aménagement du domicile après chutes répétées'],
    ['assistant-social', 'Mise en place d’aides à domicile'],
  ],
  'cas-complexe': [
    ['assistant-social', 'Situation sociale complexe : coordination des aides'],
    ['psychologue', 'Soutien psychologique de l’aidant'],
  ],
  tnd: [
    ['orthophoniste', 'Trouble du neurodéveloppement : bilan orthophonique'],
    ['psychomotricien', 'Trouble du neurodéveloppement : bilan psychomoteur'],
  ],
  autre: [['medecin-specialiste', 'Avis spécialisé demandé par le médecin traitant']],
};
const SNP_MOTIVES = [
  'Fièvre et toux depuis 48 h',
  'Douleur abdominale',
  'Plaie à suturer',
  'Renouvellement d’ordonnance en urgence',
  'Otalgie chez l’enfant',
  'Lombalgie aiguë',
  'Éruption cutanée',
  'Brûlure mictionnelle',
];
const THEMES = [
  'Dépistage du cancer colorectal',
  'Vaccination antigrippale',
  'Prévention des chutes',
  'Nutrition et activité physique',
  'Sevrage tabagique',
  'Santé mentale des jeunes',
];
const TRAINING_THEMES = [
  'Plaies chroniques',
  'Insuffisance cardiaque',
  'Protocoles de coopération',
  'Soins palliatifs',
];
const ACTIVITIES = ['reunion', 'groupe-de-travail', 'rcp', 'formation', 'action-prevention', 'autre'];

/**
 * The national cooperation protocols, published with the registration exactly as `cpts.commands.ts` does
 * (`NATIONAL_PROTOCOLS`), and what the generator needs of the version in force in 2025: the ages in whole
 * years, and how often each is used per month.
 */
interface ProtocolDef {
  code: string;
  version: number;
  sex?: string;
  minYears: number;
  maxYears: number;
  tests: string[];
  exclusions: string[];
  /** Relative weight per month (1–12) of the year. */
  season: (month: number) => number;
}
const SEASONS: Record<string, (month: number) => number> = {
  'pollakiurie-brulure-mictionnelle': () => 4,
  odynophagie: (m) => (m <= 3 || m >= 10 ? 6 : 2),
  'rhino-conjonctivite-allergique': (m) => (m >= 3 && m <= 6 ? 6 : 0.5),
  'eruption-vesiculeuse-enfant': (m) => (m >= 2 && m <= 6 ? 3 : 1),
};
const PROTOCOLS: ProtocolDef[] = [...new Set(NATIONAL_PROTOCOLS.map((p) => p.code))].map((code) => {
  const inForce = NATIONAL_PROTOCOLS.filter((p) => p.code === code && p.effectiveFrom <= YEAR.from).sort(
    (a, b) => b.version - a.version,
  )[0];
  const { eligibility } = inForce;
  return {
    code,
    version: inForce.version,
    ...(eligibility.sex ? { sex: eligibility.sex } : {}),
    minYears: Math.ceil((eligibility.minAgeMonths ?? 0) / 12),
    maxYears: Math.floor(((eligibility.maxAgeMonths ?? 1199) + 1) / 12) - 1,
    tests: [...inForce.tests],
    exclusions: eligibility.exclusions.map((e) => e.code),
    season: SEASONS[code] ?? (() => 1),
  };
});

// ---- the world as the generator knows it --------------------------------------------------------------

interface Member {
  id: string;
  profession: string;
  joinedMs: number;
  /** Business times at or after this are refused (left the day before). */
  leftMs: number;
  /** One of the first members, who stay all year. */
  founder: boolean;
}
interface Patient {
  id: string;
  sex: 'F' | 'M';
  birthYear: number;
  gp?: Member;
  pharmacist: Member;
  refusesMtSharing: boolean;
  blocked?: Set<string>;
}

/** One event before it is appended: `t` orders the log (when it was recorded), `seq` breaks ties. */
interface Draft {
  stream: string;
  t: number;
  seq: number;
  type: string;
  data: Record<string, unknown>;
  eventId: string;
  actor: Actor;
}

export interface GenerationPlan {
  members: number;
  patients: number;
  dischargePathways: number;
  chronicPathways: number;
  protocolPathways: number;
  unscheduledCare: number;
  rcps: number;
  preventionActions: number;
  trainings: number;
  medecinTraitantSearches: number;
  interns: number;
}

/**
 * Entity counts for `events` events. Sized so that the plan gives ~2 % more than asked; the log is then
 * cut to the exact count by dropping its last events (the last days of December: not recorded yet).
 */
export function planFor(events: number): GenerationPlan {
  const s = events / 1_000_000;
  const n = (count: number, min: number) => Math.max(min, Math.round(count * s));
  return {
    members: n(2000, 80),
    patients: n(150_000, 300),
    dischargePathways: n(47_000, 40),
    chronicPathways: n(68_000, 40),
    protocolPathways: n(78_000, 40),
    unscheduledCare: n(45_000, 20),
    rcps: n(2500, 4),
    preventionActions: n(400, 2),
    trainings: n(120, 2),
    medecinTraitantSearches: n(6000, 10),
    interns: n(80, 2),
  };
}

class World {
  readonly drafts: Draft[] = [];
  private seq = 0;
  readonly members: Member[] = [];
  readonly byProfession = new Map<string, Member[]>();
  readonly patients: Patient[] = [];
  /** Patients by birth year and sex, for protocol eligibility. */
  readonly bornIn = new Map<string, Patient[]>();
  readonly coordinators: Actor[] = [];
  /** Pathways an RCP may discuss: chronic or complex discharges, in opening order. */
  readonly discussable: Array<{ id: string; openedMs: number }> = [];
  readonly adherents = new Map<string, Array<{ member: Member; signedMs: number }>>();

  constructor(readonly rng: Rng) {}

  emit(stream: string, t: number, type: string, data: Record<string, unknown>, actor: Actor): string {
    const eventId = this.rng.uuid7(t);
    this.drafts.push({ stream, t, seq: this.seq++, type, data, eventId, actor });
    return eventId;
  }

  coordinator(): Actor {
    return this.rng.pick(this.coordinators);
  }

  /** A member of one of `professions`, joined and not left at `ms`, not blocked by the patient. */
  member(professions: readonly string[], ms: number, patient?: Patient, not?: Member): Member {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const list = this.byProfession.get(this.rng.pick(professions)) ?? [];
      if (list.length === 0) continue;
      const m = this.rng.pick(list);
      if (m.joinedMs > ms || m.leftMs <= ms || m === not) continue;
      if (patient?.blocked?.has(m.id)) continue;
      return m;
    }
    throw new Error(`no active ${professions.join('/')} on ${at(ms)}`);
  }

  gpOf(patient: Patient, ms: number): Member {
    const gp = patient.gp;
    if (gp && gp.joinedMs <= ms && gp.leftMs > ms && !patient.blocked?.has(gp.id)) return gp;
    return this.member(['medecin-generaliste'], ms, patient);
  }

  pharmacistOf(patient: Patient, ms: number): Member {
    const p = patient.pharmacist;
    if (p.joinedMs <= ms && p.leftMs > ms && !patient.blocked?.has(p.id)) return p;
    return this.member(['pharmacien'], ms, patient);
  }

  professional(member: Member): Actor {
    return { id: member.id, role: 'professional' };
  }
}

const NEVER = Number.MAX_SAFE_INTEGER;

// ---- the CPTS, its contract and protocols ---------------------------------------------------------------

function planCpts(w: World): void {
  const { rng } = w;
  const stream = `cpts-${BENCH_CPTS}`;
  const admin: Actor = { id: 'dev:platform-admin', role: 'platform-admin' };
  const registeredMs = parisInstant('2022-03-01', 10);
  w.emit(
    stream,
    registeredMs,
    'CptsRegistered',
    {
      name: 'CPTS Lyon Centre et Est (banc d’essai)',
      population: 260_000,
      communes: COMMUNES,
      finess: '690099999',
    },
    admin,
  );
  // The national protocols, published with the registration (cpts.commands.ts): one append per code.
  for (const data of NATIONAL_PROTOCOLS) {
    w.emit(
      `protocol-${BENCH_CPTS}.${data.code}`,
      registeredMs,
      'ProtocolPublished',
      JSON.parse(JSON.stringify(data)) as Record<string, unknown>,
      admin,
    );
  }
  const signedOn = '2022-09-15';
  const coordinator = w.coordinator();
  const missions = [
    'acces-soins',
    'parcours',
    'prevention',
    'crises-sanitaires',
    'qualite-pertinence',
    'accompagnement-professionnels',
  ];
  w.emit(
    stream,
    parisInstant(signedOn, 11),
    'AciContractSigned',
    { signedOn, missions, joinedBefore20220930: true },
    coordinator,
  );
  missions.forEach((mission, i) => {
    const startedOn = addDays(signedOn, [0, 30, 75, 120, 200, 270][i]);
    w.emit(stream, parisInstant(startedOn, 9), 'MissionStarted', { mission, startedOn }, coordinator);
  });
  w.emit(stream, parisInstant('2023-02-12', 9), 'CrisisPlanDrafted', { on: '2023-02-12' }, coordinator);
  for (const [year, review] of [
    [1, '2023-10-20'],
    [2, '2024-10-18'],
  ] as const) {
    for (const mission of [
      'acces-soins',
      'parcours',
      'prevention',
      'qualite-pertinence',
      'accompagnement-professionnels',
    ]) {
      w.emit(
        stream,
        parisInstant(review, 15),
        'AchievementRecorded',
        { contractYear: year, mission, rate: rng.int(55, 100) / 100 },
        coordinator,
      );
    }
  }
  w.emit(stream, parisInstant('2024-02-20', 9), 'CrisisPlanUpdated', { on: '2024-02-20' }, coordinator);
  w.emit(stream, parisInstant('2025-02-18', 9), 'CrisisPlanUpdated', { on: '2025-02-18' }, coordinator);
  w.emit(
    stream,
    parisInstant('2025-06-02', 9),
    'CptsPopulationUpdated',
    { population: 268_500, effectiveOn: '2025-06-01' },
    coordinator,
  );
  w.emit(
    stream,
    parisInstant('2025-07-18', 12),
    'CrisisDeclared',
    { declaredOn: '2025-07-18', kind: 'canicule', endedOn: '2025-07-27' },
    coordinator,
  );
}

// ---- members ------------------------------------------------------------------------------------------

function planMembers(w: World, plan: GenerationPlan): void {
  const { rng } = w;
  const firstDay = dayNumber('2022-03-01');
  const lastBefore = dayNumber('2024-12-31');
  const coordinatorsFirst = Math.max(4, Math.round(plan.members / 100));
  // Then two of every profession, there all year (so that even a small run has each one).
  const founders = coordinatorsFirst + 2 * PROFESSION_MIX.length;
  for (let i = 0; i < plan.members; i += 1) {
    const profession =
      i < coordinatorsFirst
        ? 'coordinateur'
        : i < founders
          ? PROFESSION_MIX[(i - coordinatorsFirst) % PROFESSION_MIX.length][0]
          : rng.weighted(PROFESSION_MIX);
    // 15 % join during the year shown; the coordinators were there from the start.
    const joinedOn =
      i < coordinatorsFirst
        ? '2022-03-01'
        : i >= founders && rng.chance(0.15)
          ? workingDay(rng, 0, YEAR_DAYS - 20)
          : fromDayNumber(rng.int(firstDay, lastBefore));
    // Recorded at 06:00 on `joinedOn`; nothing names the member before 06:01 that day.
    const recordedMs = parisInstant(joinedOn, 6);
    const joinedMs = recordedMs + MINUTE_MS;
    const id = rng.uuid7(recordedMs);
    const member: Member = { id, profession, joinedMs, leftMs: NEVER, founder: i < founders };
    w.members.push(member);
    const list = w.byProfession.get(profession) ?? [];
    list.push(member);
    w.byProfession.set(profession, list);
    const doctor = profession.startsWith('medecin-');
    const kinds = STRUCTURE_OF[profession];
    const kind = kinds ? rng.weighted(kinds) : rng.chance(0.6) ? 'cabinet' : undefined;
    const actor: Actor =
      i < coordinatorsFirst ? { id: 'dev:coordinator', role: 'coordinator' } : w.coordinator();
    if (i < coordinatorsFirst) w.coordinators.push({ id, role: 'coordinator' });
    w.emit(
      `member-${BENCH_CPTS}.${id}`,
      recordedMs,
      'MemberJoined',
      {
        displayName: `${doctor ? 'Dr ' : ''}${rng.pick(GIVEN)} ${rng.pick(FAMILY)}`,
        profession,
        ...(WITH_RPPS.has(profession) ? { rpps: `10${rng.digits(9)}` } : {}),
        ...(kind
          ? {
              structure: {
                kind,
                name: `${kind === 'pharmacie' ? 'Pharmacie' : 'Cabinet'} ${rng.pick(COMMUNE_NAMES)} ${rng.int(1, 40)}`,
              },
            }
          : {}),
        mode:
          kind === 'hopital' || kind === 'ssiad' || kind === 'had' || kind === 'cds' || kind === 'dac'
            ? 'salarie'
            : 'liberal',
        joinedOn,
        sasParticipant: doctor && rng.chance(0.4),
      },
      actor,
    );
  }
}

/** Departures (2 %, in the autumn), participations, interns, protocol adherents. */
function planMemberLives(w: World, plan: GenerationPlan): void {
  const { rng } = w;
  for (const m of w.members) {
    const stream = `member-${BENCH_CPTS}.${m.id}`;
    const participations = rng.int(2, 10);
    const days = Array.from({ length: participations }, () => workingDay(rng)).sort();
    const leaves = !m.founder && rng.chance(0.02) && m.joinedMs < parisInstant('2025-06-01', 0);
    const leftOn = leaves ? workingDay(rng, 250, 340) : undefined;
    for (const on of days) {
      const ms = during(rng, on, 12, 21);
      if (ms < m.joinedMs || (leftOn && on > leftOn)) continue;
      w.emit(
        stream,
        ms,
        'ParticipationRecorded',
        { activity: rng.pick(ACTIVITIES), on, hours: rng.int(2, 8) / 2 },
        w.coordinator(),
      );
    }
    if (leftOn) {
      // Recorded at the end of the day: nothing names the member after `leftOn`.
      m.leftMs = parisInstant(addDays(leftOn, 1), 0);
      w.emit(stream, parisInstant(leftOn, 21), 'MemberLeft', { leftOn }, w.coordinator());
    }
  }
  const hosts = (w.byProfession.get('medecin-generaliste') ?? []).concat(
    w.byProfession.get('masseur-kinesitherapeute') ?? [],
  );
  for (let i = 0; i < plan.interns; i += 1) {
    const host = rng.pick(hosts);
    const from = workingDay(rng, 0, 300);
    const fromMs = parisInstant(from, 9);
    if (host.joinedMs > fromMs || host.leftMs <= fromMs) continue;
    const to = addDays(from, rng.int(30, 180));
    w.emit(
      `member-${BENCH_CPTS}.${host.id}`,
      fromMs,
      'InternHosted',
      { profession: host.profession, from, to },
      w.coordinator(),
    );
  }
  // Protocol adherents: a third of the pharmacists and a tenth of the nurses, delegated by a GP, in 2023–2024.
  const gps = (w.byProfession.get('medecin-generaliste') ?? []).filter(
    (m) => m.joinedMs < parisInstant('2025-01-01', 0),
  );
  for (const def of PROTOCOLS) {
    const list: Array<{ member: Member; signedMs: number }> = [];
    for (const profession of ['pharmacien', 'infirmier'] as const) {
      for (const m of w.byProfession.get(profession) ?? []) {
        if (!rng.chance(profession === 'pharmacien' ? 0.33 : 0.1)) continue;
        const earliest = Math.max(dayNumber('2023-01-02'), Math.ceil(m.joinedMs / DAY_MS) + 1);
        const signedOn = fromDayNumber(rng.int(earliest, Math.max(earliest, dayNumber('2025-09-30'))));
        const signedMs = parisInstant(signedOn, 17);
        if (signedMs >= m.leftMs) continue;
        const trainedOn = addDays(signedOn, -rng.int(3, 40));
        w.emit(
          `protocol-${BENCH_CPTS}.${def.code}`,
          signedMs,
          'ProtocolAdherentRegistered',
          { memberId: m.id, delegatingDoctorMemberId: rng.pick(gps).id, trainedOn, signedOn },
          w.coordinator(),
        );
        list.push({ member: m, signedMs: parisInstant(addDays(signedOn, 1), 0) });
      }
    }
    w.adherents.set(def.code, list);
  }
}

// ---- patients -----------------------------------------------------------------------------------------

const AGE_BANDS: ReadonlyArray<readonly [readonly [number, number], number]> = [
  [[1, 12], 9],
  [[13, 17], 4],
  [[18, 44], 24],
  [[45, 64], 20],
  [[65, 74], 17],
  [[75, 84], 15],
  [[85, 98], 11],
];

function planPatients(w: World, plan: GenerationPlan): void {
  const { rng } = w;
  const gps = w.byProfession.get('medecin-generaliste') ?? [];
  const pharmacists = w.byProfession.get('pharmacien') ?? [];
  // A few ciphertexts of realistic sizes: the projections never open them, but they weigh in the log.
  const sealed = Array.from({ length: 64 }, () => ({
    alg: 'A256GCM',
    iv: rng.base64(12),
    ciphertext: rng.base64(rng.int(70, 110)),
    tag: rng.base64(16),
  }));
  const earliest = dayNumber('2022-04-01');
  const latest = dayNumber('2024-12-20');
  for (let i = 0; i < plan.patients; i += 1) {
    const [min, max] = rng.weighted(AGE_BANDS);
    const birthYear = 2025 - rng.int(min, max);
    const sex = rng.chance(birthYear < 1960 ? 0.57 : 0.51) ? 'F' : 'M';
    const registeredMs = during(rng, fromDayNumber(rng.int(earliest, latest)));
    const id = rng.uuid7(registeredMs);
    const hasMedecinTraitant = rng.chance(0.9);
    const gp = hasMedecinTraitant && rng.chance(0.8) ? rng.pick(gps) : undefined;
    const patient: Patient = {
      id,
      sex,
      birthYear,
      ...(gp && gp.joinedMs < registeredMs ? { gp } : {}),
      pharmacist: rng.pick(pharmacists),
      refusesMtSharing: false,
    };
    w.patients.push(patient);
    const key = `${birthYear}${sex}`;
    const list = w.bornIn.get(key) ?? [];
    list.push(patient);
    w.bornIn.set(key, list);

    const stream = `patient-${BENCH_CPTS}.${id}`;
    const coordinator = w.coordinator();
    w.emit(
      stream,
      registeredMs,
      'PatientRegistered',
      {
        identity: rng.pick(sealed),
        sex,
        birthYear,
        commune: rng.pick(COMMUNES),
        ald: rng.chance(birthYear < 1960 ? 0.45 : 0.12),
        precarious: rng.chance(0.1),
        hasMedecinTraitant,
      },
      coordinator,
    );
    // Consents for one patient in five, the pharmacien correspondant for one in twelve.
    if (rng.chance(0.15)) {
      const on = parisDay(registeredMs);
      const decision = rng.chance(0.9) ? 'accord' : 'refus';
      const scope = rng.weighted([
        ['partage-medecin-traitant', 60],
        ['dossier-partage', 30],
        ['resultat-test', 10],
      ] as const);
      if (scope === 'partage-medecin-traitant' && decision === 'refus') patient.refusesMtSharing = true;
      w.emit(stream, registeredMs + MINUTE_MS, 'ConsentRecorded', { scope, decision, on }, coordinator);
    }
    if (rng.chance(0.08)) {
      const p = patient.pharmacist;
      if (p.joinedMs <= registeredMs) {
        w.emit(
          stream,
          registeredMs + 2 * MINUTE_MS,
          'PharmacienCorrespondantDesignated',
          { memberId: p.id, on: parisDay(registeredMs) },
          coordinator,
        );
      }
    }
    // One in 500 blocks a professional (never their own GP or pharmacist): nothing names them afterwards.
    if (rng.chance(0.002)) {
      const blocked = w.member(['infirmier', 'masseur-kinesitherapeute'], registeredMs);
      patient.blocked = new Set([blocked.id]);
      w.emit(
        stream,
        registeredMs + 3 * MINUTE_MS,
        'ProfessionalAccessBlocked',
        { memberId: blocked.id, on: parisDay(registeredMs) },
        coordinator,
      );
    }
  }
  // Searches for a médecin traitant during the year, a bit more than half of them successful.
  const without = w.patients.filter((p) => !p.gp);
  for (const patient of rng.sample(without, plan.medecinTraitantSearches)) {
    const stream = `patient-${BENCH_CPTS}.${patient.id}`;
    const day = workingDay(rng, 0, YEAR_DAYS - 10);
    const ms = during(rng, day);
    const priority =
      2025 - patient.birthYear >= 70
        ? 'plus-de-70-ans'
        : rng.weighted([
            ['ald', 30],
            ['precarite', 20],
            ['aucune', 50],
          ] as const);
    const requestedBy = rng.chance(0.3)
      ? 'patient'
      : w.member(['coordinateur', 'infirmier', 'pharmacien'], ms, patient).id;
    w.emit(
      stream,
      ms,
      'MedecinTraitantSearchRegistered',
      { registeredOn: day, requestedBy, priority },
      w.coordinator(),
    );
    if (rng.chance(0.55)) {
      const assignedMs = ms + rng.int(2, 90) * DAY_MS;
      if (assignedMs >= YEAR_END_MS) continue;
      const gp = w.member(['medecin-generaliste'], assignedMs, patient);
      patient.gp = gp;
      w.emit(
        stream,
        assignedMs,
        'MedecinTraitantAssigned',
        { memberId: gp.id, assignedOn: parisDay(assignedMs) },
        w.coordinator(),
      );
    }
  }
}

/** Patients weighted towards the elderly (discharges, chronic diseases). */
function olderPatient(w: World): Patient {
  for (;;) {
    const p = w.rng.pick(w.patients);
    const age = 2025 - p.birthYear;
    if (
      age >= 75 ||
      (age >= 60 && w.rng.chance(0.6)) ||
      (age >= 40 && w.rng.chance(0.15)) ||
      w.rng.chance(0.03)
    )
      return p;
  }
}

// ---- pathways -----------------------------------------------------------------------------------------

/** A referral and its answer; returns the time of the last event written. */
function referral(
  w: World,
  stream: string,
  patient: Patient,
  fromMs: number,
  profession: string,
  reason: string,
  urgency: 'jour-meme' | '24h' | 'programmee',
): number {
  const { rng } = w;
  const referredMs = fromMs;
  const from = rng.chance(0.6)
    ? w.gpOf(patient, referredMs)
    : w.member(['coordinateur'], referredMs, patient);
  const toMember = rng.chance(0.85) ? w.member([profession], referredMs, patient, from) : undefined;
  const referralId = rng.uuid7(referredMs);
  w.emit(
    stream,
    referredMs,
    'PatientReferred',
    {
      referralId,
      fromMemberId: from.id,
      to: toMember ? { memberId: toMember.id } : { profession },
      reason,
      urgency,
      referredAt: at(referredMs),
      ...(rng.chance(0.8)
        ? { channel: rng.pick(['messagerie-securisee', 'telephone', 'plateforme'] as const) }
        : {}),
    },
    from.profession === 'coordinateur' ? w.coordinator() : w.professional(from),
  );
  const draw = rng.next();
  const answerMs =
    referredMs + (urgency === 'programmee' ? rng.int(2, 96) * HOUR_MS : rng.int(1, 20) * 30 * MINUTE_MS);
  if (draw >= 0.93 || answerMs >= YEAR_END_MS) return referredMs; // not answered (yet)
  const answerer = toMember ? w.professional(toMember) : w.coordinator();
  if (draw < 0.08) {
    w.emit(
      stream,
      answerMs,
      'ReferralDeclined',
      { referralId, declinedAt: at(answerMs), reason: 'Pas de disponibilité sur ce secteur' },
      answerer,
    );
    return answerMs;
  }
  const appointmentMs =
    answerMs + (urgency === 'programmee' ? rng.int(1, 10) * DAY_MS : rng.int(2, 30) * HOUR_MS);
  w.emit(
    stream,
    answerMs,
    'ReferralAccepted',
    { referralId, acceptedAt: at(answerMs), appointmentAt: at(appointmentMs) },
    answerer,
  );
  const completedMs = appointmentMs + rng.int(1, 4) * 30 * MINUTE_MS;
  if (completedMs >= YEAR_END_MS || !rng.chance(0.85)) return answerMs;
  if (toMember && toMember.leftMs <= completedMs) return answerMs;
  w.emit(stream, completedMs, 'ReferralCompleted', { referralId, completedAt: at(completedMs) }, answerer);
  return completedMs;
}

function close(w: World, stream: string, lastMs: number, age: number): number | null {
  const closedMs = during(w.rng, parisDay(lastMs + w.rng.int(7, 45) * DAY_MS), 9, 18);
  if (closedMs >= YEAR_END_MS || closedMs <= lastMs) return null;
  const outcome = w.rng.weighted([
    ['termine', 88],
    ['hospitalisation', 5],
    ['demenagement', 3],
    ['deces', age >= 80 ? 5 : 0],
    ['perdu-de-vue', 2],
  ] as const);
  w.emit(stream, closedMs, 'PathwayClosed', { closedAt: at(closedMs), outcome }, w.coordinator());
  return closedMs;
}

/** A hospital discharge: notification, home care referrals, reconciliation, follow-up, closure. */
function dischargePathway(w: World, index: number): void {
  const { rng } = w;
  const patient = olderPatient(w);
  const age = 2025 - patient.birthYear;
  const day = workingDay(rng, 0, YEAR_DAYS - 1);
  const friday = weekdayOf(day) === 5;
  const dischargeMs = during(rng, day, 10, friday ? 19 : 17);
  const ahead = rng.chance(friday ? 0.45 : 0.65);
  const notifiedMs = ahead
    ? Math.min(during(rng, addDays(day, -rng.int(1, 3)), 9, 18), dischargeMs - 24 * HOUR_MS)
    : rng.chance(0.85)
      ? dischargeMs - rng.int(1, 20) * 30 * MINUTE_MS
      : dischargeMs + rng.int(2, 40) * 30 * MINUTE_MS;
  if (notifiedMs >= YEAR_END_MS || notifiedMs < parisInstant(YEAR.from, 8)) return;
  const kind = age >= 60 && rng.chance(0.08) ? 'insuffisance-cardiaque' : 'sortie-hospitalisation';
  const pathwayId = rng.uuid7(notifiedMs);
  const stream = `pathway-${BENCH_CPTS}.${pathwayId}`;
  const coordinator = w.coordinator();
  const complex = rng.chance(0.2);
  w.emit(
    stream,
    notifiedMs,
    'PathwayOpened',
    { patientId: patient.id, kind, openedAt: at(notifiedMs), reason: 'Sortie d’hospitalisation à organiser' },
    coordinator,
  );
  if (complex || kind === 'insuffisance-cardiaque')
    w.discussable.push({ id: pathwayId, openedMs: notifiedMs });

  const needs = complex ? rng.sample(NEEDS, rng.int(2, 4)) : rng.chance(0.35) ? ['infirmier'] : [];
  const pharmacist = rng.chance(0.9) ? w.pharmacistOf(patient, notifiedMs) : undefined;
  const gp =
    patient.gp &&
    patient.gp.joinedMs <= notifiedMs &&
    patient.gp.leftMs > notifiedMs &&
    !patient.blocked?.has(patient.gp.id)
      ? patient.gp
      : undefined;
  const dischargeId = rng.uuid7(notifiedMs);
  const stayDays = complex ? rng.int(7, 25) : rng.int(2, 12);
  const correct = index % 200 === 57;
  const recordedDischarge = correct ? dischargeMs - 24 * HOUR_MS : dischargeMs;
  const dischargeEvent = w.emit(
    stream,
    notifiedMs,
    'DischargeNotified',
    {
      dischargeId,
      hospital: { ...rng.weighted(HOSPITALS) },
      ward: kind === 'insuffisance-cardiaque' ? 'Cardiologie' : rng.pick(WARDS),
      admittedAt: at(during(rng, addDays(day, -stayDays), 8, 20)),
      dischargeAt: at(recordedDischarge),
      notifiedAt: at(notifiedMs),
      treatmentChanged: rng.chance(complex ? 0.85 : 0.6),
      complex,
      needs,
      ...(pharmacist ? { pharmacistMemberId: pharmacist.id } : {}),
      ...(gp ? { gpMemberId: gp.id } : {}),
    },
    coordinator,
  );
  let lastMs = Math.max(notifiedMs, dischargeMs);
  if (correct) {
    const correctedMs = notifiedMs + rng.int(1, 8) * HOUR_MS;
    w.emit(
      stream,
      correctedMs,
      'EntryCorrected',
      {
        targetEventId: dischargeEvent,
        reason: 'Date de sortie erronée : reportée au lendemain',
        correction: { dischargeAt: at(dischargeMs) },
      },
      coordinator,
    );
    lastMs = Math.max(lastMs, correctedMs);
  }
  // Home care: a nurse (and a physiotherapist) for some.
  const referrals =
    (needs.includes('infirmier') ? 1 : 0) +
    (needs.includes('kine') && rng.chance(0.6) ? 1 : 0) +
    (kind === 'insuffisance-cardiaque' ? 1 : 0);
  for (let r = 0; r < referrals; r += 1) {
    const profession =
      r === 0
        ? needs.includes('infirmier')
          ? 'infirmier'
          : 'infirmier-pratique-avancee'
        : r === 1 && needs.includes('kine')
          ? 'masseur-kinesitherapeute'
          : 'infirmier-pratique-avancee';
    const referredMs = notifiedMs + rng.int(1, 8) * 30 * MINUTE_MS;
    if (referredMs >= YEAR_END_MS) break;
    const urgency =
      profession === 'infirmier'
        ? rng.weighted([
            ['24h', 70],
            ['jour-meme', 30],
          ] as const)
        : 'programmee';
    lastMs = Math.max(
      lastMs,
      referral(w, stream, patient, referredMs, profession, 'Soins à domicile après la sortie', urgency),
    );
  }
  // Reconciliation: mostly within 48 h when the treatment changed.
  const draw = rng.next();
  if (draw < 0.88) {
    const sentMs =
      draw < 0.7
        ? Math.max(notifiedMs, dischargeMs - 2 * HOUR_MS) + rng.int(1, 90) * 30 * MINUTE_MS
        : dischargeMs + rng.int(50, 150) * HOUR_MS;
    if (sentMs < YEAR_END_MS) {
      const to = w.pharmacistOf(patient, sentMs);
      w.emit(
        stream,
        sentMs,
        'MedicationReconciliationSent',
        { dischargeId, toMemberId: to.id, sentAt: at(sentMs) },
        coordinator,
      );
      lastMs = Math.max(lastMs, sentMs);
      if (index % 300 === 11) {
        // The same sending recorded twice: the duplicate is voided.
        const duplicateMs = sentMs + 10 * MINUTE_MS;
        const duplicate = w.emit(
          stream,
          duplicateMs,
          'MedicationReconciliationSent',
          { dischargeId, toMemberId: to.id, sentAt: at(duplicateMs) },
          coordinator,
        );
        w.emit(
          stream,
          duplicateMs + HOUR_MS,
          'EntryVoided',
          { targetEventId: duplicate, reason: 'Doublon : envoi déjà enregistré' },
          coordinator,
        );
        lastMs = Math.max(lastMs, duplicateMs + HOUR_MS);
      }
    }
  }
  // The GP's follow-up: within seven days for most.
  const followDraw = rng.next();
  if (followDraw < 0.87) {
    const byCall = rng.chance(0.2);
    const followDay = parisDay(dischargeMs + (followDraw < 0.73 ? rng.int(1, 6) : rng.int(8, 21)) * DAY_MS);
    const followMs = during(rng, followDay, 9, 19);
    if (followMs < YEAR_END_MS && followMs > Math.max(dischargeMs, notifiedMs)) {
      const by = byCall
        ? w.member(['coordinateur', 'infirmier-pratique-avancee'], followMs, patient)
        : w.gpOf(patient, followMs);
      w.emit(
        stream,
        followMs,
        'FollowUpCompleted',
        {
          dischargeId,
          byMemberId: by.id,
          at: at(followMs),
          kind: byCall ? 'appel' : rng.chance(0.7) ? 'consultation' : 'visite-domicile',
        },
        by.profession === 'coordinateur' ? w.coordinator() : w.professional(by),
      );
      lastMs = Math.max(lastMs, followMs);
    }
  }
  if (rng.chance(0.45)) {
    const closedMs = close(w, stream, lastMs, age);
    // One in a hundred comes back: the pathway is reopened for the new stay.
    if (closedMs !== null && rng.chance(0.01)) {
      const reopenedMs = closedMs + rng.int(5, 30) * DAY_MS;
      if (reopenedMs < YEAR_END_MS) {
        w.emit(
          stream,
          reopenedMs,
          'PathwayReopened',
          { reopenedAt: at(reopenedMs), reason: 'Réhospitalisation : nouvelle sortie à organiser' },
          coordinator,
        );
        const again = reopenedMs + rng.int(1, 5) * DAY_MS;
        if (again < YEAR_END_MS) {
          w.emit(
            stream,
            reopenedMs + HOUR_MS,
            'DischargeNotified',
            {
              dischargeId: rng.uuid7(reopenedMs),
              hospital: { ...rng.weighted(HOSPITALS) },
              dischargeAt: at(again),
              notifiedAt: at(reopenedMs + HOUR_MS),
              treatmentChanged: true,
              complex: false,
              needs: ['infirmier'],
            },
            coordinator,
          );
        }
      }
    }
  }
}

/** A chronic disease followed by the CPTS: referrals to the professions it needs, follow-ups, rarely closed. */
function chronicPathway(w: World): void {
  const { rng } = w;
  const patient = olderPatient(w);
  const kind = rng.weighted(CHRONIC_KINDS);
  const openedMs = during(rng, workingDay(rng, 0, YEAR_DAYS - 1));
  const pathwayId = rng.uuid7(openedMs);
  const stream = `pathway-${BENCH_CPTS}.${pathwayId}`;
  const opener = rng.chance(0.5) ? w.gpOf(patient, openedMs) : undefined;
  w.emit(
    stream,
    openedMs,
    'PathwayOpened',
    { patientId: patient.id, kind, openedAt: at(openedMs), reason: `Suivi coordonné : ${kind}` },
    opener ? w.professional(opener) : w.coordinator(),
  );
  if (rng.chance(0.25)) w.discussable.push({ id: pathwayId, openedMs });
  let lastMs = openedMs;
  const referrals = rng.weighted([
    [0, 30],
    [1, 52],
    [2, 15],
    [3, 3],
  ] as const);
  const options = CHRONIC_REFERRALS[kind];
  for (let r = 0; r < referrals; r += 1) {
    const [profession, reason] = rng.pick(options);
    const referredMs = lastMs + rng.int(1, 20) * HOUR_MS;
    if (referredMs >= YEAR_END_MS) break;
    lastMs = Math.max(
      lastMs,
      referral(w, stream, patient, referredMs, profession, reason, rng.chance(0.85) ? 'programmee' : '24h'),
    );
  }
  if (rng.chance(0.35)) {
    const followMs = during(rng, parisDay(lastMs + rng.int(3, 40) * DAY_MS), 9, 19);
    if (followMs < YEAR_END_MS && followMs > lastMs) {
      const by = rng.chance(0.7)
        ? w.gpOf(patient, followMs)
        : w.member(['infirmier', 'infirmier-pratique-avancee'], followMs, patient);
      w.emit(
        stream,
        followMs,
        'FollowUpCompleted',
        {
          byMemberId: by.id,
          at: at(followMs),
          kind: rng.pick(['consultation', 'visite-domicile', 'appel'] as const),
        },
        w.professional(by),
      );
      lastMs = followMs;
    }
  }
  if (rng.chance(0.25)) close(w, stream, lastMs, 2025 - patient.birthYear);
}

/** Whole years of age the patient surely has at `ms` (birth date unknown: the year is all we keep). */
function eligiblePatient(w: World, def: ProtocolDef, eligible: boolean): Patient | undefined {
  const { rng } = w;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    // Age in 2025 (a year older or not yet): within the bounds whatever the birthday, or clearly outside.
    const age = eligible
      ? rng.int(def.minYears + 1, def.maxYears)
      : rng.chance(0.5)
        ? rng.int(def.maxYears + 2, def.maxYears + 15)
        : rng.int(Math.max(1, def.minYears - 6), def.minYears - 2);
    if (age < 1) continue;
    const sex = def.sex ?? (rng.chance(0.5) ? 'F' : 'M');
    const list = w.bornIn.get(`${2025 - age}${sex}`);
    if (list && list.length > 0) return rng.pick(list);
  }
  return undefined;
}

/** A protocol applied at the pharmacy or by a nurse: a short pathway of its own (kind `autre`). */
function protocolPathway(w: World): void {
  const { rng } = w;
  const day = workingDay(rng, 0, YEAR_DAYS - 1);
  const month = Number(day.slice(5, 7));
  const def = rng.weighted(PROTOCOLS.map((d) => [d, d.season(month)] as const));
  const appliedMs = during(rng, day, 8.5, 19);
  const adherents = (w.adherents.get(def.code) ?? []).filter(
    (a) => a.signedMs <= appliedMs && a.member.leftMs > appliedMs,
  );
  if (adherents.length === 0) return;
  const adherent = rng.pick(adherents).member;
  const wantsEligible = rng.chance(0.92);
  const patient = eligiblePatient(w, def, wantsEligible);
  if (!patient || patient.blocked?.has(adherent.id)) return;
  const openedMs = appliedMs - rng.int(5, 15) * MINUTE_MS;
  const pathwayId = rng.uuid7(openedMs);
  const stream = `pathway-${BENCH_CPTS}.${pathwayId}`;
  const actor = w.professional(adherent);
  w.emit(
    stream,
    openedMs,
    'PathwayOpened',
    {
      patientId: patient.id,
      kind: 'autre',
      openedAt: at(openedMs),
      reason: `Soins non programmés : ${def.code}`,
    },
    actor,
  );

  const excluded = !wantsEligible && rng.chance(0.5) ? rng.pick(def.exclusions) : undefined;
  const answers: Record<string, unknown> = { 'symptomes-depuis-jours': rng.int(1, 3) };
  for (const code of def.exclusions) answers[code] = code === excluded;
  let outcome: 'conseil' | 'dispensation' | 'orientation-medecin' | 'orientation-urgences';
  let test: { kind: string; result: 'positif' | 'negatif' | 'invalide' } | undefined;
  if (!wantsEligible) {
    outcome = excluded && rng.chance(0.3) ? 'orientation-urgences' : 'orientation-medecin';
  } else if (def.tests.length > 0) {
    const result = rng.weighted([
      ['positif', 60],
      ['negatif', 37],
      ['invalide', 3],
    ] as const);
    test = { kind: def.tests[0], result };
    outcome =
      result === 'positif'
        ? 'dispensation'
        : result === 'negatif' && rng.chance(0.5)
          ? 'conseil'
          : 'orientation-medecin';
  } else {
    outcome = rng.chance(0.7) ? 'dispensation' : 'conseil';
  }
  const informs = outcome === 'dispensation' ? !patient.refusesMtSharing : rng.chance(0.4);
  const informedMs = Math.min(appliedMs + rng.int(10, 24 * 60) * MINUTE_MS, YEAR_END_MS - MINUTE_MS);
  w.emit(
    stream,
    appliedMs,
    'ProtocolApplied',
    {
      applicationId: rng.uuid7(appliedMs),
      protocolCode: def.code,
      protocolVersion: def.version,
      byMemberId: adherent.id,
      appliedAt: at(appliedMs),
      eligibility: { eligible: wantsEligible, answers },
      ...(test ? { test } : {}),
      outcome,
      ...(informs && informedMs > appliedMs ? { mtInformedAt: at(informedMs) } : {}),
    },
    actor,
  );
  if (rng.chance(0.4)) {
    const closedMs = during(rng, addDays(day, rng.int(2, 10)), 9, 17);
    if (closedMs < YEAR_END_MS)
      w.emit(stream, closedMs, 'PathwayClosed', { closedAt: at(closedMs), outcome: 'termine' }, actor);
  }
}

// ---- unscheduled care, RCPs, actions ------------------------------------------------------------------

function unscheduledCare(w: World): void {
  const { rng } = w;
  const receivedMs = during(rng, workingDay(rng), 7, 21);
  const requestId = rng.uuid7(receivedMs);
  const stream = `snp-${BENCH_CPTS}.${requestId}`;
  const channel = rng.weighted([
    ['telephone', 45],
    ['sas', 25],
    ['pharmacie', 15],
    ['plateforme', 10],
    ['autre', 5],
  ] as const);
  const viaSas = channel === 'sas' || (channel === 'telephone' && rng.chance(0.1));
  const patient = rng.chance(0.4) ? rng.pick(w.patients) : undefined;
  const coordinator = w.coordinator();
  w.emit(
    stream,
    receivedMs,
    'UnscheduledCareRequested',
    {
      receivedAt: at(receivedMs),
      channel,
      motive: rng.pick(SNP_MOTIVES),
      ...(patient ? { patientId: patient.id } : {}),
      viaSas,
    },
    coordinator,
  );
  const draw = rng.next();
  const answeredMs = receivedMs + rng.int(5, 180) * MINUTE_MS;
  if (draw >= 0.96 || answeredMs >= YEAR_END_MS) return;
  if (draw < 0.78) {
    const appointmentMs = Math.max(
      answeredMs + 30 * MINUTE_MS,
      receivedMs + (rng.chance(0.8) ? rng.int(1, 23) : rng.int(25, 96)) * HOUR_MS,
    );
    const to = w.member(['medecin-generaliste'], appointmentMs, patient);
    w.emit(
      stream,
      answeredMs,
      'UnscheduledCareOriented',
      { toMemberId: to.id, appointmentAt: at(appointmentMs) },
      coordinator,
    );
  } else {
    w.emit(
      stream,
      answeredMs,
      'UnscheduledCareClosed',
      { closedAt: at(answeredMs), reason: 'Orienté vers les urgences par le régulateur' },
      coordinator,
    );
  }
}

function rcps(w: World, plan: GenerationPlan): void {
  const { rng } = w;
  w.discussable.sort((a, b) => a.openedMs - b.openedMs);
  for (let i = 0; i < plan.rcps; i += 1) {
    const heldMs = during(rng, workingDay(rng, 20, YEAR_DAYS - 1), 12, 20);
    // Pathways opened at least a day before.
    let known = 0;
    let hi = w.discussable.length;
    while (known < hi) {
      const mid = (known + hi) >> 1;
      if (w.discussable[mid].openedMs < heldMs - DAY_MS) known = mid + 1;
      else hi = mid;
    }
    if (known === 0) continue;
    const caseCount = rng.int(1, 4);
    const picked = new Set<string>();
    for (let c = 0; c < caseCount; c += 1)
      picked.add(w.discussable[rng.int(Math.max(0, known - 3000), known - 1)].id);
    const convener = w.member(['medecin-generaliste', 'coordinateur'], heldMs);
    const others = new Set<Member>([convener]);
    others.add(w.member(['infirmier', 'pharmacien', 'masseur-kinesitherapeute'], heldMs));
    for (let p = rng.int(0, 4); p > 0; p -= 1)
      others.add(
        w.member(
          ['medecin-generaliste', 'infirmier', 'medecin-specialiste', 'assistant-social', 'psychologue'],
          heldMs,
        ),
      );
    const heldDay = parisDay(heldMs);
    const rcpId = rng.uuid7(heldMs);
    w.emit(
      `rcp-${BENCH_CPTS}.${rcpId}`,
      heldMs + 2 * HOUR_MS,
      'RcpHeld',
      {
        convenedBy: convener.id,
        heldAt: at(heldMs),
        durationMinutes: rng.int(4, 12) * 15,
        complex: rng.chance(0.4),
        format: rng.weighted([
          ['presentiel', 40],
          ['visio', 40],
          ['mixte', 20],
        ] as const),
        participants: [
          ...[...others].map((m) => ({ memberId: m.id })),
          ...(rng.chance(0.2) ? [{ name: 'Dr Hospitalier', profession: 'medecin-specialiste' }] : []),
        ],
        patientPresent: rng.chance(0.1),
        familyPresent: rng.chance(0.15),
        cases: [...picked].map((pathwayId) => ({
          pathwayId,
          decisions: ['Adapter le plan de soins', 'Informer le médecin traitant'],
          ...(rng.chance(0.4) ? { reviewOn: addDays(heldDay, rng.int(14, 90)) } : {}),
        })),
      },
      w.coordinator(),
    );
  }
}

function actions(w: World, plan: GenerationPlan): void {
  const { rng } = w;
  for (let i = 0; i < plan.preventionActions + plan.trainings; i += 1) {
    const heldOn = workingDay(rng);
    const ms = during(rng, heldOn, 9, 20);
    const prevention = i < plan.preventionActions;
    const ids = new Set<string>();
    for (let k = prevention ? rng.int(1, 6) : rng.int(5, 30); k > 0; k -= 1)
      ids.add(
        w.member(
          ['medecin-generaliste', 'infirmier', 'pharmacien', 'masseur-kinesitherapeute', 'sage-femme'],
          ms,
        ).id,
      );
    const stream = `action-${BENCH_CPTS}.${rng.uuid7(ms)}`;
    if (prevention)
      w.emit(
        stream,
        ms + HOUR_MS,
        'PreventionActionHeld',
        { theme: rng.pick(THEMES), heldOn, participants: rng.int(10, 400), memberIds: [...ids] },
        w.coordinator(),
      );
    else
      w.emit(
        stream,
        ms + HOUR_MS,
        'TrainingHeld',
        { theme: rng.pick(TRAINING_THEMES), heldOn, attendeeMemberIds: [...ids] },
        w.coordinator(),
      );
  }
}

// ---- the whole year, then the store ------------------------------------------------------------------

export interface GeneratedLog {
  drafts: Draft[];
  planned: number;
  byType: Map<string, number>;
  streams: number;
}

/** Every event of the year, in log order, cut to `events`. */
export function generateLog(events: number, seed = SEED): GeneratedLog {
  const w = new World(new Rng(seed));
  const plan = planFor(events);
  // The coordinators' actor ids exist before anything else is recorded.
  w.coordinators.push({ id: 'dev:coordinator', role: 'coordinator' });
  planCpts(w);
  planMembers(w, plan);
  planMemberLives(w, plan);
  planPatients(w, plan);
  for (let i = 0; i < plan.dischargePathways; i += 1) dischargePathway(w, i);
  for (let i = 0; i < plan.chronicPathways; i += 1) chronicPathway(w);
  for (let i = 0; i < plan.protocolPathways; i += 1) protocolPathway(w);
  for (let i = 0; i < plan.unscheduledCare; i += 1) unscheduledCare(w);
  rcps(w, plan);
  actions(w, plan);

  const drafts = w.drafts;
  const planned = drafts.length;
  // Log order: when each event was recorded. This also orders each stream (revisions are given at
  // append time): every event that depends on another of its stream (an answer, a correction, a
  // closure) is recorded after it, and events of equal time keep the order they were drafted in.
  drafts.sort((a, b) => a.t - b.t || a.seq - b.seq);
  if (drafts.length > events) drafts.length = events;
  const byType = new Map<string, number>();
  const streams = new Set<string>();
  for (const d of drafts) {
    byType.set(d.type, (byType.get(d.type) ?? 0) + 1);
    streams.add(d.stream);
  }
  return { drafts, planned, byType, streams: streams.size };
}

/**
 * Appends the log window by window: one append per stream in the window, one transaction per window.
 * Consumes `drafts` (each slot is emptied once appended) so that the collector need not walk them again.
 */
export async function appendAll(
  store: SqliteEventStore,
  drafts: Array<Draft | undefined>,
  onProgress: (done: number) => void,
): Promise<void> {
  const revisions = new Map<string, number>();
  for (let start = 0; start < drafts.length; start += APPEND_WINDOW) {
    const window = drafts.slice(start, start + APPEND_WINDOW) as Draft[];
    drafts.fill(undefined, start, start + APPEND_WINDOW);
    const groups = new Map<string, Draft[]>();
    for (const d of window) {
      const group = groups.get(d.stream);
      if (group) group.push(d);
      else groups.set(d.stream, [d]);
    }
    const appends: Array<Promise<unknown>> = [];
    for (const [stream, group] of groups) {
      const current = revisions.get(stream);
      revisions.set(stream, (current ?? -1) + group.length);
      const events: NewEvent[] = group.map((d) => {
        const requestId = d.eventId; // one request per event: correlation and causation are its id
        return {
          eventId: d.eventId,
          type: d.type,
          data: d.data,
          metadata: {
            cptsId: BENCH_CPTS,
            actor: d.actor,
            correlationId: requestId,
            causationId: requestId,
            source: 'api',
            schemaVersion: schemaVersionOf(d.type),
          },
        };
      });
      appends.push(
        store.append(stream, events, { expectedRevision: current === undefined ? 'no_stream' : current }),
      );
    }
    await Promise.all(appends);
    if ((start / APPEND_WINDOW) % 50 === 0) onProgress(start + window.length);
  }
}

export interface CachedStore {
  /** The generated `events.db` (do not write to it: copy it into a DATA_DIR). */
  path: string;
  events: number;
  streams: number;
  byType: Record<string, number>;
  /** Seconds it took to generate and append (by this run, or by the run that made the cache). */
  generatedIn: number | null;
  appendPerSecond: number | null;
  /** Whether this run generated it (false: reused from the cache). */
  fresh: boolean;
}

interface Manifest {
  generator: number;
  seed: number;
  events: number;
  streams: number;
  byType: Record<string, number>;
  generatedIn?: number;
  appendPerSecond?: number;
}

/**
 * The generated store for `events` events, from the cache directory when a complete one is there
 * (`manifest.json` is written last), else generated into it. `log` receives progress lines.
 */
export async function cachedStore(
  baseDir: string,
  events: number,
  log: (line: string) => void,
): Promise<CachedStore> {
  const dir = join(baseDir, `parcours-bench-projections-${events}-g${GENERATOR_VERSION}-s${SEED}`);
  const path = join(dir, 'events.db');
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath) && existsSync(path)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest;
    if (manifest.generator === GENERATOR_VERSION && manifest.events === events) {
      log(`reusing the generated store ${path}`);
      return {
        path,
        events: manifest.events,
        streams: manifest.streams,
        byType: manifest.byType,
        generatedIn: manifest.generatedIn ?? null,
        appendPerSecond: manifest.appendPerSecond ?? null,
        fresh: false,
      };
    }
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  const generated = generateLog(events);
  const draftSeconds = seconds();
  log(
    `drafted ${generated.drafts.length} events (${generated.planned} planned` +
      `${generated.planned > events ? `, cut to ${events}` : ''}) in ` +
      `${generated.streams} streams in ${draftSeconds.toFixed(1)} s; appending…`,
  );
  const building = join(dir, 'events.building.db');
  const store = new SqliteEventStore({ path: building, synchronous: 'NORMAL' });
  const appendStarted = seconds();
  try {
    await appendAll(store, generated.drafts, (done) => {
      const rate = done / Math.max(seconds() - appendStarted, 1e-3);
      log(`  ${done} / ${generated.drafts.length} appended (${Math.round(rate)} events/s)`);
    });
    const head = Number(await store.headPosition());
    if (head !== generated.drafts.length)
      throw new Error(`store holds ${head} events, ${generated.drafts.length} expected`);
  } finally {
    await store.close();
  }
  const appendSeconds = seconds() - appendStarted;
  // A closed WAL database is checkpointed into the main file: rename it into place, then the manifest.
  for (const suffix of ['-wal', '-shm']) rmSync(`${building}${suffix}`, { force: true });
  renameSync(building, path);
  const manifest: Manifest = {
    generator: GENERATOR_VERSION,
    seed: SEED,
    events: generated.drafts.length,
    streams: generated.streams,
    byType: Object.fromEntries([...generated.byType.entries()].sort((a, b) => b[1] - a[1])),
    generatedIn: seconds(),
    appendPerSecond: generated.drafts.length / appendSeconds,
  };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    path,
    events: manifest.events,
    streams: manifest.streams,
    byType: manifest.byType,
    generatedIn: manifest.generatedIn ?? null,
    appendPerSecond: manifest.appendPerSecond ?? null,
    fresh: true,
  };
}
