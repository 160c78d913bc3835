import {
  assertActiveMember,
  broken,
  type CorrectionRules,
  type Decision,
  type Evolver,
  type MemberState,
  notInFuture,
  type StoredEvent,
} from '@parcours/domain';
import { v5 as uuidv5 } from 'uuid';
import type { AssignmentEvent, AssignWorkItem, WorkItemAssigned } from './assignment.events';

const WORK_ITEM_NAMESPACE = '3b0f4f0e-2a57-4c1e-8d3a-5a6f0c2e9b41';

/** The id of an item's stream: the same for the same item, whoever assigns it and however often. */
export function workItemId(kind: string, openedBy: string): string {
  return uuidv5(`${kind}\n${openedBy}`, WORK_ITEM_NAMESPACE);
}

/** An item's assignment as it now stands: the latest live one. */
export type AssignmentState = { exists: false } | (WorkItemAssigned & { exists: true; eventId: string });

export const assignmentEvolver: Evolver<AssignmentState, AssignmentEvent> = {
  initialState: () => ({ exists: false }),
  evolve: (state, event: StoredEvent<AssignmentEvent>): AssignmentState =>
    event.type === 'WorkItemAssigned'
      ? { ...event.data, exists: true, eventId: event.context.eventId }
      : state,
};

/** The member an assignment names, as loaded from this CPTS (`{ exists: false }` when unknown here). */
export interface AssignmentFacts {
  member?: MemberState;
}

const assigneePath = (assignee: WorkItemAssigned['assignee']) =>
  assignee === null ? 'assignee' : 'memberId' in assignee ? 'assignee.memberId' : 'assignee.coordinatorId';

const isMember = (assignee: WorkItemAssigned['assignee'], memberId: string) =>
  assignee !== null && 'memberId' in assignee && assignee.memberId === memberId;

/**
 * Assigning an item: to a member of the CPTS on that day, to a coordinator, or to nobody (given back, once
 * assigned); by a coordinator, or by a professional to themselves or back from themselves (they take an
 * item, they do not hand out work); not in the future; the same item (kind and opening event) as the
 * stream's; a change (not the assignee it already has).
 */
export function decideAssignment(
  command: AssignWorkItem,
  state: AssignmentState,
  facts: AssignmentFacts,
  decision: Decision,
): AssignmentEvent[] {
  const data = command.data;
  notInFuture(data.assignedAt, decision.now, 'assignedAt');
  if (state.exists && (state.kind !== data.kind || state.openedBy !== data.openedBy)) {
    throw broken(
      'another-item',
      'Cette affectation concerne un autre élément de la liste de travail.',
      'This assignment is about another worklist item.',
      'openedBy',
    );
  }
  if (data.assignee !== null && 'memberId' in data.assignee) {
    assertActiveMember(facts.member ?? { exists: false }, data.assignedAt, 'assignee.memberId');
  }
  const current = state.exists ? state.assignee : null;
  if (data.assignee === null && current === null) {
    throw broken(
      'not-assigned',
      'Cet élément n’est affecté à personne.',
      'This item is assigned to nobody.',
      'assignee',
    );
  }
  if (decision.actor.role === 'professional') {
    const self =
      isMember(data.assignee, decision.actor.id) ||
      (data.assignee === null && isMember(current, decision.actor.id));
    if (!self) {
      throw broken(
        'assign-yourself-only',
        'Un professionnel ne peut s’affecter un élément qu’à lui-même.',
        'A professional may only assign an item to themselves.',
        assigneePath(data.assignee),
      );
    }
  }
  if (data.assignee !== null && JSON.stringify(current) === JSON.stringify(data.assignee)) {
    throw broken(
      'already-assigned',
      'Cet élément est déjà affecté à cette personne.',
      'This item is already assigned to this person.',
      assigneePath(data.assignee),
    );
  }
  return [
    {
      type: 'WorkItemAssigned',
      data: { ...data, assignee: data.assignee === null ? null : { ...data.assignee } },
    },
  ];
}

/**
 * An assignment is corrected (assignee, time); a later one is voided (the item goes back to the one
 * before). The first is never voided, only corrected: the stream stays the item's for good.
 */
export const assignmentCorrections: CorrectionRules<AssignmentState, AssignmentEvent, AssignmentFacts> = {
  evolver: assignmentEvolver,
  correctable: { WorkItemAssigned: { locked: ['kind', 'openedBy'] } },
  voidable: new Set(['WorkItemAssigned']),
  recordVoidable: false,
  redecide: (entry, before, facts, decision) =>
    void decideAssignment({ type: 'AssignWorkItem', data: entry.data }, before, facts, decision),
  // Later assignments replace earlier ones: nothing later depends on an earlier one.
  recheck: () => undefined,
};
