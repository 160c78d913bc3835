import {
  type ActionEvent,
  businessDay,
  type CorrectionEvent,
  type CptsEvent,
  deadline,
  DELAYS,
  instantOf,
  type MemberEvent,
  type PathwayEvent,
  type PatientEvent,
  type RcpEvent,
  type UnscheduledCareEvent,
} from '@parcours/domain';
import { defineProjection, type ProjectedEvent, table, type Tables } from '@parcours/projections';
import type { AssignmentEvent } from '../worklist/assignments/assignment.events';

/**
 * The facts the indicators count: one row per *version* of each indicator-relevant event, bitemporal.
 *
 * - Business time: `day` is the Paris date of the event's business time (period filters compare strings),
 *   `at` its instant when the business time is a timestamp.
 * - Recorded time: a version is valid from `recorded_at` until `superseded_at` (NULL while current).
 *   "As known at t" is `recorded_at <= t AND (superseded_at IS NULL OR superseded_at > t)`.
 * - `EntryCorrected` supersedes the target's current version and inserts one with the corrected fields
 *   (same `event_id`, the original event a drill-down shows; `revised_by` names the correction);
 *   `EntryVoided` supersedes it and inserts nothing.
 * - What depends on other events is kept on the fact too, so that counting never joins: `traits` (yes/no
 *   properties, `TRAIT`), `evidence` (for each derived trait, the event that gives it) and `until_day` (the
 *   first day a fact no longer holds: a pathway closure until its reopening, a membership until the day
 *   after leaving, a médecin-traitant search until the assignment that ends it). When one of those other
 *   events is recorded, corrected or voided, the fact gets a new version at that recorded time, so an
 *   as-of reading sees the traits as they were known then.
 *
 * `links` keeps, per stream and reference (a discharge, a referral), the current facts that link to each
 * other, so that what a new event changes is found by key, whatever the length of the stream.
 * `daily` is the current state rolled up per day (and per until_day, label and traits): the figures
 * without `asOf` add up at most a few rows per day instead of counting facts one by one.
 * `activity` holds, per fact version, the members it shows active (`adhesion.membres-actifs`).
 * `patients` holds what the indicators need of a patient (never the identity, which stays sealed).
 *
 * The generic columns, per type (`entity` is always the id the stream is about):
 *
 * | type                            | ref           | day (at)         | label            | amount       | traits, until_day               |
 * | ------------------------------- | ------------- | ---------------- | ---------------- | ------------ | ------------------------------- |
 * | CptsRegistered                  |               | —                |                  | population   |                                 |
 * | CptsPopulationUpdated           |               | effectiveOn      |                  | population   |                                 |
 * | MemberJoined                    |               | joinedOn         | profession       |              | sasParticipant; until leftOn    |
 * | MemberLeft                      |               | leftOn           |                  |              |                                 |
 * | ParticipationRecorded           |               | on               | activity         |              |                                 |
 * | InternHosted                    |               | from             | profession       |              |                                 |
 * | MedecinTraitantSearchRegistered |               | registeredOn     | priority         |              | until the ending assignment or closure |
 * | MedecinTraitantAssigned         |               | assignedOn       |                  |              |                                 |
 * | MedecinTraitantSearchClosed     |               | closedOn         | reason           |              |                                 |
 * | PatientStatusUpdated            |               | effectiveOn      |                  |              | aldSet, ald, precariousSet, precarious |
 * | PathwayOpened                   | patientId     | openedAt         | kind             |              |                                 |
 * | PathwayClosed                   |               | closedAt         | outcome          |              | until the reopening             |
 * | PathwayReopened                 |               | reopenedAt       |                  |              |                                 |
 * | PatientReferred                 | referralId    | referredAt       | urgency          |              | accepted                        |
 * | ReferralAccepted                | referralId    | acceptedAt       |                  |              |                                 |
 * | DischargeNotified               | dischargeId   | dischargeAt      |                  |              | notifiedAhead24h, reconciled48h, followedUp7d |
 * | MedicationReconciliationSent    | dischargeId   | sentAt           |                  |              |                                 |
 * | FollowUpCompleted               | dischargeId?  | at               | kind             |              |                                 |
 * | ProtocolApplied                 | applicationId | appliedAt        | code@version     |              | dispensation, mtInformed        |
 * | RcpHeld                         |               | heldAt           | format           | cases        | complex                         |
 * | UnscheduledCareRequested        |               | receivedAt       | channel          |              | viaSas, oriented, oriented24h   |
 * | UnscheduledCareOriented         |               | appointmentAt    |                  |              |                                 |
 * | PreventionActionHeld            |               | heldOn           |                  | participants |                                 |
 * | TrainingHeld                    |               | heldOn           |                  | attendees    |                                 |
 * | WorkItemAssigned                |               | assignedAt       | kind             |              | assigned (not given back)       |
 */
export const INDICATOR_FACTS = 'indicators';

/** Every event the indicators count, and the corrections and voidings of them. */
export type IndicatorFactsEvent =
  | CptsEvent
  // How a member is reached counts for nothing.
  | Exclude<MemberEvent, { type: 'MemberEmailRecorded' | 'NotificationPreferencesSet' }>
  | PatientEvent
  | PathwayEvent
  | RcpEvent
  | UnscheduledCareEvent
  | ActionEvent
  | AssignmentEvent
  | CorrectionEvent;

