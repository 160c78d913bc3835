import type { CorrectEntry, VoidEntry } from '../shared/corrections';
import type { Command } from '../shared/decider';
import type {
  CareTeamMemberAdded,
  CareTeamMemberRemoved,
  ConsentRecorded,
  MedecinTraitantAssigned,
  MedecinTraitantSearchClosed,
  MedecinTraitantSearchRegistered,
  PatientIdentity,
  PatientIdentityErased,
  PatientRegistered,
  PatientStatusUpdated,
  PharmacienCorrespondantDesignated,
  ProfessionalAccessBlocked,
  ProfessionalAccessUnblocked,
} from './patient.events';

/** What a coordinator asks of a patient's record (`docs/events.md`, Patients). The identity travels in clear. */
export type RegisterPatient = Command<
  'RegisterPatient',
  Omit<PatientRegistered, 'identity'> & { identity: PatientIdentity }
>;
export type RegisterMedecinTraitantSearch = Command<
  'RegisterMedecinTraitantSearch',
  MedecinTraitantSearchRegistered
>;
export type AssignMedecinTraitant = Command<'AssignMedecinTraitant', MedecinTraitantAssigned>;
export type CloseMedecinTraitantSearch = Command<'CloseMedecinTraitantSearch', MedecinTraitantSearchClosed>;
export type RecordConsent = Command<'RecordConsent', ConsentRecorded>;
export type BlockProfessional = Command<'BlockProfessional', ProfessionalAccessBlocked>;
export type UnblockProfessional = Command<'UnblockProfessional', ProfessionalAccessUnblocked>;
export type DesignatePharmacienCorrespondant = Command<
  'DesignatePharmacienCorrespondant',
  PharmacienCorrespondantDesignated
>;
export type UpdatePatientStatus = Command<'UpdatePatientStatus', PatientStatusUpdated>;
export type CorrectPatientIdentity = Command<
  'CorrectPatientIdentity',
  { identity: PatientIdentity; reason: string }
>;
export type ErasePatientIdentity = Command<'ErasePatientIdentity', PatientIdentityErased>;

export type AddCareTeamMember = Command<'AddCareTeamMember', CareTeamMemberAdded>;
export type RemoveCareTeamMember = Command<'RemoveCareTeamMember', CareTeamMemberRemoved>;

export type PatientCommand =
  | RegisterPatient
  | RegisterMedecinTraitantSearch
  | AssignMedecinTraitant
  | CloseMedecinTraitantSearch
  | RecordConsent
  | BlockProfessional
  | UnblockProfessional
  | DesignatePharmacienCorrespondant
  | UpdatePatientStatus
  | CorrectPatientIdentity
  | ErasePatientIdentity
  | AddCareTeamMember
  | RemoveCareTeamMember;
export type PatientStreamCommand = PatientCommand | CorrectEntry | VoidEntry;
