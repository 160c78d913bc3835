import { assertActiveMember, type MemberState } from '../members/member.decider';
import { assertNotBlocked, assertNotBlockedAt, type PatientState } from '../patients/patient.decider';
import { openAt, type PathwayState } from '../pathways/pathway.decider';
import type { CorrectionRules } from '../shared/corrections';
import type { Decision, Evolver, StoredEvent } from '../shared/decider';
import { broken } from '../shared/errors';
import { parisDate } from '../shared/paris-time';
import { compareBusinessTimes, notInFuture, plannedWithinAYear } from '../shared/time';
import type { RcpCommand } from './rcp.commands';
import type { RcpEvent, RcpHeld } from './rcp.events';

export type RcpState = { exists: false } | (RcpHeld & { exists: true });

export const rcpEvolver: Evolver<RcpState, RcpEvent> = {
  initialState: () => ({ exists: false }),
  evolve: (state, event: StoredEvent<RcpEvent>): RcpState => {
    switch (event.type) {
      case 'RcpHeld':
        return { ...event.data, exists: true };
      default:
        return state;
    }
  },
};

/**
 * What the decision needs from other streams, loaded by the handler: every member the command names
 * (convener and member participants; a member absent from the map is unknown in this CPTS), each case's
 * pathway (its lifecycle) and that pathway's patient (its blocks), all as folded from their streams.
 */
export interface RcpFacts {
  members: Readonly<Record<string, MemberState>>;
  pathways: Readonly<Record<string, PathwayState>>;
  patients: Readonly<Record<string, PatientState>>;
}

export const RCP_MAX_MINUTES = 600;

const unknownMember: MemberState = { exists: false };

/** The RCP's own rules: its length, two professions, one case at least, each discussed once. */
function rcpRules(command: RcpHeld, members: RcpFacts['members']): void {
  if (
    !Number.isInteger(command.durationMinutes) ||
    command.durationMinutes < 1 ||
    command.durationMinutes > RCP_MAX_MINUTES
  ) {
    throw broken(
      'rcp-duration-out-of-range',
      `La durée d’une RCP est comprise entre 1 et ${RCP_MAX_MINUTES} minutes.`,
      `An RCP lasts between 1 and ${RCP_MAX_MINUTES} minutes.`,
      'durationMinutes',
    );
  }
  const memberAt = (id: string) => members[id] ?? unknownMember;
  assertActiveMember(memberAt(command.convenedBy), command.heldAt, 'convenedBy');

  const seen = new Set<string>();
  const professions = new Set<string>();
  command.participants.forEach((participant, index) => {
    if ('memberId' in participant) {
      const path = `participants[${index}].memberId`;
      if (seen.has(participant.memberId)) {
        throw broken(
          'duplicate-participant',
          'Ce membre figure deux fois parmi les participants.',
          'This member is listed twice among the participants.',
          path,
        );
      }
      seen.add(participant.memberId);
      const member = memberAt(participant.memberId);
      assertActiveMember(member, command.heldAt, path);
      professions.add(member.profession);
    } else {
      professions.add(participant.profession);
    }
  });
  // Pluriprofessional is the point of an RCP: two people of one profession are not one.
  if (command.participants.length < 2 || professions.size < 2) {
    throw broken(
      'rcp-needs-two-professions',
      'Une RCP réunit au moins deux participants de deux professions différentes.',
      'An RCP brings together at least two participants of two different professions.',
      'participants',
    );
  }
  if (command.cases.length === 0) {
    throw broken(
      'rcp-needs-a-case',
      'Une RCP discute au moins le cas d’un patient.',
      'An RCP discusses at least one patient’s case.',
      'cases',
    );
  }
}

/**
 * Each case: a pathway of this CPTS, opened by the RCP and open then; its review at most a year ahead;
 * and its patient blocks neither the convenor nor a member participant.
 */
function caseRules(command: RcpHeld, facts: RcpFacts, decision: Decision): void {
  const heldOn = parisDate(command.heldAt);
  const discussed = new Set<string>();
  command.cases.forEach((rcpCase, index) => {
    const path = `cases[${index}].pathwayId`;
    if (discussed.has(rcpCase.pathwayId)) {
      throw broken(
        'duplicate-case',
        'Ce parcours est discuté deux fois dans la même RCP : regroupez les décisions.',
        'This pathway is discussed twice in the same RCP: put the decisions together.',
        path,
      );
    }
    discussed.add(rcpCase.pathwayId);
    const pathway = facts.pathways[rcpCase.pathwayId] ?? { exists: false };
    if (!pathway.exists) {
      throw broken(
        'unknown-pathway',
        'Ce parcours n’existe pas dans cette CPTS.',
        'This pathway does not exist in this CPTS.',
        path,
      );
    }
    if (compareBusinessTimes(command.heldAt, pathway.openedAt) < 0) {
      throw broken(
        'business-time-too-early',
        `La RCP (${command.heldAt}) précède l’ouverture de ce parcours (${pathway.openedAt}).`,
        `The RCP (${command.heldAt}) is before this pathway’s opening (${pathway.openedAt}).`,
        'heldAt',
      );
    }
    if (!openAt(pathway, command.heldAt)) {
      throw broken(
        'pathway-not-open',
        'Ce parcours était clos à la date de la RCP.',
        'This pathway was closed on the date of the RCP.',
        path,
      );
    }
    if (rcpCase.reviewOn !== undefined) {
      if (rcpCase.reviewOn < heldOn) {
        throw broken(
          'review-before-rcp',
          `La date de réévaluation ${rcpCase.reviewOn} précède la RCP (${heldOn}).`,
          `The review date ${rcpCase.reviewOn} is before the RCP (${heldOn}).`,
          `cases[${index}].reviewOn`,
        );
      }
      plannedWithinAYear(rcpCase.reviewOn, decision.now, `cases[${index}].reviewOn`);
    }
    const patient = facts.patients[pathway.patientId] ?? { exists: false };
    // A professional the patient blocked records nothing about them: not as convenor, participant or author.
    if (decision.actor.role === 'professional') assertNotBlocked(patient, [decision.actor.id]);
    assertNotBlockedAt(patient, command.convenedBy, command.heldAt, 'convenedBy');
    command.participants.forEach((participant, at) => {
      if ('memberId' in participant) {
        assertNotBlockedAt(patient, participant.memberId, command.heldAt, `participants[${at}].memberId`);
      }
    });
  });
}

/** The one decision of the RCP register: the command, the RCP's stream, its facts, the clock. */
export function decideRcp(
  command: RcpCommand,
  state: RcpState,
  facts: RcpFacts,
  decision: Decision,
): RcpEvent[] {
  if (state.exists) throw broken('rcp-exists', 'Cette RCP existe déjà.', 'This RCP exists already.');
  const rcp = command.data;
  notInFuture(rcp.heldAt, decision.now, 'heldAt');
  rcpRules(rcp, facts.members);
  caseRules(rcp, facts, decision);
  return [{ type: 'RcpHeld', data: rcp }];
}

/** An RCP is corrected as a whole record (decided again), or voided (it did not take place). */
export const rcpCorrections: CorrectionRules<RcpState, RcpEvent, RcpFacts> = {
  evolver: rcpEvolver,
  correctable: { RcpHeld: {} },
  voidable: new Set(),
  recordVoidable: true,
  redecide: (entry, before, facts, decision) =>
    void decideRcp({ type: 'HoldRcp', data: entry.data }, before, facts, decision),
  recheck: () => undefined,
};
