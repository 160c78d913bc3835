/**
 * What the pseudonymised feed keeps of each event type: an allow-list, field by field. A type or a field
 * that is not listed here is dropped, never passed through — a new event type, or a new field of a known
 * one, reaches analysts only once someone has classified it here (and in docs/analytics.md).
 *
 * Kept: codes, dates and timestamps, counts, yes/no flags, and the ids that tie entries together (member,
 * pathway, referral, discharge, application ids). Dropped: identities, names, RPPS/FINESS of people and
 * practices, and every free text (reasons, motives, themes, decisions, titles, eligibility answers),
 * which could name anyone. Patient ids are replaced by their pseudonym wherever they appear.
 */

/**
 * - `value`: a scalar (string, number, boolean) kept as it is; anything else in its place is dropped.
 * - `values`: an array of scalars (codes, member ids).
 * - `patient`: a patient id, replaced by its keyed pseudonym.
 * - `member`: a member id (or a member id list with `members`), kept: members are the CPTS's
 *   professionals, whose activity the CPTS reports on; their ids are opaque and name no one by themselves.
 * - `user`: a user id at the identity provider (a coordinator's login, often an e-mail address), replaced
 *   by its keyed pseudonym like a patient id (in a space of its own, so that it never matches one).
 * - `{ fields }`: an object, reduced to the listed fields (null, "none", kept as null); `{ each }`: an array
 *   of such objects.
 * - `correction`: the fields an `EntryCorrected` replaces, kept by the rules of its target's type.
 */
export type FieldRule =
  | 'value'
  | 'values'
  | 'patient'
  | 'member'
  | 'members'
  | 'user'
  | 'correction'
  | { fields: Shape }
  | { each: Shape };

export type Shape = Readonly<Record<string, FieldRule>>;

/** Bump when what the feed carries changes (a type or field classified, a rule changed). */
export const FEED_SCHEMA_VERSION = 2;

const ENTRY_CORRECTED: Shape = { targetEventId: 'value', correction: 'correction' };
const ENTRY_VOIDED: Shape = { targetEventId: 'value' };

