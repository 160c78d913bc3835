import type { CorrectEntry, VoidEntry } from '../shared/corrections';
import type { Command } from '../shared/decider';
import type {
  UnscheduledCareClosed,
  UnscheduledCareOriented,
  UnscheduledCareRequested,
} from './unscheduled-care.events';

/** What the CPTS records of a request for unscheduled care (`docs/events.md`, Unscheduled care). */
export type RequestUnscheduledCare = Command<'RequestUnscheduledCare', UnscheduledCareRequested>;
export type OrientUnscheduledCare = Command<'OrientUnscheduledCare', UnscheduledCareOriented>;
export type CloseUnscheduledCare = Command<'CloseUnscheduledCare', UnscheduledCareClosed>;

export type UnscheduledCareCommand = RequestUnscheduledCare | OrientUnscheduledCare | CloseUnscheduledCare;
export type UnscheduledCareStreamCommand = UnscheduledCareCommand | CorrectEntry | VoidEntry;