export const TRAIT = {
  /** Discharge notified at least 24 h before `dischargeAt`. */
  notifiedAhead24h: 1 << 0,
  /** Discharge with a `MedicationReconciliationSent` at most 48 h after `dischargeAt`. */
  reconciled48h: 1 << 1,
  /** Discharge with a `FollowUpCompleted` for it at most 7 Paris calendar days after `dischargeAt`. */
  followedUp7d: 1 << 2,
  /** Referral accepted. */
  accepted: 1 << 3,
  /** Unscheduled-care request oriented to an appointment. */
  oriented: 1 << 4,
  /** … with the appointment at most 24 h after `receivedAt`. */
  oriented24h: 1 << 5,
  /** Unscheduled-care request that came through the SAS. */
  viaSas: 1 << 6,
  /** Protocol application with `mtInformedAt`. */
  mtInformed: 1 << 7,
  /** Protocol application ending in `dispensation`. */
  dispensation: 1 << 8,
  /** Complex RCP. */
  complex: 1 << 9,
  /** Member taking part in the SAS. */
  sasParticipant: 1 << 10,
  /** A patient status update that says the patient is (or no longer is) in ALD: `aldSet`, and its value. */
  aldSet: 1 << 11,
  ald: 1 << 12,
  /** … the same for precarity (CSS/AME). */
  precariousSet: 1 << 13,
  precarious: 1 << 14,
  /** A worklist item assigned to someone (a member or a coordinator), not given back to the team. */
  assigned: 1 << 15,
} as const;
export type TraitName = keyof typeof TRAIT;

/** `until_day` of a fact that still holds, in the rollup (whose key has no NULLs). */
export const OPEN_END = '9999-12-31';

/** The business fields a fact keeps: what its columns follow from, and what a correction merges into. */
type Fields = Record<string, unknown>;

/**
 * The fields kept per type: what the fact's columns follow from (`own`), which a correction merges into.
 * No free text (reasons, motives, themes, hospital names), nothing no figure counts. The business-time
 * field comes first.
 */
const KEPT: Record<string, readonly string[]> = {
  CptsRegistered: ['population'],
  CptsPopulationUpdated: ['effectiveOn', 'population'],
  MemberJoined: ['joinedOn', 'profession', 'sasParticipant'],
  MemberLeft: ['leftOn'],
  ParticipationRecorded: ['on', 'activity'],
  InternHosted: ['from', 'profession'],
  MedecinTraitantSearchRegistered: ['registeredOn', 'priority'],
  MedecinTraitantAssigned: ['assignedOn'],
  MedecinTraitantSearchClosed: ['closedOn', 'reason'],
  PatientStatusUpdated: ['effectiveOn', 'ald', 'precarious'],
  PathwayOpened: ['openedAt', 'patientId', 'kind'],
  PathwayClosed: ['closedAt', 'outcome'],
  PathwayReopened: ['reopenedAt'],
  PatientReferred: ['referredAt', 'referralId', 'fromMemberId', 'urgency'],
  ReferralAccepted: ['acceptedAt', 'referralId'],
  DischargeNotified: ['dischargeAt', 'dischargeId', 'notifiedAt'],
  MedicationReconciliationSent: ['sentAt', 'dischargeId'],
  FollowUpCompleted: ['at', 'dischargeId', 'byMemberId', 'kind'],
  ProtocolApplied: [
    'appliedAt',
    'applicationId',
    'protocolCode',
    'protocolVersion',
    'byMemberId',
    'outcome',
    'mtInformedAt',
  ],
  RcpHeld: ['heldAt', 'complex', 'format', 'participants', 'cases'],
  UnscheduledCareRequested: ['receivedAt', 'channel', 'viaSas'],
  UnscheduledCareOriented: ['appointmentAt'],
  PreventionActionHeld: ['heldOn', 'participants', 'memberIds'],
  TrainingHeld: ['heldOn', 'attendeeMemberIds'],
  WorkItemAssigned: ['assignedAt', 'kind', 'assignee'],
};

/** Which field is the business time, per type (the first kept field, except for CptsRegistered). */
const TIME_FIELD: Record<string, string | undefined> = Object.fromEntries(
  Object.entries(KEPT).map(([type, fields]) => [type, type === 'CptsRegistered' ? undefined : fields[0]]),
);

/** The kept field `ref` is, per type (as `own` sets it). */
const REF_FIELD: Record<string, string> = {
  PathwayOpened: 'patientId',
  PatientReferred: 'referralId',
  ReferralAccepted: 'referralId',
  DischargeNotified: 'dischargeId',
  MedicationReconciliationSent: 'dischargeId',
  FollowUpCompleted: 'dischargeId',
  ProtocolApplied: 'applicationId',
};

/** The kept field `label` is, as it is, per type (as `own` sets it). */
const LABEL_FIELD: Record<string, string> = {
  MemberJoined: 'profession',
  ParticipationRecorded: 'activity',
  InternHosted: 'profession',
  MedecinTraitantSearchRegistered: 'priority',
  MedecinTraitantSearchClosed: 'reason',
  PathwayOpened: 'kind',
  PathwayClosed: 'outcome',
  PatientReferred: 'urgency',
  FollowUpCompleted: 'kind',
  RcpHeld: 'format',
  UnscheduledCareRequested: 'channel',
};

type ColumnOfField = 'business_time' | 'ref' | 'label';

