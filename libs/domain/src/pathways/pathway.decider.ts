import { assertActiveMember, type MemberState } from '../members/member.decider';
import {
  assertNotBlocked,
  assertNotBlockedAt,
  consentOn,
  type PatientState,
} from '../patients/patient.decider';
import type { ProtocolState, ProtocolVersion } from '../protocols';
import { versionInForce } from '../protocols';
import type { CorrectionRules } from '../shared/corrections';
import type { Decision, Evolver, StoredEvent } from '../shared/decider';
import { broken, RuleViolation } from '../shared/errors';
import { ageInMonths, parisDate } from '../shared/paris-time';
import {
  checkBusinessTime,
  compareBusinessTimes,
  notBefore,
  notInFuture,
  plannedWithinAYear,
} from '../shared/time';
import type { PathwayCommand } from './pathway.commands';
import type {
  DischargeNotified,
  PathwayEvent,
  PathwayOpened,
  PatientReferred,
  ProtocolApplied,
  ReferralAccepted,
} from './pathway.events';

/** A referral and its answers, by referral id. */
export type Referral = PatientReferred & {
  accepted?: ReferralAccepted;
  declined?: { declinedAt: string };
  completed?: { completedAt: string };
};

/** A discharge and whether what it calls for was done, by discharge id. */
export type Discharge = DischargeNotified & { reconciled: boolean; followedUp: boolean };

/** A closure of the pathway, until its reopening. */
export interface Closure {
  closedAt: string;
  reopenedAt?: string;
}

/** The pathway as its rules need it: small and typed (referrals by id, discharges by id, its closures). */
export type PathwayState =
  | { exists: false }
  | {
      exists: true;
      patientId: string;
      kind: PathwayOpened['kind'];
      openedAt: string;
      status: 'open' | 'closed';
      closedAt?: string;
      closures: Closure[];
      referrals: Record<string, Referral>;
      discharges: Record<string, Discharge>;
    };
export type OpenedPathway = Extract<PathwayState, { exists: true }>;

function evolveOpened(state: OpenedPathway, event: PathwayEvent): OpenedPathway {
  const referral = (id: string, change: Partial<Referral>): OpenedPathway => {
    const found = state.referrals[id];
    return found ? { ...state, referrals: { ...state.referrals, [id]: { ...found, ...change } } } : state;
  };
  const discharge = (id: string | undefined, change: Partial<Discharge>): OpenedPathway => {
    const found = id === undefined ? undefined : state.discharges[id];
    return found ? { ...state, discharges: { ...state.discharges, [id!]: { ...found, ...change } } } : state;
  };
  switch (event.type) {
    case 'PatientReferred':
      return { ...state, referrals: { ...state.referrals, [event.data.referralId]: { ...event.data } } };
    case 'ReferralAccepted':
      return referral(event.data.referralId, { accepted: event.data });
    case 'ReferralDeclined':
      return referral(event.data.referralId, { declined: { declinedAt: event.data.declinedAt } });
    case 'ReferralCompleted':
      return referral(event.data.referralId, { completed: { completedAt: event.data.completedAt } });
    case 'DischargeNotified':
      return {
        ...state,
        discharges: {
          ...state.discharges,
          [event.data.dischargeId]: { ...event.data, reconciled: false, followedUp: false },
        },
      };
    case 'MedicationReconciliationSent':
      return discharge(event.data.dischargeId, { reconciled: true });
    case 'FollowUpCompleted':
      return discharge(event.data.dischargeId, { followedUp: true });
    case 'PathwayClosed':
      return {
        ...state,
        status: 'closed',
        closedAt: event.data.closedAt,
        closures: [...state.closures, { closedAt: event.data.closedAt }],
      };
    case 'PathwayReopened': {
      const closures = state.closures.map((closure, index) =>
        index === state.closures.length - 1 ? { ...closure, reopenedAt: event.data.reopenedAt } : closure,
      );
      const { closedAt: _reopened, ...rest } = state;
      return { ...rest, status: 'open', closures };
    }
    default:
      return state;
  }
}

