import type { SealedIdentity } from '@parcours/crypto';
import { assertActiveMember, type MemberState } from '../members/member.decider';
import type { CorrectionRules } from '../shared/corrections';
import type { Decision, Evolver, StoredEvent } from '../shared/decider';
import { broken } from '../shared/errors';
import { parisDate } from '../shared/paris-time';
import { checkBusinessTime, notBefore, notInFuture } from '../shared/time';
import type { PatientCommand } from './patient.commands';
import type {
  CareTeamRole,
  ConsentDecision,
  ConsentRecorded,
  ConsentScope,
  MedecinTraitantSearchRegistered,
  PatientEvent,
  PatientIdentity,
  PatientSex,
  PatientStatusUpdated,
} from './patient.events';

/** One block or unblock, as recorded: the patient's will about a professional from `on`. */
export interface BlockDecision {
  memberId: string;
  on: string;
  blocked: boolean;
}

/** One stay of a member in the care circle, kept by the event id of their addition. */
export interface CareTeamPeriod {
  memberId: string;
  role: CareTeamRole;
  from: string;
  /** Set once removed: the last day in the circle. */
  to?: string;
  removalReason?: string;
}

/** A patient as the rules need it: typed, the dated decisions kept by event id for "as of then" readings. */
export type PatientState =
  | { exists: false }
  | {
      exists: true;
      sex: PatientSex;
      birthYear: number;
      commune?: string;
      /** As registered; `statusUpdates` change them from their `effectiveOn`. */
      registeredStatus: { ald: boolean; precarious: boolean };
      statusUpdates: Record<string, PatientStatusUpdated>;
      /** The status in force today (every update applied, in `effectiveOn` order). */
      ald: boolean;
      precarious: boolean;
      hasMedecinTraitant: boolean;
      medecinTraitantMemberId?: string;
      /** The search registered and not yet ended by an assignment or a closure. */
      medecinTraitantSearch?: MedecinTraitantSearchRegistered & { eventId: string };
      consentHistory: Record<string, ConsentRecorded>;
      /** The latest decision per scope. */
      consents: Partial<Record<ConsentScope, ConsentDecision>>;
      blockHistory: Record<string, BlockDecision>;
      /** Blocked today. */
      blockedMemberIds: string[];
      pharmacienCorrespondantMemberId?: string;
      /** Since when the médecin traitant and the pharmacien correspondant are: they are in the care circle. */
      medecinTraitantSince?: string;
      pharmacienCorrespondantSince?: string;
      /** The care circle's members added by `CareTeamMemberAdded`, by the event id of their addition. */
      careTeam: Record<string, CareTeamPeriod>;
      /** The earliest business date of the patient's own entries: a corrected birth date may not follow it. */
      earliestEntryOn?: string;
      /** The identity was erased: its key is destroyed (or being destroyed). Never open it again. */
      erased: boolean;
      erasedOn?: string;
      /** The identity as stored, registered or corrected since: ciphertext under the patient's key. */
      sealedIdentity: SealedIdentity;
    };

export type RegisteredPatient = Extract<PatientState, { exists: true }>;

/** The status in force on a date: as registered, then each update effective on or before it, in date order. */
export function statusOn(state: RegisteredPatient, date?: string): { ald: boolean; precarious: boolean } {
  const updates = Object.values(state.statusUpdates)
    .filter((update) => date === undefined || update.effectiveOn <= date)
    .sort((a, b) => (a.effectiveOn < b.effectiveOn ? -1 : a.effectiveOn > b.effectiveOn ? 1 : 0));
  return updates.reduce(
    (status, update) => ({
      ald: update.ald ?? status.ald,
      precarious: update.precarious ?? status.precarious,
    }),
    state.registeredStatus,
  );
}

