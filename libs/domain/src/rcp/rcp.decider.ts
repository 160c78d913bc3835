import { assertActiveMember, type MemberState } from '../members/member.decider';
import type { Evolver, StoredEvent } from '../shared/decider';
import { broken } from '../shared/errors';
import { notInFuture, parisDate } from '../shared/time';
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
 * (convener and member participants; a member absent from the map is unknown in this CPTS), and which
 * of the cases' pathways exist in this CPTS.
 */
export interface RcpFacts {
  members: Readonly<Record<string, MemberState>>;
  pathways: Readonly<Record<string, boolean>>;
}

export const RCP_MAX_MINUTES = 600;

const unknownMember: MemberState = { exists: false };

export function decideHoldRcp(command: RcpHeld, state: RcpState, facts: RcpFacts, now: Date): RcpEvent[] {
  if (state.exists) throw broken('rcp-exists', 'Cette RCP existe déjà.', 'This RCP exists already.');
  notInFuture(command.heldAt, now, 'heldAt');
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
  const memberAt = (id: string) => facts.members[id] ?? unknownMember;
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
  // Pluriprofessional is the point of an RCP (events.md, rules): two people of one profession are not one.
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
    if (facts.pathways[rcpCase.pathwayId] !== true) {
      throw broken(
        'unknown-pathway',
        'Ce parcours n’existe pas dans cette CPTS.',
        'This pathway does not exist in this CPTS.',
        path,
      );
    }
    if (rcpCase.reviewOn !== undefined && rcpCase.reviewOn < heldOn) {
      throw broken(
        'review-before-rcp',
        `La date de réévaluation ${rcpCase.reviewOn} précède la RCP (${heldOn}).`,
        `The review date ${rcpCase.reviewOn} is before the RCP (${heldOn}).`,
        `cases[${index}].reviewOn`,
      );
    }
  });

  return [{ type: 'RcpHeld', data: command }];
}
