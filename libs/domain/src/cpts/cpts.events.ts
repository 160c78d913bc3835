import type { DomainEvent } from '../shared/decider';

/** `events.md`, CPTS and its ACI contract — stream `cpts-<cptsId>`. */

/** The ACI missions (`events.md`, Missions): the four socle missions first, then the two optional ones. */
export const MISSIONS = [
  'acces-soins',
  'parcours',
  'prevention',
  'crises-sanitaires',
  'qualite-pertinence',
  'accompagnement-professionnels',
] as const;
export type Mission = (typeof MISSIONS)[number];

/** Every ACI contract includes these four (Avenant 2 of 20 Dec 2021). */
export const SOCLE_MISSIONS: readonly Mission[] = [
  'acces-soins',
  'parcours',
  'prevention',
  'crises-sanitaires',
];

export function isMission(value: unknown): value is Mission {
  return typeof value === 'string' && (MISSIONS as readonly string[]).includes(value);
}

/** The ACI contract runs for five years: achievements are recorded per contract year 1..5. */
export const CONTRACT_YEARS = 5;

export interface CptsRegistered {
  name: string;
  /** Inhabitants covered. */
  population: number;
  /** INSEE codes of the communes of the territory. */
  communes: string[];
  finess?: string;
}
export interface CptsPopulationUpdated {
  population: number;
  effectiveOn: string;
}
export interface AciContractSigned {
  signedOn: string;
  missions: Mission[];
  joinedBefore20220930: boolean;
}
export interface MissionStarted {
  mission: Mission;
  startedOn: string;
}
export interface AchievementRecorded {
  contractYear: number;
  mission: Mission;
  rate: number;
}
export interface CrisisDeclared {
  declaredOn: string;
  kind: string;
  endedOn?: string;
}
export interface CrisisPlanDrafted {
  on: string;
}
export interface CrisisPlanUpdated {
  on: string;
}
/**
 * A yearly figure of the CPAM (`external-indicators.ts`): `period` is the calendar year it covers,
 * `source` who computed it (e.g. "CPAM du Rhône, dialogue de gestion 2025").
 */
export interface ExternalIndicatorRecorded {
  code: string;
  period: string;
  value: number;
  source: string;
}

export type CptsEvent =
  | DomainEvent<'CptsRegistered', CptsRegistered>
  | DomainEvent<'CptsPopulationUpdated', CptsPopulationUpdated>
  | DomainEvent<'AciContractSigned', AciContractSigned>
  | DomainEvent<'MissionStarted', MissionStarted>
  | DomainEvent<'AchievementRecorded', AchievementRecorded>
  | DomainEvent<'CrisisDeclared', CrisisDeclared>
  | DomainEvent<'CrisisPlanDrafted', CrisisPlanDrafted>
  | DomainEvent<'CrisisPlanUpdated', CrisisPlanUpdated>
  | DomainEvent<'ExternalIndicatorRecorded', ExternalIndicatorRecorded>;
