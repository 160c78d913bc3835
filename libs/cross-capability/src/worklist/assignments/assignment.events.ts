import type { CorrectEntry, DomainEvent, VoidEntry } from '@parcours/domain';
import type { Command } from '@parcours/domain';
import type { WorklistKind } from '../worklist';

/**
 * Who works an item of the worklist (`docs/events.md`, Worklist) — stream `worklist-<cptsId>.<itemId>`,
 * one per item, its id derived from the item (`workItemId`). Each assignment replaces the one before (to
 * nobody: given back); a later one voided gives the item back to the one before it. The first is corrected,
 * never voided: the stream stays the item's.
 */
export interface WorkItemAssigned {
  kind: WorklistKind;
  /** The event that opened the item (the discharge, the referral, the request…): with `kind`, the item. */
  openedBy: string;
  /** A member of the CPTS, a coordinator by their user id, or nobody (the item given back to the team). */
  assignee: { memberId: string } | { coordinatorId: string } | null;
  assignedAt: string;
}

export type AssignmentEvent = DomainEvent<'WorkItemAssigned', WorkItemAssigned>;

export type AssignWorkItem = Command<'AssignWorkItem', WorkItemAssigned>;
export type AssignmentStreamCommand = AssignWorkItem | CorrectEntry | VoidEntry;
