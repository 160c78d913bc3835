import { assertActiveMember, type MemberState } from '../members/member.decider';
import type { Decision, Evolver, StoredEvent } from '../shared/decider';
import { broken } from '../shared/errors';
import { parisDate } from '../shared/paris-time';
import { notInFuture } from '../shared/time';
import { NATIONAL_PROTOCOLS } from './national-protocols';
import type { ProtocolCommand } from './protocol.commands';
import {
  DELEGATING_PROFESSIONS,
  type ProtocolAdherentRegistered,
  type ProtocolEvent,
  type ProtocolPublished,
  type ProtocolRetired,
} from './protocol.events';

/** One published version of a protocol: the data of its `ProtocolPublished`. */
export type ProtocolVersion = ProtocolPublished;

export type ProtocolAdherent = ProtocolAdherentRegistered;

export type ProtocolState =
  | { exists: false }
  | {
      exists: true;
      code: string;
      /** In publication order, which is also increasing version order. */
      versions: ProtocolVersion[];
      adherents: ProtocolAdherent[];
      /** The retirement's `effectiveTo`: the last day the protocol is in force. */
      retiredOn?: string;
    };
type Published = Extract<ProtocolState, { exists: true }>;

export const protocolEvolver: Evolver<ProtocolState, ProtocolEvent> = {
  initialState: () => ({ exists: false }),
  evolve: (state, event: StoredEvent<ProtocolEvent>): ProtocolState => {
    switch (event.type) {
      case 'ProtocolPublished':
        return state.exists
          ? { ...state, versions: [...state.versions, event.data] }
          : { exists: true, code: event.data.code, versions: [event.data], adherents: [] };
      case 'ProtocolAdherentRegistered':
        return state.exists ? { ...state, adherents: [...state.adherents, event.data] } : state;
      case 'ProtocolRetired':
        return state.exists ? { ...state, retiredOn: event.data.effectiveTo } : state;
      default:
        return state;
    }
  },
};

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The version in force at `at` (a timestamp, or a `YYYY-MM-DD` date): the highest version whose
 * `effectiveFrom` is on or before the Paris calendar date of `at`; none before the first takes effect,
 * and none after the retirement's `effectiveTo` (the last day in force).
 */
export function versionInForce(state: ProtocolState, at: string): ProtocolVersion | null {
  if (!state.exists) return null;
  const day = DATE_ONLY.test(at) ? at : parisDate(at);
  if (state.retiredOn !== undefined && day > state.retiredOn) return null;
  let inForce: ProtocolVersion | null = null;
  for (const version of state.versions) {
    if (version.effectiveFrom <= day && (inForce === null || version.version > inForce.version)) {
      inForce = version;
    }
  }
  return inForce;
}

/** The highest version published (what the protocol says now, whether in force yet or not). */
export function latestVersion(state: Published): ProtocolVersion {
  return state.versions.reduce((latest, version) => (version.version > latest.version ? version : latest));
}

function assertNotRetired(state: Published, path: string): void {
  if (state.retiredOn !== undefined) {
    throw broken(
      'protocol-retired',
      `Ce protocole est retiré depuis le ${state.retiredOn}.`,
      `This protocol was retired on ${state.retiredOn}.`,
      path,
    );
  }
}

// ---- publication ------------------------------------------------------------------------------------

/** The codes of the national cooperation protocols: the platform's data, released with the software. */
const NATIONAL_CODES: ReadonlySet<string> = new Set(NATIONAL_PROTOCOLS.map((protocol) => protocol.code));

/** A national cooperation protocol is the platform's: a CPTS neither re-versions nor retires it. */
function isNational(code: string, state: ProtocolState): boolean {
  return (
    NATIONAL_CODES.has(code) ||
    (state.exists && state.versions.some((version) => version.kind === 'cooperation-nationale'))
  );
}

function nationalReserved(path: string) {
  return broken(
    'national-protocol-reserved',
    'Les protocoles de coopération nationaux sont fixés par arrêté et livrés avec la plateforme : une CPTS ne peut ni en publier, ni en modifier, ni en retirer, ni reprendre leur code.',
    'National cooperation protocols are set by arrêté and shipped with the platform: a CPTS cannot publish, re-version or retire one, nor reuse its code.',
    path,
  );
}

function decidePublish(command: ProtocolPublished, state: ProtocolState): ProtocolEvent[] {
  if (command.kind === 'cooperation-nationale') throw nationalReserved('kind');
  if (isNational(command.code, state)) throw nationalReserved('code');
  const { minAgeMonths, maxAgeMonths } = command.eligibility;
  if (minAgeMonths !== undefined && maxAgeMonths !== undefined && minAgeMonths > maxAgeMonths) {
    throw broken(
      'eligibility-age-reversed',
      'L’âge maximal d’éligibilité est inférieur à l’âge minimal.',
      'The maximum eligible age is below the minimum one.',
      'eligibility.maxAgeMonths',
    );
  }
  if (state.exists) {
    assertNotRetired(state, 'version');
    const latest = latestVersion(state);
    if (command.version <= latest.version) {
      throw broken(
        'protocol-version-not-increasing',
        `La version doit être supérieure à la dernière publiée (${latest.version}).`,
        `The version must be greater than the latest published one (${latest.version}).`,
        'version',
      );
    }
    if (command.effectiveFrom < latest.effectiveFrom) {
      throw broken(
        'protocol-effective-before-previous',
        `Une nouvelle version ne peut pas prendre effet avant la précédente (${latest.effectiveFrom}).`,
        `A new version cannot take effect before the previous one (${latest.effectiveFrom}).`,
        'effectiveFrom',
      );
    }
  }
  return [{ type: 'ProtocolPublished', data: command }];
}