/** The decision on a consent's scope in force at a business time: the latest dated on or before its Paris day. */
export function consentOn(
  state: RegisteredPatient,
  scope: ConsentScope,
  at: string,
): ConsentDecision | undefined {
  const day = parisDate(at);
  let found: ConsentRecorded | undefined;
  for (const decision of Object.values(state.consentHistory)) {
    if (decision.scope === scope && decision.on <= day && (found === undefined || decision.on >= found.on)) {
      found = decision;
    }
  }
  return found?.decision;
}

/** The member's stay in the care circle still open (added and not removed), with its event id. */
export function openCareTeamPeriod(
  state: RegisteredPatient,
  memberId: string,
): (CareTeamPeriod & { eventId: string }) | undefined {
  for (const [eventId, period] of Object.entries(state.careTeam)) {
    if (period.memberId === memberId && period.to === undefined) return { ...period, eventId };
  }
  return undefined;
}

/** Why a member is in the care circle: added to it, or the médecin traitant or pharmacien correspondant. */
export type CareCircleBasis = 'care-team' | 'medecin-traitant' | 'pharmacien-correspondant';

export interface CareCircleMember {
  memberId: string;
  basis: CareCircleBasis;
  role?: CareTeamRole;
  from?: string;
  /** The addition a removal or a correction targets (`care-team` members only). */
  eventId?: string;
}

/**
 * The care circle today: the members added and not removed, the médecin traitant and the pharmacien
 * correspondant. A member the patient blocked is left out: the block wins over the circle.
 */
export function careCircle(state: PatientState): CareCircleMember[] {
  if (!state.exists) return [];
  const circle: CareCircleMember[] = [];
  const seen = new Set<string>();
  const add = (member: CareCircleMember) => {
    if (seen.has(member.memberId) || state.blockedMemberIds.includes(member.memberId)) return;
    seen.add(member.memberId);
    circle.push(member);
  };
  if (state.medecinTraitantMemberId !== undefined) {
    add({
      memberId: state.medecinTraitantMemberId,
      basis: 'medecin-traitant',
      ...(state.medecinTraitantSince === undefined ? {} : { from: state.medecinTraitantSince }),
    });
  }
  if (state.pharmacienCorrespondantMemberId !== undefined) {
    add({
      memberId: state.pharmacienCorrespondantMemberId,
      basis: 'pharmacien-correspondant',
      ...(state.pharmacienCorrespondantSince === undefined
        ? {}
        : { from: state.pharmacienCorrespondantSince }),
    });
  }
  for (const [eventId, period] of Object.entries(state.careTeam)) {
    if (period.to !== undefined) continue;
    add({ memberId: period.memberId, basis: 'care-team', role: period.role, from: period.from, eventId });
  }
  return circle;
}

/** Whether a member is in the patient's care circle today (and not blocked by the patient). */
export function inCareCircle(state: PatientState, memberId: string): boolean {
  return careCircle(state).some((member) => member.memberId === memberId);
}

/** Whether the patient blocked a member at a business time: the latest decision dated on or before its day. */
export function blockedAt(state: PatientState, memberId: string, at: string): boolean {
  if (!state.exists) return false;
  const day = parisDate(at);
  let found: BlockDecision | undefined;
  for (const decision of Object.values(state.blockHistory)) {
    if (
      decision.memberId === memberId &&
      decision.on <= day &&
      (found === undefined || decision.on >= found.on)
    ) {
      found = decision;
    }
  }
  return found?.blocked ?? false;
}

const entryDate = (event: PatientEvent): string | undefined => {
  switch (event.type) {
    case 'MedecinTraitantSearchRegistered':
      return event.data.registeredOn;
    case 'MedecinTraitantAssigned':
      return event.data.assignedOn;
    case 'MedecinTraitantSearchClosed':
      return event.data.closedOn;
    case 'PatientStatusUpdated':
      return event.data.effectiveOn;
    case 'ConsentRecorded':
    case 'ProfessionalAccessBlocked':
    case 'ProfessionalAccessUnblocked':
    case 'PharmacienCorrespondantDesignated':
    case 'PatientIdentityErased':
      return event.data.on;
    case 'CareTeamMemberAdded':
      return event.data.from;
    case 'CareTeamMemberRemoved':
      return event.data.to;
    default:
      return undefined;
  }
};

