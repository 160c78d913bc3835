import { PROFESSIONS } from '../../members/member.events';
import { CARE_TEAM_ROLES } from '../../patients/patient.events';
import { CHANNELS, CLOSURE_OUTCOMES, FOLLOW_UP_KINDS, PATHWAY_KINDS } from '../../pathways/pathway.events';

/**
 * What Parcours writes in FHIR beyond the base resources, and reads back: its code systems (the lists of
 * `docs/events.md`) and extensions, under one base URL. `docs/fhir.md` documents each.
 */
export const FHIR_BASE = 'https://parcours.example/fhir';

export const CODE_SYSTEMS = {
  pathwayKind: `${FHIR_BASE}/CodeSystem/pathway-kind`,
  profession: `${FHIR_BASE}/CodeSystem/profession`,
  taskKind: `${FHIR_BASE}/CodeSystem/task-kind`,
  participantRole: `${FHIR_BASE}/CodeSystem/participant-role`,
  closureOutcome: `${FHIR_BASE}/CodeSystem/closure-outcome`,
  channel: `${FHIR_BASE}/CodeSystem/channel`,
  taskOutput: `${FHIR_BASE}/CodeSystem/task-output`,
  eventType: `${FHIR_BASE}/CodeSystem/event-type`,
  careTeamRole: `${FHIR_BASE}/CodeSystem/care-team-role`,
} as const;

export const TASK_KINDS = [
  'referral',
  'medication-reconciliation',
  ...FOLLOW_UP_KINDS.map((kind) => `follow-up-${kind}` as const),
] as const;
export const PARTICIPANT_ROLES = ['medecin-traitant', 'pharmacien'] as const;
/** A member's place in the patient's care circle: a role of `CareTeamMemberAdded`, or why they are in it. */
export const CARE_TEAM_ROLE_CODES = [
  ...CARE_TEAM_ROLES,
  'medecin-traitant',
  'pharmacien-correspondant',
] as const;

/** The codes of each Parcours code system: a code outside them is refused (400). */
export const CODES: Record<string, readonly string[]> = {
  [CODE_SYSTEMS.pathwayKind]: PATHWAY_KINDS,
  [CODE_SYSTEMS.profession]: PROFESSIONS,
  [CODE_SYSTEMS.taskKind]: TASK_KINDS,
  [CODE_SYSTEMS.participantRole]: PARTICIPANT_ROLES,
  [CODE_SYSTEMS.closureOutcome]: CLOSURE_OUTCOMES,
  [CODE_SYSTEMS.channel]: CHANNELS,
  [CODE_SYSTEMS.taskOutput]: ['appointment-at'],
  [CODE_SYSTEMS.careTeamRole]: CARE_TEAM_ROLE_CODES,
};

export const EXTENSIONS = {
  patientStatus: `${FHIR_BASE}/StructureDefinition/patient-status`,
  discharge: `${FHIR_BASE}/StructureDefinition/discharge`,
  channel: `${FHIR_BASE}/StructureDefinition/referral-channel`,
  closureOutcome: `${FHIR_BASE}/StructureDefinition/closure-outcome`,
  inseeCode: 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code',
} as const;

/** The INSEE commune code system FR Core binds the address extension to. */
export const INSEE_COMMUNES = 'https://mos.esante.gouv.fr/NOS/TRE_R13-CommuneOM/FHIR/TRE-R13-CommuneOM';

/** R4's discharge dispositions (`http://terminology.hl7.org/CodeSystem/discharge-disposition`). */
export const DISCHARGE_DISPOSITION = 'http://terminology.hl7.org/CodeSystem/discharge-disposition';
export const DISCHARGE_DISPOSITIONS = [
  'home',
  'alt-home',
  'other-hcf',
  'hosp',
  'long',
  'aadvice',
  'exp',
  'psy',
  'rehab',
  'snf',
  'oth',
];

/** A Parcours record's id as an identifier: a UUID URN, which names it in any system. */
export const UUID_URN = 'urn:ietf:rfc:3986';
export const uuidIdentifier = (id: string) => ({ system: UUID_URN, value: `urn:uuid:${id}` });