export const pathwayEvolver: Evolver<PathwayState, PathwayEvent> = {
  initialState: () => ({ exists: false }),
  evolve: (state, event: StoredEvent<PathwayEvent>): PathwayState => {
    if (event.type === 'PathwayOpened') {
      const { patientId, kind, openedAt } = event.data;
      return {
        exists: true,
        patientId,
        kind,
        openedAt,
        status: 'open',
        closures: [],
        referrals: {},
        discharges: {},
      };
    }
    return state.exists ? evolveOpened(state, event) : state;
  },
};

/** Whether the pathway was open at a business time: opened by then, and not within a closure. */
export function openAt(state: PathwayState, at: string): boolean {
  if (!state.exists || compareBusinessTimes(at, state.openedAt) < 0) return false;
  return !state.closures.some(
    (closure) =>
      compareBusinessTimes(at, closure.closedAt) >= 0 &&
      (closure.reopenedAt === undefined || compareBusinessTimes(at, closure.reopenedAt) < 0),
  );
}

// ---- what the pathway knows of other records ------------------------------------------------------

/** The patient as the pathway rules need it (loaded by the handler, the birth date decrypted there). */
export interface PathwayPatient {
  sex: 'F' | 'M' | 'X';
  /** Null when the identity was erased: ages then fall back to the birth year. */
  birthDate: string | null;
  birthYear: number;
  /** The birth date, or 1 January of the birth year: no business time may precede it. */
  earliestBusinessTime: string;
  /** The patient's stream, for the blocks and the consents as they stood at a business time. */
  record: PatientState;
}

export interface PathwayFacts {
  patient: PathwayPatient;
  /** Every member the command names — and the delegating doctors of the protocol's adherents — by id. */
  members: Readonly<Record<string, MemberState>>;
  /** The protocol a protocol application names. */
  protocol?: ProtocolState;
}

// ---- the stream's own rules --------------------------------------------------------------------------

const OPENING = { fr: 'à l’ouverture du parcours', en: 'the pathway’s opening' };
const BIRTH = { fr: 'à la naissance du patient', en: 'the patient’s birth' };

/** When an entry happened, for the "not before the opening" rule (a discharge: when it was notified). */
function recordedTime(event: PathwayEvent): { at: string; path: string } {
  switch (event.type) {
    case 'PathwayOpened':
      return { at: event.data.openedAt, path: 'openedAt' };
    case 'PatientReferred':
      return { at: event.data.referredAt, path: 'referredAt' };
    case 'ReferralAccepted':
      return { at: event.data.acceptedAt, path: 'acceptedAt' };
    case 'ReferralDeclined':
      return { at: event.data.declinedAt, path: 'declinedAt' };
    case 'ReferralCompleted':
      return { at: event.data.completedAt, path: 'completedAt' };
    case 'DischargeNotified':
      return { at: event.data.notifiedAt, path: 'notifiedAt' };
    case 'MedicationReconciliationSent':
      return { at: event.data.sentAt, path: 'sentAt' };
    case 'FollowUpCompleted':
      return { at: event.data.at, path: 'at' };
    case 'ProtocolApplied':
      return { at: event.data.appliedAt, path: 'appliedAt' };
    case 'PathwayClosed':
      return { at: event.data.closedAt, path: 'closedAt' };
    case 'PathwayReopened':
      return { at: event.data.reopenedAt, path: 'reopenedAt' };
  }
}

function notBeforeEntry(
  value: string,
  path: string,
  earlier: string,
  what: { fr: string; en: string },
): void {
  notBefore(value, earlier, what, path);
}

function openReferral(state: OpenedPathway, referralId: string, expected: 'open' | 'accepted'): Referral {
  const found = state.referrals[referralId];
  if (!found) {
    throw broken(
      'unknown-referral',
      'Aucun adressage de cet identifiant dans ce parcours.',
      'No referral with this id in this pathway.',
      'referralId',
    );
  }
  const status = found.completed
    ? 'completed'
    : found.declined
      ? 'declined'
      : found.accepted
        ? 'accepted'
        : 'open';
  if (status !== expected) {
    throw broken(
      expected === 'open' ? 'referral-not-open' : 'referral-not-accepted',
      expected === 'open'
        ? `Cet adressage n’est plus en attente de réponse (${status}).`
        : `Cet adressage n’a pas été accepté (${status}) : il ne peut pas être réalisé.`,
      expected === 'open'
        ? `This referral is no longer awaiting an answer (${status}).`
        : `This referral was not accepted (${status}): it cannot be completed.`,
      'referralId',
    );
  }
  return found;
}

