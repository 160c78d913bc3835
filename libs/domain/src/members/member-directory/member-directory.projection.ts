import { defineProjection, type ProjectedEvent, table } from '@parcours/projections';
import type { ActionEvent } from '../../actions/action.events';
import type { PathwayEvent } from '../../pathways/pathway.events';
import type { RcpEvent } from '../../rcp/rcp.events';
import type { CorrectionEvent } from '../../shared/corrections';
import type { DomainEvent } from '../../shared/decider';
import { parseStreamId } from '../../shared/ids';
import { parisDate } from '../../shared/paris-time';
import type { MemberEvent } from '../member.events';

export const MEMBER_DIRECTORY = 'member-directory';

/** The entries that make a member active (`adhesion.membres-actifs`): who, and when. */
type ActivityEvent =
  | Extract<MemberEvent, DomainEvent<'ParticipationRecorded'>>
  | Extract<PathwayEvent, DomainEvent<'PatientReferred' | 'ProtocolApplied' | 'FollowUpCompleted'>>
  | RcpEvent
  | ActionEvent;

export type MemberDirectoryEvent =
  Extract<MemberEvent, DomainEvent<'MemberJoined' | 'MemberLeft'>> | ActivityEvent | CorrectionEvent;

type Fields = Record<string, unknown>;
const list = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);

/**
 * Per activity type: the fields kept (what a correction may change, nothing else), and who they show
 * active when. A participation's member is its stream's, kept beside its fields.
 */
const ACTIVITY: Record<
  ActivityEvent['type'],
  { fields: string[]; of: (f: Fields) => { members: unknown[]; at: unknown } }
> = {
  PatientReferred: {
    fields: ['fromMemberId', 'referredAt'],
    of: (f) => ({ members: [f.fromMemberId], at: f.referredAt }),
  },
  ProtocolApplied: {
    fields: ['byMemberId', 'appliedAt'],
    of: (f) => ({ members: [f.byMemberId], at: f.appliedAt }),
  },
  FollowUpCompleted: {
    fields: ['byMemberId', 'at'],
    of: (f) => ({ members: [f.byMemberId], at: f.at }),
  },
  ParticipationRecorded: { fields: ['on'], of: (f) => ({ members: [f.memberOfStream], at: f.on }) },
  RcpHeld: {
    fields: ['participants', 'heldAt'],
    of: (f) => ({
      members: list(f.participants).map((p) =>
        p !== null && typeof p === 'object' ? (p as Fields).memberId : undefined,
      ),
      at: f.heldAt,
    }),
  },
  PreventionActionHeld: {
    fields: ['memberIds', 'heldOn'],
    of: (f) => ({ members: list(f.memberIds), at: f.heldOn }),
  },
  TrainingHeld: {
    fields: ['attendeeMemberIds', 'heldOn'],
    of: (f) => ({ members: list(f.attendeeMemberIds), at: f.heldOn }),
  },
};

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const msOf = (at: string): number => {
  const ms = Date.parse(at);
  return Number.isFinite(ms) ? ms : 0;
};
/** The Paris day of a business time (a date is already one). */
const dayOf = (at: string): string =>
  DATE_ONLY.test(at) || !Number.isFinite(Date.parse(at)) ? at.slice(0, 10) : parisDate(at);

export interface MemberRow {
  cpts_id: string;
  member_id: string;
  display_name: string;
  profession: string;
  structure: string | null;
  mode: string;
  joined_on: string;
  left_on: string | null;
  sas_participant: number;
}

export interface ActivityRow {
  cpts_id: string;
  event_id: string;
  member_id: string;
  on_date: string;
  at: string;
  at_ms: number;
}

/** The correctable entries behind activity rows (and departures): their kept fields, and the rows they gave. */
interface SourceRow {
  cpts_id: string;
  event_id: string;
  type: string;
  fields: string;
  members: string;
}

const tables = {
  members: table<MemberRow>({
    columns: {
      cpts_id: 'TEXT',
      member_id: 'TEXT',
      display_name: 'TEXT',
      profession: 'TEXT',
      structure: 'TEXT NULL',
      mode: 'TEXT',
      joined_on: 'TEXT',
      left_on: 'TEXT NULL',
      sas_participant: 'INTEGER',
    },
    key: ['cpts_id', 'member_id'],
  }),
  activity: table<ActivityRow>({
    columns: {
      cpts_id: 'TEXT',
      event_id: 'TEXT',
      member_id: 'TEXT',
      on_date: 'TEXT',
      at: 'TEXT',
      at_ms: 'INTEGER',
    },
    key: ['cpts_id', 'event_id', 'member_id'],
    indexes: [['cpts_id', 'member_id', 'on_date']],
    appendOnly: true,
  }),
  sources: table<SourceRow>({
    columns: { cpts_id: 'TEXT', event_id: 'TEXT', type: 'TEXT', fields: 'TEXT', members: 'TEXT' },
    key: ['cpts_id', 'event_id'],
    appendOnly: true,
  }),
};

/**
 * The member directory (`GET …/members`): who the members are, and their activity as
 * `adhesion.membres-actifs` counts it — one row per (event, member) in `activity`, dated by business time,
 * so "the last 12 months" is decided at read time against the clock. Corrections and voidings of the
 * entries behind them move or remove those rows (`sources` keeps what they need).
 */
