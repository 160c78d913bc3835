export * from './patient.events';
export * from './patient.commands';
export {
  patientEvolver,
  patientCorrections,
  decidePatient,
  assertNotBlocked,
  assertNotBlockedAt,
  blockedAt,
  consentOn,
  statusOn,
  earliestBusinessTime,
  type BlockDecision,
  type PatientState,
  type RegisteredPatient,
  type PatientRecordFacts,
} from './patient.decider';
export { PatientFacts, type PatientFactsResult, readIdentity } from './patient-facts';
export {
  ACCESS_LOG_FILE,
  PatientAccessLog,
  type AccessLogEntry,
  type AccessLogQuery,
  type AccessLogVerification,
} from './access-log';
export { PatientCommandMessage } from './patients.handler';
export { PatientsModule } from './patients.module';
export { PatientAccessBlockedError } from './patients.controller';
