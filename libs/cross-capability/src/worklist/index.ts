export { WorklistModule } from './worklist.module';
export { WORKLIST_KINDS, type WorklistKind, type WorklistEntry } from './worklist';
export { readWorklist, type WorklistQuery } from './worklist.queries';