/**
 * Per type, the kept fields a fact's columns hold verbatim when they are strings: a fact's `fields` keeps
 * only the others (most facts then keep none), and `fieldsOf` puts them back from the columns.
 */
const IN_COLUMNS: Record<string, ReadonlyArray<readonly [string, ColumnOfField]>> = Object.fromEntries(
  Object.keys(KEPT).map((type) => {
    const pairs: Array<readonly [string, ColumnOfField]> = [];
    const time = type === 'CptsRegistered' ? undefined : KEPT[type][0];
    if (time) pairs.push([time, 'business_time']);
    if (REF_FIELD[type]) pairs.push([REF_FIELD[type], 'ref']);
    if (LABEL_FIELD[type]) pairs.push([LABEL_FIELD[type], 'label']);
    return [type, pairs];
  }),
);

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const int = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : null;
const ids = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
const trait = (condition: boolean, bit: number) => (condition ? bit : 0);

/** The kept fields of an event's data, or of a correction (only the fields it gives). */
function keep(type: string, data: Fields): Fields {
  const kept: Fields = {};
  for (const field of KEPT[type] ?? []) if (data[field] !== undefined) kept[field] = data[field];
  if (type === 'RcpHeld') {
    // Only what is counted: the member participants and the number of cases.
    if (Array.isArray(data.participants)) {
      kept.participants = (data.participants as unknown[])
        .map((p) => (p !== null && typeof p === 'object' ? str((p as Fields).memberId) : null))
        .filter((id): id is string => id !== null);
    }
    if (Array.isArray(data.cases)) kept.cases = data.cases.length;
  }
  return kept;
}

/** What a fact keeps of its fields: those its columns do not hold already, NULL when none is left. */
function residue(type: string, fields: Fields): string | null {
  let rest: Fields | null = null;
  const inColumns = IN_COLUMNS[type] ?? [];
  for (const field of Object.keys(fields)) {
    const value = fields[field];
    if (typeof value === 'string' && inColumns.some(([name]) => name === field)) continue;
    (rest ??= {})[field] = value;
  }
  return rest === null ? null : JSON.stringify(rest);
}

/** The columns that follow from a fact's own fields. */
interface Own {
  ref: string | null;
  businessTime: string | null;
  day: string | null;
  at: number | null;
  label: string | null;
  amount: number | null;
  traits: number;
  /** Members this fact shows active. */
  active: string[];
}

function own(type: string, entity: string, f: Fields): Own {
  const timeField = TIME_FIELD[type];
  const o: Own = {
    ref: null,
    businessTime: timeField ? str(f[timeField]) : null,
    day: timeField ? businessDay(f[timeField]) : null,
    at: timeField ? instantOf(f[timeField]) : null,
    label: null,
    amount: null,
    traits: 0,
    active: [],
  };
  switch (type) {
    case 'CptsRegistered':
    case 'CptsPopulationUpdated':
      o.amount = int(f.population);
      break;
    case 'MemberJoined':
      o.label = str(f.profession);
      o.traits = trait(f.sasParticipant === true, TRAIT.sasParticipant);
      break;
    case 'ParticipationRecorded':
      o.label = str(f.activity);
      o.active = [entity];
      break;
    case 'InternHosted':
      o.label = str(f.profession);
      break;
    case 'MedecinTraitantSearchRegistered':
      o.label = str(f.priority);
      break;
    case 'MedecinTraitantSearchClosed':
      o.label = str(f.reason);
      break;
    case 'PatientStatusUpdated':
      o.traits =
        trait(typeof f.ald === 'boolean', TRAIT.aldSet) |
        trait(f.ald === true, TRAIT.ald) |
        trait(typeof f.precarious === 'boolean', TRAIT.precariousSet) |
        trait(f.precarious === true, TRAIT.precarious);
      break;
    case 'PathwayOpened':
      o.ref = str(f.patientId);
      o.label = str(f.kind);
      break;
    case 'PathwayClosed':
      o.label = str(f.outcome);
      break;
    case 'PatientReferred':
      o.ref = str(f.referralId);
      o.label = str(f.urgency);
      o.active = ids([f.fromMemberId]);
      break;
    case 'ReferralAccepted':
      o.ref = str(f.referralId);
      break;
    case 'DischargeNotified': {
      o.ref = str(f.dischargeId);
      const notifiedAt = instantOf(f.notifiedAt);
      o.traits = trait(
        o.at !== null && notifiedAt !== null && notifiedAt <= deadline(o.at, DELAYS.dischargeNotice),
        TRAIT.notifiedAhead24h,
      );
      break;
    }
    case 'MedicationReconciliationSent':
      o.ref = str(f.dischargeId);
      break;
    case 'FollowUpCompleted':
      o.ref = str(f.dischargeId);
      o.label = str(f.kind);
      o.active = ids([f.byMemberId]);
      break;
    case 'ProtocolApplied':
      o.ref = str(f.applicationId);
      o.label = `${String(f.protocolCode)}@${String(f.protocolVersion)}`;
      o.traits =
        trait(f.outcome === 'dispensation', TRAIT.dispensation) |
        trait(typeof f.mtInformedAt === 'string', TRAIT.mtInformed);
      o.active = ids([f.byMemberId]);
      break;
    case 'RcpHeld':
      o.label = str(f.format);
      o.amount = int(f.cases) ?? 0;
      o.traits = trait(f.complex === true, TRAIT.complex);
      o.active = ids(f.participants);
      break;
    case 'UnscheduledCareRequested':
      o.label = str(f.channel);
      o.traits = trait(f.viaSas === true, TRAIT.viaSas);
      break;
    case 'PreventionActionHeld':
      o.amount = int(f.participants) ?? 0;
      o.active = ids(f.memberIds);
      break;
    case 'TrainingHeld':
      o.amount = ids(f.attendeeMemberIds).length;
      o.active = ids(f.attendeeMemberIds);
      break;
    case 'WorkItemAssigned':
      o.label = str(f.kind);
      o.traits = trait(f.assignee !== null && typeof f.assignee === 'object', TRAIT.assigned);
      break;
  }
  o.active = [...new Set(o.active)];
  return o;
}

