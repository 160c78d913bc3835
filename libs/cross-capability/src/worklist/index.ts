export { WorklistModule, worklistProjections } from './worklist.module';
export * from './assignments/assignment.events';
export * from './assignments/assignment.decider';
export * from './assignments/assignments.projection';
export { WORKLIST_KINDS, type WorklistKind, type WorklistEntry } from './worklist';
export { readWorklist, type WorklistQuery } from './worklist.queries';
export { OverdueNotifier } from './overdue-notifier';