function requireDischarge(state: OpenedPathway, dischargeId: string): Discharge {
  const found = state.discharges[dischargeId];
  if (!found) {
    throw broken(
      'unknown-discharge',
      'Aucune sortie de cet identifiant dans ce parcours.',
      'No discharge with this id in this pathway.',
      'dischargeId',
    );
  }
  return found;
}

/**
 * What an entry must obey given the pathway before it: the order of a referral's answers, the discharge
 * a reconciliation names, the pathway open and its opening first. Checked when the entry is decided, and
 * again for every later entry when an earlier one is corrected or voided.
 */
export function pathwayStreamRules(event: PathwayEvent, state: PathwayState): void {
  if (event.type === 'PathwayOpened') {
    if (state.exists)
      throw broken('pathway-exists', 'Ce parcours existe déjà.', 'This pathway exists already.');
    return;
  }
  if (!state.exists)
    throw broken('unknown-pathway', 'Ce parcours n’existe pas.', 'This pathway does not exist.');
  if (event.type === 'PathwayReopened') {
    if (state.status !== 'closed') {
      throw broken('pathway-not-closed', 'Le parcours n’est pas clos.', 'The pathway is not closed.');
    }
  } else if (state.status === 'closed') {
    throw broken(
      'pathway-closed',
      'Le parcours est clos : seuls une réouverture, une correction ou une annulation sont possibles.',
      'The pathway is closed: only reopening, correcting or voiding is accepted.',
    );
  }
  const { at, path } = recordedTime(event);
  notBefore(at, state.openedAt, OPENING, path);
  switch (event.type) {
    case 'PatientReferred': {
      const { memberId, profession, structure } = event.data.to;
      if (memberId === undefined && profession === undefined && structure === undefined) {
        throw broken(
          'referral-without-recipient',
          'Indiquez à qui le patient est adressé.',
          'Say to whom the patient is referred.',
          'to',
        );
      }
      if (state.referrals[event.data.referralId]) {
        throw broken(
          'referral-exists',
          'Cet adressage existe déjà.',
          'This referral exists already.',
          'referralId',
        );
      }
      return;
    }
    case 'ReferralAccepted': {
      const referral = openReferral(state, event.data.referralId, 'open');
      notBeforeEntry(event.data.acceptedAt, 'acceptedAt', referral.referredAt, {
        fr: 'à l’adressage',
        en: 'the referral',
      });
      if (event.data.appointmentAt !== undefined) {
        notBeforeEntry(event.data.appointmentAt, 'appointmentAt', event.data.acceptedAt, {
          fr: 'à l’acceptation',
          en: 'the acceptance',
        });
      }
      return;
    }
    case 'ReferralDeclined': {
      const referral = openReferral(state, event.data.referralId, 'open');
      notBeforeEntry(event.data.declinedAt, 'declinedAt', referral.referredAt, {
        fr: 'à l’adressage',
        en: 'the referral',
      });
      return;
    }
    case 'ReferralCompleted': {
      const referral = openReferral(state, event.data.referralId, 'accepted');
      notBeforeEntry(event.data.completedAt, 'completedAt', referral.accepted!.acceptedAt, {
        fr: 'à l’acceptation',
        en: 'the acceptance',
      });
      return;
    }
    case 'DischargeNotified':
      if (
        event.data.admittedAt !== undefined &&
        compareBusinessTimes(event.data.admittedAt, event.data.dischargeAt) > 0
      ) {
        throw broken(
          'period-reversed',
          'La sortie précède l’admission.',
          'The discharge is before the admission.',
          'dischargeAt',
        );
      }
      if (state.discharges[event.data.dischargeId]) {
        throw broken(
          'discharge-exists',
          'Cette sortie existe déjà.',
          'This discharge exists already.',
          'dischargeId',
        );
      }
      return;
    case 'MedicationReconciliationSent':
      requireDischarge(state, event.data.dischargeId);
      return;
    case 'FollowUpCompleted':
      if (event.data.dischargeId !== undefined) requireDischarge(state, event.data.dischargeId);
      return;
    case 'ProtocolApplied':
      if (event.data.mtInformedAt !== undefined) {
        notBeforeEntry(event.data.mtInformedAt, 'mtInformedAt', event.data.appliedAt, {
          fr: 'à l’application du protocole',
          en: 'the application',
        });
      }
      return;
    case 'PathwayReopened':
      notBeforeEntry(event.data.reopenedAt, 'reopenedAt', state.closedAt!, {
        fr: 'à la clôture',
        en: 'the closure',
      });
      return;
    default:
      return;
  }
}

