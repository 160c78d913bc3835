import type { CorrectEntry, VoidEntry } from '../shared/corrections';
import type { Command } from '../shared/decider';
import type {
  AchievementRecorded,
  AciContractSigned,
  CptsPopulationUpdated,
  CptsRegistered,
  CrisisDeclared,
  ExternalIndicatorRecorded,
  MissionStarted,
} from './cpts.events';

/** What a platform admin or a coordinator asks of the CPTS's own stream (`docs/events.md`, CPTS). */
export type RegisterCpts = Command<'RegisterCpts', CptsRegistered>;
export type UpdatePopulation = Command<'UpdatePopulation', CptsPopulationUpdated>;
/** `joinedBefore20220930` may be given (a CPTS that joined earlier and signs again); else from `signedOn`. */
export type SignContract = Command<
  'SignContract',
  Omit<AciContractSigned, 'joinedBefore20220930'> & { joinedBefore20220930?: boolean }
>;
export type StartMission = Command<'StartMission', MissionStarted>;
export type RecordAchievement = Command<'RecordAchievement', AchievementRecorded>;
export type DeclareCrisis = Command<'DeclareCrisis', CrisisDeclared>;
/** One route for both steps of the crisis plan: `drafted` → CrisisPlanDrafted, `updated` → CrisisPlanUpdated. */
export type RecordCrisisPlan = Command<'RecordCrisisPlan', { on: string; kind: 'drafted' | 'updated' }>;
export type RecordExternalIndicator = Command<'RecordExternalIndicator', ExternalIndicatorRecorded>;

export type CptsCommand =
  | RegisterCpts
  | UpdatePopulation
  | SignContract
  | StartMission
  | RecordAchievement
  | DeclareCrisis
  | RecordCrisisPlan
  | RecordExternalIndicator;
export type CptsStreamCommand = CptsCommand | CorrectEntry | VoidEntry;
