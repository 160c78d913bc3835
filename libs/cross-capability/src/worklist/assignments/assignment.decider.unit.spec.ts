import {
  type CorrectionEvent,
  decideCorrectionCommand,
  type MemberState,
  type StoredEvent,
} from '@parcours/domain';
import { changeOf, decider, decisionAt } from '../../../../domain/src/shared/testing';
import {
  assignmentCorrections,
  type AssignmentFacts,
  assignmentEvolver,
  type AssignmentState,
  decideAssignment,
  workItemId,
} from './assignment.decider';
import type { AssignmentEvent, WorkItemAssigned } from './assignment.events';

const now = new Date('2026-06-15T10:00:00+02:00');
const NURSE = '0193a0e0-0000-7000-8000-00000000000a';
const OPENED_BY = '0193a0e0-0000-7000-8000-0000000000ff';
const member = (joinedOn: string, leftOn?: string): MemberState => ({
  exists: true,
  displayName: 'Mme Durand',
  profession: 'infirmier',
  mode: 'liberal',
  joinedOn,
  sasParticipant: false,
  participations: {},
  interns: {},
  ...(leftOn === undefined ? {} : { leftOn }),
});
const active: AssignmentFacts = { member: member('2025-01-10') };
const toNurse: WorkItemAssigned = {
  kind: 'sortie.suivi',
  openedBy: OPENED_BY,
  assignee: { memberId: NURSE },
  assignedAt: '2026-06-15T09:00:00+02:00',
};
const toCoordinator: WorkItemAssigned = { ...toNurse, assignee: { coordinatorId: 'marie' } };
const given = (data: WorkItemAssigned): AssignmentEvent => ({ type: 'WorkItemAssigned', data });
const assign =
  (data: WorkItemAssigned, facts = active, actor = { id: 'marie', role: 'coordinator' }) =>
  (state: AssignmentState) =>
    decideAssignment({ type: 'AssignWorkItem', data }, state, facts, decisionAt(now, actor));
const item = decider(assignmentEvolver);

describe('work item assignment decider', () => {
  it('names one stream per item: the same for the same item, another for another', () => {
    expect(workItemId('sortie.suivi', OPENED_BY)).toBe(workItemId('sortie.suivi', OPENED_BY));
    expect(workItemId('sortie.pharmacien', OPENED_BY)).not.toBe(workItemId('sortie.suivi', OPENED_BY));
  });

  it('assigns an item to a member, then to a coordinator, then gives it back', () => {
    item
      .given()
      .when(assign(toNurse))
      .then([given(toNurse)]);
    item
      .given(given(toNurse))
      .when(assign(toCoordinator, {}))
      .then([given(toCoordinator)]);
    const back = { ...toNurse, assignee: null };
    item
      .given(given(toNurse))
      .when(assign(back, {}))
      .then([given(back)]);
  });

  it('refuses a member unknown here, not yet joined or gone, and a time in the future', () => {
    item.given().when(assign(toNurse, {})).thenBreaks('unknown-member', 'assignee.memberId');
    item
      .given()
      .when(assign(toNurse, { member: member('2026-07-01') }))
      .thenBreaks('member-not-yet-joined', 'assignee.memberId');
    item
      .given()
      .when(assign(toNurse, { member: member('2020-01-01', '2026-03-31') }))
      .thenBreaks('member-has-left', 'assignee.memberId');
    item
      .given()
      .when(assign({ ...toNurse, assignedAt: '2026-06-16T09:00:00+02:00' }))
      .thenBreaks('business-time-in-future', 'assignedAt');
  });

  it('refuses the same assignee again, giving back an item nobody has, and another item on this stream', () => {
    item.given(given(toNurse)).when(assign(toNurse)).thenBreaks('already-assigned', 'assignee.memberId');
    item
      .given()
      .when(assign({ ...toNurse, assignee: null }, {}))
      .thenBreaks('not-assigned', 'assignee');
    item
      .given(given(toNurse))
      .when(assign({ ...toCoordinator, kind: 'sortie.pharmacien' }, {}))
      .thenBreaks('another-item', 'openedBy');
  });

  it('lets a professional take an item or give back their own, never hand one to someone else', () => {
    const nurse = { id: NURSE, role: 'professional' };
    item
      .given()
      .when(assign(toNurse, active, nurse))
      .then([given(toNurse)]);
    item
      .given()
      .when(assign(toCoordinator, {}, { id: 'another', role: 'professional' }))
      .thenBreaks('assign-yourself-only', 'assignee.coordinatorId');
    const back = { ...toNurse, assignee: null };
    item
      .given(given(toNurse))
      .when(assign(back, {}, nurse))
      .then([given(back)]);
    item
      .given(given(toNurse))
      .when(assign(back, {}, { id: 'another', role: 'professional' }))
      .thenBreaks('assign-yourself-only', 'assignee');
  });

  describe('corrections and voidings', () => {
    const change =
      (command: ReturnType<typeof changeOf>, facts: AssignmentFacts = active) =>
      (_: AssignmentState, history: Array<StoredEvent<AssignmentEvent | CorrectionEvent>>) =>
        decideCorrectionCommand(command, history, assignmentCorrections, facts, decisionAt(now));

    it('corrects the assignee, decided again as if new (a member gone is refused)', () => {
      item
        .given(given(toNurse))
        .when(change(changeOf('event-0', { assignee: { coordinatorId: 'paul' } }), {}))
        .then([
          {
            type: 'EntryCorrected',
            data: {
              targetEventId: 'event-0',
              reason: 'Erreur',
              correction: { assignee: { coordinatorId: 'paul' } },
            },
          },
        ]);
      item
        .given(given(toCoordinator))
        .when(
          change(changeOf('event-0', { assignee: { memberId: NURSE } }), {
            member: member('2020-01-01', '2026-01-31'),
          }),
        )
        .thenBreaks('member-has-left', 'correction.assignee.memberId');
    });

    it('never changes which item the stream is about', () => {
      item
        .given(given(toNurse))
        .when(change(changeOf('event-0', { openedBy: '0193a0e0-0000-7000-8000-000000000001' })))
        .thenBreaks('correction-field-not-allowed');
    });

    it('voids a later assignment (the item goes back to the one before), never the first', () => {
      item
        .given(given(toNurse), given(toCoordinator))
        .when(change(changeOf('event-1')))
        .then([{ type: 'EntryVoided', data: { targetEventId: 'event-1', reason: 'Erreur' } }]);
      item
        .given(given(toNurse))
        .when(change(changeOf('event-0')))
        .thenBreaks('entry-not-voidable');
    });
  });
});