// ---- the rules that need other records and the clock -------------------------------------------------

/** The professionals an entry names: each a member here at its business time, not blocked by the patient then. */
function checkMember(
  facts: PathwayFacts,
  memberId: string,
  at: string,
  path: string,
  professions?: { list: readonly string[]; rule: string; fr: string; en: string },
): MemberState & { exists: true } {
  const member = facts.members[memberId] ?? { exists: false };
  assertActiveMember(member, at, path);
  assertNotBlockedAt(facts.patient.record, memberId, at, path);
  if (professions && !professions.list.includes(member.profession)) {
    throw broken(professions.rule, professions.fr, professions.en, path);
  }
  return member;
}

const PHARMACIST = {
  list: ['pharmacien'],
  rule: 'not-a-pharmacist',
  fr: 'Ce membre n’est pas pharmacien.',
  en: 'This member is not a pharmacist.',
};
const GP = {
  list: ['medecin-generaliste'],
  rule: 'not-a-general-practitioner',
  fr: 'Ce membre n’est pas médecin généraliste.',
  en: 'This member is not a general practitioner.',
};

/** What happened did not happen in the future, nor before the patient was born. */
function pastTime(value: string, path: string, facts: PathwayFacts, now: Date): void {
  checkBusinessTime(value, now, path, { at: facts.patient.earliestBusinessTime, ...BIRTH });
}

/** A planned time (a discharge ahead, an appointment): not before the patient's birth, at most a year ahead. */
function plannedTime(value: string, path: string, facts: PathwayFacts, now: Date): void {
  notBefore(value, facts.patient.earliestBusinessTime, BIRTH, path);
  plannedWithinAYear(value, now, path);
}

function factRules(event: PathwayEvent, facts: PathwayFacts, now: Date): void {
  switch (event.type) {
    case 'PathwayOpened':
      return pastTime(event.data.openedAt, 'openedAt', facts, now);
    case 'PatientReferred':
      pastTime(event.data.referredAt, 'referredAt', facts, now);
      checkMember(facts, event.data.fromMemberId, event.data.referredAt, 'fromMemberId');
      if (event.data.to.memberId !== undefined) {
        checkMember(facts, event.data.to.memberId, event.data.referredAt, 'to.memberId');
      }
      return;
    case 'ReferralAccepted':
      pastTime(event.data.acceptedAt, 'acceptedAt', facts, now);
      if (event.data.appointmentAt !== undefined)
        plannedTime(event.data.appointmentAt, 'appointmentAt', facts, now);
      return;
    case 'ReferralDeclined':
      return pastTime(event.data.declinedAt, 'declinedAt', facts, now);
    case 'ReferralCompleted':
      return pastTime(event.data.completedAt, 'completedAt', facts, now);
    case 'DischargeNotified': {
      // The notification is what has happened; the discharge itself may be planned (24 h ahead is the aim).
      const { notifiedAt, dischargeAt, admittedAt, pharmacistMemberId, gpMemberId } = event.data;
      pastTime(notifiedAt, 'notifiedAt', facts, now);
      plannedTime(dischargeAt, 'dischargeAt', facts, now);
      if (admittedAt !== undefined) pastTime(admittedAt, 'admittedAt', facts, now);
      if (pharmacistMemberId !== undefined) {
        checkMember(facts, pharmacistMemberId, notifiedAt, 'pharmacistMemberId', PHARMACIST);
      }
      if (gpMemberId !== undefined) checkMember(facts, gpMemberId, notifiedAt, 'gpMemberId', GP);
      return;
    }
    case 'MedicationReconciliationSent':
      pastTime(event.data.sentAt, 'sentAt', facts, now);
      checkMember(facts, event.data.toMemberId, event.data.sentAt, 'toMemberId', PHARMACIST);
      return;
    case 'FollowUpCompleted':
      pastTime(event.data.at, 'at', facts, now);
      checkMember(facts, event.data.byMemberId, event.data.at, 'byMemberId');
      return;
    case 'ProtocolApplied':
      return protocolRules(event.data, facts, now);
    case 'PathwayClosed':
      return pastTime(event.data.closedAt, 'closedAt', facts, now);
    case 'PathwayReopened':
      return pastTime(event.data.reopenedAt, 'reopenedAt', facts, now);
  }
}

