export * from './patient.events';
export {
  patientEvolver,
  assertNotBlocked,
  earliestBusinessTime,
  type PatientState,
  type RegisteredPatient,
  type PatientCommandContext,
} from './patient.decider';
export { PatientFacts, type PatientFactsResult, readIdentity } from './patient-facts';
export {
  ACCESS_LOG_FILE,
  PatientAccessLog,
  type AccessLogEntry,
  type AccessLogQuery,
  type AccessLogVerification,
} from './access-log';
export { PatientsModule } from './patients.module';
export { PatientAccessBlockedError } from './patients.controller';
