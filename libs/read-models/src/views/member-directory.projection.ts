import {
  parisDate,
  parseStreamId,
  type EntryCorrected,
  type EntryVoided,
  type MemberJoined,
} from '@parcours/domain';
import type { RecordedEvent } from '@parcours/event-store';
import type { Projection, TableNamer } from '@parcours/projections';
import type Database from 'better-sqlite3';

export const MEMBER_DIRECTORY = 'member-directory';

type Data = Record<string, unknown>;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);

/**
 * The entries that make a member active (`adhesion.membres-actifs`): who, and when. They can be
 * corrected or voided, so their data is kept (`activity_sources`); a participation's member is its
 * stream's, kept beside its data.
 */
const ACTIVITY: Record<string, (data: Data) => { members: unknown[]; at: unknown }> = {
  PatientReferred: (d) => ({ members: [d.fromMemberId], at: d.referredAt }),
  ProtocolApplied: (d) => ({ members: [d.byMemberId], at: d.appliedAt }),
  FollowUpCompleted: (d) => ({ members: [d.byMemberId], at: d.at }),
  ParticipationRecorded: (d) => ({ members: [d.memberOfStream], at: d.on }),
  RcpHeld: (d) => ({
    members: list(d.participants).map((p) =>
      p !== null && typeof p === 'object' ? (p as Data).memberId : undefined,
    ),
    at: d.heldAt,
  }),
  PreventionActionHeld: (d) => ({ members: list(d.memberIds), at: d.heldOn }),
  TrainingHeld: (d) => ({ members: list(d.attendeeMemberIds), at: d.heldOn }),
};

export const MEMBER_DIRECTORY_EVENTS = [
  'MemberJoined',
  'MemberLeft',
  ...Object.keys(ACTIVITY),
  'EntryCorrected',
  'EntryVoided',
];

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The Paris day of a business time (a date is already one). */
const msOf = (at: string): number => {
  const ms = Date.parse(at);
  return Number.isFinite(ms) ? ms : 0;
};
const dayOf = (at: string): string =>
  DATE_ONLY.test(at) || !Number.isFinite(Date.parse(at)) ? at.slice(0, 10) : parisDate(at);

/**
 * The member directory (`GET …/members`): who the members are, and their activity as
 * `adhesion.membres-actifs` counts it — one row per (event, member) in `activity`, dated by business time,
 * so "the last 12 months" is decided at read time against the clock.
 *
 * Tables:
 * - `members` — one row per member (MemberJoined, MemberLeft)
 * - `activity` — (source event, member, Paris day, business time)
 * - `activity_sources` — the data of the correctable entries behind activity rows, and of departures
 */
