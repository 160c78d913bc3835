export { WorklistReadModule } from './worklist.module';
export { WORKLIST_KINDS, type WorklistKind, type WorklistItem } from './worklist.rules';
export { worklistProjection, WORKLIST_PROJECTION } from './worklist.projection';
export { readWorklist, type WorklistEntry, type WorklistQuery } from './worklist.reader';
export {
  rcpRegisterProjection,
  readRcpRegister,
  RCP_REGISTER_PROJECTION,
  type RcpRegisterItem,
} from './rcp-register.projection';
export {
  protocolCatalogueProjection,
  readProtocolCatalogue,
  PROTOCOL_CATALOGUE_PROJECTION,
  type CatalogueItem,
  type ProtocolUsage,
} from './protocol-catalogue.projection';
export {
  unscheduledCareLogProjection,
  readUnscheduledCareLog,
  UNSCHEDULED_CARE_LOG_PROJECTION,
  type UnscheduledCareLogItem,
} from './unscheduled-care-log.projection';
