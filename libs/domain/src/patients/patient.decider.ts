import type { SealedIdentity } from '@parcours/crypto';
import type { Evolver, StoredEvent } from '../shared/decider';
import { broken } from '../shared/errors';
import { assertActiveMember, type MemberState } from '../members/member.decider';
import { checkBusinessTime, notBefore, notInFuture } from '../shared/time';
import type {
  ConsentDecision,
  ConsentRecorded,
  ConsentScope,
  MedecinTraitantAssigned,
  MedecinTraitantSearchRegistered,
  PatientEvent,
  PatientIdentity,
  PatientIdentityErased,
  PatientSex,
  PharmacienCorrespondantDesignated,
  ProfessionalAccessBlocked,
  ProfessionalAccessUnblocked,
  RegisterPatient,
} from './patient.events';

export type PatientState =
  | { exists: false }
  | {
      exists: true;
      sex: PatientSex;
      birthYear: number;
      commune?: string;
      ald: boolean;
      precarious: boolean;
      hasMedecinTraitant: boolean;
      medecinTraitantMemberId?: string;
      /** The search registered and not yet ended by an assignment. */
      medecinTraitantSearch?: MedecinTraitantSearchRegistered;
      /** The latest decision per scope. */
      consents: Partial<Record<ConsentScope, ConsentDecision>>;
      /** The date of the latest decision per scope (decisions are recorded in date order). */
      consentDates: Partial<Record<ConsentScope, string>>;
      blockedMemberIds: string[];
      pharmacienCorrespondantMemberId?: string;
      /** The identity was erased: its key is destroyed (or being destroyed). Never open it again. */
      erased: boolean;
      erasedOn?: string;
      /** The identity as stored: ciphertext under the patient's key. */
      sealedIdentity: SealedIdentity;
    };

export type RegisteredPatient = Extract<PatientState, { exists: true }>;

export const patientEvolver: Evolver<PatientState, PatientEvent> = {
  initialState: () => ({ exists: false }),
  evolve: (state, event: StoredEvent<PatientEvent>): PatientState => {
    if (event.type === 'PatientRegistered') {
      const { identity, ...data } = event.data;
      return {
        ...data,
        exists: true,
        consents: {},
        consentDates: {},
        blockedMemberIds: [],
        erased: false,
        sealedIdentity: identity,
      };
    }
    if (!state.exists) return state;
    switch (event.type) {
      case 'MedecinTraitantSearchRegistered':
        return { ...state, medecinTraitantSearch: event.data };
      case 'MedecinTraitantAssigned': {
        const { medecinTraitantSearch: _ended, ...rest } = state;
        return { ...rest, hasMedecinTraitant: true, medecinTraitantMemberId: event.data.memberId };
      }
      case 'ConsentRecorded':
        return {
          ...state,
          consents: { ...state.consents, [event.data.scope]: event.data.decision },
          consentDates: { ...state.consentDates, [event.data.scope]: event.data.on },
        };
      case 'ProfessionalAccessBlocked':
        return state.blockedMemberIds.includes(event.data.memberId)
          ? state
          : { ...state, blockedMemberIds: [...state.blockedMemberIds, event.data.memberId] };
      case 'ProfessionalAccessUnblocked':
        return {
          ...state,
          blockedMemberIds: state.blockedMemberIds.filter((id) => id !== event.data.memberId),
        };
      case 'PharmacienCorrespondantDesignated':
        return { ...state, pharmacienCorrespondantMemberId: event.data.memberId };
      case 'PatientIdentityErased':
        return { ...state, erased: true, erasedOn: event.data.on };
      default:
        return state;
    }
  },
};

/** The earliest business time of anything about this patient: their birth (`events.md`, rules). */
export function earliestBusinessTime(state: RegisteredPatient, birthDate: string | null): string {
  return birthDate ?? `${state.birthYear}-01-01`;
}

/**
 * "A professional the patient blocked can record nothing for that patient": throws when one of these
 * members is blocked by the patient. `path` names the request field that references them (none when it is
 * the caller themselves).
 */
