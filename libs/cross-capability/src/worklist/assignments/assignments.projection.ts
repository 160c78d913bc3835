import {
  type CorrectionEvent,
  foldHistory,
  historyTable,
  parseStreamId,
  recordInHistory,
} from '@parcours/domain';
import { defineProjection, type ProjectedEvent, table } from '@parcours/projections';
import { assignmentEvolver } from './assignment.decider';
import type { AssignmentEvent } from './assignment.events';

export const WORKLIST_ASSIGNMENTS = 'worklist-assignments';

/** Who works an item now; items assigned to nobody have no row. */
export interface AssignmentRow {
  cpts_id: string;
  kind: string;
  opened_by: string;
  item_id: string;
  member_id: string | null;
  coordinator_id: string | null;
  assigned_at: string;
}

const tables = {
  assignments: table<AssignmentRow>({
    columns: {
      cpts_id: 'TEXT',
      kind: 'TEXT',
      opened_by: 'TEXT',
      item_id: 'TEXT',
      member_id: 'TEXT NULL',
      coordinator_id: 'TEXT NULL',
      assigned_at: 'TEXT',
    },
    key: ['cpts_id', 'kind', 'opened_by'],
    indexes: [
      ['cpts_id', 'member_id'],
      ['cpts_id', 'coordinator_id'],
    ],
  }),
  histories: historyTable(),
};

type Projected = AssignmentEvent | CorrectionEvent;

/**
 * The worklist items' assignees, as their streams now stand: the latest live assignment of each item
 * (a corrected one as corrected; a voided one gives the item back to the one before). The worklist joins
 * its items to this table by kind and opening event.
 */
export const worklistAssignmentsProjection = defineProjection<Projected>()({
  name: WORKLIST_ASSIGNMENTS,
  version: 2,
  tables,
  open: ({ assignments, histories }) => {
    const apply = (event: ProjectedEvent<Projected>): void => {
      const stream = parseStreamId(event.streamId);
      if (stream?.category !== 'worklist' || stream.id === undefined) return;
      const history = recordInHistory(histories, event);
      const state = foldHistory(assignmentEvolver, history);
      if (!state.exists) return;
      if (state.assignee === null) {
        assignments.delete(stream.cptsId, state.kind, state.openedBy);
        return;
      }
      assignments.put({
        cpts_id: stream.cptsId,
        kind: state.kind,
        opened_by: state.openedBy,
        item_id: stream.id,
        member_id: 'memberId' in state.assignee ? state.assignee.memberId : null,
        coordinator_id: 'coordinatorId' in state.assignee ? state.assignee.coordinatorId : null,
        assigned_at: state.assignedAt,
      });
    };
    return { WorkItemAssigned: apply, EntryCorrected: apply, EntryVoided: apply };
  },
});
