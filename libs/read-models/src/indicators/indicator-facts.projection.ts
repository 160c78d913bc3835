import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@parcours/event-store';
import type { Projection, TableNamer } from '@parcours/projections';
import { businessDay, deadline, instantOf } from '@parcours/domain';
import { DELAYS } from '../shared/delays';

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
 */
export const INDICATOR_FACTS = 'indicators';

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
} as const;
export type TraitName = keyof typeof TRAIT;

/** `until_day` of a fact that still holds, in the rollup (whose key has no NULLs). */
export const OPEN_END = '9999-12-31';

/** The business fields a fact keeps: what its columns follow from, and what a correction merges into. */
type Fields = Record<string, unknown>;

/**
 * The fields kept per type. No free text (reasons, motives, themes, hospital names): only what is counted.
 * The business-time field comes first.
 */
const KEPT: Record<string, readonly string[]> = {
  CptsRegistered: ['population'],
  CptsPopulationUpdated: ['effectiveOn', 'population'],
  MemberJoined: ['joinedOn', 'profession', 'sasParticipant'],
  MemberLeft: ['leftOn'],
  ParticipationRecorded: ['on', 'activity'],
  InternHosted: ['from', 'profession'],
  MedecinTraitantSearchRegistered: ['registeredOn', 'priority'],
  MedecinTraitantAssigned: ['assignedOn', 'memberId'],
  MedecinTraitantSearchClosed: ['closedOn', 'reason'],
  PatientStatusUpdated: ['effectiveOn', 'ald', 'precarious'],
  PathwayOpened: ['openedAt', 'patientId', 'kind'],
  PathwayClosed: ['closedAt', 'outcome'],
  PathwayReopened: ['reopenedAt'],
  PatientReferred: ['referredAt', 'referralId', 'fromMemberId', 'urgency'],
  ReferralAccepted: ['acceptedAt', 'referralId', 'appointmentAt'],
  DischargeNotified: ['dischargeAt', 'dischargeId', 'notifiedAt'],
  MedicationReconciliationSent: ['sentAt', 'dischargeId', 'toMemberId'],
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
  UnscheduledCareOriented: ['appointmentAt', 'toMemberId'],
  PreventionActionHeld: ['heldOn', 'participants', 'memberIds'],
  TrainingHeld: ['heldOn', 'attendeeMemberIds'],
};

/** Which field is the business time, per type (the first kept field, except for CptsRegistered). */
const TIME_FIELD: Record<string, string | undefined> = Object.fromEntries(
  Object.entries(KEPT).map(([type, fields]) => [type, type === 'CptsRegistered' ? undefined : fields[0]]),
);

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const int = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : null;
const ids = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
const trait = (condition: boolean, bit: number) => (condition ? bit : 0);

/** The events this projection reads (filtered by the store). */
export const FACT_EVENT_TYPES: readonly string[] = [
  ...Object.keys(KEPT),
  'PatientRegistered',
  'PatientIdentityCorrected',
  'EntryCorrected',
  'EntryVoided',
];

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
 * `facts_by_day` covers what counts and rates read as of a time (no table lookups for a year of facts);
 * `facts_by_entity` serves the links within a stream and the corrections.
 */