function evolveRegistered(state: RegisteredPatient, event: StoredEvent<PatientEvent>): RegisteredPatient {
  const id = event.context.eventId;
  switch (event.type) {
    case 'MedecinTraitantSearchRegistered':
      return { ...state, medecinTraitantSearch: { ...event.data, eventId: id } };
    case 'MedecinTraitantAssigned': {
      const { medecinTraitantSearch: _ended, ...rest } = state;
      return {
        ...rest,
        hasMedecinTraitant: true,
        medecinTraitantMemberId: event.data.memberId,
        medecinTraitantSince: event.data.assignedOn,
      };
    }
    case 'MedecinTraitantSearchClosed': {
      const { medecinTraitantSearch: _ended, ...rest } = state;
      return rest;
    }
    case 'ConsentRecorded':
      return {
        ...state,
        consentHistory: { ...state.consentHistory, [id]: event.data },
        consents: { ...state.consents, [event.data.scope]: event.data.decision },
      };
    case 'ProfessionalAccessBlocked':
    case 'ProfessionalAccessUnblocked': {
      const blocked = event.type === 'ProfessionalAccessBlocked';
      const { memberId, on } = event.data;
      const others = state.blockedMemberIds.filter((member) => member !== memberId);
      return {
        ...state,
        blockHistory: { ...state.blockHistory, [id]: { memberId, on, blocked } },
        blockedMemberIds: blocked ? [...others, memberId] : others,
      };
    }
    case 'PharmacienCorrespondantDesignated':
      return {
        ...state,
        pharmacienCorrespondantMemberId: event.data.memberId,
        pharmacienCorrespondantSince: event.data.on,
      };
    case 'CareTeamMemberAdded': {
      const { memberId, role, from } = event.data;
      return { ...state, careTeam: { ...state.careTeam, [id]: { memberId, role, from } } };
    }
    case 'CareTeamMemberRemoved': {
      const open = openCareTeamPeriod(state, event.data.memberId);
      if (open === undefined) return state;
      const { eventId, ...period } = open;
      return {
        ...state,
        careTeam: {
          ...state.careTeam,
          [eventId]: { ...period, to: event.data.to, removalReason: event.data.reason },
        },
      };
    }
    case 'PatientStatusUpdated': {
      const next = { ...state, statusUpdates: { ...state.statusUpdates, [id]: event.data } };
      return { ...next, ...statusOn(next) };
    }
    case 'PatientIdentityCorrected':
      return { ...state, sealedIdentity: event.data.identity, birthYear: event.data.birthYear };
    case 'PatientIdentityErased':
      return { ...state, erased: true, erasedOn: event.data.on };
    default:
      return state;
  }
}

/** What a registration starts a patient with: no status update, consent, block, care team or erasure yet. */
export const registrationDefaults = () => ({
  statusUpdates: {},
  consentHistory: {},
  consents: {},
  blockHistory: {},
  blockedMemberIds: [] as string[],
  careTeam: {},
  erased: false,
});

export const patientEvolver: Evolver<PatientState, PatientEvent> = {
  initialState: () => ({ exists: false }),
  evolve: (state, event: StoredEvent<PatientEvent>): PatientState => {
    if (event.type === 'PatientRegistered') {
      const { identity, ald, precarious, sex, birthYear, commune, hasMedecinTraitant } = event.data;
      // Every field named, the spreads last: V8 adds the properties that follow a spread in a literal one
      // by one, on a slow path that made this the costliest line of folding a patient.
      return {
        exists: true,
        sex,
        birthYear,
        hasMedecinTraitant,
        registeredStatus: { ald, precarious },
        ald,
        precarious,
        sealedIdentity: identity,
        ...registrationDefaults(),
        ...(commune === undefined ? {} : { commune }),
      };
    }
    if (!state.exists) return state;
    const next = evolveRegistered(state, event);
    const on = entryDate(event);
    return on === undefined || (next.earliestEntryOn !== undefined && next.earliestEntryOn <= on)
      ? next
      : { ...next, earliestEntryOn: on };
  },
};

