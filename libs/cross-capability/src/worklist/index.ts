export { WorklistReadModule } from './worklist.module';
export { WORKLIST_KINDS, type WorklistKind, type WorklistItem } from './worklist.rules';
export { worklistProjection, WORKLIST_PROJECTION } from './worklist.projection';
export { readWorklist, type WorklistEntry, type WorklistQuery } from './worklist.reader';