const ORIENTATIONS: ReadonlySet<string> = new Set(['orientation-medecin', 'orientation-urgences']);

/** Why the patient is outside the protocol at `appliedAt` (ages on the Paris calendar), or null when eligible. */
export function ineligibility(
  version: ProtocolVersion,
  patient: PathwayPatient,
  application: Pick<ProtocolApplied, 'appliedAt' | 'eligibility'>,
): string | null {
  const { eligibility } = version;
  if (eligibility.sex !== undefined && eligibility.sex !== patient.sex) return 'sex';
  // Without the birth date (erased identity), the birth year's 1 January gives the oldest possible age.
  const months = ageInMonths(patient.birthDate ?? `${patient.birthYear}-01-01`, application.appliedAt);
  if (eligibility.minAgeMonths !== undefined && months < eligibility.minAgeMonths) return 'age';
  if (eligibility.maxAgeMonths !== undefined && months > eligibility.maxAgeMonths) return 'age';
  const excluded = eligibility.exclusions.find(
    (exclusion) => application.eligibility.answers[exclusion.code] === true,
  );
  if (excluded) return `exclusion:${excluded.code}`;
  if (!application.eligibility.eligible) return 'declared-ineligible';
  return null;
}

/** An age in months as a person says it: years from 2 years on, months before. */
function ageText(months: number, lang: 'fr' | 'en'): string {
  if (months >= 24 && months % 12 === 0) return lang === 'fr' ? `${months / 12} ans` : `${months / 12} years`;
  if (months >= 24) {
    const years = Math.floor(months / 12);
    return lang === 'fr' ? `${years} ans et ${months % 12} mois` : `${years} years and ${months % 12} months`;
  }
  return lang === 'fr' ? `${months} mois` : `${months} months`;
}

const SEX_NAMES = {
  fr: { F: 'féminin', M: 'masculin', X: 'indéterminé' },
  en: { F: 'female', M: 'male', X: 'unspecified' },
};

/**
 * The refusal of an ineligible patient, naming the criterion that fails — the patient's age against the
 * range, their sex, the exclusion answered yes, or eligibility declared no — in the message and as
 * `criterion` in the problem, so that every client can say why.
 */