export const memberDirectoryProjection = defineProjection<MemberDirectoryEvent>()({
  name: MEMBER_DIRECTORY,
  version: 3,
  rebuildCost: 5,
  tables,
  open: ({ members, activity, sources }) => {
    /** The activity of an entry from its (possibly corrected) fields; the members it gave are returned. */
    const record = (
      cptsId: string,
      eventId: string,
      type: ActivityEvent['type'],
      fields: Fields,
    ): string[] => {
      const { members: who, at } = ACTIVITY[type].of(fields);
      if (typeof at !== 'string') return [];
      const ids = [...new Set(who)].filter((m): m is string => typeof m === 'string' && m !== '');
      for (const memberId of ids) {
        activity.put({
          cpts_id: cptsId,
          event_id: eventId,
          member_id: memberId,
          on_date: dayOf(at),
          at,
          at_ms: msOf(at),
        });
      }
      return ids;
    };
    const forget = (cptsId: string, eventId: string, source: SourceRow) => {
      for (const memberId of JSON.parse(source.members) as string[])
        activity.delete(cptsId, eventId, memberId);
    };
    const leave = (cptsId: string, memberId: unknown, leftOn: unknown) => {
      if (typeof memberId !== 'string') return;
      const member = members.get(cptsId, memberId);
      if (member) members.put({ ...member, left_on: typeof leftOn === 'string' ? leftOn : null });
    };

    const onActivity = (event: ProjectedEvent<ActivityEvent>) => {
      const stream = parseStreamId(event.streamId);
      if (!stream) return;
      if (event.type === 'ParticipationRecorded' && (stream.category !== 'member' || !stream.id)) return;
      const fields: Fields = {};
      const data = event.data as unknown as Fields;
      for (const field of ACTIVITY[event.type].fields)
        if (data[field] !== undefined) fields[field] = data[field];
      if (event.type === 'ParticipationRecorded') fields.memberOfStream = stream.id;
      const { eventId } = event.metadata;
      const who = record(stream.cptsId, eventId, event.type, fields);
      sources.put({
        cpts_id: stream.cptsId,
        event_id: eventId,
        type: event.type,
        fields: JSON.stringify(fields),
        members: JSON.stringify(who),
      });
    };

    return {
      MemberJoined: (event) => {
        const stream = parseStreamId(event.streamId);
        if (stream?.category !== 'member' || !stream.id) return;
        const joined = event.data;
        members.put({
          cpts_id: stream.cptsId,
          member_id: stream.id,
          display_name: joined.displayName,
          profession: joined.profession,
          structure: joined.structure === undefined ? null : JSON.stringify(joined.structure),
          mode: joined.mode,
          joined_on: joined.joinedOn,
          left_on: members.get(stream.cptsId, stream.id)?.left_on ?? null,
          sas_participant: joined.sasParticipant ? 1 : 0,
        });
      },
      MemberLeft: (event) => {
        const stream = parseStreamId(event.streamId);
        if (stream?.category !== 'member' || !stream.id) return;
        // Kept as a source too: a departure corrected moves, voided goes.
        sources.put({
          cpts_id: stream.cptsId,
          event_id: event.metadata.eventId,
          type: event.type,
          fields: JSON.stringify({ leftOn: event.data.leftOn, memberOfStream: stream.id }),
          members: '[]',
        });
        leave(stream.cptsId, stream.id, event.data.leftOn);
      },
      PatientReferred: onActivity,
      ProtocolApplied: onActivity,
      FollowUpCompleted: onActivity,
      ParticipationRecorded: onActivity,
      RcpHeld: onActivity,
      PreventionActionHeld: onActivity,
      TrainingHeld: onActivity,
      EntryCorrected: (event) => {
        const cptsId = parseStreamId(event.streamId)?.cptsId;
        const { targetEventId, correction } = event.data;
        const source = cptsId === undefined ? undefined : sources.get(cptsId, targetEventId);
        if (!source || cptsId === undefined) return; // an entry that does not count here
        const fields: Fields = { ...(JSON.parse(source.fields) as Fields), ...correction };
        if (source.type === 'MemberLeft') {
          leave(cptsId, fields.memberOfStream, fields.leftOn);
          const { leftOn, memberOfStream } = fields;
          sources.put({ ...source, fields: JSON.stringify({ leftOn, memberOfStream }) });
          return;
        }
        const type = source.type as ActivityEvent['type'];
        const kept: Fields = {};
        for (const field of [...ACTIVITY[type].fields, 'memberOfStream'])
          if (fields[field] !== undefined) kept[field] = fields[field];
        forget(cptsId, targetEventId, source);
        const who = record(cptsId, targetEventId, type, kept);
        sources.put({ ...source, fields: JSON.stringify(kept), members: JSON.stringify(who) });
      },
      EntryVoided: (event) => {
        const cptsId = parseStreamId(event.streamId)?.cptsId;
        const { targetEventId } = event.data;
        const source = cptsId === undefined ? undefined : sources.get(cptsId, targetEventId);
        if (!source || cptsId === undefined) return;
        if (source.type === 'MemberLeft')
          leave(cptsId, (JSON.parse(source.fields) as Fields).memberOfStream, null);
        forget(cptsId, targetEventId, source);
        sources.delete(cptsId, targetEventId);
      },
    };
  },
});
