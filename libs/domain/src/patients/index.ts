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
export { PatientAccessLog, type AccessLogEntry, type AccessLogQuery } from './access-log';
export { PatientsModule } from './patients.module';
export { PatientAccessBlockedError } from './patients.controller';