function notEligible(
  failing: string,
  version: ProtocolVersion,
  patient: PathwayPatient,
  appliedAt: string,
): RuleViolation {
  const only = {
    fr: ' : seule une orientation vers un médecin ou les urgences est possible.',
    en: ': only an orientation to a doctor or the emergency department is possible.',
  };
  const { eligibility } = version;
  let fr: string;
  let en: string;
  let extensions: Record<string, unknown>;
  if (failing === 'age') {
    const months = ageInMonths(patient.birthDate ?? `${patient.birthYear}-01-01`, appliedAt);
    const range = (lang: 'fr' | 'en') => {
      const { minAgeMonths: min, maxAgeMonths: max } = eligibility;
      // The maximum is inclusive in whole months: "up to 25 years" is stored as 311 months.
      const upTo = (value: number) => ageText(value + 1, lang);
      if (min !== undefined && max !== undefined)
        return lang === 'fr'
          ? `de ${ageText(min, 'fr')} à moins de ${upTo(max)}`
          : `from ${ageText(min, 'en')} to under ${upTo(max)}`;
      if (min !== undefined)
        return lang === 'fr' ? `à partir de ${ageText(min, 'fr')}` : `from ${ageText(min, 'en')}`;
      return lang === 'fr' ? `moins de ${upTo(max!)}` : `under ${upTo(max!)}`;
    };
    fr = `Critère d’âge non rempli : le patient a ${ageText(months, 'fr')} à la date d’application, le protocole est pour ${range('fr')}`;
    en = `Age criterion not met: the patient is ${ageText(months, 'en')} old on the day applied, the protocol is for ${range('en')}`;
    extensions = {
      criterion: 'age',
      ageMonths: months,
      ...(eligibility.minAgeMonths === undefined ? {} : { minAgeMonths: eligibility.minAgeMonths }),
      ...(eligibility.maxAgeMonths === undefined ? {} : { maxAgeMonths: eligibility.maxAgeMonths }),
    };
  } else if (failing === 'sex') {
    const wanted = eligibility.sex!;
    fr = `Critère de sexe non rempli : le protocole est réservé au sexe ${SEX_NAMES.fr[wanted]}, le patient est de sexe ${SEX_NAMES.fr[patient.sex]}`;
    en = `Sex criterion not met: the protocol is for ${SEX_NAMES.en[wanted]} patients, the patient is ${SEX_NAMES.en[patient.sex]}`;
    extensions = { criterion: 'sex', sex: patient.sex, requiredSex: wanted };
  } else if (failing.startsWith('exclusion:')) {
    const code = failing.slice('exclusion:'.length);
    const label = eligibility.exclusions.find((exclusion) => exclusion.code === code)?.label ?? code;
    fr = `Critère d’exclusion présent : « ${label} »`;
    en = `Exclusion criterion present: “${label}”`;
    extensions = { criterion: 'exclusion', exclusion: code };
  } else {
    fr = 'Le patient a été déclaré non éligible';
    en = 'The patient was declared not eligible';
    extensions = { criterion: 'declared-ineligible' };
  }
  return new RuleViolation(
    'patient-not-eligible',
    { fr: fr + only.fr, en: en + only.en },
    'outcome',
    extensions,
  );
}

/**
 * When the version lists tests, the result governs the outcome: a positive test allows a dispensation,
 * a negative one advice or an orientation, an invalid or absent one only an orientation.
 */
function testRules(version: ProtocolVersion, application: ProtocolApplied): void {
  const { test, outcome } = application;
  if (test !== undefined && version.tests.length > 0 && !version.tests.includes(test.kind)) {
    throw broken(
      'test-not-in-protocol',
      'Ce test ne fait pas partie du protocole.',
      'This test is not part of the protocol.',
      'test.kind',
    );
  }
  if (version.tests.length === 0 || ORIENTATIONS.has(outcome)) return;
  const result = test?.result;
  if (result === 'positif' || (result === 'negatif' && outcome === 'conseil')) return;
  throw broken(
    'outcome-not-allowed-by-test',
    result === undefined
      ? `Ce protocole repose sur un test (${version.tests.join(', ')}) : sans résultat, seule une orientation est possible.`
      : result === 'negatif'
        ? 'Un test négatif permet un conseil ou une orientation, pas une dispensation.'
        : 'Un test invalide ne permet qu’une orientation vers un médecin ou les urgences.',
    result === undefined
      ? `This protocol relies on a test (${version.tests.join(', ')}): without a result, only an orientation is possible.`
      : result === 'negatif'
        ? 'A negative test allows advice or an orientation, not a dispensation.'
        : 'An invalid test allows only an orientation to a doctor or the emergency department.',
    result === undefined ? 'test' : 'outcome',
  );
}