export function assertNotBlocked(state: PatientState, memberIds: string[], path?: string): void {
  if (!state.exists) return;
  const blocked = memberIds.find((id) => state.blockedMemberIds.includes(id));
  if (blocked === undefined) return;
  throw path === undefined
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

/** Who records, when, and from what date on this patient's business times are possible. */
export interface PatientCommandContext {
  actor: { id: string; role: string };
  now: Date;
  /** `earliestBusinessTime`: the birth date when readable, else January 1st of the birth year. */
  earliest: string;
}

function assertRegistered(state: PatientState): asserts state is RegisteredPatient {
  if (!state.exists) {
    throw broken('unknown-patient', 'Ce patient n’existe pas.', 'This patient does not exist.');
  }
}

/** What every command on an existing patient checks first: who records, and that the patient is not erased. */
function assertMayRecord(
  state: PatientState,
  context: PatientCommandContext,
): asserts state is RegisteredPatient {
  assertRegistered(state);
  if (context.actor.role === 'professional') assertNotBlocked(state, [context.actor.id]);
  if (state.erased) {
    throw broken(
      'patient-erased',
      `L’identité de ce patient a été effacée (${state.erasedOn ?? ''}) : plus rien ne peut être enregistré pour lui.`,
      `This patient's identity was erased (${state.erasedOn ?? ''}): nothing more may be recorded for them.`,
    );
  }
}

function checkTime(value: string, context: PatientCommandContext, path: string): void {
  checkBusinessTime(value, context.now, path, {
    at: context.earliest,
    fr: 'à la naissance du patient',
    en: 'the patient’s birth',
  });
}

export function decideRegister(
  command: RegisterPatient,
  state: PatientState,
  now: Date,
  seal: (identity: PatientIdentity) => SealedIdentity,
): PatientEvent[] {
  if (state.exists) throw broken('patient-exists', 'Ce patient existe déjà.', 'This patient exists already.');
  const { familyName, givenName, birthDate, ins } = command.identity;
  notInFuture(birthDate, now, 'identity.birthDate');
  if (Number(birthDate.slice(0, 4)) !== command.birthYear) {
    throw broken(
      'birth-year-mismatch',
      `L’année de naissance (${command.birthYear}) ne correspond pas à la date de naissance (${birthDate.slice(0, 4)}).`,
      `The birth year (${command.birthYear}) does not match the birth date (${birthDate.slice(0, 4)}).`,
      'birthYear',
    );
  }
  // Sealed only once every rule holds: nothing is encrypted (nor any key made) for a refused command.
  const identity = seal({ familyName, givenName, birthDate, ...(ins === undefined ? {} : { ins }) });
  const { sex, birthYear, commune, ald, precarious, hasMedecinTraitant } = command;
  return [
    {
      type: 'PatientRegistered',
      data: {
        identity,
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

/** `requester` is the member's state, or `'patient'` when the patient asked themselves. */
export function decideMedecinTraitantSearch(
  command: MedecinTraitantSearchRegistered,
  state: PatientState,
  context: PatientCommandContext,
  requester: MemberState | 'patient',
): PatientEvent[] {
  assertMayRecord(state, context);
  checkTime(command.registeredOn, context, 'registeredOn');
  if (requester !== 'patient') {
    assertActiveMember(requester, command.registeredOn, 'requestedBy');
    assertNotBlocked(state, [command.requestedBy], 'requestedBy');
  }
  if (state.medecinTraitantSearch !== undefined) {
    throw broken(
      'medecin-traitant-search-open',
      `Une recherche de médecin traitant est déjà en cours (depuis le ${state.medecinTraitantSearch.registeredOn}).`,
      `A search for a médecin traitant is already open (since ${state.medecinTraitantSearch.registeredOn}).`,
    );
  }
  return [{ type: 'MedecinTraitantSearchRegistered', data: { ...command } }];
}

export function decideAssignMedecinTraitant(
  command: MedecinTraitantAssigned,
  state: PatientState,
  context: PatientCommandContext,
  member: MemberState,
): PatientEvent[] {
  assertMayRecord(state, context);
  checkTime(command.assignedOn, context, 'assignedOn');
  assertActiveMember(member, command.assignedOn, 'memberId');
  if (member.profession !== 'medecin-generaliste') {
    throw broken(
      'not-a-medecin-generaliste',
      'Le médecin traitant doit être un membre médecin généraliste.',
      'The médecin traitant must be a medecin-generaliste member.',
      'memberId',
    );
  }
  assertNotBlocked(state, [command.memberId], 'memberId');
  if (state.medecinTraitantMemberId === command.memberId) {
    throw broken(
      'already-medecin-traitant',
      'Ce médecin est déjà le médecin traitant de ce patient.',
      'This doctor already is this patient’s médecin traitant.',
      'memberId',
    );
  }
  return [{ type: 'MedecinTraitantAssigned', data: { ...command } }];
}

export function decideConsent(
  command: ConsentRecorded,
  state: PatientState,
  context: PatientCommandContext,
): PatientEvent[] {
  assertMayRecord(state, context);
  checkTime(command.on, context, 'on');
  const previousOn = state.consentDates[command.scope];
  if (previousOn !== undefined) {
    notBefore(
      command.on,
      previousOn,
      { fr: 'à la dernière décision sur ce consentement', en: 'the latest decision on this consent' },
      'on',
    );
  }
  if (command.decision === 'retrait' && state.consents[command.scope] !== 'accord') {
    throw broken(
      'consent-not-given',
      'Un retrait de consentement suppose un accord en cours pour ce périmètre.',
      'A consent can only be withdrawn while it is given for this scope.',
      'decision',
    );
  }
  return [{ type: 'ConsentRecorded', data: { ...command } }];
}

export function decideBlock(
  command: ProfessionalAccessBlocked,
  state: PatientState,
  context: PatientCommandContext,
  member: MemberState,
): PatientEvent[] {
  assertMayRecord(state, context);
  checkTime(command.on, context, 'on');
  assertActiveMember(member, command.on, 'memberId');
  if (state.blockedMemberIds.includes(command.memberId)) {
    throw broken(
      'already-blocked',
      'Ce professionnel est déjà bloqué par ce patient.',
      'This professional is already blocked by this patient.',
      'memberId',
    );
  }
  return [{ type: 'ProfessionalAccessBlocked', data: { ...command } }];
}

export function decideUnblock(
  command: ProfessionalAccessUnblocked,
  state: PatientState,
  context: PatientCommandContext,
): PatientEvent[] {
  assertMayRecord(state, context);
  checkTime(command.on, context, 'on');
  if (!state.blockedMemberIds.includes(command.memberId)) {
    throw broken(
      'not-blocked',
      'Ce professionnel n’est pas bloqué par ce patient.',
      'This professional is not blocked by this patient.',
      'memberId',
    );
  }
  return [{ type: 'ProfessionalAccessUnblocked', data: { ...command } }];
}

export function decidePharmacienCorrespondant(
  command: PharmacienCorrespondantDesignated,
  state: PatientState,
  context: PatientCommandContext,
  member: MemberState,
): PatientEvent[] {
  assertMayRecord(state, context);
  checkTime(command.on, context, 'on');
  assertActiveMember(member, command.on, 'memberId');
  if (member.profession !== 'pharmacien') {
    throw broken(
      'not-a-pharmacien',
      'Le pharmacien correspondant doit être un membre pharmacien.',
      'The pharmacien correspondant must be a pharmacien member.',
      'memberId',
    );
  }
  assertNotBlocked(state, [command.memberId], 'memberId');
  return [{ type: 'PharmacienCorrespondantDesignated', data: { ...command } }];
}

export function decideErasure(
  command: PatientIdentityErased,
  state: PatientState,
  context: PatientCommandContext,
): PatientEvent[] {
  assertMayRecord(state, context);
  checkTime(command.on, context, 'on');
  return [{ type: 'PatientIdentityErased', data: { ...command } }];
}