/** The id a stream is about: `<category>-<cptsId>.<id>` → `<id>`, `cpts-<cptsId>` → `<cptsId>`. */
function entityOf(streamId: string, cptsId: string): string {
  const dot = streamId.indexOf('.');
  return dot < 0 ? cptsId : streamId.slice(dot + 1);
}

/**
 * A fact's stream from its category, CPTS and entity (the inverse of `entityOf`): facts keep the category
 * rather than the whole name, which would repeat the CPTS and the entity in every row.
 */
export function streamOfFact(fact: Pick<FactRow, 'stream_category' | 'cpts_id' | 'entity'>): string {
  const stream = `${fact.stream_category}-${fact.cpts_id}`;
  return fact.entity === fact.cpts_id ? stream : `${stream}.${fact.entity}`;
}

/** `streamOfFact` in SQL, as the drill-downs' `stream_id` column. */
export const streamOfFactSql = (alias: string) =>
  `${alias}.stream_category || '-' || ${alias}.cpts_id || ` +
  `CASE WHEN ${alias}.entity = ${alias}.cpts_id THEN '' ELSE '.' || ${alias}.entity END`;

/** The category of an event's stream, for its fact; refuses a stream not named `<category>-<cptsId>[.<id>]`. */
function categoryOf(streamId: string, cptsId: string, entity: string): string {
  const category = streamId.slice(0, Math.max(0, streamId.indexOf('-')));
  if (streamOfFact({ stream_category: category, cpts_id: cptsId, entity }) !== streamId) {
    throw new Error(`stream ${streamId} is not named <category>-${cptsId}[.<id>]`);
  }
  return category;
}

interface FactRow {
  cpts_id: string;
  event_id: string;
  /** 0 for the event's own fact; each correction or change of its links writes the next version. */
  version: number;
  revised_by: string | null;
  /** The category of the event's stream (`streamOfFact` names the stream). */
  stream_category: string;
  revision: number;
  type: string;
  entity: string;
  ref: string | null;
  business_time: string | null;
  day: string | null;
  at: number | null;
  label: string | null;
  amount: number | null;
  traits: number;
  evidence: string | null;
  until_day: string | null;
  /**
   * For the entries a correction may change, the kept fields its other columns do not hold (JSON; see
   * `fieldsOf`); NULL when none is left, and for the others.
   */
  fields: string | null;
  recorded_at: number;
  superseded_at: number | null;
}

interface LinksRow {
  cpts_id: string;
  entity: string;
  /** The discharge or referral the facts are about, '' for the stream itself. */
  ref: string;
  /** As tuples (`LinkTuple`): no field name repeated in every fact of every group. */
  facts: LinkTuple[];
}

interface DailyRow {
  cpts_id: string;
  type: string;
  day: string;
  until_day: string;
  label: string;
  traits: number;
  n: number;
  amount: number;
}

interface ActivityRow {
  cpts_id: string;
  event_id: string;
  version: number;
  member_id: string;
  day: string;
  recorded_at: number;
  superseded_at: number | null;
}

interface PatientRow {
  cpts_id: string;
  patient_id: string;
  event_id: string;
  birth_year: number | null;
  ald: number;
  precarious: number;
  recorded_at: number;
}

/**
 * The fact types the figures look up by their entity: a pathway's closing (the `except` of a count) and a
 * patient's status updates (the status at a period's end). Each has a partial index of its own on its
 * entity; an index of every fact by entity took 6 % of the read store for these few.
 */
export const LOOKED_UP_BY_ENTITY = ['PathwayClosed', 'PatientStatusUpdated'] as const;
export type LookedUpByEntity = (typeof LOOKED_UP_BY_ENTITY)[number];

/**
 * `facts` rows are reached by key while applying (an event's versions); the indexes are the reads': a
 * period's facts by type and day (as of a time), and the facts of `LOOKED_UP_BY_ENTITY` by entity.
 */
