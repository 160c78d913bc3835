export {
  MISSIONS,
  SOCLE_MISSIONS,
  CONTRACT_YEARS,
  isMission,
  type Mission,
  type CptsEvent,
  type CptsRegistered,
  type CptsPopulationUpdated,
  type AciContractSigned,
  type MissionStarted,
  type AchievementRecorded,
  type CrisisDeclared,
  type CrisisPlanDrafted,
  type CrisisPlanUpdated,
  type ExternalIndicatorRecorded,
} from './cpts.events';
export * from './external-indicators';
export * from './cpts.commands';
export {
  cptsEvolver,
  cptsCorrections,
  contractYearStart,
  decideCpts,
  populationOn,
  sizeClassOf,
  TOP_UP_DEADLINE,
  type CptsState,
  type RegisteredCpts,
} from './cpts.decider';
export { CptsCommandMessage } from './cpts.handler';
export * from './cpts.module';
export * from './cpts-history/cpts-history.projection';
