import type { Evolver, StoredEvent } from '../shared/decider';
import { broken } from '../shared/errors';
import { ageInMonths, parisDate } from '../shared/paris-time';
import { checkBusinessTime, instant, notBefore, notInFuture } from '../shared/time';
import { assertActiveMember, type MemberState } from '../members/member.decider';
import type { ProtocolState, ProtocolVersion } from '../protocols';
import { versionInForce } from '../protocols';
import {
  BUSINESS_TIME_FIELD,
  NOT_CORRECTABLE,
  NOT_VOIDABLE,
  UNCORRECTABLE_FIELDS,
  type DischargeNotified,
  type EntryCorrected,
  type EntryVoided,
  type FollowUpCompleted,
  type MedicationReconciliationSent,
  type PathwayClosed,
  type PathwayEvent,
  type PathwayEventType,
  type PathwayOpened,
  type PathwayReopened,
  type PatientReferred,
  type ProtocolApplied,
  type ReferralAccepted,
  type ReferralCompleted,
  type ReferralDeclined,
} from './pathway.events';

/** One recorded entry of the pathway, with corrections applied to its data and voiding marked. */
export interface Entry {
  eventId: string;
  type: PathwayEventType;
  data: Record<string, unknown>;
  recordedAt: string;
  actorId: string;
  revision: number;
  voided: boolean;
  corrected: boolean;
}

export type PathwayState =
  | { exists: false }
  | {
      exists: true;
      patientId: string;
      kind: PathwayOpened['kind'];
      openedAt: string;
      status: 'open' | 'closed';
      closedAt?: string;
      entries: Entry[];
    };
export type OpenPathway = Extract<PathwayState, { exists: true }>;

export const pathwayEvolver: Evolver<PathwayState, PathwayEvent> = {
  initialState: () => ({ exists: false }),
  evolve: (state, event: StoredEvent<PathwayEvent>): PathwayState => {
    const entry: Entry = {
      eventId: event.context.eventId,
      type: event.type,
      data: { ...(event.data as unknown as Record<string, unknown>) },
      recordedAt: event.context.recordedAt,
      actorId: event.context.actorId,
      revision: event.context.revision,
      voided: false,
      corrected: false,
    };
    if (event.type === 'PathwayOpened') {
      return { exists: true, ...pick(event.data), status: 'open', entries: [entry] };
    }
    if (!state.exists) return state;
    const entries = [...state.entries, entry];
    switch (event.type) {
      case 'PathwayClosed':
        return { ...state, entries, status: 'closed', closedAt: event.data.closedAt };
      case 'PathwayReopened':
        return { ...state, entries, status: 'open', closedAt: undefined };
      case 'EntryCorrected':
      case 'EntryVoided': {
        const { targetEventId } = event.data;
        const changed = entries.map((e) => {
          if (e.eventId !== targetEventId) return e;
          return event.type === 'EntryVoided'
            ? { ...e, voided: true }
            : { ...e, data: { ...e.data, ...event.data.correction }, corrected: true };
        });
        const opening = changed.find((e) => e.type === 'PathwayOpened')!;
        return { ...state, ...pick(opening.data as unknown as PathwayOpened), entries: changed };
      }
      default:
        return { ...state, entries };
    }
  },
};

function pick(data: PathwayOpened): { patientId: string; kind: PathwayOpened['kind']; openedAt: string } {
  return { patientId: data.patientId, kind: data.kind, openedAt: data.openedAt };
}

// ---- what the pathway knows of other records ------------------------------------------------------

/** The patient as the pathway rules need it (loaded by the handler, identity decrypted there). */
export interface PathwayPatient {
  sex: 'F' | 'M' | 'X';
  /** Null when the identity was erased: ages then fall back to the birth year. */
  birthDate: string | null;
  birthYear: number;
  /** The birth date, or 1 January of the birth year: no business time may precede it. */
  earliestBusinessTime: string;
  blockedMemberIds: string[];
  consents: Partial<Record<string, 'accord' | 'refus' | 'retrait'>>;
}

export interface PathwayFacts {
  patient: PathwayPatient;
  /** Every member the command names, by id, as folded from their streams (`{ exists: false }` if none). */
  members: Record<string, MemberState>;
  /** The protocol a ProtocolApplied names. */
  protocol?: ProtocolState;
  actor: { id: string; role: string };
}