function protocolRules(application: ProtocolApplied, facts: PathwayFacts, now: Date): void {
  const { appliedAt } = application;
  pastTime(appliedAt, 'appliedAt', facts, now);
  const protocol = facts.protocol;
  if (!protocol?.exists) {
    throw broken(
      'unknown-protocol',
      'Ce protocole n’existe pas dans cette CPTS.',
      'This protocol does not exist in this CPTS.',
      'protocolCode',
    );
  }
  const day = parisDate(appliedAt);
  const version = versionInForce(protocol, appliedAt);
  if (!version || version.version !== application.protocolVersion) {
    throw broken(
      'protocol-version-not-in-force',
      version
        ? `La version en vigueur le ${day} est la version ${version.version}.`
        : `Aucune version de ce protocole n’est en vigueur le ${day}.`,
      version
        ? `The version in force on ${day} is version ${version.version}.`
        : `No version of this protocol is in force on ${day}.`,
      'protocolVersion',
    );
  }
  const member = checkMember(facts, application.byMemberId, appliedAt, 'byMemberId');
  if (!version.professions.includes(member.profession)) {
    throw broken(
      'profession-not-allowed',
      `Ce protocole ne peut pas être appliqué par un ${member.profession}.`,
      `This protocol cannot be applied by a ${member.profession}.`,
      'byMemberId',
    );
  }
  if (version.kind === 'cooperation-nationale') delegationRules(protocol, application, facts);
  const failing = ineligibility(version, facts.patient, application);
  if (failing !== null && !ORIENTATIONS.has(application.outcome)) {
    throw notEligible(failing, version, facts.patient, application.appliedAt);
  }
  testRules(version, application);
  if (application.mtInformedAt !== undefined) notInFuture(application.mtInformedAt, now, 'mtInformedAt');
  // The consent in force at the application, not today's: a refusal recorded later does not excuse it.
  const record = facts.patient.record;
  const consent = record.exists ? consentOn(record, 'partage-medecin-traitant', appliedAt) : undefined;
  const sharingRefused = consent === 'refus' || consent === 'retrait';
  if (
    version.requiresMtInformation &&
    application.outcome === 'dispensation' &&
    application.mtInformedAt === undefined &&
    !sharingRefused
  ) {
    throw broken(
      'mt-information-required',
      'Ce protocole impose d’informer le médecin traitant d’une dispensation : indiquez quand il l’a été.',
      'This protocol requires the médecin traitant to be informed of a dispensation: say when they were.',
      'mtInformedAt',
    );
  }
}

/** A cooperation protocol needs a signed delegation whose delegating doctor is still a member at `appliedAt`. */
function delegationRules(
  protocol: Extract<ProtocolState, { exists: true }>,
  application: ProtocolApplied,
  facts: PathwayFacts,
): void {
  const day = parisDate(application.appliedAt);
  const signed = protocol.adherents.filter((a) => a.memberId === application.byMemberId && a.signedOn <= day);
  if (signed.length === 0) {
    throw broken(
      'not-an-adherent',
      'Ce professionnel n’a pas adhéré à ce protocole de coopération (délégation signée).',
      'This professional is not a registered adherent of this cooperation protocol (signed delegation).',
      'byMemberId',
    );
  }
  const present = (doctorId: string) => {
    const doctor = facts.members[doctorId];
    return (
      doctor?.exists === true &&
      compareBusinessTimes(application.appliedAt, doctor.joinedOn) >= 0 &&
      (doctor.leftOn === undefined || compareBusinessTimes(application.appliedAt, doctor.leftOn) <= 0)
    );
  };
  if (!signed.some((adherent) => present(adherent.delegatingDoctorMemberId))) {
    throw broken(
      'delegating-doctor-has-left',
      'Le médecin délégant de ce professionnel n’est plus membre de la CPTS à cette date : la délégation ne vaut plus.',
      'This professional’s delegating doctor is no longer a member of the CPTS on that date: the delegation no longer holds.',
      'byMemberId',
    );
  }
}

// ---- decisions ------------------------------------------------------------------------------------

/** The event a command asks for, the ids it creates assigned from the decision's id source. */
function eventOf(command: PathwayCommand, newId: Decision['newId']): PathwayEvent {
  switch (command.type) {
    case 'OpenPathway':
      return { type: 'PathwayOpened', data: command.data };
    case 'ReferPatient':
      return { type: 'PatientReferred', data: { referralId: newId('referral'), ...command.data } };
    case 'AcceptReferral':
      return { type: 'ReferralAccepted', data: command.data };
    case 'DeclineReferral':
      return { type: 'ReferralDeclined', data: command.data };
    case 'CompleteReferral':
      return { type: 'ReferralCompleted', data: command.data };
    case 'NotifyDischarge':
      return { type: 'DischargeNotified', data: { dischargeId: newId('discharge'), ...command.data } };
    case 'SendMedicationReconciliation':
      return { type: 'MedicationReconciliationSent', data: command.data };
    case 'CompleteFollowUp':
      return { type: 'FollowUpCompleted', data: command.data };
    case 'ApplyProtocol':
      return { type: 'ProtocolApplied', data: { applicationId: newId('application'), ...command.data } };
    case 'ClosePathway':
      return { type: 'PathwayClosed', data: command.data };
    case 'ReopenPathway':
      return { type: 'PathwayReopened', data: command.data };
  }
}

