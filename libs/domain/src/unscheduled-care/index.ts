export * from './unscheduled-care.events';
export * from './unscheduled-care.commands';
export {
  unscheduledCareEvolver,
  unscheduledCareCorrections,
  decideUnscheduledCare,
  MAX_DAYS_TO_APPOINTMENT,
  type UnscheduledCareFacts,
  type UnscheduledCareState,
  type UnscheduledCareStatus,
} from './unscheduled-care.decider';
export { UnscheduledCareCommandMessage } from './unscheduled-care.handler';
export * from './unscheduled-care.module';
export * from './unscheduled-care-log/unscheduled-care-log.projection';