// ---- derived views ----------------------------------------------------------------------------------

/** Live entries: not voided. */
export function live(state: OpenPathway, type?: PathwayEventType): Entry[] {
  return state.entries.filter((e) => !e.voided && (type === undefined || e.type === type));
}

export type ReferralStatus = 'open' | 'accepted' | 'declined' | 'completed';

export function referralStatus(
  state: OpenPathway,
  referralId: string,
): { status: ReferralStatus; referral: Entry; accepted?: Entry } | null {
  const referral = live(state, 'PatientReferred').find((e) => e.data.referralId === referralId);
  if (!referral) return null;
  const of = (type: PathwayEventType) => live(state, type).find((e) => e.data.referralId === referralId);
  const accepted = of('ReferralAccepted');
  const status: ReferralStatus = of('ReferralCompleted')
    ? 'completed'
    : of('ReferralDeclined')
      ? 'declined'
      : accepted
        ? 'accepted'
        : 'open';
  return { status, referral, accepted };
}

export function discharge(state: OpenPathway, dischargeId: string): Entry | undefined {
  return live(state, 'DischargeNotified').find((e) => e.data.dischargeId === dischargeId);
}

// ---- shared checks --------------------------------------------------------------------------------

const OPENING = { fr: 'à l’ouverture du parcours', en: 'the pathway’s opening' };
const BIRTH = { fr: 'à la naissance du patient', en: 'the patient’s birth' };

function assertOpen(state: OpenPathway): void {
  if (state.status === 'closed') {
    throw broken(
      'pathway-closed',
      'Le parcours est clos : seuls une réouverture, une correction ou une annulation sont possibles.',
      'The pathway is closed: only reopening, correcting or voiding is accepted.',
    );
  }
}

/** Not in the future, not before the patient's birth, not before the pathway's opening. */
function checkTime(
  value: string,
  path: string,
  state: OpenPathway | null,
  facts: PathwayFacts,
  now: Date,
): void {
  checkBusinessTime(value, now, path, { at: facts.patient.earliestBusinessTime, ...BIRTH });
  if (state) checkBusinessTime(value, now, path, { at: state.openedAt, ...OPENING });
}

function assertNotBlocked(facts: PathwayFacts, memberId: string, path?: string): void {
  if (facts.patient.blockedMemberIds.includes(memberId)) {
    throw broken(
      'professional-blocked',
      'Le patient s’est opposé à l’intervention de ce professionnel : rien ne peut être enregistré pour lui à son nom.',
      'The patient has blocked this professional: nothing can be recorded for the patient in their name.',
      path,
    );
  }
}

/** The actor, when a professional, must not be one the patient blocked. */
function assertActorAllowed(facts: PathwayFacts): void {
  if (facts.actor.role === 'professional') assertNotBlocked(facts, facts.actor.id);
}