/** A professional the patient blocked records nothing for the patient, whatever the route. */
function actorRules(facts: PathwayFacts, decision: Decision): void {
  if (decision.actor.role === 'professional') assertNotBlocked(facts.patient.record, [decision.actor.id]);
}

/**
 * The one decision of the pathways capability: the command, the pathway's state, the facts (patient,
 * members, protocol) and the decision's context (clock, actor, ids).
 */
export function decidePathway(
  command: PathwayCommand,
  state: PathwayState,
  facts: PathwayFacts,
  decision: Decision,
): PathwayEvent[] {
  const event = eventOf(command, decision.newId);
  pathwayStreamRules(event, state);
  actorRules(facts, decision);
  factRules(event, facts, decision.now);
  return [event];
}

/** The command that would have recorded an entry, its ids given back by the decision: what a correction decides again. */
function redecide(entry: PathwayEvent, before: PathwayState, facts: PathwayFacts, decision: Decision): void {
  const { referralId, dischargeId, applicationId, ...rest } = entry.data as unknown as Record<string, string>;
  const ids: Record<string, string> = {
    referral: referralId,
    discharge: dischargeId,
    application: applicationId,
  };
  const again = { ...decision, newId: (purpose: string) => ids[purpose] };
  const data =
    entry.type === 'PatientReferred' || entry.type === 'DischargeNotified' || entry.type === 'ProtocolApplied'
      ? rest
      : entry.data;
  const type = {
    PathwayOpened: 'OpenPathway',
    PatientReferred: 'ReferPatient',
    ReferralAccepted: 'AcceptReferral',
    ReferralDeclined: 'DeclineReferral',
    ReferralCompleted: 'CompleteReferral',
    DischargeNotified: 'NotifyDischarge',
    MedicationReconciliationSent: 'SendMedicationReconciliation',
    FollowUpCompleted: 'CompleteFollowUp',
    ProtocolApplied: 'ApplyProtocol',
    PathwayClosed: 'ClosePathway',
    PathwayReopened: 'ReopenPathway',
  }[entry.type];
  decidePathway({ type, data } as PathwayCommand, before, facts, again);
}

/** Fields a correction may not change: they tie the entry to other records or entries. */
const LOCKED = ['patientId', 'referralId', 'dischargeId', 'applicationId', 'protocolCode'] as const;

/**
 * Every entry but the lifecycle (closure and reopening have their own events) is corrected; every entry
 * but the opening and the lifecycle is voided. Optional fields an entry lacks may be added.
 */
export const pathwayCorrections: CorrectionRules<PathwayState, PathwayEvent, PathwayFacts> = {
  evolver: pathwayEvolver,
  correctable: {
    PathwayOpened: { optional: ['reason'], locked: LOCKED },
    PatientReferred: { optional: ['channel'], locked: LOCKED },
    ReferralAccepted: { optional: ['appointmentAt'], locked: LOCKED },
    ReferralDeclined: { locked: LOCKED },
    ReferralCompleted: { locked: LOCKED },
    DischargeNotified: {
      optional: ['ward', 'admittedAt', 'pharmacistMemberId', 'gpMemberId'],
      locked: LOCKED,
    },
    MedicationReconciliationSent: { locked: LOCKED },
    FollowUpCompleted: { optional: ['dischargeId'], locked: ['referralId', 'applicationId'] },
    ProtocolApplied: { optional: ['test', 'mtInformedAt'], locked: LOCKED },
  },
  voidable: new Set([
    'PatientReferred',
    'ReferralAccepted',
    'ReferralDeclined',
    'ReferralCompleted',
    'DischargeNotified',
    'MedicationReconciliationSent',
    'FollowUpCompleted',
    'ProtocolApplied',
  ]),
  redecide,
  recheck: (entry, before) => pathwayStreamRules(entry, before),
  mayChange: (_state, facts, decision) => actorRules(facts, decision),
};