const tables = {
  facts: table<FactRow>({
    columns: {
      cpts_id: 'TEXT',
      event_id: 'TEXT',
      version: 'INTEGER',
      revised_by: 'TEXT NULL',
      stream_category: 'TEXT',
      revision: 'INTEGER',
      type: 'TEXT',
      entity: 'TEXT',
      ref: 'TEXT NULL',
      business_time: 'TEXT NULL',
      day: 'TEXT NULL',
      at: 'INTEGER NULL',
      label: 'TEXT NULL',
      amount: 'INTEGER NULL',
      traits: 'INTEGER',
      evidence: 'TEXT NULL',
      until_day: 'TEXT NULL',
      fields: 'TEXT NULL',
      recorded_at: 'INTEGER',
      superseded_at: 'INTEGER NULL',
    },
    key: ['cpts_id', 'event_id', 'version'],
    indexes: [
      ['cpts_id', 'type', 'day', 'recorded_at', 'superseded_at', 'traits'],
      ...LOOKED_UP_BY_ENTITY.map((type) => ({
        columns: ['cpts_id', 'entity', 'day'] as const,
        where: `type = '${type}'`,
      })),
    ],
    appendOnly: true,
  }),
  links: table<LinksRow>({
    columns: { cpts_id: 'TEXT', entity: 'TEXT', ref: 'TEXT', facts: 'JSON' },
    key: ['cpts_id', 'entity', 'ref'],
  }),
  daily: table<DailyRow>({
    columns: {
      cpts_id: 'TEXT',
      type: 'TEXT',
      day: 'TEXT',
      until_day: 'TEXT',
      label: 'TEXT',
      traits: 'INTEGER',
      n: 'INTEGER',
      amount: 'INTEGER',
    },
    key: ['cpts_id', 'type', 'day', 'until_day', 'label', 'traits'],
  }),
  activity: table<ActivityRow>({
    columns: {
      cpts_id: 'TEXT',
      event_id: 'TEXT',
      version: 'INTEGER',
      member_id: 'TEXT',
      day: 'TEXT',
      recorded_at: 'INTEGER',
      superseded_at: 'INTEGER NULL',
    },
    key: ['cpts_id', 'event_id', 'version', 'member_id'],
    indexes: [['cpts_id', 'member_id', 'day']],
    appendOnly: true,
  }),
  patients: table<PatientRow>({
    columns: {
      cpts_id: 'TEXT',
      patient_id: 'TEXT',
      event_id: 'TEXT',
      birth_year: 'INTEGER NULL',
      ald: 'INTEGER',
      precarious: 'INTEGER',
      recorded_at: 'INTEGER',
    },
    key: ['cpts_id', 'patient_id'],
  }),
};

type IndicatorTables = Tables<typeof tables>;

/** What a fact's traits and validity owe to other events. */
interface Linked {
  traits: number;
  evidence: Partial<Record<TraitName, string>>;
  until: string | null;
}

/** The traits that come from other events (recomputed when those change), with their evidence. */
export const LINKED_TRAITS =
  TRAIT.reconciled48h | TRAIT.followedUp7d | TRAIT.accepted | TRAIT.oriented | TRAIT.oriented24h;

/** The counted entries `EntryCorrected` may target, on every stream (`docs/events.md`, Corrections). */
const CORRECTABLE = new Set([
  'PathwayOpened',
  'PatientReferred',
  'ReferralAccepted',
  'DischargeNotified',
  'MedicationReconciliationSent',
  'FollowUpCompleted',
  'ProtocolApplied',
  'CptsPopulationUpdated',
  'MemberLeft',
  'ParticipationRecorded',
  'InternHosted',
  'MedecinTraitantSearchRegistered',
  'MedecinTraitantAssigned',
  'MedecinTraitantSearchClosed',
  'PatientStatusUpdated',
  'RcpHeld',
  'UnscheduledCareRequested',
  'UnscheduledCareOriented',
  'PreventionActionHeld',
  'TrainingHeld',
  'WorkItemAssigned',
]);

/** The facts that show members active (`own().active`). */
const SHOWS_ACTIVITY = new Set([
  'ParticipationRecorded',
  'PatientReferred',
  'FollowUpCompleted',
  'ProtocolApplied',
  'RcpHeld',
  'PreventionActionHeld',
  'TrainingHeld',
]);

/** For each type whose facts depend on others: the facts of these types can change them. */
const DEPENDS_ON: Record<string, readonly string[]> = {
  DischargeNotified: ['MedicationReconciliationSent', 'FollowUpCompleted'],
  PatientReferred: ['ReferralAccepted'],
  UnscheduledCareRequested: ['UnscheduledCareOriented'],
  PathwayClosed: ['PathwayReopened'],
  MemberJoined: ['MemberLeft'],
  MedecinTraitantSearchRegistered: [
    'MedecinTraitantAssigned',
    'MedecinTraitantSearchClosed',
    'MedecinTraitantSearchRegistered',
  ],
};
/** The reverse: a change to a fact of this type refreshes the facts of these types. */
const DEPENDENTS: Record<string, string[]> = {};
for (const [subject, sources] of Object.entries(DEPENDS_ON)) {
  for (const source of sources) (DEPENDENTS[source] ??= []).push(subject);
}
/** Dependencies through `ref` (a discharge, a referral) rather than the whole stream. */
const BY_REF = new Set(['DischargeNotified', 'PatientReferred']);

/** What `link` needs of the facts it looks at. */
interface LinkRow {
  event_id: string;
  version: number;
  type: string;
  revision: number;
  day: string | null;
  at: number | null;
}

/** A `LinkRow` as a group stores it: `[event_id, version, type, revision, day, at]`. */
type LinkTuple = [string, number, string, number, string | null, number | null];

/** What `link` needs of the fact it looks from. */
type LinkFrom = Pick<FactRow, 'type' | 'ref' | 'at' | 'revision'>;

/** The facts that link to each other: those whose traits or end follow from others, and those others. */
const LINKABLE = new Set([...Object.keys(DEPENDS_ON), ...Object.values(DEPENDS_ON).flat()]);

