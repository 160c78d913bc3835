import type { Mission } from '@parcours/domain';

/**
 * The ACI amounts, as data: a new avenant is a new entry here, never a change to the computation.
 * Euros per contract year, variable parts at 100 % achievement (`indicators.md`, Financing).
 */

export type SizeClass = 1 | 2 | 3 | 4;

/** The missions paid as a fixed part plus a variable part, both prorated from their start. */
export type ProratedMission = Exclude<Mission, 'crises-sanitaires'>;

export interface SizeClassAmounts {
  functioning: number;
  /** Contract year 1 only, for a CPTS that joined before 30 Sep 2022. */
  topUp: number;
  missions: Record<ProratedMission, { fixed: number; variable: number }>;
  crisesSanitaires: {
    /** Fixed, the contract year the crisis plan is drafted. */
    drafting: number;
    /** Fixed, every later contract year (plan update). */
    update: number;
    /** Variable, a contract year in which the ARS declares a serious health crisis. */
    declaredCrisis: number;
  };
  /**
   * The published "maximum total (first year with everything)". It adds up functioning, every fixed
   * and variable part and the crisis drafting amount — not the exceptional top-up, which comes on top.
   */
  maximumTotal: number;
}

export interface AciAmounts {
  /** Stable id, returned with every computation so a figure says which table it used. */
  id: string;
  title: string;
  signedOn: string;
  /** The table applies to the contract years that start on or after this date. */
  inForceFrom: string;
  sizeClasses: Record<SizeClass, SizeClassAmounts>;
  /** Where the data needed a reading beyond the source table. */
  notes: string[];
}

export const ACI_AVENANT_2: AciAmounts = {
  id: 'aci-cpts-avenant-2-2021-12-20',
  title: 'Accord conventionnel interprofessionnel CPTS, avenant 2 du 20 décembre 2021',
  signedOn: '2021-12-20',
  // "Contract years starting on or after 1 January 2022" (seed 001 l.1631–1702).
  inForceFrom: '2022-01-01',
  sizeClasses: {
    1: {
      functioning: 50_000,
      topUp: 37_500,
      missions: {
        'acces-soins': { fixed: 55_000, variable: 25_000 },
        parcours: { fixed: 25_000, variable: 25_000 },
        prevention: { fixed: 10_000, variable: 10_000 },
        'qualite-pertinence': { fixed: 7_500, variable: 7_500 },
        'accompagnement-professionnels': { fixed: 5_000, variable: 5_000 },
      },
      crisesSanitaires: { drafting: 25_000, update: 12_500, declaredCrisis: 37_500 },
      maximumTotal: 287_500,
    },
    2: {
      functioning: 60_000,
      topUp: 45_000,
      missions: {
        'acces-soins': { fixed: 70_000, variable: 30_000 },
        parcours: { fixed: 35_000, variable: 35_000 },
        prevention: { fixed: 15_000, variable: 15_000 },
        'qualite-pertinence': { fixed: 10_000, variable: 10_000 },
        'accompagnement-professionnels': { fixed: 7_500, variable: 7_500 },
      },
      crisesSanitaires: { drafting: 35_000, update: 17_500, declaredCrisis: 52_500 },
      maximumTotal: 382_500,
    },
    3: {
      functioning: 75_000,
      topUp: 56_250,
      missions: {
        'acces-soins': { fixed: 90_000, variable: 35_000 },
        parcours: { fixed: 45_000, variable: 45_000 },
        prevention: { fixed: 17_500, variable: 17_500 },
        'qualite-pertinence': { fixed: 15_000, variable: 15_000 },
        'accompagnement-professionnels': { fixed: 10_000, variable: 10_000 },
      },
      crisesSanitaires: { drafting: 45_000, update: 22_500, declaredCrisis: 67_500 },
      maximumTotal: 487_500,
    },
    4: {
      functioning: 90_000,
      topUp: 67_500,
      missions: {
        'acces-soins': { fixed: 110_000, variable: 45_000 },
        parcours: { fixed: 50_000, variable: 50_000 },
        prevention: { fixed: 20_000, variable: 20_000 },
        'qualite-pertinence': { fixed: 20_000, variable: 20_000 },
        'accompagnement-professionnels': { fixed: 15_000, variable: 15_000 },
      },
      crisesSanitaires: { drafting: 50_000, update: 25_000, declaredCrisis: 75_000 },
      maximumTotal: 580_000,
    },
  },
  notes: [
    'crises-sanitaires, plan update, tailles 3 and 4: the source table is damaged there; 22 500 and 25 000 ' +
      'follow the pattern of tailles 1 and 2 (update = half of drafting).',
    'maximumTotal is the published figure; it does not include the exceptional top-up of contract year 1.',
  ],
};

/**
 * Every table of amounts, each with the date from which it applies: a later avenant is a new entry here.
 * The earlier (2019) table is not known (only its 450 000 € ceiling): a contract year that starts before
 * the earliest table is refused, never computed with later amounts.
 */
export const ACI_AMOUNT_TABLES: readonly AciAmounts[] = [ACI_AVENANT_2];
