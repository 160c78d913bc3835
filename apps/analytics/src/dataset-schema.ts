/**
 * The analytical dataset's schema (docs/analytics.md): the feed as received (`events`), the job's own
 * bookkeeping, and the derived tables analysts query — current entries (corrections applied, voided
 * entries gone) and one flat table per kind of record — with the macros over them. The derived tables are
 * worked out again whenever events were added or their definitions changed, so a new version of the job
 * brings its definitions to an existing dataset; the other tables change only with DATASET_SCHEMA_VERSION.
 */

/** Bump when a table changes: an existing dataset of another version is refused (rebuild it from the feed). */
export const DATASET_SCHEMA_VERSION = 1;

/** The feed schema this job understands (the API's `Parcours-Feed-Schema` header). */
export const SUPPORTED_FEED_SCHEMA = 2;

export const TABLES = `
CREATE TABLE IF NOT EXISTS dataset_meta (
  schema_version INTEGER NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);

-- The feed, line for line. position is the API's log position (decimal: it may exceed 64 bits).
CREATE TABLE IF NOT EXISTS events (
  position DECIMAL(38,0) PRIMARY KEY,
  event_id VARCHAR NOT NULL,
  type VARCHAR NOT NULL,
  category VARCHAR NOT NULL,
  entity VARCHAR NOT NULL,
  revision INTEGER NOT NULL,
  recorded_at TIMESTAMPTZ NOT NULL,
  source VARCHAR NOT NULL,
  schema_version INTEGER NOT NULL,
  actor_role VARCHAR NOT NULL,
  data JSON NOT NULL
);

-- Where the job resumes: the \`after\` of its next request, written in the transaction that adds the events.
CREATE TABLE IF NOT EXISTS feed_state (
  cpts_id VARCHAR NOT NULL,
  api_url VARCHAR NOT NULL,
  position DECIMAL(38,0) NOT NULL,
  feed_schema INTEGER NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);

-- What the derived tables were worked out from: the last event's position and the definitions' digest.
CREATE TABLE IF NOT EXISTS derived_state (
  position DECIMAL(38,0),
  definitions VARCHAR NOT NULL
);

-- The Parquet files written so far, each holding the events of one run in (first_position, last_position].
CREATE TABLE IF NOT EXISTS parquet_files (
  file VARCHAR PRIMARY KEY,
  first_position DECIMAL(38,0) NOT NULL,
  last_position DECIMAL(38,0) NOT NULL,
  events BIGINT NOT NULL,
  written_at TIMESTAMPTZ NOT NULL
);
`;

/**
 * Business times are Paris calendar days (dates are their own day); delays in days land on the same Paris
 * wall-clock time (where that time happens twice, the one with the starting offset; where it does not
 * exist, one hour later). None of these depends on the session's TimeZone.
 */
export const MACROS = `
CREATE OR REPLACE MACRO paris_day(v) AS
  CASE WHEN length(v) = 10 THEN TRY_CAST(v AS DATE)
       ELSE CAST(timezone('Europe/Paris', TRY_CAST(v AS TIMESTAMPTZ)) AS DATE) END;

CREATE OR REPLACE MACRO instant(v) AS
  CASE WHEN length(v) = 10 THEN NULL ELSE TRY_CAST(v AS TIMESTAMPTZ) END;

CREATE OR REPLACE MACRO paris_add_days(t, n) AS
  CASE WHEN timezone('Europe/Paris', t + to_hours(24 * n)) = timezone('Europe/Paris', t) + to_days(n)
       THEN t + to_hours(24 * n)
       ELSE timezone('Europe/Paris', timezone('Europe/Paris', t) + to_days(n)) END;

-- numerator / denominator rounded half-up to 4 decimals; NULL when there is nothing to measure.
CREATE OR REPLACE MACRO rate(numerator, denominator) AS
  CASE WHEN denominator = 0 THEN NULL
       ELSE floor(numerator::DOUBLE * 10000 / denominator + 0.5) / 10000 END;

-- An EntryCorrected replaces the fields it names (whole fields, nested objects included).
CREATE OR REPLACE MACRO replace_fields(entry, correction) AS
  json_merge_patch(
    json_merge_patch(entry, to_json(map(json_keys(correction), list_transform(json_keys(correction), lambda field_name: NULL)))),
    correction);
`;