/** The earliest business time of anything about this patient: their birth (`docs/rules.md`). */
export function earliestBusinessTime(state: RegisteredPatient, birthDate: string | null): string {
  return birthDate ?? `${state.birthYear}-01-01`;
}

/**
 * "A professional the patient blocked can record nothing for that patient": throws when one of these
 * members is blocked by the patient today. `path` names the request field that references them (none when
 * it is the caller themselves).
 */
export function assertNotBlocked(state: PatientState, memberIds: string[], path?: string): void {
  if (!state.exists) return;
  const blocked = memberIds.find((id) => state.blockedMemberIds.includes(id));
  if (blocked === undefined) return;
  throw blockedRule(path);
}

/** A member an entry names, blocked by the patient at the entry's business time. */
export function assertNotBlockedAt(state: PatientState, memberId: string, at: string, path: string): void {
  if (blockedAt(state, memberId, at)) throw blockedRule(path);
}

function blockedRule(path?: string) {
  return path === undefined
    ? broken(
        'professional-blocked',
        'Ce patient a bloqué votre accès : vous ne pouvez rien enregistrer pour lui.',
        'This patient has blocked your access: you may record nothing for them.',
      )
    : broken(
        'professional-blocked',
        'Ce patient a bloqué ce professionnel : il ne peut rien être enregistré par lui ou pour lui.',
        'This patient has blocked this professional: nothing may be recorded by or for them.',
        path,
      );
}

/** What a patient decision needs of the world beyond the patient's stream. */
export interface PatientRecordFacts {
  /** The birth date when readable, else January 1st of the birth year: nothing about the patient precedes it. */
  earliest: string;
  /** Every member the command names, as folded from their streams (absent: unknown in this CPTS). */
  members: Readonly<Record<string, MemberState>>;
  /** Seals an identity under the patient's key; called only once every rule holds. */
  seal?: (identity: PatientIdentity) => SealedIdentity;
}

const BIRTH = { fr: 'à la naissance du patient', en: 'the patient’s birth' };
const unknown: MemberState = { exists: false };

function assertRegistered(state: PatientState): asserts state is RegisteredPatient {
  if (!state.exists) {
    throw broken('unknown-patient', 'Ce patient n’existe pas.', 'This patient does not exist.');
  }
}

function assertNotErased(state: RegisteredPatient): void {
  if (state.erased) {
    throw broken(
      'patient-erased',
      `L’identité de ce patient a été effacée (${state.erasedOn ?? ''}) : plus rien ne peut être enregistré pour lui.`,
      `This patient's identity was erased (${state.erasedOn ?? ''}): nothing more may be recorded for them.`,
    );
  }
}

// ---- the stream's own rules --------------------------------------------------------------------------