/** A group's current linkable facts in the order `link` looks at them: business time, then as stored. */
function ordered(group: LinkRow[]): LinkRow[] {
  return group
    .map((row, index) => ({ row, index }))
    .sort((a, b) => (a.row.at ?? -Infinity) - (b.row.at ?? -Infinity) || a.index - b.index)
    .map(({ row }) => row);
}

function link(fact: LinkFrom, group: readonly LinkRow[]): Linked {
  const { type } = fact;
  const linked: Linked = { traits: 0, evidence: {}, until: null };
  // The current facts of its group (the stream, or the same discharge or referral), by business time.
  const ofType = (source: string) => group.filter((row) => row.type === source);
  const first = (source: string, ok: (row: LinkRow) => boolean = () => true) => ofType(source).find(ok);
  const give = (name: TraitName, row: LinkRow | undefined) => {
    if (!row) return;
    linked.traits |= TRAIT[name];
    linked.evidence[name] = row.event_id;
  };
  const after = (row: LinkRow) => row.revision > fact.revision;
  const at = fact.at;
  switch (type) {
    case 'DischargeNotified':
      if (fact.ref === null || at === null) break;
      give(
        'reconciled48h',
        first(
          'MedicationReconciliationSent',
          (r) => r.at !== null && r.at <= deadline(at, DELAYS.medicationReconciliation),
        ),
      );
      {
        const due = deadline(at, DELAYS.followUp);
        give(
          'followedUp7d',
          first('FollowUpCompleted', (r) => r.at !== null && r.at <= due),
        );
      }
      break;
    case 'PatientReferred':
      if (fact.ref !== null) give('accepted', first('ReferralAccepted'));
      break;
    case 'UnscheduledCareRequested': {
      const orientation = first('UnscheduledCareOriented');
      give('oriented', orientation);
      if (orientation?.at != null && at !== null && orientation.at <= deadline(at, DELAYS.orientation)) {
        give('oriented24h', orientation);
      }
      break;
    }
    case 'PathwayClosed':
      // The reopening that follows this closure in the stream ends it.
      linked.until =
        ofType('PathwayReopened')
          .filter(after)
          .sort((a, b) => a.revision - b.revision)[0]?.day ?? null;
      break;
    case 'MemberJoined': {
      // A member whose leftOn is on or before a period's last day is no longer one at its end (the day
      // of leaving still counts for what the member records that day, not for the snapshot after it).
      linked.until = first('MemberLeft')?.day ?? null;
      break;
    }
    case 'MedecinTraitantSearchRegistered': {
      // Ended by the first assignment or closure recorded after it, or by the next search if that starts
      // earlier (so that one patient is never counted twice).
      const ends = [
        ...ofType('MedecinTraitantAssigned').filter(after),
        ...ofType('MedecinTraitantSearchClosed').filter(after),
        ...ofType('MedecinTraitantSearchRegistered').filter(after),
      ]
        .filter((row) => row.day !== null)
        .sort((a, b) => a.revision - b.revision);
      const ending = ends.find((row) => row.type !== 'MedecinTraitantSearchRegistered');
      const nextSearch = ends.find((row) => row.type === 'MedecinTraitantSearchRegistered');
      const days = [ending?.day, nextSearch?.day].filter((d): d is string => typeof d === 'string');
      linked.until = days.length > 0 ? days.sort()[0] : null;
      break;
    }
  }
  return linked;
}

/** Bump `version` whenever the tables or what the handlers write change: the engine rebuilds beside the old one. */
export const indicatorFactsProjection = defineProjection<IndicatorFactsEvent>()({
  name: INDICATOR_FACTS,
  version: 6,
  rebuildCost: 26,
  tables,
  open: (t) => {
    const facts = new Facts(t);
    const counted = (event: ProjectedEvent<IndicatorFactsEvent>) => facts.counted(event);
    return {
      CptsRegistered: counted,
      CptsPopulationUpdated: counted,
      AciContractSigned: () => undefined,
      MissionStarted: () => undefined,
      AchievementRecorded: () => undefined,
      CrisisDeclared: () => undefined,
      CrisisPlanDrafted: () => undefined,
      CrisisPlanUpdated: () => undefined,
      ExternalIndicatorRecorded: () => undefined,
      MemberJoined: counted,
      MemberLeft: counted,
      ParticipationRecorded: counted,
      InternHosted: counted,
      PatientRegistered: (event) => facts.patientRegistered(event),
      PatientIdentityCorrected: (event) => facts.birthYearCorrected(event),
      MedecinTraitantSearchRegistered: counted,
      MedecinTraitantAssigned: counted,
      MedecinTraitantSearchClosed: counted,
      PatientStatusUpdated: counted,
      ConsentRecorded: () => undefined,
      ProfessionalAccessBlocked: () => undefined,
      ProfessionalAccessUnblocked: () => undefined,
      PharmacienCorrespondantDesignated: () => undefined,
      PatientIdentityErased: () => undefined,
      CareTeamMemberAdded: () => undefined,
      CareTeamMemberRemoved: () => undefined,
      PathwayOpened: counted,
      PatientReferred: counted,
      ReferralAccepted: counted,
      ReferralDeclined: () => undefined,
      ReferralCompleted: () => undefined,
      DischargeNotified: counted,
      MedicationReconciliationSent: counted,
      FollowUpCompleted: counted,
      ProtocolApplied: counted,
      PathwayClosed: counted,
      PathwayReopened: counted,
      RcpHeld: counted,
      UnscheduledCareRequested: counted,
      UnscheduledCareOriented: counted,
      UnscheduledCareClosed: () => undefined,
      PreventionActionHeld: counted,
      TrainingHeld: counted,
      WorkItemAssigned: counted,
      EntryCorrected: (event) => facts.changed(event),
      EntryVoided: (event) => facts.changed(event),
    };
  },
});

