export * from './patient.events';
export * from './patient.commands';
export {
  patientEvolver,
  patientCorrections,
  decidePatient,
  assertNotBlocked,
  assertNotBlockedAt,
  blockedAt,
  careCircle,
  inCareCircle,
  type CareCircleMember,
  type CareTeamPeriod,
  consentOn,
  statusOn,
  earliestBusinessTime,
  type BlockDecision,
  type PatientState,
  type RegisteredPatient,
  type PatientRecordFacts,
} from './patient.decider';
export { PatientFacts, type PatientFactsResult, readIdentity } from './patient-facts';
export * from './access-log.port';
export * from './care-access';
export * from './access-log.dto';
export * from './patient-summary/patient-summary.projection';
export * from './patient-summary/patient-summary.queries';
export * from './care-team/care-team.projection';
export * from './care-team/care-team.queries';
export { PatientCommandMessage } from './patients.handler';
export { parsePurpose } from './patients.controller';
export { BlindIndexCatchUp } from './blind-index-catch-up';
export { checkDuplicates, StagedPatientIndex, type PatientIndex } from './patient-index';
export { PatientsModule, patientProjections } from './patients.module';