/** What an entry must obey given the patient's stream before it (also rechecked after a correction). */
export function patientStreamRules(event: PatientEvent, state: PatientState): void {
  if (event.type === 'PatientRegistered') {
    if (state.exists)
      throw broken('patient-exists', 'Ce patient existe déjà.', 'This patient exists already.');
    return;
  }
  assertRegistered(state);
  assertNotErased(state);
  switch (event.type) {
    case 'MedecinTraitantSearchRegistered':
      if (state.medecinTraitantSearch !== undefined) {
        throw broken(
          'medecin-traitant-search-open',
          `Une recherche de médecin traitant est déjà en cours (depuis le ${state.medecinTraitantSearch.registeredOn}).`,
          `A search for a médecin traitant is already open (since ${state.medecinTraitantSearch.registeredOn}).`,
        );
      }
      return;
    case 'MedecinTraitantAssigned':
      if (state.medecinTraitantMemberId === event.data.memberId) {
        throw broken(
          'already-medecin-traitant',
          'Ce médecin est déjà le médecin traitant de ce patient.',
          'This doctor already is this patient’s médecin traitant.',
          'memberId',
        );
      }
      searchEndsAfterItStarted(state, event.data.assignedOn, 'assignedOn');
      return;
    case 'MedecinTraitantSearchClosed': {
      const search = state.medecinTraitantSearch;
      if (search === undefined) {
        throw broken(
          'no-open-medecin-traitant-search',
          'Aucune recherche de médecin traitant n’est en cours pour ce patient.',
          'No search for a médecin traitant is open for this patient.',
        );
      }
      searchEndsAfterItStarted(state, event.data.closedOn, 'closedOn');
      return;
    }
    case 'ConsentRecorded': {
      const previous = Object.values(state.consentHistory)
        .filter((decision) => decision.scope === event.data.scope)
        .reduce<string | undefined>(
          (latest, decision) => (latest && latest > decision.on ? latest : decision.on),
          undefined,
        );
      if (previous !== undefined) {
        notBefore(
          event.data.on,
          previous,
          { fr: 'à la dernière décision sur ce consentement', en: 'the latest decision on this consent' },
          'on',
        );
      }
      if (event.data.decision === 'retrait' && state.consents[event.data.scope] !== 'accord') {
        throw broken(
          'consent-not-given',
          'Un retrait de consentement suppose un accord en cours pour ce périmètre.',
          'A consent can only be withdrawn while it is given for this scope.',
          'decision',
        );
      }
      return;
    }
    case 'ProfessionalAccessBlocked':
      if (state.blockedMemberIds.includes(event.data.memberId)) {
        throw broken(
          'already-blocked',
          'Ce professionnel est déjà bloqué par ce patient.',
          'This professional is already blocked by this patient.',
          'memberId',
        );
      }
      return;
    case 'ProfessionalAccessUnblocked':
      if (!state.blockedMemberIds.includes(event.data.memberId)) {
        throw broken(
          'not-blocked',
          'Ce professionnel n’est pas bloqué par ce patient.',
          'This professional is not blocked by this patient.',
          'memberId',
        );
      }
      return;
    case 'CareTeamMemberAdded':
      careTeamAdditionRules(state, event.data.memberId, event.data.from);
      return;
    case 'CareTeamMemberRemoved': {
      const open = openCareTeamPeriod(state, event.data.memberId);
      if (open === undefined) {
        throw broken(
          'not-in-care-team',
          'Ce professionnel ne fait pas partie du cercle de soins de ce patient.',
          'This professional is not in this patient’s care circle.',
          'memberId',
        );
      }
      notBefore(
        event.data.to,
        open.from,
        { fr: 'à son entrée dans le cercle de soins', en: 'their joining the care circle' },
        'to',
      );
      return;
    }
    case 'PatientStatusUpdated': {
      const { ald, precarious, effectiveOn } = event.data;
      if (ald === undefined && precarious === undefined) {
        throw broken(
          'status-unchanged',
          'Indiquez ce qui change : l’ALD, la précarité, ou les deux.',
          'Say what changes: the ALD, the precarity, or both.',
        );
      }
      const before = statusOn(state, effectiveOn);
      if (
        (ald === undefined || ald === before.ald) &&
        (precarious === undefined || precarious === before.precarious)
      ) {
        throw broken(
          'status-unchanged',
          `Cette situation est déjà celle du patient au ${effectiveOn}.`,
          `This already is the patient’s situation on ${effectiveOn}.`,
          'effectiveOn',
        );
      }
      return;
    }
    default:
      return;
  }
}

