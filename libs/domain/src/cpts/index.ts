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
} from './cpts.events';
export { cptsEvolver, sizeClassOf, TOP_UP_DEADLINE, type CptsState } from './cpts.decider';
export * from './cpts.module';
