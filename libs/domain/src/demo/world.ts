import type { Profession } from '../members/member.events';
import type { PathwayOpened } from '../pathways/pathway.events';
import {
  addDays,
  type DateString,
  daysBetween,
  endOfParisDay,
  HOUR_MS,
  parisDay,
  parisInstant,
  parisTimestamp,
} from './calendar';
import type { Structure } from './catalogue';
import type { DemoPlan, PhaseBuilder } from './plan';
import type { Random } from './random';

/**
 * What the generators know of the demo CPTS while they plan it: its members and patients (with the ids
 * their commands will create), the year of activity, and the pathways planned so far (for the RCPs).
 */

export interface DemoMember {
  id: string;
  displayName: string;
  profession: Profession;
  /** For a specialist: cardiologie, pneumologie… (not recorded: referrals go to the right one). */
  specialty?: string;
  structure?: Structure;
  /** The commune they practise in (not recorded; groups patients with nearby professionals). */
  commune: string;
  joinedOn: DateString;
  leftOn?: DateString;
  sasParticipant: boolean;
}

export interface DemoPatient {
  id: string;
  sex: 'F' | 'M';
  birthDate: DateString;
  ald: boolean;
  precarious: boolean;
  hasMedecinTraitant: boolean;
  /** The médecin traitant when they are a member of the CPTS. */
  gp?: DemoMember;
  /** The patient's usual pharmacist. */
  pharmacist: DemoMember;
  /** The patient refused that the médecin traitant be informed (protocols then dispense without it). */
  refusesMtSharing: boolean;
  /** The day the refusal was recorded: a dispensation before it still informs the médecin traitant. */
  mtSharingRefusedOn?: DateString;
  /** Professionals the patient blocked: nothing is recorded by or for them for this patient. */
  blocked: ReadonlySet<string>;
}

/** A pathway as the RCP planner needs it: an RCP discusses pathways that exist. */
export interface PlannedPathway {
  id: string;
  patient: DemoPatient;
  kind: PathwayOpened['kind'];
  openedAt: number;
  /** Worth an RCP: a complex discharge, a complex case, a chronic disease. */
  complex: boolean;
  /** When it was closed, and reopened: an RCP discusses only a pathway open at the time. */
  closures: Array<{ closedAt: number; reopenedAt?: number }>;
}

/** Whether a planned pathway is open at an instant (opened by then, and not within a closure). */
export function openAtMs(pathway: PlannedPathway, ms: number): boolean {
  return (
    pathway.openedAt <= ms &&
    !pathway.closures.some((c) => c.closedAt <= ms && (c.reopenedAt === undefined || ms < c.reopenedAt))
  );
}

/** The year of activity: `[from, until]`, Paris days, both included. */
export class ActivityWindow {
  readonly from: DateString;
  /** The first instant after `until`: nothing that has happened is recorded at or after it. */
  readonly end: number;

  constructor(readonly until: DateString) {
    this.from = addDays(until, -364);
    this.end = endOfParisDay(until);
  }

  get days(): number {
    return daysBetween(this.from, this.until) + 1;
  }

  /** The `index`-th day of the window (0 = `from`). */
  day(index: number): DateString {
    return addDays(this.from, index);
  }

  /** A random day of the window, optionally within `[first, last]` days of it. */
  randomDay(rng: Random, first = 0, last = this.days - 1): DateString {
    return this.day(rng.int(first, last));
  }

  /** Whether an instant has happened by the end of the window (later ones are not recorded yet). */
  happened(ms: number): boolean {
    return ms < this.end;
  }

  /** The one date of the window that falls on this month and day. */
  dateOf(month: number, day: number): DateString {
    const mmdd = `-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    const sameYear = `${this.until.slice(0, 4)}${mmdd}`;
    return sameYear <= this.until ? sameYear : `${Number(this.until.slice(0, 4)) - 1}${mmdd}`;
  }
}

/** Formats instants the way the events carry them. */
export const at = (ms: number): string => parisTimestamp(ms);
export const dayOf = (ms: number): DateString => parisDay(ms);
export const hours = (n: number): number => n * HOUR_MS;
/** A Paris wall time on a date, `hour` possibly fractional (9.5 = 09:30). */
export const time = (date: DateString, hour: number): number =>
  parisInstant(date, Math.floor(hour), Math.round((hour % 1) * 60));

/** The members, with the questions the generators ask: who of a profession was a member on that day? */
export class Members {
  constructor(readonly all: readonly DemoMember[]) {}

  of(...professions: Profession[]): DemoMember[] {
    return this.all.filter((member) => professions.includes(member.profession));
  }

  /** A member on a day: joined on or before it, not left before it (`assertActiveMember`). */
  static isActive(member: DemoMember, date: DateString): boolean {
    return member.joinedOn <= date && (member.leftOn === undefined || date <= member.leftOn);
  }

  active(professions: readonly Profession[], date: DateString, exclude?: ReadonlySet<string>): DemoMember[] {
    return this.all.filter(
      (member) =>
        professions.includes(member.profession) &&
        Members.isActive(member, date) &&
        !(exclude?.has(member.id) ?? false),
    );
  }

  /**
   * A member of one of these professions on that day, not blocked by the patient. The territory always
   * has one: if not, the generator is wrong, and it says so now rather than the command refusing later.
   */
  pick(
    rng: Random,
    professions: readonly Profession[],
    date: DateString,
    exclude?: ReadonlySet<string>,
  ): DemoMember {
    const candidates = this.active(professions, date, exclude);
    if (candidates.length === 0) {
      throw new Error(`demo plan: no active ${professions.join('/')} on ${date}`);
    }
    return rng.pick(candidates);
  }

  /** The patient's médecin traitant on that day if a member still there, else a colleague who stands in. */
  gpOf(rng: Random, patient: DemoPatient, date: DateString): DemoMember {
    const gp = patient.gp;
    if (gp && Members.isActive(gp, date) && !patient.blocked.has(gp.id)) return gp;
    return this.pick(rng, ['medecin-generaliste'], date, patient.blocked);
  }

  /** The patient's pharmacist on that day, or another pharmacy of the territory. */
  pharmacistOf(rng: Random, patient: DemoPatient, date: DateString): DemoMember {
    const pharmacist = patient.pharmacist;
    if (Members.isActive(pharmacist, date) && !patient.blocked.has(pharmacist.id)) return pharmacist;
    return this.pick(rng, ['pharmacien'], date, patient.blocked);
  }
}

/** Everything a generator of activity receives. */
export interface DemoContext {
  plan: DemoPlan;
  phases: {
    cpts: PhaseBuilder;
    members: PhaseBuilder;
    setup: PhaseBuilder;
    activity: PhaseBuilder;
    rcp: PhaseBuilder;
  };
  window: ActivityWindow;
  /** ACI contract signature: the CPTS runs its missions from then on. */
  signedOn: DateString;
  members: Members;
  patients: readonly DemoPatient[];
  /** Filled by the pathway generators, read by the RCP generator. */
  pathways: PlannedPathway[];
}

/** Age in whole years on a date. */
export function ageOn(birthDate: DateString, date: DateString): number {
  const years = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return date.slice(5) < birthDate.slice(5) ? years - 1 : years;
}