/** Every entry as it stands: corrections applied in log order, voided entries left out. */
export const ENTRIES_QUERY = `
WITH corrections AS (
  SELECT category, entity, data->>'targetEventId' AS target,
         list(data->'correction' ORDER BY position) AS patches,
         arg_max(event_id, position) AS corrected_by
  FROM events WHERE type = 'EntryCorrected'
  GROUP BY ALL
), voided AS (
  SELECT DISTINCT category, entity, data->>'targetEventId' AS target
  FROM events WHERE type = 'EntryVoided'
)
SELECT e.position, e.event_id, e.type, e.category, e.entity, e.revision, e.recorded_at,
       CASE WHEN c.patches IS NULL THEN e.data
            ELSE list_reduce(list_prepend(e.data, c.patches), lambda so_far, patch: replace_fields(so_far, patch)) END AS data,
       c.corrected_by
FROM events e
LEFT JOIN corrections c ON c.category = e.category AND c.entity = e.entity AND c.target = e.event_id
WHERE e.type NOT IN ('EntryCorrected', 'EntryVoided')
  AND NOT EXISTS (
    SELECT 1 FROM voided v WHERE v.category = e.category AND v.entity = e.entity AND v.target = e.event_id)`;

/**
 * The derived tables, in the order they are worked out (each may read the ones before): one per kind of
 * record, flat, with business days in Paris time. Tables rather than views: the indicators read them
 * many times over, and working them out of the JSON of the whole log at each query would be slow.
 */