/** A fact's kept fields, put back together from `fields` and the columns that hold the others. */
function fieldsOf(row: FactRow): Fields {
  // Only entries that can be corrected keep their fields (every fact that shows activity is one).
  if (!CORRECTABLE.has(row.type)) return {};
  const fields = (row.fields === null ? {} : JSON.parse(row.fields)) as Fields;
  for (const [field, column] of IN_COLUMNS[row.type] ?? []) {
    const value = row[column];
    if (value !== null && !(field in fields)) fields[field] = value;
  }
  return fields;
}

/** The facts of one generation, and what each event does to them. */
class Facts {
  constructor(private readonly t: IndicatorTables) {}

  private count(row: FactRow, sign: 1 | -1): void {
    if (row.day === null) return;
    const key = [
      row.cpts_id,
      row.type,
      row.day,
      row.until_day ?? OPEN_END,
      row.label ?? '',
      row.traits,
    ] as const;
    const current = this.t.daily.get(...key);
    // Rows that fall to n = 0 stay: they add nothing, and a later version often brings them back.
    this.t.daily.put({
      cpts_id: row.cpts_id,
      type: row.type,
      day: key[2],
      until_day: key[3],
      label: key[4],
      traits: row.traits,
      n: (current?.n ?? 0) + sign,
      amount: (current?.amount ?? 0) + sign * (row.amount ?? 0),
    });
  }

  /** The members a version shows active (from its fields, which every such entry keeps). */
  private active(row: FactRow): string[] {
    if (!SHOWS_ACTIVITY.has(row.type) || row.day === null) return [];
    return own(row.type, row.entity, fieldsOf(row)).active;
  }

  private supersede(row: FactRow, recordedAt: number): void {
    this.t.facts.put({ ...row, superseded_at: recordedAt });
    for (const member of this.active(row)) {
      const activity = this.t.activity.get(row.cpts_id, row.event_id, row.version, member);
      if (activity) this.t.activity.put({ ...activity, superseded_at: recordedAt });
    }
    this.count(row, -1);
  }

  private store(row: FactRow): void {
    this.t.facts.put(row);
    this.count(row, 1);
    if (row.day === null) return;
    for (const member of this.active(row)) {
      this.t.activity.put({
        cpts_id: row.cpts_id,
        event_id: row.event_id,
        version: row.version,
        member_id: member,
        day: row.day,
        recorded_at: row.recorded_at,
        superseded_at: null,
      });
    }
  }

  // ---- link groups ------------------------------------------------------------------------------------

  private group(cptsId: string, entity: string, ref: string | null): LinkRow[] {
    const facts = this.t.links.get(cptsId, entity, ref ?? '')?.facts ?? [];
    return facts.map(([event_id, version, type, revision, day, at]) => ({
      event_id,
      version,
      type,
      revision,
      day,
      at,
    }));
  }

  private saveGroup(cptsId: string, entity: string, ref: string | null, group: LinkRow[]): void {
    if (group.length === 0) this.t.links.delete(cptsId, entity, ref ?? '');
    else {
      const facts = group.map((f): LinkTuple => [f.event_id, f.version, f.type, f.revision, f.day, f.at]);
      this.t.links.put({ cpts_id: cptsId, entity, ref: ref ?? '', facts });
    }
  }

  /** The fact as its group now knows it (replaced, added, or removed when `row` is null). */
  private regroup(previous: FactRow | null, row: FactRow | null): void {
    const fact = row ?? previous;
    if (!fact || !LINKABLE.has(fact.type)) return;
    if (previous) {
      const group = this.group(previous.cpts_id, previous.entity, previous.ref);
      this.saveGroup(
        previous.cpts_id,
        previous.entity,
        previous.ref,
        group.filter((member) => member.event_id !== previous.event_id),
      );
    }
    if (row) {
      const group = this.group(row.cpts_id, row.entity, row.ref);
      group.push({
        event_id: row.event_id,
        version: row.version,
        type: row.type,
        revision: row.revision,
        day: row.day,
        at: row.at,
      });
      this.saveGroup(row.cpts_id, row.entity, row.ref, group);
    }
  }

  /** `row` with its links looked up again in its group. */
  private linked(row: FactRow): FactRow {
    const linked = link(row, ordered(this.group(row.cpts_id, row.entity, row.ref)));
    return {
      ...row,
      traits: (row.traits & ~LINKED_TRAITS) | linked.traits,
      evidence: Object.keys(linked.evidence).length > 0 ? JSON.stringify(linked.evidence) : null,
      until_day: linked.until,
    };
  }