export const FEED_CLASSIFICATION: Readonly<Record<string, Shape>> = {
  // CPTS and its ACI contract. Dropped: the name, the crisis's description (free text).
  CptsRegistered: { population: 'value', communes: 'values', finess: 'value' },
  CptsPopulationUpdated: { population: 'value', effectiveOn: 'value' },
  AciContractSigned: { signedOn: 'value', missions: 'values', joinedBefore20220930: 'value' },
  MissionStarted: { mission: 'value', startedOn: 'value' },
  AchievementRecorded: { contractYear: 'value', mission: 'value', rate: 'value' },
  CrisisDeclared: { declaredOn: 'value', endedOn: 'value' },
  CrisisPlanDrafted: { on: 'value' },
  CrisisPlanUpdated: { on: 'value' },

  // Members. Dropped: display name, RPPS, the structure's name and FINESS (a practice may be one person).
  MemberJoined: {
    profession: 'value',
    structure: { fields: { kind: 'value' } },
    mode: 'value',
    joinedOn: 'value',
    sasParticipant: 'value',
  },
  MemberLeft: { leftOn: 'value' },
  ParticipationRecorded: { activity: 'value', on: 'value', hours: 'value' },
  InternHosted: { profession: 'value', from: 'value', to: 'value' },

  // Patients. Dropped: the (sealed) identity, the commune of residence (with sex and birth year, enough
  // to single someone out in a village), the reasons of identity corrections and erasures.
  PatientRegistered: {
    sex: 'value',
    birthYear: 'value',
    ald: 'value',
    precarious: 'value',
    hasMedecinTraitant: 'value',
  },
  MedecinTraitantSearchRegistered: { registeredOn: 'value', requestedBy: 'member', priority: 'value' },
  MedecinTraitantAssigned: { memberId: 'member', assignedOn: 'value' },
  MedecinTraitantSearchClosed: { closedOn: 'value', reason: 'value' },
  ConsentRecorded: { scope: 'value', decision: 'value', on: 'value' },
  ProfessionalAccessBlocked: { memberId: 'member', on: 'value' },
  ProfessionalAccessUnblocked: { memberId: 'member', on: 'value' },
  PharmacienCorrespondantDesignated: { memberId: 'member', on: 'value' },
  PatientIdentityCorrected: {},
  PatientStatusUpdated: { effectiveOn: 'value', ald: 'value', precarious: 'value' },
  PatientIdentityErased: { on: 'value' },
  // The removal's reason is free text: dropped.
  CareTeamMemberAdded: { memberId: 'member', role: 'value', from: 'value' },
  CareTeamMemberRemoved: { memberId: 'member', to: 'value' },

  // Pathways. Dropped: reasons, the referral's free-text recipient structure, the hospital's name and
  // ward, eligibility answers.
  PathwayOpened: { patientId: 'patient', kind: 'value', openedAt: 'value' },
  PatientReferred: {
    referralId: 'value',
    fromMemberId: 'member',
    to: { fields: { memberId: 'member', profession: 'value' } },
    urgency: 'value',
    referredAt: 'value',
    channel: 'value',
  },
  ReferralAccepted: { referralId: 'value', acceptedAt: 'value', appointmentAt: 'value' },
  ReferralDeclined: { referralId: 'value', declinedAt: 'value' },
  ReferralCompleted: { referralId: 'value', completedAt: 'value' },
  DischargeNotified: {
    dischargeId: 'value',
    hospital: { fields: { finess: 'value' } },
    admittedAt: 'value',
    dischargeAt: 'value',
    notifiedAt: 'value',
    treatmentChanged: 'value',
    complex: 'value',
    needs: 'values',
    pharmacistMemberId: 'member',
    gpMemberId: 'member',
  },
  MedicationReconciliationSent: { dischargeId: 'value', toMemberId: 'member', sentAt: 'value' },
  FollowUpCompleted: { dischargeId: 'value', byMemberId: 'member', at: 'value', kind: 'value' },
  ProtocolApplied: {
    applicationId: 'value',
    protocolCode: 'value',
    protocolVersion: 'value',
    byMemberId: 'member',
    appliedAt: 'value',
    eligibility: { fields: { eligible: 'value' } },
    test: { fields: { kind: 'value', result: 'value' } },
    outcome: 'value',
    mtInformedAt: 'value',
  },
  PathwayClosed: { closedAt: 'value', outcome: 'value' },
  PathwayReopened: { reopenedAt: 'value' },
  EntryCorrected: ENTRY_CORRECTED,
  EntryVoided: ENTRY_VOIDED,

  // RCP. Dropped: external participants' names, the decisions.
  RcpHeld: {
    convenedBy: 'member',
    heldAt: 'value',
    durationMinutes: 'value',
    complex: 'value',
    format: 'value',
    participants: { each: { memberId: 'member', profession: 'value' } },
    patientPresent: 'value',
    familyPresent: 'value',
    cases: { each: { pathwayId: 'value', reviewOn: 'value' } },
  },

  // Protocols. Dropped: the title and the exclusions' labels.
  ProtocolPublished: {
    code: 'value',
    version: 'value',
    kind: 'value',
    eligibility: {
      fields: {
        sex: 'value',
        minAgeMonths: 'value',
        maxAgeMonths: 'value',
        exclusions: { each: { code: 'value' } },
      },
    },
    tests: 'values',
    professions: 'values',
    requiresMtInformation: 'value',
    effectiveFrom: 'value',
  },
  ProtocolAdherentRegistered: {
    memberId: 'member',
    delegatingDoctorMemberId: 'member',
    trainedOn: 'value',
    signedOn: 'value',
  },
  ProtocolRetired: { effectiveTo: 'value' },

  // Unscheduled care. Dropped: the motive, the reason a request was closed.
  UnscheduledCareRequested: { receivedAt: 'value', channel: 'value', patientId: 'patient', viaSas: 'value' },
  UnscheduledCareOriented: { toMemberId: 'member', appointmentAt: 'value' },
  UnscheduledCareClosed: { closedAt: 'value' },

  // Worklist assignments. `assignee` null: the item given back to the team.
  WorkItemAssigned: {
    kind: 'value',
    openedBy: 'value',
    assignee: { fields: { memberId: 'member', coordinatorId: 'user' } },
    assignedAt: 'value',
  },

  // Prevention and support actions. Dropped: the themes.
  PreventionActionHeld: { heldOn: 'value', participants: 'value', memberIds: 'members' },
  TrainingHeld: { heldOn: 'value', attendeeMemberIds: 'members' },
};

export function isClassified(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(FEED_CLASSIFICATION, type);
}