/** A member the event names: exists here, had not left at `at`, not blocked, of a given profession. */
function checkMember(
  facts: PathwayFacts,
  memberId: string,
  at: string,
  path: string,
  professions?: { list: readonly string[]; rule: string; fr: string; en: string },
): MemberState & { exists: true } {
  const member = facts.members[memberId] ?? { exists: false };
  assertActiveMember(member, at, path);
  assertNotBlocked(facts, memberId, path);
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

function notBeforeEntry(
  value: string,
  path: string,
  earlier: string,
  what: { fr: string; en: string },
): void {
  if (instant(value) < instant(earlier)) {
    throw broken(
      'business-time-too-early',
      `La date ${value} est antérieure ${what.fr} (${earlier}).`,
      `The time ${value} is before ${what.en} (${earlier}).`,
      path,
    );
  }
}

// ---- decisions ------------------------------------------------------------------------------------

export function decideOpen(
  command: PathwayOpened,
  state: PathwayState,
  facts: PathwayFacts,
  now: Date,
): PathwayEvent[] {
  if (state.exists)
    throw broken('pathway-exists', 'Ce parcours existe déjà.', 'This pathway exists already.');
  assertActorAllowed(facts);
  checkTime(command.openedAt, 'openedAt', null, facts, now);
  return [{ type: 'PathwayOpened', data: command }];
}

export function decideRefer(
  command: PatientReferred,
  state: OpenPathway,
  facts: PathwayFacts,
  now: Date,
): PathwayEvent[] {
  assertOpen(state);
  assertActorAllowed(facts);
  checkTime(command.referredAt, 'referredAt', state, facts, now);
  checkMember(facts, command.fromMemberId, command.referredAt, 'fromMemberId');
  const { memberId, profession, structure } = command.to;
  if (memberId === undefined && profession === undefined && structure === undefined) {
    throw broken(
      'referral-without-recipient',
      'Indiquez à qui le patient est adressé.',
      'Say to whom the patient is referred.',
      'to',
    );
  }
  if (memberId !== undefined) checkMember(facts, memberId, command.referredAt, 'to.memberId');
  if (referralStatus(state, command.referralId)) {
    throw broken(
      'referral-exists',
      'Cet adressage existe déjà.',
      'This referral exists already.',
      'referralId',
    );
  }
  return [{ type: 'PatientReferred', data: command }];
}

function openReferral(state: OpenPathway, referralId: string, expected: ReferralStatus) {
  const found = referralStatus(state, referralId);
  if (!found) {
    throw broken(
      'unknown-referral',
      'Aucun adressage de cet identifiant dans ce parcours.',
      'No referral with this id in this pathway.',
      'referralId',
    );
  }
  if (found.status !== expected) {
    const rule = expected === 'open' ? 'referral-not-open' : 'referral-not-accepted';
    throw broken(
      rule,
      expected === 'open'
        ? `Cet adressage n’est plus en attente de réponse (${found.status}).`
        : `Cet adressage n’a pas été accepté (${found.status}) : il ne peut pas être réalisé.`,
      expected === 'open'
        ? `This referral is no longer awaiting an answer (${found.status}).`
        : `This referral was not accepted (${found.status}): it cannot be completed.`,
      'referralId',
    );
  }
  return found;
}

export function decideAcceptReferral(
  command: ReferralAccepted,
  state: OpenPathway,
  facts: PathwayFacts,
  now: Date,
): PathwayEvent[] {
  assertOpen(state);
  assertActorAllowed(facts);
  const { referral } = openReferral(state, command.referralId, 'open');
  checkTime(command.acceptedAt, 'acceptedAt', state, facts, now);
  notBeforeEntry(command.acceptedAt, 'acceptedAt', referral.data.referredAt as string, {
    fr: 'à l’adressage',
    en: 'the referral',
  });
  if (command.appointmentAt !== undefined) {
    notBeforeEntry(command.appointmentAt, 'appointmentAt', command.acceptedAt, {
      fr: 'à l’acceptation',
      en: 'the acceptance',
    });
  }
  return [{ type: 'ReferralAccepted', data: command }];
}

export function decideDeclineReferral(
  command: ReferralDeclined,
  state: OpenPathway,
  facts: PathwayFacts,
  now: Date,
): PathwayEvent[] {
  assertOpen(state);
  assertActorAllowed(facts);
  const { referral } = openReferral(state, command.referralId, 'open');
  checkTime(command.declinedAt, 'declinedAt', state, facts, now);
  notBeforeEntry(command.declinedAt, 'declinedAt', referral.data.referredAt as string, {
    fr: 'à l’adressage',
    en: 'the referral',
  });
  return [{ type: 'ReferralDeclined', data: command }];
}

export function decideCompleteReferral(
  command: ReferralCompleted,
  state: OpenPathway,
  facts: PathwayFacts,
  now: Date,
): PathwayEvent[] {
  assertOpen(state);
  assertActorAllowed(facts);
  const { accepted } = openReferral(state, command.referralId, 'accepted');
  checkTime(command.completedAt, 'completedAt', state, facts, now);
  notBeforeEntry(command.completedAt, 'completedAt', accepted!.data.acceptedAt as string, {
    fr: 'à l’acceptation',
    en: 'the acceptance',
  });
  return [{ type: 'ReferralCompleted', data: command }];
}

/**
 * The notification is what has happened when a discharge is recorded; the discharge itself may be
 * planned (a notice given 24 h ahead is what the CPTS hopes for), so only `notifiedAt` must not lie in
 * the future, and it is `notifiedAt` that may not precede the pathway's opening.
 */
export function decideDischarge(
  command: DischargeNotified,
  state: OpenPathway,
  facts: PathwayFacts,
  now: Date,
): PathwayEvent[] {
  assertOpen(state);
  assertActorAllowed(facts);
  checkTime(command.notifiedAt, 'notifiedAt', state, facts, now);
  notBefore(command.dischargeAt, facts.patient.earliestBusinessTime, BIRTH, 'dischargeAt');
  if (command.admittedAt !== undefined) {
    checkBusinessTime(command.admittedAt, now, 'admittedAt', {
      at: facts.patient.earliestBusinessTime,
      ...BIRTH,
    });
    if (instant(command.admittedAt) > instant(command.dischargeAt)) {
      throw broken(
        'period-reversed',
        'La sortie précède l’admission.',
        'The discharge is before the admission.',
        'dischargeAt',
      );
    }
  }
  if (command.pharmacistMemberId !== undefined)
    checkMember(facts, command.pharmacistMemberId, command.notifiedAt, 'pharmacistMemberId', PHARMACIST);
  if (command.gpMemberId !== undefined)
    checkMember(facts, command.gpMemberId, command.notifiedAt, 'gpMemberId', GP);
  if (discharge(state, command.dischargeId)) {
    throw broken(
      'discharge-exists',
      'Cette sortie existe déjà.',
      'This discharge exists already.',
      'dischargeId',
    );
  }
  return [{ type: 'DischargeNotified', data: command }];
}

function requireDischarge(state: OpenPathway, dischargeId: string): Entry {
  const found = discharge(state, dischargeId);
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

export function decideMedicationReconciliation(
  command: MedicationReconciliationSent,
  state: OpenPathway,
  facts: PathwayFacts,
  now: Date,
): PathwayEvent[] {
  assertOpen(state);
  assertActorAllowed(facts);
  requireDischarge(state, command.dischargeId);
  checkTime(command.sentAt, 'sentAt', state, facts, now);
  checkMember(facts, command.toMemberId, command.sentAt, 'toMemberId', PHARMACIST);
  return [{ type: 'MedicationReconciliationSent', data: command }];
}

export function decideFollowUp(
  command: FollowUpCompleted,
  state: OpenPathway,
  facts: PathwayFacts,
  now: Date,
): PathwayEvent[] {
  assertOpen(state);
  assertActorAllowed(facts);
  if (command.dischargeId !== undefined) requireDischarge(state, command.dischargeId);
  checkTime(command.at, 'at', state, facts, now);
  checkMember(facts, command.byMemberId, command.at, 'byMemberId');
  return [{ type: 'FollowUpCompleted', data: command }];
}

const ORIENTATIONS: ReadonlySet<string> = new Set(['orientation-medecin', 'orientation-urgences']);

/** Why the patient is outside the protocol at `at`, or null when eligible. */
export function ineligibility(
  version: ProtocolVersion,
  patient: PathwayPatient,
  command: ProtocolApplied,
): string | null {
  const { eligibility } = version;
  if (eligibility.sex !== undefined && eligibility.sex !== patient.sex) return 'sex';
  // Without the birth date (erased identity), the birth year's 1 January gives the oldest possible age.
  const months = ageInMonths(patient.birthDate ?? `${patient.birthYear}-01-01`, command.appliedAt);
  if (eligibility.minAgeMonths !== undefined && months < eligibility.minAgeMonths) return 'age';
  if (eligibility.maxAgeMonths !== undefined && months > eligibility.maxAgeMonths) return 'age';
  const excluded = eligibility.exclusions.find(
    (exclusion) => command.eligibility.answers[exclusion.code] === true,
  );
  if (excluded) return `exclusion:${excluded.code}`;
  if (!command.eligibility.eligible) return 'declared-ineligible';
  return null;
}

export function decideProtocolApplication(
  command: ProtocolApplied,
  state: OpenPathway,
  facts: PathwayFacts,
  now: Date,
): PathwayEvent[] {
  assertOpen(state);
  assertActorAllowed(facts);
  checkTime(command.appliedAt, 'appliedAt', state, facts, now);
  const protocol = facts.protocol;
  if (!protocol?.exists) {
    throw broken(
      'unknown-protocol',
      'Ce protocole n’existe pas dans cette CPTS.',
      'This protocol does not exist in this CPTS.',
      'protocolCode',
    );
  }
  const version = versionInForce(protocol, command.appliedAt);
  if (!version || version.version !== command.protocolVersion) {
    throw broken(
      'protocol-version-not-in-force',
      version
        ? `La version en vigueur le ${parisDate(command.appliedAt)} est la version ${version.version}.`
        : `Aucune version de ce protocole n’est en vigueur le ${parisDate(command.appliedAt)}.`,
      version
        ? `The version in force on ${parisDate(command.appliedAt)} is version ${version.version}.`
        : `No version of this protocol is in force on ${parisDate(command.appliedAt)}.`,
      'protocolVersion',
    );
  }
  const member = checkMember(facts, command.byMemberId, command.appliedAt, 'byMemberId');
  if (!version.professions.includes(member.profession)) {
    throw broken(
      'profession-not-allowed',
      `Ce protocole ne peut pas être appliqué par un ${member.profession}.`,
      `This protocol cannot be applied by a ${member.profession}.`,
      'byMemberId',
    );
  }
  if (version.kind === 'cooperation-nationale') {
    const day = parisDate(command.appliedAt);
    const adherent = protocol.adherents.find((a) => a.memberId === command.byMemberId && a.signedOn <= day);
    if (!adherent) {
      throw broken(
        'not-an-adherent',
        'Ce professionnel n’a pas adhéré à ce protocole de coopération (délégation signée).',
        'This professional is not a registered adherent of this cooperation protocol (signed delegation).',
        'byMemberId',
      );
    }
  }
  if (command.test !== undefined && version.tests.length > 0 && !version.tests.includes(command.test.kind)) {
    throw broken(
      'test-not-in-protocol',
      'Ce test ne fait pas partie du protocole.',
      'This test is not part of the protocol.',
      'test.kind',
    );
  }
  const outside = ineligibility(version, facts.patient, command);
  if (outside !== null && !ORIENTATIONS.has(command.outcome)) {
    throw broken(
      'patient-not-eligible',
      'Le patient ne remplit pas les critères d’éligibilité du protocole : seule une orientation vers un médecin ou les urgences est possible.',
      'The patient does not meet the protocol’s eligibility criteria: only an orientation to a doctor or the emergency department is possible.',
      'outcome',
    );
  }
  if (command.mtInformedAt !== undefined) {
    notInFuture(command.mtInformedAt, now, 'mtInformedAt');
    notBeforeEntry(command.mtInformedAt, 'mtInformedAt', command.appliedAt, {
      fr: 'à l’application du protocole',
      en: 'the application',
    });
  }
  const sharingRefused = ['refus', 'retrait'].includes(
    facts.patient.consents['partage-medecin-traitant'] ?? '',
  );
  if (
    version.requiresMtInformation &&
    command.outcome === 'dispensation' &&
    command.mtInformedAt === undefined &&
    !sharingRefused
  ) {
    throw broken(
      'mt-information-required',
      'Ce protocole impose d’informer le médecin traitant d’une dispensation : indiquez quand il l’a été.',
      'This protocol requires the médecin traitant to be informed of a dispensation: say when they were.',
      'mtInformedAt',
    );
  }
  return [{ type: 'ProtocolApplied', data: command }];
}

export function decideClose(
  command: PathwayClosed,
  state: OpenPathway,
  facts: PathwayFacts,
  now: Date,
): PathwayEvent[] {
  assertOpen(state);
  assertActorAllowed(facts);
  checkTime(command.closedAt, 'closedAt', state, facts, now);
  return [{ type: 'PathwayClosed', data: command }];
}

export function decideReopen(
  command: PathwayReopened,
  state: OpenPathway,
  facts: PathwayFacts,
  now: Date,
): PathwayEvent[] {
  if (state.status !== 'closed') {
    throw broken('pathway-not-closed', 'Le parcours n’est pas clos.', 'The pathway is not closed.');
  }
  assertActorAllowed(facts);
  checkTime(command.reopenedAt, 'reopenedAt', state, facts, now);
  notBeforeEntry(command.reopenedAt, 'reopenedAt', state.closedAt!, {
    fr: 'à la clôture',
    en: 'the closure',
  });
  return [{ type: 'PathwayReopened', data: command }];
}

function target(
  state: OpenPathway,
  targetEventId: string,
  refused: ReadonlySet<PathwayEventType>,
  rule: string,
): Entry {
  const entry = state.entries.find((e) => e.eventId === targetEventId);
  if (!entry) {
    throw broken(
      'unknown-entry',
      'Aucune entrée de cet identifiant dans ce parcours.',
      'No entry with this id in this pathway.',
      'targetEventId',
    );
  }
  if (refused.has(entry.type)) {
    throw broken(
      rule,
      rule === 'entry-not-voidable'
        ? `Une entrée ${entry.type} ne peut pas être annulée.`
        : `Une entrée ${entry.type} ne peut pas être corrigée.`,
      rule === 'entry-not-voidable'
        ? `A ${entry.type} entry cannot be voided.`
        : `A ${entry.type} entry cannot be corrected.`,
      'targetEventId',
    );
  }
  if (entry.voided) {
    throw broken('entry-voided', 'Cette entrée a été annulée.', 'This entry was voided.', 'targetEventId');
  }
  return entry;
}

/**
 * A correction replaces some of the target's fields. The fields that tie it to other records stay;
 * the corrected entry must still be a valid one of its type (the handler validates its shape) and its
 * business time must still obey the time rules.
 */
export function decideCorrect(
  command: EntryCorrected,
  state: OpenPathway,
  facts: PathwayFacts,
  now: Date,
): PathwayEvent[] {
  assertActorAllowed(facts);
  const entry = target(state, command.targetEventId, NOT_CORRECTABLE, 'entry-not-correctable');
  const fields = Object.keys(command.correction);
  if (fields.length === 0) {
    throw broken(
      'empty-correction',
      'La correction ne change aucun champ.',
      'The correction changes no field.',
      'correction',
    );
  }
  const locked = fields.find(
    (field) =>
      UNCORRECTABLE_FIELDS.has(field) || !(field in entry.data || isOptionalField(entry.type, field)),
  );
  if (locked !== undefined) {
    throw broken(
      'correction-field-not-allowed',
      `Le champ ${locked} ne peut pas être corrigé sur une entrée ${entry.type}.`,
      `Field ${locked} cannot be corrected on a ${entry.type} entry.`,
      `correction.${locked}`,
    );
  }
  const at = (command.correction[BUSINESS_TIME_FIELD[entry.type]] ??
    entry.data[BUSINESS_TIME_FIELD[entry.type]]) as string;
  for (const field of MEMBER_FIELDS) {
    const memberId = command.correction[field];
    if (typeof memberId === 'string') checkMember(facts, memberId, at, `correction.${field}`);
  }
  const timeField = BUSINESS_TIME_FIELD[entry.type];
  const corrected = command.correction[timeField];
  if (typeof corrected === 'string') {
    const opening = entry.type === 'PathwayOpened' ? null : state;
    if (entry.type === 'DischargeNotified') {
      notBefore(corrected, facts.patient.earliestBusinessTime, BIRTH, `correction.${timeField}`);
    } else {
      checkTime(corrected, `correction.${timeField}`, opening, facts, now);
    }
  }
  return [{ type: 'EntryCorrected', data: command }];
}

/** Fields naming a member: a correction that changes one names a member who must be allowed too. */
export const MEMBER_FIELDS = [
  'fromMemberId',
  'toMemberId',
  'byMemberId',
  'pharmacistMemberId',
  'gpMemberId',
] as const;

/** Optional fields an entry may not carry yet, which a correction may add. */
const OPTIONAL_FIELDS: Partial<Record<PathwayEventType, readonly string[]>> = {
  PathwayOpened: ['reason'],
  PatientReferred: ['channel'],
  ReferralAccepted: ['appointmentAt'],
  DischargeNotified: ['ward', 'admittedAt', 'pharmacistMemberId', 'gpMemberId'],
  FollowUpCompleted: ['dischargeId'],
  ProtocolApplied: ['test', 'mtInformedAt'],
};

function isOptionalField(type: PathwayEventType, field: string): boolean {
  return OPTIONAL_FIELDS[type]?.includes(field) ?? false;
}

export function decideVoid(command: EntryVoided, state: OpenPathway, facts: PathwayFacts): PathwayEvent[] {
  assertActorAllowed(facts);
  target(state, command.targetEventId, NOT_VOIDABLE, 'entry-not-voidable');
  return [{ type: 'EntryVoided', data: command }];
}