export function createIndicatorTables(db: Database.Database, table: TableNamer): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS ${table('facts')} (
      id INTEGER PRIMARY KEY,
      cpts_id TEXT NOT NULL,
      event_id TEXT NOT NULL,
      revised_by TEXT,
      stream_id TEXT NOT NULL,
      revision INTEGER NOT NULL,
      type TEXT NOT NULL,
      entity TEXT NOT NULL,
      ref TEXT,
      business_time TEXT,
      day TEXT,
      at INTEGER,
      label TEXT,
      amount INTEGER,
      traits INTEGER NOT NULL,
      evidence TEXT,
      until_day TEXT,
      fields TEXT,
      recorded_at INTEGER NOT NULL,
      superseded_at INTEGER
    ) STRICT;
    CREATE INDEX IF NOT EXISTS ${table('facts_by_day')} ON ${table('facts')} (cpts_id, type, day, recorded_at, superseded_at, traits);
    CREATE INDEX IF NOT EXISTS ${table('facts_by_entity')} ON ${table('facts')} (cpts_id, entity, type);

    CREATE TABLE IF NOT EXISTS ${table('daily')} (
      cpts_id TEXT NOT NULL,
      type TEXT NOT NULL,
      day TEXT NOT NULL,
      until_day TEXT NOT NULL,
      label TEXT NOT NULL,
      traits INTEGER NOT NULL,
      n INTEGER NOT NULL,
      amount INTEGER NOT NULL,
      PRIMARY KEY (cpts_id, type, day, until_day, label, traits)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE IF NOT EXISTS ${table('activity')} (
      fact_id INTEGER NOT NULL,
      cpts_id TEXT NOT NULL,
      member_id TEXT NOT NULL,
      day TEXT NOT NULL,
      event_id TEXT NOT NULL,
      recorded_at INTEGER NOT NULL,
      superseded_at INTEGER,
      PRIMARY KEY (fact_id, member_id)
    ) STRICT;
    CREATE INDEX IF NOT EXISTS ${table('activity_by_member')} ON ${table('activity')} (cpts_id, member_id, day);

    CREATE TABLE IF NOT EXISTS ${table('patients')} (
      cpts_id TEXT NOT NULL,
      patient_id TEXT NOT NULL,
      event_id TEXT NOT NULL,
      birth_year INTEGER,
      ald INTEGER NOT NULL,
      precarious INTEGER NOT NULL,
      recorded_at INTEGER NOT NULL,
      PRIMARY KEY (cpts_id, patient_id)
    ) STRICT;
  `);
}

interface FactRow {
  id: number;
  cpts_id: string;
  event_id: string;
  revised_by: string | null;
  stream_id: string;
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
  /** The event's kept fields, for the entries a correction may change; NULL for the others. */
  fields: string | null;
  recorded_at: number;
  superseded_at: number | null;
}

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

/** A version about to be stored, and the members it shows active (or the version to copy them from). */
interface Version {
  row: Omit<FactRow, 'id'>;
  active: string[] | { from: number };
}

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
type LinkRow = Pick<FactRow, 'event_id' | 'type' | 'revision' | 'day' | 'at'>;

interface Linker {
  /** Current facts of a stream, earliest business time first. */
  byEntity: Database.Statement<[string, string], LinkRow>;
  /** … with this ref. */
  byRef: Database.Statement<[string, string, string], LinkRow>;
}

/** What `link` needs of the fact it looks from. */
type LinkFrom = Pick<FactRow, 'cpts_id' | 'type' | 'entity' | 'ref' | 'at' | 'revision'>;

function link(fact: LinkFrom, q: Linker): Linked {
  const { type } = fact;
  const linked: Linked = { traits: 0, evidence: {}, until: null };
  // Everything current in the stream (or about the same discharge or referral), fetched once.
  let others: LinkRow[] | undefined;
  const ofType = (source: string) =>
    (others ??=
      fact.ref !== null && BY_REF.has(type)
        ? q.byRef.all(fact.cpts_id, fact.entity, fact.ref)
        : q.byEntity.all(fact.cpts_id, fact.entity)).filter((row) => row.type === source);
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

/** Bump `version` whenever the tables or what `apply` writes change: the runner rebuilds beside the old one. */
export const indicatorFactsProjection: Projection = {
  name: INDICATOR_FACTS,
  version: 3,
  filter: { eventTypes: [...FACT_EVENT_TYPES] },
  open(db, table) {
    createIndicatorTables(db, table);
    const facts = table('facts');
    const insertFact = db.prepare(`
      INSERT INTO ${facts} (cpts_id, event_id, revised_by, stream_id, revision, type, entity, ref, business_time,
        day, at, label, amount, traits, evidence, until_day, fields, recorded_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const supersedeFact = db.prepare(`UPDATE ${facts} SET superseded_at = ? WHERE id = ?`);
    // Corrections and voidings target an entry of their own pathway: look there.
    const currentOf = db.prepare<[string, string, string], FactRow>(
      `SELECT * FROM ${facts} WHERE cpts_id = ? AND entity = ? AND event_id = ? AND superseded_at IS NULL`,
    );
    const lean = 'event_id, type, revision, day, at';
    const linker: Linker = {
      byEntity: db.prepare(
        `SELECT ${lean} FROM ${facts} WHERE cpts_id = ? AND entity = ? AND superseded_at IS NULL ORDER BY at, id`,
      ),
      byRef: db.prepare(
        `SELECT ${lean} FROM ${facts} WHERE cpts_id = ? AND entity = ? AND ref = ? AND superseded_at IS NULL ORDER BY at, id`,
      ),
    };
    const dependentsByEntity = db.prepare<[string, string, string], FactRow>(
      `SELECT * FROM ${facts} WHERE cpts_id = ? AND entity = ? AND type = ? AND superseded_at IS NULL`,
    );
    const dependentsByRef = db.prepare<[string, string, string, string], FactRow>(
      `SELECT * FROM ${facts} WHERE cpts_id = ? AND entity = ? AND type = ? AND ref = ? AND superseded_at IS NULL`,
    );
    // Rows that fall to n = 0 stay: they add nothing, and a later version often brings them back.
    const rollup = db.prepare(`
      INSERT INTO ${table('daily')} (cpts_id, type, day, until_day, label, traits, n, amount)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (cpts_id, type, day, until_day, label, traits)
      DO UPDATE SET n = n + excluded.n, amount = amount + excluded.amount`);
    const insertActivity = db.prepare(`
      INSERT OR IGNORE INTO ${table('activity')} (fact_id, cpts_id, member_id, day, event_id, recorded_at)
      VALUES (?, ?, ?, ?, ?, ?)`);
    const copyActivity = db.prepare(`
      INSERT INTO ${table('activity')} (fact_id, cpts_id, member_id, day, event_id, recorded_at)
      SELECT ?, cpts_id, member_id, day, event_id, ? FROM ${table('activity')} WHERE fact_id = ?`);
    const supersedeActivity = db.prepare(
      `UPDATE ${table('activity')} SET superseded_at = ? WHERE fact_id = ? AND superseded_at IS NULL`,
    );
    const insertPatient = db.prepare(`
      INSERT OR IGNORE INTO ${table('patients')} (cpts_id, patient_id, event_id, birth_year, ald, precarious, recorded_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`);
    // A corrected birth date brings its birth year (in clear, as at registration).
    const correctBirthYear = db.prepare(
      `UPDATE ${table('patients')} SET birth_year = ? WHERE cpts_id = ? AND patient_id = ?`,
    );

    const count = (row: Omit<FactRow, 'id'>, sign: 1 | -1) => {
      if (row.day === null) return;
      rollup.run(
        row.cpts_id,
        row.type,
        row.day,
        row.until_day ?? OPEN_END,
        row.label ?? '',
        row.traits,
        sign,
        sign * (row.amount ?? 0),
      );
    };

    const supersede = (row: FactRow, recordedAt: number) => {
      supersedeFact.run(recordedAt, row.id);
      if (SHOWS_ACTIVITY.has(row.type)) supersedeActivity.run(recordedAt, row.id);
      count(row, -1);
    };

    /**
     * A fact from the fields of its event (new, or corrected). A new event has nothing to link to yet:
     * what a fact depends on comes later in its stream (a reopening after its closure, a leaving after the
     * joining, an assignment after the search) or refers to it (a reconciliation or follow-up names its
     * discharge, an acceptance its referral, an orientation its request, and the commands refuse those
     * before it exists). So only corrected facts and refreshed ones look their links up.
     */
    const fromFields = (
      base: Pick<
        FactRow,
        'cpts_id' | 'event_id' | 'revised_by' | 'stream_id' | 'revision' | 'type' | 'entity'
      >,
      fields: Fields,
      recordedAt: number,
      isNew: boolean,
    ): Version => {
      const o = own(base.type, base.entity, fields);
      const row: Omit<FactRow, 'id'> = {
        cpts_id: base.cpts_id,
        event_id: base.event_id,
        revised_by: base.revised_by,
        stream_id: base.stream_id,
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
        fields: CORRECTABLE.has(base.type) ? JSON.stringify(fields) : null,
        recorded_at: recordedAt,
        superseded_at: null,
      };
      return { row: isNew ? row : linkedVersion(row), active: o.active };
    };

    /** `row` with its links looked up again. */
    const linkedVersion = (row: Omit<FactRow, 'id'>): Omit<FactRow, 'id'> => {
      const linked = link(row, linker);
      return {
        ...row,
        traits: (row.traits & ~LINKED_TRAITS) | linked.traits,
        evidence: Object.keys(linked.evidence).length > 0 ? JSON.stringify(linked.evidence) : null,
        until_day: linked.until,
      };
    };

    const store = ({ row, active }: Version): void => {
      const id = Number(
        insertFact.run(
          row.cpts_id,
          row.event_id,
          row.revised_by,
          row.stream_id,
          row.revision,
          row.type,
          row.entity,
          row.ref,
          row.business_time,
          row.day,
          row.at,
          row.label,
          row.amount,
          row.traits,
          row.evidence,
          row.until_day,
          row.fields,
          row.recorded_at,
        ).lastInsertRowid,
      );
      count(row, 1);
      if (row.day === null || !SHOWS_ACTIVITY.has(row.type)) return;
      if (Array.isArray(active)) {
        for (const member of active) {
          insertActivity.run(id, row.cpts_id, member, row.day, row.event_id, row.recorded_at);
        }
      } else {
        copyActivity.run(id, row.recorded_at, active.from);
      }
    };

    /** After `changed` was written or removed: the facts that depend on it get a new version if they changed. */
    const refreshDependents = (
      changed: Pick<FactRow, 'cpts_id' | 'entity' | 'type' | 'ref' | 'event_id'>,
      recordedAt: number,
    ) => {
      for (const subject of DEPENDENTS[changed.type] ?? []) {
        // A follow-up without a discharge follows none up.
        if (BY_REF.has(subject) && changed.ref === null) continue;
        const rows = BY_REF.has(subject)
          ? dependentsByRef.all(changed.cpts_id, changed.entity, subject, changed.ref!)
          : dependentsByEntity.all(changed.cpts_id, changed.entity, subject);
        for (const { id, ...row } of rows) {
          if (row.event_id === changed.event_id) continue;
          const next = linkedVersion({ ...row, recorded_at: recordedAt, superseded_at: null });
          if (
            next.traits === row.traits &&
            next.evidence === row.evidence &&
            next.until_day === row.until_day
          ) {
            continue;
          }
          supersede({ id, ...row }, recordedAt);
          store({ row: next, active: { from: id } });
        }
      }
    };

    return {
      apply(event: RecordedEvent) {
        const { cptsId, eventId } = event.metadata;
        const recordedAt = Date.parse(event.metadata.recordedAt);
        const data = event.data;
        switch (event.type) {
          case 'PatientRegistered':
            insertPatient.run(
              cptsId,
              entityOf(event.streamId, cptsId),
              eventId,
              int(data.birthYear),
              data.ald === true ? 1 : 0,
              data.precarious === true ? 1 : 0,
              recordedAt,
            );
            return;
          case 'PatientIdentityCorrected':
            correctBirthYear.run(int(data.birthYear), cptsId, entityOf(event.streamId, cptsId));
            return;
          case 'EntryCorrected':
          case 'EntryVoided': {
            const targetId = str(data.targetEventId);
            const target =
              targetId === null
                ? undefined
                : currentOf.get(cptsId, entityOf(event.streamId, cptsId), targetId);
            // Only entries of the same stream; entries that are not counted here have no fact.
            if (!target || target.stream_id !== event.streamId) return;
            supersede(target, recordedAt);
            if (event.type === 'EntryCorrected') {
              const correction =
                data.correction !== null &&
                typeof data.correction === 'object' &&
                !Array.isArray(data.correction)
                  ? (data.correction as Fields)
                  : {};
              const fields = {
                ...(JSON.parse(target.fields ?? '{}') as Fields),
                ...keep(target.type, correction),
              };
              const corrected = fromFields({ ...target, revised_by: eventId }, fields, recordedAt, false);
              store(corrected);
              refreshDependents(corrected.row, recordedAt);
            } else {
              refreshDependents(target, recordedAt);
            }
            return;
          }
          default: {
            if (!(event.type in KEPT)) return;
            const inserted = fromFields(
              {
                cpts_id: cptsId,
                event_id: eventId,
                revised_by: null,
                stream_id: event.streamId,
                revision: event.revision,
                type: event.type,
                entity: entityOf(event.streamId, cptsId),
              },
              keep(event.type, data),
              recordedAt,
              true,
            );
            store(inserted);
            refreshDependents(inserted.row, recordedAt);
          }
        }
      },
    };
  },
};