/**
 * A member joins the circle once: not while in it already (added, or as médecin traitant or pharmacien
 * correspondant), and not before the end of an earlier stay (stays do not overlap).
 */
function careTeamAdditionRules(state: RegisteredPatient, memberId: string, from: string): void {
  if (
    openCareTeamPeriod(state, memberId) !== undefined ||
    state.medecinTraitantMemberId === memberId ||
    state.pharmacienCorrespondantMemberId === memberId
  ) {
    throw broken(
      'already-in-care-team',
      'Ce professionnel fait déjà partie du cercle de soins de ce patient.',
      'This professional already is in this patient’s care circle.',
      'memberId',
    );
  }
  const lastStay = Object.values(state.careTeam)
    .filter((period) => period.memberId === memberId && period.to !== undefined)
    .reduce<string | undefined>(
      (latest, period) => (latest && latest > period.to! ? latest : period.to),
      undefined,
    );
  if (lastStay !== undefined) {
    notBefore(
      from,
      lastStay,
      {
        fr: 'à la fin de son passage précédent dans le cercle',
        en: 'the end of their previous stay in the circle',
      },
      'from',
    );
  }
}

/** An assignment or a closure ends the open search: not before it was registered. */
function searchEndsAfterItStarted(state: RegisteredPatient, on: string, path: string): void {
  const search = state.medecinTraitantSearch;
  if (search !== undefined) {
    notBefore(on, search.registeredOn, { fr: 'à la recherche en cours', en: 'the open search' }, path);
  }
}

// ---- decisions ------------------------------------------------------------------------------------

/** The field of each entry that says when it happened. */
const BUSINESS_TIME: Partial<Record<PatientEvent['type'], string>> = {
  MedecinTraitantSearchRegistered: 'registeredOn',
  MedecinTraitantAssigned: 'assignedOn',
  MedecinTraitantSearchClosed: 'closedOn',
  ConsentRecorded: 'on',
  ProfessionalAccessBlocked: 'on',
  ProfessionalAccessUnblocked: 'on',
  PharmacienCorrespondantDesignated: 'on',
  PatientStatusUpdated: 'effectiveOn',
  PatientIdentityErased: 'on',
  CareTeamMemberAdded: 'from',
  CareTeamMemberRemoved: 'to',
};

/** The rules that need other records (members) or the clock, for an entry on a registered patient. */
function factRules(
  event: PatientEvent,
  state: RegisteredPatient,
  facts: PatientRecordFacts,
  now: Date,
): void {
  const field = BUSINESS_TIME[event.type];
  if (field !== undefined) {
    const at = (event.data as unknown as Record<string, string>)[field];
    checkBusinessTime(at, now, field, { at: facts.earliest, ...BIRTH });
  }
  const member = (id: string) => facts.members[id] ?? unknown;
  switch (event.type) {
    case 'MedecinTraitantSearchRegistered': {
      const { requestedBy, registeredOn } = event.data;
      if (requestedBy !== 'patient') {
        assertActiveMember(member(requestedBy), registeredOn, 'requestedBy');
        assertNotBlocked(state, [requestedBy], 'requestedBy');
      }
      return;
    }
    case 'MedecinTraitantAssigned': {
      const gp = member(event.data.memberId);
      assertActiveMember(gp, event.data.assignedOn, 'memberId');
      if (gp.profession !== 'medecin-generaliste') {
        throw broken(
          'not-a-medecin-generaliste',
          'Le médecin traitant doit être un membre médecin généraliste.',
          'The médecin traitant must be a medecin-generaliste member.',
          'memberId',
        );
      }
      assertNotBlocked(state, [event.data.memberId], 'memberId');
      return;
    }
    case 'ProfessionalAccessBlocked':
      assertActiveMember(member(event.data.memberId), event.data.on, 'memberId');
      return;
    case 'PharmacienCorrespondantDesignated': {
      const pharmacist = member(event.data.memberId);
      assertActiveMember(pharmacist, event.data.on, 'memberId');
      if (pharmacist.profession !== 'pharmacien') {
        throw broken(
          'not-a-pharmacien',
          'Le pharmacien correspondant doit être un membre pharmacien.',
          'The pharmacien correspondant must be a pharmacien member.',
          'memberId',
        );
      }
      assertNotBlocked(state, [event.data.memberId], 'memberId');
      return;
    }
    case 'CareTeamMemberAdded':
      assertActiveMember(member(event.data.memberId), event.data.from, 'memberId');
      assertNotBlocked(state, [event.data.memberId], 'memberId');
      return;
    default:
      return;
  }
}