export const memberDirectoryProjection: Projection = {
  name: MEMBER_DIRECTORY,
  version: 2,
  filter: { eventTypes: MEMBER_DIRECTORY_EVENTS },
  open(db: Database.Database, table: TableNamer) {
    const members = table('members');
    const activity = table('activity');
    const sources = table('activity_sources');
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${members} (
        cpts_id TEXT NOT NULL, member_id TEXT NOT NULL, display_name TEXT NOT NULL, profession TEXT NOT NULL,
        structure TEXT, mode TEXT NOT NULL, joined_on TEXT NOT NULL, left_on TEXT,
        sas_participant INTEGER NOT NULL,
        PRIMARY KEY (cpts_id, member_id)) STRICT;
      CREATE TABLE IF NOT EXISTS ${activity} (
        cpts_id TEXT NOT NULL, event_id TEXT NOT NULL, member_id TEXT NOT NULL,
        on_date TEXT NOT NULL, at TEXT NOT NULL, at_ms INTEGER NOT NULL,
        PRIMARY KEY (cpts_id, event_id, member_id)) STRICT;
      CREATE INDEX IF NOT EXISTS ${activity}_member ON ${activity} (cpts_id, member_id, on_date);
      CREATE TABLE IF NOT EXISTS ${sources} (
        cpts_id TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL,
        PRIMARY KEY (cpts_id, event_id)) STRICT;
    `);
    const join = db.prepare(
      `INSERT INTO ${members} (cpts_id, member_id, display_name, profession, structure, mode, joined_on, left_on, sas_participant)
       VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)
       ON CONFLICT (cpts_id, member_id) DO UPDATE SET display_name = excluded.display_name,
         profession = excluded.profession, structure = excluded.structure, mode = excluded.mode,
         joined_on = excluded.joined_on, sas_participant = excluded.sas_participant`,
    );
    const leave = db.prepare(`UPDATE ${members} SET left_on = ? WHERE cpts_id = ? AND member_id = ?`);
    const addActivity = db.prepare(
      `INSERT OR REPLACE INTO ${activity} (cpts_id, event_id, member_id, on_date, at, at_ms) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const dropActivity = db.prepare(`DELETE FROM ${activity} WHERE cpts_id = ? AND event_id = ?`);
    const saveSource = db.prepare(
      `INSERT OR REPLACE INTO ${sources} (cpts_id, event_id, type, data) VALUES (?, ?, ?, ?)`,
    );
    const getSource = db.prepare<[string, string], { type: string; data: string }>(
      `SELECT type, data FROM ${sources} WHERE cpts_id = ? AND event_id = ?`,
    );
    const dropSource = db.prepare(`DELETE FROM ${sources} WHERE cpts_id = ? AND event_id = ?`);

    const record = (cptsId: string, eventId: string, memberIds: unknown[], at: unknown): void => {
      if (typeof at !== 'string') return;
      for (const memberId of new Set(memberIds)) {
        if (typeof memberId !== 'string' || memberId === '') continue;
        addActivity.run(cptsId, eventId, memberId, dayOf(at), at, msOf(at));
      }
    };

    /** An entry's activity, from its (possibly corrected) data. */
    const recordEntry = (cptsId: string, eventId: string, type: string, data: Data) => {
      const { members, at } = ACTIVITY[type](data);
      dropActivity.run(cptsId, eventId);
      record(cptsId, eventId, members, at);
    };

    return {
      apply(event: RecordedEvent) {
        const stream = parseStreamId(event.streamId);
        if (!stream) return;
        const { cptsId } = stream;
        const { eventId } = event.metadata;
        const data = event.data;
        switch (event.type) {
          case 'MemberJoined': {
            if (stream.category !== 'member' || !stream.id) return;
            const joined = data as unknown as MemberJoined;
            join.run(
              cptsId,
              stream.id,
              joined.displayName,
              joined.profession,
              joined.structure === undefined ? null : JSON.stringify(joined.structure),
              joined.mode,
              joined.joinedOn,
              joined.sasParticipant ? 1 : 0,
            );
            return;
          }
          case 'MemberLeft':
            if (stream.category !== 'member' || !stream.id) return;
            // Kept as a source too: a departure corrected moves, voided goes.
            saveSource.run(
              cptsId,
              eventId,
              event.type,
              JSON.stringify({ ...data, memberOfStream: stream.id }),
            );
            leave.run(data.leftOn, cptsId, stream.id);
            return;
          case 'EntryCorrected': {
            const { targetEventId, correction } = data as unknown as EntryCorrected;
            const source = getSource.get(cptsId, targetEventId);
            if (!source) return; // an entry that does not count here
            const corrected = { ...(JSON.parse(source.data) as Data), ...correction };
            saveSource.run(cptsId, targetEventId, source.type, JSON.stringify(corrected));
            if (source.type === 'MemberLeft') leave.run(corrected.leftOn, cptsId, corrected.memberOfStream);
            else recordEntry(cptsId, targetEventId, source.type, corrected);
            return;
          }
          case 'EntryVoided': {
            const { targetEventId } = data as unknown as EntryVoided;
            const source = getSource.get(cptsId, targetEventId);
            if (source?.type === 'MemberLeft') {
              leave.run(null, cptsId, (JSON.parse(source.data) as Data).memberOfStream);
            }
            dropActivity.run(cptsId, targetEventId);
            dropSource.run(cptsId, targetEventId);
            return;
          }
          default: {
            if (!(event.type in ACTIVITY)) return;
            if (event.type === 'ParticipationRecorded' && (stream.category !== 'member' || !stream.id))
              return;
            const kept =
              event.type === 'ParticipationRecorded' ? { ...data, memberOfStream: stream.id } : data;
            saveSource.run(cptsId, eventId, event.type, JSON.stringify(kept));
            recordEntry(cptsId, eventId, event.type, kept);
            return;
          }
        }
      },
    };
  },
};