  /**
   * A fact from the fields of its event (new, or corrected). A new event has nothing to link to yet:
   * what a fact depends on comes later in its stream (a reopening after its closure, a leaving after the
   * joining, an assignment after the search) or refers to it (a reconciliation or follow-up names its
   * discharge, an acceptance its referral, an orientation its request, and the commands refuse those
   * before it exists). So only corrected facts and refreshed ones look their links up.
   */
  private fromFields(
    base: Pick<
      FactRow,
      'cpts_id' | 'event_id' | 'version' | 'revised_by' | 'stream_category' | 'revision' | 'type' | 'entity'
    >,
    fields: Fields,
    recordedAt: number,
  ): FactRow {
    const o = own(base.type, base.entity, fields);
    // Every column named (no `...base` first): V8 adds the properties that follow a spread one by one, on
    // a slow path that made this literal a tenth of a rebuild's indicators.
    return {
      cpts_id: base.cpts_id,
      event_id: base.event_id,
      version: base.version,
      revised_by: base.revised_by,
      stream_category: base.stream_category,
      revision: base.revision,
      type: base.type,
      entity: base.entity,
      ref: o.ref,
      business_time: o.businessTime,
      day: o.day,
      at: o.at,
      label: o.label,
      amount: o.amount,
      traits: o.traits,
      evidence: null,
      until_day: null,
      // Only entries that can be corrected need their fields again.
      fields: CORRECTABLE.has(base.type) ? residue(base.type, fields) : null,
      recorded_at: recordedAt,
      superseded_at: null,
    };
  }

  /** After `changed` was written or removed: the facts that depend on it get a new version if they changed. */
  private refreshDependents(
    changed: Pick<FactRow, 'cpts_id' | 'entity' | 'type' | 'ref' | 'event_id'>,
    recordedAt: number,
  ): void {
    for (const subject of DEPENDENTS[changed.type] ?? []) {
      // A follow-up without a discharge follows none up.
      if (BY_REF.has(subject) && changed.ref === null) continue;
      const group = this.group(changed.cpts_id, changed.entity, BY_REF.has(subject) ? changed.ref : null);
      for (const member of group) {
        if (member.type !== subject || member.event_id === changed.event_id) continue;
        const row = this.t.facts.get(changed.cpts_id, member.event_id, member.version);
        if (!row) continue;
        const next = this.linked({
          ...row,
          version: row.version + 1,
          recorded_at: recordedAt,
          superseded_at: null,
        });
        if (
          next.traits === row.traits &&
          next.evidence === row.evidence &&
          next.until_day === row.until_day
        ) {
          continue;
        }
        this.supersede(row, recordedAt);
        this.store(next);
        this.regroup(row, next);
      }
    }
  }

  // ---- events ------------------------------------------------------------------------------------------

  counted(event: ProjectedEvent<IndicatorFactsEvent>): void {
    const { cptsId, eventId } = event.metadata;
    const recordedAt = Date.parse(event.metadata.recordedAt);
    const entity = entityOf(event.streamId, cptsId);
    const row = this.fromFields(
      {
        cpts_id: cptsId,
        event_id: eventId,
        version: 0,
        revised_by: null,
        stream_category: categoryOf(event.streamId, cptsId, entity),
        revision: event.revision,
        type: event.type,
        entity,
      },
      keep(event.type, event.data as unknown as Fields),
      recordedAt,
    );
    this.store(row);
    this.regroup(null, row);
    this.refreshDependents(row, recordedAt);
  }

  patientRegistered(
    event: ProjectedEvent<Extract<IndicatorFactsEvent, { type: 'PatientRegistered' }>>,
  ): void {
    const { cptsId, eventId } = event.metadata;
    const patientId = entityOf(event.streamId, cptsId);
    // The first registration holds (a stream has one).
    if (this.t.patients.get(cptsId, patientId)) return;
    this.t.patients.put({
      cpts_id: cptsId,
      patient_id: patientId,
      event_id: eventId,
      birth_year: int(event.data.birthYear),
      ald: event.data.ald === true ? 1 : 0,
      precarious: event.data.precarious === true ? 1 : 0,
      recorded_at: Date.parse(event.metadata.recordedAt),
    });
  }

  /** A corrected birth date brings its birth year (in clear, as at registration). */
  birthYearCorrected(
    event: ProjectedEvent<Extract<IndicatorFactsEvent, { type: 'PatientIdentityCorrected' }>>,
  ): void {
    const { cptsId } = event.metadata;
    const patient = this.t.patients.get(cptsId, entityOf(event.streamId, cptsId));
    if (patient) this.t.patients.put({ ...patient, birth_year: int(event.data.birthYear) });
  }

  /** `EntryCorrected` supersedes the target's current version with one corrected; `EntryVoided` with none. */
  changed(event: ProjectedEvent<CorrectionEvent>): void {
    const { cptsId, eventId } = event.metadata;
    const recordedAt = Date.parse(event.metadata.recordedAt);
    const targetId = str(event.data.targetEventId);
    // Only entries of the same stream; entries that are not counted here have no fact.
    const target =
      targetId === null
        ? undefined
        : this.t.facts.scan(cptsId, targetId).find((row) => row.superseded_at === null);
    if (!target || streamOfFact(target) !== event.streamId) return;
    this.supersede(target, recordedAt);
    if (event.type === 'EntryVoided') {
      this.regroup(target, null);
      this.refreshDependents(target, recordedAt);
      return;
    }
    const correction = event.data.correction;
    const fields = {
      ...fieldsOf(target),
      ...keep(target.type, correction !== null && typeof correction === 'object' ? correction : {}),
    };
    const corrected = this.fromFields(
      { ...target, version: target.version + 1, revised_by: eventId },
      fields,
      recordedAt,
    );
    this.regroup(target, corrected);
    const linked = this.linked(corrected);
    this.store(linked);
    this.regroup(corrected, linked);
    this.refreshDependents(linked, recordedAt);
  }
}