/** The registration: the identity is sealed only once every rule holds (nothing encrypted, no key, otherwise). */
function register(
  command: Extract<PatientCommand, { type: 'RegisterPatient' }>,
  state: PatientState,
  facts: PatientRecordFacts,
  now: Date,
): PatientEvent[] {
  if (state.exists) throw broken('patient-exists', 'Ce patient existe déjà.', 'This patient exists already.');
  const { identity, sex, birthYear, commune, ald, precarious, hasMedecinTraitant } = command.data;
  checkIdentity(identity, birthYear, now, 'birthYear');
  return [
    {
      type: 'PatientRegistered',
      data: {
        identity: sealed(identity, facts),
        sex,
        birthYear,
        ...(commune === undefined ? {} : { commune }),
        ald,
        precarious,
        hasMedecinTraitant,
      },
    },
  ];
}

function checkIdentity(identity: PatientIdentity, birthYear: number, now: Date, yearPath: string): void {
  notInFuture(identity.birthDate, now, 'identity.birthDate');
  if (Number(identity.birthDate.slice(0, 4)) !== birthYear) {
    throw broken(
      'birth-year-mismatch',
      `L’année de naissance (${birthYear}) ne correspond pas à la date de naissance (${identity.birthDate.slice(0, 4)}).`,
      `The birth year (${birthYear}) does not match the birth date (${identity.birthDate.slice(0, 4)}).`,
      yearPath,
    );
  }
}

function sealed(identity: PatientIdentity, facts: PatientRecordFacts): SealedIdentity {
  if (!facts.seal) throw new Error('an identity can only be recorded with a sealer');
  const { familyName, givenName, birthDate, ins } = identity;
  return facts.seal({ familyName, givenName, birthDate, ...(ins === undefined ? {} : { ins }) });
}

/** The identity corrected: the same rules as at registration, and no entry of the patient before the birth. */
function correctIdentity(
  command: Extract<PatientCommand, { type: 'CorrectPatientIdentity' }>,
  state: RegisteredPatient,
  facts: PatientRecordFacts,
  now: Date,
): PatientEvent[] {
  assertNotErased(state);
  const { identity, reason } = command.data;
  const birthYear = Number(identity.birthDate.slice(0, 4));
  checkIdentity(identity, birthYear, now, 'identity.birthDate');
  if (state.earliestEntryOn !== undefined && identity.birthDate > state.earliestEntryOn) {
    throw broken(
      'business-time-too-early',
      `Le dossier du patient compte une entrée du ${state.earliestEntryOn}, avant cette date de naissance.`,
      `The patient’s record holds an entry of ${state.earliestEntryOn}, before this birth date.`,
      'identity.birthDate',
    );
  }
  return [
    { type: 'PatientIdentityCorrected', data: { identity: sealed(identity, facts), birthYear, reason } },
  ];
}

