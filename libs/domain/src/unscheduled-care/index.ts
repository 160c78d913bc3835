export * from './unscheduled-care.events';
export {
  unscheduledCareEvolver,
  decideRequestUnscheduledCare,
  decideOrientUnscheduledCare,
  decideCloseUnscheduledCare,
  MAX_DAYS_TO_APPOINTMENT,
  type UnscheduledCareState,
  type UnscheduledCareStatus,
  type PatientFacts as UnscheduledCarePatientFacts,
} from './unscheduled-care.decider';
export * from './unscheduled-care.module';
