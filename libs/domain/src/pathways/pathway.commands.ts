import type { CorrectEntry, VoidEntry } from '../shared/corrections';
import type { Command } from '../shared/decider';
import type {
  DischargeNotified,
  FollowUpCompleted,
  MedicationReconciliationSent,
  PathwayClosed,
  PathwayOpened,
  PathwayReopened,
  PatientReferred,
  ProtocolApplied,
  ReferralAccepted,
  ReferralCompleted,
  ReferralDeclined,
} from './pathway.events';

/**
 * What coordinators and professionals ask of a pathway (`docs/events.md`, Pathways). The commands that
 * create something (a referral, a discharge, an application) carry no id: the decision assigns it.
 */
export type OpenPathway = Command<'OpenPathway', PathwayOpened>;
export type ReferPatient = Command<'ReferPatient', Omit<PatientReferred, 'referralId'>>;
export type AcceptReferral = Command<'AcceptReferral', ReferralAccepted>;
export type DeclineReferral = Command<'DeclineReferral', ReferralDeclined>;
export type CompleteReferral = Command<'CompleteReferral', ReferralCompleted>;
export type NotifyDischarge = Command<'NotifyDischarge', Omit<DischargeNotified, 'dischargeId'>>;
export type SendMedicationReconciliation = Command<
  'SendMedicationReconciliation',
  MedicationReconciliationSent
>;
export type CompleteFollowUp = Command<'CompleteFollowUp', FollowUpCompleted>;
export type ApplyProtocol = Command<'ApplyProtocol', Omit<ProtocolApplied, 'applicationId'>>;
export type ClosePathway = Command<'ClosePathway', PathwayClosed>;
export type ReopenPathway = Command<'ReopenPathway', PathwayReopened>;

export type PathwayCommand =
  | OpenPathway
  | ReferPatient
  | AcceptReferral
  | DeclineReferral
  | CompleteReferral
  | NotifyDischarge
  | SendMedicationReconciliation
  | CompleteFollowUp
  | ApplyProtocol
  | ClosePathway
  | ReopenPathway;
export type PathwayStreamCommand = PathwayCommand | CorrectEntry | VoidEntry;
