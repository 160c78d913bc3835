import { addDays, addYears, type Mission, MISSIONS, NotFoundError, readCptsHistory } from '@parcours/domain';
import type { EventStore } from '@parcours/event-store';
import type { ReadStore } from '@parcours/projections';
import { ACI_AMOUNT_TABLES } from '../financing/aci-amounts';
import { computeFinancing, cptsStateAsOf, type Financing, noContract } from '../financing/financing';
import { externalFigures, type ExternalFigure } from '../indicators/external-figures';
import { INDICATORS } from '../indicators/indicator-catalogue';
import { INDICATOR_TEXT, MISSION_NAMES } from '../indicators/indicator-names';
import type { IndicatorFigure, IndicatorsReader } from '../indicators/indicators.reader';

/** A period `[from, to)` of Paris dates, with its last day (what a person names it by). */
export interface NamedPeriod {
  from: string;
  to: string;
  lastDay: string;
}

export interface PackIndicator {
  code: string;
  label: { fr: string; en: string };
  /** `share`: a rate from 0 to 1; `number`: a count (or a population). */
  unit: 'share' | 'number';
  value: number | null;
  numerator?: number;
  denominator?: number;
  /** The same figure over the year before. */
  previous: { value: number | null; numerator?: number; denominator?: number };
}

export interface PackMission {
  /** `null`: the membership figures, which belong to no mission. */
  mission: Mission | null;
  label: { fr: string; en: string };
  inContract: boolean;
  startedOn?: string;
  /** The achievement rate recorded for this contract year (0 to 1), if any. */
  achievementRate: number | null;
  indicators: PackIndicator[];
  /** The CPAM's yearly figures whose year overlaps the contract year. */
  external: ExternalFigure[];
}

/** The yearly review pack (dialogue de gestion): what `GET …/reports/yearly` answers, and what its PDF prints. */
export interface YearlyPack {
  cptsId: string;
  name: string;
  contractYear: number;
  period: NamedPeriod;
  previousPeriod: NamedPeriod;
  asOf?: string;
  /** The instant the pack describes: `asOf`, or when it was computed. Printed on every page. */
  knownOn: string;
  /** The log position the indicators' read model included. */
  position: string;
  missions: PackMission[];
  financing: Financing;
  crises: Array<{ declaredOn: string; kind: string; endedOn?: string }>;
  crisisPlan: { draftedOn?: string; updates: string[] };
}

const named = (from: string, to: string): NamedPeriod => ({ from, to, lastDay: addDays(to, -1) });

const pickFigure = ({ value, numerator, denominator }: IndicatorFigure) => ({
  value,
  ...(numerator === undefined ? {} : { numerator }),
  ...(denominator === undefined ? {} : { denominator }),
});

/**
 * Gathers the pack of a contract year from the read models: the CPTS's history (contract, missions,
 * achievement rates, crises, financing), the indicators of the year and of the year before, the CPAM's
 * figures. Everything as known at `asOf` when given.
 */
export async function yearlyPack(
  sources: { readStore: ReadStore; reader: IndicatorsReader; store: EventStore },
  cptsId: string,
  contractYear: number,
  options: { asOf?: string; now?: Date } = {},
): Promise<YearlyPack> {
  const { asOf } = options;
  const history = readCptsHistory(sources.readStore, cptsId, asOf);
  const state = cptsStateAsOf(history, asOf);
  if (!state.exists) {
    throw new NotFoundError({ fr: 'Cette CPTS n’existe pas.', en: 'This CPTS does not exist.' });
  }
  if (state.contract === null) throw noContract();
  const financing = computeFinancing(history, contractYear, ACI_AMOUNT_TABLES, { asOf });
  const { from, to } = financing.period;
  const period = named(from, to);
  const previousPeriod = named(addYears(from, -1), from);
  const query = { cptsId, asOf };
  const current = new Map(sources.reader.all({ ...query, from, to }).map((f) => [f.code, f]));
  const previous = new Map(
    sources.reader
      .all({ ...query, from: previousPeriod.from, to: previousPeriod.to })
      .map((f) => [f.code, f]),
  );
  const external = await externalFigures(sources.store, cptsId, { from, to, asOf });
  const contract = state.contract;
  const achievements = Object.values(state.achievements).filter((a) => a.contractYear === contractYear);

  const missions: PackMission[] = [...MISSIONS, null].map((mission) => {
    const started = mission === null ? undefined : state.missions[mission];
    const achievement = achievements.find((a) => a.mission === mission);
    return {
      mission,
      label: { ...MISSION_NAMES[mission ?? 'adhesion'] },
      inContract: mission === null || contract.missions.includes(mission),
      ...(started ? { startedOn: started.startedOn } : {}),
      achievementRate: achievement?.rate ?? null,
      indicators: INDICATORS.filter((definition) => definition.mission === mission).map((definition) => {
        const text = INDICATOR_TEXT[definition.code];
        const figure = current.get(definition.code);
        const before = previous.get(definition.code);
        return {
          code: definition.code,
          label: { fr: text?.fr ?? definition.code, en: text?.en ?? definition.code },
          unit: definition.kind === 'rate' ? 'share' : 'number',
          ...(figure ? pickFigure(figure) : { value: null }),
          previous: before ? pickFigure(before) : { value: null },
        };
      }),
      external: external.filter((figure) => figure.mission === mission),
    };
  });

  return {
    cptsId,
    name: state.name,
    contractYear,
    period,
    previousPeriod,
    ...(asOf === undefined ? {} : { asOf }),
    knownOn: asOf ?? (options.now ?? new Date()).toISOString(),
    position: sources.reader.position(),
    missions,
    financing,
    crises: Object.values(state.crises)
      .filter((crisis) => crisis.declaredOn < to && (crisis.endedOn === undefined || crisis.endedOn >= from))
      .map(({ declaredOn, kind, endedOn }) => ({ declaredOn, kind, ...(endedOn ? { endedOn } : {}) }))
      .sort((a, b) => a.declaredOn.localeCompare(b.declaredOn)),
    crisisPlan: {
      ...(state.crisisPlan.drafted ? { draftedOn: state.crisisPlan.drafted.on } : {}),
      updates: Object.values(state.crisisPlan.updates).sort(),
    },
  };
}