/** The event a command on a registered patient asks for, before any rule. */
function eventOf(
  command: Exclude<PatientCommand, { type: 'RegisterPatient' | 'CorrectPatientIdentity' }>,
): PatientEvent {
  switch (command.type) {
    case 'RegisterMedecinTraitantSearch':
      return { type: 'MedecinTraitantSearchRegistered', data: command.data };
    case 'AssignMedecinTraitant':
      return { type: 'MedecinTraitantAssigned', data: command.data };
    case 'CloseMedecinTraitantSearch':
      return { type: 'MedecinTraitantSearchClosed', data: command.data };
    case 'RecordConsent':
      return { type: 'ConsentRecorded', data: command.data };
    case 'BlockProfessional':
      return { type: 'ProfessionalAccessBlocked', data: command.data };
    case 'UnblockProfessional':
      return { type: 'ProfessionalAccessUnblocked', data: command.data };
    case 'DesignatePharmacienCorrespondant':
      return { type: 'PharmacienCorrespondantDesignated', data: command.data };
    case 'UpdatePatientStatus':
      return { type: 'PatientStatusUpdated', data: command.data };
    case 'ErasePatientIdentity':
      return { type: 'PatientIdentityErased', data: command.data };
    case 'AddCareTeamMember':
      return { type: 'CareTeamMemberAdded', data: command.data };
    case 'RemoveCareTeamMember':
      return { type: 'CareTeamMemberRemoved', data: command.data };
  }
}

/**
 * The one decision of the patients capability: the command, the patient's state, the facts (birth,
 * members named, the sealer) and the decision's context (clock, actor).
 */
export function decidePatient(
  command: PatientCommand,
  state: PatientState,
  facts: PatientRecordFacts,
  decision: Decision,
): PatientEvent[] {
  if (command.type === 'RegisterPatient') return register(command, state, facts, decision.now);
  assertRegistered(state);
  // A professional the patient blocked records nothing for them (the coordinator's routes, and imports).
  if (decision.actor.role === 'professional') assertNotBlocked(state, [decision.actor.id]);
  if (command.type === 'CorrectPatientIdentity') return correctIdentity(command, state, facts, decision.now);
  const event = eventOf(command);
  patientStreamRules(event, state);
  factRules(event, state, facts, decision.now);
  return [event];
}

const COMMAND_OF: Partial<Record<PatientEvent['type'], PatientCommand['type']>> = {
  MedecinTraitantSearchRegistered: 'RegisterMedecinTraitantSearch',
  MedecinTraitantAssigned: 'AssignMedecinTraitant',
  MedecinTraitantSearchClosed: 'CloseMedecinTraitantSearch',
  ConsentRecorded: 'RecordConsent',
  PatientStatusUpdated: 'UpdatePatientStatus',
  CareTeamMemberAdded: 'AddCareTeamMember',
  CareTeamMemberRemoved: 'RemoveCareTeamMember',
};

/**
 * The médecin-traitant search (its registration, assignment and closure), consents, the status and the
 * care circle's additions and removals are corrected and voided; the registration has the identity correction, blocks their own unblocking.
 */
export const patientCorrections: CorrectionRules<PatientState, PatientEvent, PatientRecordFacts> = {
  evolver: patientEvolver,
  correctable: {
    MedecinTraitantSearchRegistered: {},
    MedecinTraitantAssigned: {},
    MedecinTraitantSearchClosed: {},
    ConsentRecorded: {},
    PatientStatusUpdated: { optional: ['ald', 'precarious'] },
    CareTeamMemberAdded: {},
    // Who left is what ties the removal to a stay: void it and record the right one instead.
    CareTeamMemberRemoved: { locked: ['memberId'] },
  },
  voidable: new Set([
    'MedecinTraitantSearchRegistered',
    'MedecinTraitantAssigned',
    'MedecinTraitantSearchClosed',
    'ConsentRecorded',
    'PatientStatusUpdated',
    'CareTeamMemberAdded',
    'CareTeamMemberRemoved',
  ]),
  redecide: (entry, before, facts, decision) =>
    void decidePatient(
      { type: COMMAND_OF[entry.type], data: entry.data } as PatientCommand,
      before,
      facts,
      decision,
    ),
  recheck: (entry, before) => patientStreamRules(entry, before),
};
