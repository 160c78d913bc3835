import type { CorrectEntry, VoidEntry } from '../shared/corrections';
import type { Command } from '../shared/decider';
import type {
  InternHosted,
  MemberEmailRecorded,
  MemberJoined,
  MemberLeft,
  NotificationPreferencesSet,
  ParticipationRecorded,
} from './member.events';

/** What a coordinator asks of the members capability (`docs/events.md`, Members). */
export type JoinMember = Command<'JoinMember', MemberJoined>;
export type LeaveCpts = Command<'LeaveCpts', MemberLeft>;
export type RecordParticipation = Command<'RecordParticipation', ParticipationRecorded>;
export type HostIntern = Command<'HostIntern', InternHosted>;
export type RecordMemberEmail = Command<'RecordMemberEmail', MemberEmailRecorded>;
/** The member themself, or a coordinator for them. */
export type SetNotificationPreferences = Command<'SetNotificationPreferences', NotificationPreferencesSet>;

export type MemberCommand =
  JoinMember | LeaveCpts | RecordParticipation | HostIntern | RecordMemberEmail | SetNotificationPreferences;
/** Every command on a member's stream, corrections and voidings of its entries included. */
export type MemberStreamCommand = MemberCommand | CorrectEntry | VoidEntry;