export const DERIVED: ReadonlyArray<{ name: string; query: string }> = [
  { name: 'entries', query: ENTRIES_QUERY },
  {
    name: 'population',
    query: `
SELECT type, position, revision, paris_day(data->>'effectiveOn') AS effective_on, (data->>'population')::BIGINT AS population
FROM entries WHERE type IN ('CptsRegistered', 'CptsPopulationUpdated')`,
  },
  {
    name: 'members',
    query: `
SELECT j.entity AS member_id, j.data->>'profession' AS profession, j.data->>'mode' AS mode,
       j.data->'structure'->>'kind' AS structure_kind,
       coalesce((j.data->>'sasParticipant')::BOOLEAN, false) AS sas_participant,
       paris_day(j.data->>'joinedOn') AS joined_on, l.left_on
FROM entries j
LEFT JOIN (
  SELECT entity, arg_min(paris_day(data->>'leftOn'), position) AS left_on
  FROM entries WHERE type = 'MemberLeft' GROUP BY entity
) l ON l.entity = j.entity
WHERE j.type = 'MemberJoined'`,
  },
  {
    name: 'participations',
    query: `
SELECT entity AS member_id, data->>'activity' AS activity, paris_day(data->>'on') AS on_day,
       (data->>'hours')::DOUBLE AS hours
FROM entries WHERE type = 'ParticipationRecorded'`,
  },
  {
    name: 'interns',
    query: `
SELECT entity AS member_id, data->>'profession' AS profession, paris_day(data->>'from') AS hosted_from,
       paris_day(data->>'to') AS hosted_to
FROM entries WHERE type = 'InternHosted'`,
  },
  {
    name: 'patients',
    query: `
SELECT entity AS patient, data->>'sex' AS sex, (data->>'birthYear')::INTEGER AS birth_year,
       coalesce((data->>'ald')::BOOLEAN, false) AS ald,
       coalesce((data->>'precarious')::BOOLEAN, false) AS precarious,
       (data->>'hasMedecinTraitant')::BOOLEAN AS has_medecin_traitant, recorded_at AS registered_at
FROM entries WHERE type = 'PatientRegistered'`,
  },
  {
    name: 'patient_status_updates',
    query: `
SELECT entity AS patient, position, paris_day(data->>'effectiveOn') AS effective_on,
       (data->>'ald')::BOOLEAN AS ald, (data->>'precarious')::BOOLEAN AS precarious
FROM entries WHERE type = 'PatientStatusUpdated'`,
  },
  // A search ends at the first assignment, closure or new search recorded after it (a patient counts once).
  {
    name: 'mt_searches',
    query: `
SELECT s.entity AS patient, s.event_id, paris_day(s.data->>'registeredOn') AS registered_on,
       s.data->>'priority' AS priority,
       (SELECT least(
           arg_min(paris_day(x.data->>'assignedOn'), x.revision)
             FILTER (WHERE x.type = 'MedecinTraitantAssigned' AND paris_day(x.data->>'assignedOn') IS NOT NULL),
           arg_min(paris_day(x.data->>'closedOn'), x.revision)
             FILTER (WHERE x.type = 'MedecinTraitantSearchClosed' AND paris_day(x.data->>'closedOn') IS NOT NULL),
           arg_min(paris_day(x.data->>'registeredOn'), x.revision)
             FILTER (WHERE x.type = 'MedecinTraitantSearchRegistered' AND paris_day(x.data->>'registeredOn') IS NOT NULL))
          FROM entries x
         WHERE x.category = 'patient' AND x.entity = s.entity AND x.revision > s.revision) AS ended_on
FROM entries s WHERE s.type = 'MedecinTraitantSearchRegistered'`,
  },
  {
    name: 'mt_assignments',
    query: `
SELECT entity AS patient, data->>'memberId' AS member_id, paris_day(data->>'assignedOn') AS assigned_on
FROM entries WHERE type = 'MedecinTraitantAssigned'`,
  },
  {
    name: 'pathways',
    query: `
SELECT entity AS pathway_id, data->>'patientId' AS patient, data->>'kind' AS kind,
       instant(data->>'openedAt') AS opened_at, paris_day(data->>'openedAt') AS opened_on
FROM entries WHERE type = 'PathwayOpened'`,
  },
  // A closure holds until the first reopening that follows it.
  {
    name: 'pathway_closures',
    query: `
SELECT c.entity AS pathway_id, c.data->>'outcome' AS outcome, instant(c.data->>'closedAt') AS closed_at,
       paris_day(c.data->>'closedAt') AS closed_on,
       (SELECT arg_min(paris_day(r.data->>'reopenedAt'), r.revision) FROM entries r
         WHERE r.category = 'pathway' AND r.entity = c.entity AND r.type = 'PathwayReopened'
           AND r.revision > c.revision) AS reopened_on
FROM entries c WHERE c.type = 'PathwayClosed'`,
  },
  {
    name: 'referrals',
    query: `
SELECT r.entity AS pathway_id, r.data->>'referralId' AS referral_id, r.data->>'fromMemberId' AS from_member_id,
       r.data->'to'->>'memberId' AS to_member_id, r.data->'to'->>'profession' AS to_profession,
       r.data->>'urgency' AS urgency, r.data->>'channel' AS channel,
       instant(r.data->>'referredAt') AS referred_at, paris_day(r.data->>'referredAt') AS referred_on,
       EXISTS (SELECT 1 FROM entries a WHERE a.category = 'pathway' AND a.entity = r.entity
                 AND a.type = 'ReferralAccepted' AND (a.data->>'referralId') = (r.data->>'referralId')) AS accepted,
       EXISTS (SELECT 1 FROM entries d WHERE d.category = 'pathway' AND d.entity = r.entity
                 AND d.type = 'ReferralDeclined' AND (d.data->>'referralId') = (r.data->>'referralId')) AS declined,
       EXISTS (SELECT 1 FROM entries d WHERE d.category = 'pathway' AND d.entity = r.entity
                 AND d.type = 'ReferralCompleted' AND (d.data->>'referralId') = (r.data->>'referralId')) AS completed
FROM entries r WHERE r.type = 'PatientReferred'`,
  },
  {
    name: 'discharges',
    query: `
SELECT d.entity AS pathway_id, d.data->>'dischargeId' AS discharge_id,
       instant(d.data->>'dischargeAt') AS discharge_at, paris_day(d.data->>'dischargeAt') AS discharge_on,
       instant(d.data->>'notifiedAt') AS notified_at,
       coalesce(instant(d.data->>'notifiedAt') <= instant(d.data->>'dischargeAt') - INTERVAL 24 HOUR, false)
         AS notified_ahead_24h,
       EXISTS (SELECT 1 FROM entries m WHERE m.category = 'pathway' AND m.entity = d.entity
                 AND m.type = 'MedicationReconciliationSent' AND (m.data->>'dischargeId') = (d.data->>'dischargeId')
                 AND instant(m.data->>'sentAt') <= instant(d.data->>'dischargeAt') + INTERVAL 48 HOUR)
         AS reconciled_48h,
       EXISTS (SELECT 1 FROM entries f WHERE f.category = 'pathway' AND f.entity = d.entity
                 AND f.type = 'FollowUpCompleted' AND (f.data->>'dischargeId') = (d.data->>'dischargeId')
                 AND instant(f.data->>'at') <= paris_add_days(instant(d.data->>'dischargeAt'), 7))
         AS followed_up_7d,
       (d.data->>'complex')::BOOLEAN AS complex, (d.data->>'treatmentChanged')::BOOLEAN AS treatment_changed,
       d.data->'hospital'->>'finess' AS hospital_finess
FROM entries d WHERE d.type = 'DischargeNotified'`,
  },
  {
    name: 'follow_ups',
    query: `
SELECT entity AS pathway_id, data->>'dischargeId' AS discharge_id, data->>'byMemberId' AS by_member_id,
       data->>'kind' AS kind, instant(data->>'at') AS at, paris_day(data->>'at') AS on_day
FROM entries WHERE type = 'FollowUpCompleted'`,
  },
  {
    name: 'protocol_applications',
    query: `
SELECT entity AS pathway_id, data->>'applicationId' AS application_id, data->>'protocolCode' AS protocol_code,
       (data->>'protocolVersion')::INTEGER AS protocol_version, data->>'byMemberId' AS by_member_id,
       instant(data->>'appliedAt') AS applied_at, paris_day(data->>'appliedAt') AS applied_on,
       data->>'outcome' AS outcome, (data->>'mtInformedAt') IS NOT NULL AS mt_informed,
       instant(data->>'mtInformedAt') AS mt_informed_at,
       (data->'eligibility'->>'eligible')::BOOLEAN AS eligible,
       data->'test'->>'kind' AS test_kind, data->'test'->>'result' AS test_result
FROM entries WHERE type = 'ProtocolApplied'`,
  },
  {
    name: 'rcps',
    query: `
SELECT entity AS rcp_id, instant(data->>'heldAt') AS held_at, paris_day(data->>'heldAt') AS held_on,
       coalesce((data->>'complex')::BOOLEAN, false) AS complex, data->>'format' AS format,
       coalesce(json_array_length(data->'cases'), 0) AS cases,
       list_filter(json_extract_string(data, '$.participants[*].memberId'), m -> m IS NOT NULL)
         AS participant_member_ids
FROM entries WHERE type = 'RcpHeld'`,
  },
  // The first orientation counts (the earliest appointment).
  {
    name: 'unscheduled_care',
    query: `
SELECT q.entity AS request_id, q.data->>'patientId' AS patient, q.data->>'channel' AS channel,
       coalesce((q.data->>'viaSas')::BOOLEAN, false) AS via_sas,
       instant(q.data->>'receivedAt') AS received_at, paris_day(q.data->>'receivedAt') AS received_on,
       o.appointment_at, coalesce(o.orientations > 0, false) AS oriented,
       coalesce(o.appointment_at <= instant(q.data->>'receivedAt') + INTERVAL 24 HOUR, false) AS oriented_24h
FROM entries q
LEFT JOIN (
  SELECT entity, count(*) AS orientations, min(instant(data->>'appointmentAt')) AS appointment_at
  FROM entries WHERE type = 'UnscheduledCareOriented' GROUP BY entity
) o ON o.entity = q.entity
WHERE q.type = 'UnscheduledCareRequested'`,
  },
  {
    name: 'prevention_actions',
    query: `
SELECT entity AS action_id, paris_day(data->>'heldOn') AS held_on,
       coalesce((data->>'participants')::BIGINT, 0) AS participants,
       coalesce(json_extract_string(data, '$.memberIds[*]'), []) AS member_ids
FROM entries WHERE type = 'PreventionActionHeld'`,
  },
  {
    name: 'trainings',
    query: `
SELECT entity AS action_id, paris_day(data->>'heldOn') AS held_on,
       coalesce(json_extract_string(data, '$.attendeeMemberIds[*]'), []) AS attendee_member_ids
FROM entries WHERE type = 'TrainingHeld'`,
  },
  // An assignment given back to the team (assignee null, or corrected to null) assigns no one.
  {
    name: 'work_assignments',
    query: `
SELECT entity AS item_id, data->>'kind' AS kind, data->>'openedBy' AS opened_by,
       data->'assignee'->>'memberId' AS member_id, data->'assignee'->>'coordinatorId' AS coordinator,
       coalesce(json_type(data->'assignee') = 'OBJECT', false) AS assigned,
       instant(data->>'assignedAt') AS assigned_at, paris_day(data->>'assignedAt') AS assigned_on
FROM entries WHERE type = 'WorkItemAssigned'`,
  },
  // What shows a member active (adhesion.membres-actifs), one row per member and entry.
  {
    name: 'member_activity',
    query: `
SELECT member_id, on_day FROM participations
UNION ALL SELECT from_member_id, referred_on FROM referrals
UNION ALL SELECT by_member_id, on_day FROM follow_ups
UNION ALL SELECT by_member_id, applied_on FROM protocol_applications
UNION ALL SELECT unnest(participant_member_ids), held_on FROM rcps
UNION ALL SELECT unnest(member_ids), held_on FROM prevention_actions
UNION ALL SELECT unnest(attendee_member_ids), held_on FROM trainings`,
  },
];

/** Table macros over the derived tables. */
export const TABLE_MACROS = `
-- The patients as they stood at the end of last_day: ALD and CSS/AME as last updated on or before it.
CREATE OR REPLACE MACRO patients_on(last_day) AS TABLE
SELECT p.patient, p.sex, p.birth_year, coalesce(u.ald, p.ald) AS ald,
       coalesce(u.precarious, p.precarious) AS precarious
FROM patients p
LEFT JOIN (
  SELECT patient,
         arg_max(ald, (effective_on, position)) FILTER (WHERE ald IS NOT NULL) AS ald,
         arg_max(precarious, (effective_on, position)) FILTER (WHERE precarious IS NOT NULL) AS precarious
  FROM patient_status_updates WHERE effective_on <= last_day::DATE GROUP BY patient
) u USING (patient);

-- Members present at the end of last_day: one who left on or before it is no longer there.
CREATE OR REPLACE MACRO members_on(last_day) AS TABLE
SELECT * FROM members
WHERE joined_on <= last_day::DATE AND (left_on IS NULL OR left_on > last_day::DATE);
`;