// ---- adherents --------------------------------------------------------------------------------------

/** The two members the registration names, as folded from their streams in this CPTS. */
export interface AdherentFacts {
  member: MemberState;
  doctor: MemberState;
}

function decideRegisterAdherent(
  command: ProtocolAdherentRegistered,
  state: Published,
  facts: AdherentFacts,
  now: Date,
): ProtocolEvent[] {
  notInFuture(command.trainedOn, now, 'trainedOn');
  notInFuture(command.signedOn, now, 'signedOn');
  if (command.signedOn < command.trainedOn) {
    throw broken(
      'signed-before-training',
      'Le protocole ne peut être signé qu’après la formation.',
      'The protocol can only be signed after the training.',
      'signedOn',
    );
  }
  if (state.retiredOn !== undefined && command.signedOn > state.retiredOn) {
    throw broken(
      'protocol-retired',
      `Ce protocole est retiré depuis le ${state.retiredOn}.`,
      `This protocol was retired on ${state.retiredOn}.`,
      'signedOn',
    );
  }
  if (command.memberId === command.delegatingDoctorMemberId) {
    throw broken(
      'self-delegation',
      'Un professionnel ne peut pas se déléguer un acte à lui-même.',
      'A professional cannot delegate to themselves.',
      'delegatingDoctorMemberId',
    );
  }
  // Both must be members of this CPTS on the day the delegation is signed.
  const { member, doctor } = facts;
  assertActiveMember(member, command.signedOn, 'memberId');
  assertActiveMember(doctor, command.signedOn, 'delegatingDoctorMemberId');
  const allowed = latestVersion(state).professions;
  if (!allowed.includes(member.profession)) {
    throw broken(
      'profession-not-allowed',
      `La profession ${member.profession} ne peut pas appliquer ce protocole (${allowed.join(', ')}).`,
      `The profession ${member.profession} may not apply this protocol (${allowed.join(', ')}).`,
      'memberId',
    );
  }
  if (!DELEGATING_PROFESSIONS.includes(doctor.profession)) {
    throw broken(
      'delegating-doctor-not-a-doctor',
      'Le délégant doit être un médecin (généraliste ou spécialiste).',
      'The delegating member must be a doctor (general practitioner or specialist).',
      'delegatingDoctorMemberId',
    );
  }
  const registered = state.adherents.find(
    (a) => a.memberId === command.memberId && a.delegatingDoctorMemberId === command.delegatingDoctorMemberId,
  );
  if (registered) {
    throw broken(
      'adherent-registered',
      `Ce professionnel est déjà adhérent de ce protocole avec ce médecin (signé le ${registered.signedOn}).`,
      `This professional is a registered adherent with this doctor already (signed on ${registered.signedOn}).`,
      'memberId',
    );
  }
  return [{ type: 'ProtocolAdherentRegistered', data: command }];
}

// ---- retirement -------------------------------------------------------------------------------------

function decideRetire(command: ProtocolRetired, state: Published): ProtocolEvent[] {
  if (isNational(state.code, state)) throw nationalReserved('code');
  assertNotRetired(state, 'effectiveTo');
  const firstEffective = state.versions.reduce(
    (first, version) => (version.effectiveFrom < first ? version.effectiveFrom : first),
    state.versions[0].effectiveFrom,
  );
  if (command.effectiveTo < firstEffective) {
    throw broken(
      'retirement-before-publication',
      `Le protocole ne peut pas être retiré avant d’être entré en vigueur (${firstEffective}).`,
      `The protocol cannot be retired before it took effect (${firstEffective}).`,
      'effectiveTo',
    );
  }
  return [{ type: 'ProtocolRetired', data: command }];
}

/**
 * The one decision of the protocol catalogue: the command, the protocol's stream, the members an
 * adherence names (unused otherwise), the clock. A command other than a publication needs the protocol.
 */
export function decideProtocol(
  command: ProtocolCommand,
  state: ProtocolState,
  facts: AdherentFacts,
  decision: Decision,
): ProtocolEvent[] {
  if (command.type === 'PublishProtocol') return decidePublish(command.data, state);
  if (!state.exists) {
    throw broken(
      'unknown-protocol',
      'Ce protocole n’existe pas dans cette CPTS.',
      'This protocol does not exist in this CPTS.',
      'code',
    );
  }
  return command.type === 'RegisterProtocolAdherent'
    ? decideRegisterAdherent(command.data, state, facts, decision.now)
    : decideRetire(command.data, state);
}
