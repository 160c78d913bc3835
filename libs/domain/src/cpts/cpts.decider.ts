import type { CorrectionRules } from '../shared/corrections';
import type { Decision, Evolver, StoredEvent } from '../shared/decider';
import { broken, NotFoundError } from '../shared/errors';
import { addYears, parisDate } from '../shared/paris-time';
import { notBefore, notInFuture } from '../shared/time';
import type { CptsCommand } from './cpts.commands';
import { externalIndicator, MAX_PER_1000 } from './external-indicators';
import {
  type AchievementRecorded,
  type AciContractSigned,
  CONTRACT_YEARS,
  type CptsEvent,
  type CptsPopulationUpdated,
  type CrisisDeclared,
  type ExternalIndicatorRecorded,
  isMission,
  type Mission,
  SOCLE_MISSIONS,
} from './cpts.events';

/**
 * The CPTS's own stream as its rules and its financing need it: the contract, each mission's start,
 * and the entries a correction can target, by event id.
 */
export type CptsState =
  | { exists: false }
  | {
      exists: true;
      name: string;
      /** The current population: the update with the latest `effectiveOn`, else the registered one. */
      population: number;
      registeredPopulation: number;
      populationUpdates: Record<string, CptsPopulationUpdated>;
      communes: string[];
      finess?: string;
      contract: AciContractSigned | null;
      /** Each mission's start, by mission (a mission starts once). */
      missions: Partial<Record<Mission, { startedOn: string; eventId: string }>>;
      achievements: Record<string, AchievementRecorded>;
      crises: Record<string, CrisisDeclared>;
      crisisPlan: { drafted?: { on: string; eventId: string }; updates: Record<string, string> };
      /** The CPAM's yearly figures, by event id. */
      externalIndicators: Record<string, ExternalIndicatorRecorded>;
    };
export type RegisteredCpts = Extract<CptsState, { exists: true }>;

/**
 * Taille 1–4 of the ACI (`docs/indicators.md`, Financing): < 40 000 → 1, 40 000–79 999 → 2,
 * 80 000–175 000 → 3, > 175 000 → 4.
 */
export function sizeClassOf(population: number): 1 | 2 | 3 | 4 {
  if (population < 40_000) return 1;
  if (population < 80_000) return 2;
  if (population <= 175_000) return 3;
  return 4;
}

/** The population in force on `date` (all of them without it): the latest `effectiveOn`, ties to the last recorded. */
export function populationOn(state: RegisteredCpts, date?: string): number {
  let current: CptsPopulationUpdated | undefined;
  for (const update of Object.values(state.populationUpdates)) {
    if (date !== undefined && update.effectiveOn > date) continue;
    if (current === undefined || update.effectiveOn >= current.effectiveOn) current = update;
  }
  return current?.population ?? state.registeredPopulation;
}

export const cptsEvolver: Evolver<CptsState, CptsEvent> = {
  initialState: () => ({ exists: false }),
  evolve: (state, event: StoredEvent<CptsEvent>): CptsState => {
    if (event.type === 'CptsRegistered') {
      const { name, population, communes, finess } = event.data;
      return {
        exists: true,
        name,
        population,
        registeredPopulation: population,
        populationUpdates: {},
        communes: [...communes],
        ...(finess === undefined ? {} : { finess }),
        contract: null,
        missions: {},
        achievements: {},
        crises: {},
        crisisPlan: { updates: {} },
        externalIndicators: {},
      };
    }
    if (!state.exists) return state;
    const eventId = event.context.eventId;
    switch (event.type) {
      case 'CptsPopulationUpdated': {
        const next = { ...state, populationUpdates: { ...state.populationUpdates, [eventId]: event.data } };
        return { ...next, population: populationOn(next) };
      }
      case 'AciContractSigned':
        return { ...state, contract: event.data };
      case 'MissionStarted':
        return {
          ...state,
          missions: { ...state.missions, [event.data.mission]: { startedOn: event.data.startedOn, eventId } },
        };
      case 'AchievementRecorded':
        return { ...state, achievements: { ...state.achievements, [eventId]: event.data } };
      case 'CrisisDeclared':
        return { ...state, crises: { ...state.crises, [eventId]: event.data } };
      case 'CrisisPlanDrafted':
        return { ...state, crisisPlan: { ...state.crisisPlan, drafted: { on: event.data.on, eventId } } };
      case 'CrisisPlanUpdated':
        return {
          ...state,
          crisisPlan: {
            ...state.crisisPlan,
            updates: { ...state.crisisPlan.updates, [eventId]: event.data.on },
          },
        };
      case 'ExternalIndicatorRecorded':
        return { ...state, externalIndicators: { ...state.externalIndicators, [eventId]: event.data } };
      default:
        return state;
    }
  },
};

export const cptsNotFound = (cptsId?: string) =>
  cptsId === undefined
    ? new NotFoundError({ fr: 'Cette CPTS n’existe pas.', en: 'This CPTS does not exist.' })
    : new NotFoundError({ fr: `La CPTS ${cptsId} n’existe pas.`, en: `CPTS ${cptsId} does not exist.` });

/** Every command but the registration addresses a registered CPTS (a 404 otherwise, as `requireCpts`). */
function assertRegistered(state: CptsState): asserts state is RegisteredCpts {
  if (!state.exists) throw cptsNotFound();
}

/** The exceptional top-up of contract year 1 is for CPTS that joined before 30 Sep 2022 (Avenant 2). */
export const TOP_UP_DEADLINE = '2022-09-30';

function assertContract(state: RegisteredCpts): AciContractSigned {
  if (state.contract === null) {
    throw broken(
      'no-contract',
      'Aucun contrat ACI n’a été signé par cette CPTS.',
      'This CPTS has not signed an ACI contract.',
    );
  }
  return state.contract;
}

function assertMissionInContract(contract: AciContractSigned, mission: Mission): void {
  if (!contract.missions.includes(mission)) {
    throw broken(
      'mission-not-in-contract',
      `La mission ${mission} ne fait pas partie du contrat ACI.`,
      `The mission ${mission} is not part of the ACI contract.`,
      'mission',
    );
  }
}

/** Contract year N is `[signedOn + N−1 years, signedOn + N years)`. */
export function contractYearStart(contract: AciContractSigned, contractYear: number): string {
  return addYears(contract.signedOn, contractYear - 1);
}

// ---- the stream's own rules --------------------------------------------------------------------------

/** What an entry must obey given the CPTS stream before it (also rechecked after a correction). */
export function cptsStreamRules(event: CptsEvent, state: CptsState): void {
  if (event.type === 'CptsRegistered') {
    if (state.exists) {
      throw broken(
        'cpts-exists',
        'Une CPTS est déjà enregistrée sous cet identifiant.',
        'A CPTS is registered under this id already.',
        'id',
      );
    }
    return;
  }
  assertRegistered(state);
  switch (event.type) {
    case 'CptsPopulationUpdated':
      return;
    case 'AciContractSigned':
      return contractRules(event.data, state);
    case 'MissionStarted': {
      const contract = assertContract(state);
      assertMissionInContract(contract, event.data.mission);
      const started = state.missions[event.data.mission];
      if (started) {
        throw broken(
          'mission-started',
          `La mission ${event.data.mission} a déjà démarré le ${started.startedOn}.`,
          `The mission ${event.data.mission} started already on ${started.startedOn}.`,
          'mission',
        );
      }
      notBefore(
        event.data.startedOn,
        contract.signedOn,
        { fr: 'à la signature du contrat', en: 'the contract’s signature' },
        'startedOn',
      );
      return;
    }
    case 'AchievementRecorded':
      return achievementRules(event.data, state);
    case 'CrisisDeclared':
      if (event.data.endedOn !== undefined && event.data.endedOn < event.data.declaredOn) {
        throw broken(
          'period-reversed',
          'La fin de la crise précède sa déclaration.',
          'The crisis ends before it was declared.',
          'endedOn',
        );
      }
      return;
    case 'CrisisPlanDrafted': {
      const { drafted } = state.crisisPlan;
      if (drafted !== undefined) {
        throw broken(
          'crisis-plan-drafted',
          `Le plan de crise a déjà été rédigé le ${drafted.on} ; enregistrez une mise à jour.`,
          `The crisis plan was drafted already on ${drafted.on}; record an update instead.`,
          'kind',
        );
      }
      // The plan is the first work of the crises-sanitaires mission: it cannot come before the mission.
      const started = state.missions['crises-sanitaires'];
      if (started === undefined || started.startedOn > event.data.on) {
        throw broken(
          'crisis-mission-not-started',
          started === undefined
            ? 'La mission crises sanitaires n’a pas démarré : le plan de crise ne peut pas être rédigé.'
            : `La mission crises sanitaires ne démarre que le ${started.startedOn} : le plan ne peut pas être rédigé avant.`,
          started === undefined
            ? 'The crises-sanitaires mission has not started: the crisis plan cannot be drafted.'
            : `The crises-sanitaires mission only starts on ${started.startedOn}: the plan cannot be drafted before.`,
          'on',
        );
      }
      return;
    }
    case 'CrisisPlanUpdated': {
      const { drafted } = state.crisisPlan;
      if (drafted === undefined) {
        throw broken(
          'no-crisis-plan',
          'Aucun plan de crise n’a été rédigé : il ne peut pas être mis à jour.',
          'No crisis plan was drafted: it cannot be updated.',
          'kind',
        );
      }
      notBefore(event.data.on, drafted.on, { fr: 'à la rédaction du plan', en: 'the plan’s drafting' }, 'on');
      return;
    }
    case 'ExternalIndicatorRecorded':
      return externalIndicatorRules(event.data, state);
  }
}

/** A known code, a value in its unit, one figure per code and year (a second one is a correction). */
function externalIndicatorRules(figure: ExternalIndicatorRecorded, state: RegisteredCpts): void {
  const indicator = externalIndicator(figure.code);
  if (indicator === undefined) {
    throw broken(
      'unknown-external-indicator',
      'Ce code ne désigne aucun indicateur de l’Assurance Maladie connu.',
      'This code names no known Assurance Maladie indicator.',
      'code',
    );
  }
  if (!/^\d{4}$/.test(figure.period)) {
    throw broken(
      'external-indicator-period-invalid',
      'La période est une année civile (AAAA).',
      'The period is a calendar year (YYYY).',
      'period',
    );
  }
  const max = indicator.unit === 'share' ? 1 : MAX_PER_1000;
  if (!(typeof figure.value === 'number' && Number.isFinite(figure.value) && figure.value >= 0)) {
    throw broken(
      'external-indicator-value-invalid',
      'La valeur est un nombre positif ou nul.',
      'The value is a number, zero or more.',
      'value',
    );
  }
  if (figure.value > max) {
    throw broken(
      'external-indicator-value-invalid',
      indicator.unit === 'share'
        ? 'Cet indicateur est une part, de 0 à 1 (0,87 pour 87 %).'
        : `Cet indicateur est un taux pour 1 000 habitants, de 0 à ${MAX_PER_1000}.`,
      indicator.unit === 'share'
        ? 'This indicator is a share, from 0 to 1 (0.87 for 87 %).'
        : `This indicator is a rate per 1,000 inhabitants, from 0 to ${MAX_PER_1000}.`,
      'value',
    );
  }
  const recorded = Object.values(state.externalIndicators).find(
    (other) => other.code === figure.code && other.period === figure.period,
  );
  if (recorded) {
    throw broken(
      'external-indicator-recorded',
      `Une valeur (${recorded.value}) est déjà enregistrée pour ${figure.code} en ${figure.period} : corrigez-la.`,
      `A value (${recorded.value}) is recorded already for ${figure.code} in ${figure.period}: correct it.`,
      'period',
    );
  }
}

function contractRules(contract: AciContractSigned, state: RegisteredCpts): void {
  if (state.contract !== null) {
    throw broken(
      'contract-exists',
      `Un contrat ACI a déjà été signé le ${state.contract.signedOn}.`,
      `An ACI contract was signed already on ${state.contract.signedOn}.`,
      'signedOn',
    );
  }
  // The HTTP layer refuses these with a 400 first; the decider holds the rule for every other caller.
  const unknown = contract.missions.filter((mission) => !isMission(mission));
  if (unknown.length > 0 || new Set(contract.missions).size !== contract.missions.length) {
    throw broken(
      'missions-invalid',
      'Les missions doivent être des missions ACI connues, sans doublon.',
      'Missions must be known ACI missions, each listed once.',
      'missions',
    );
  }
  const missing = SOCLE_MISSIONS.filter((mission) => !contract.missions.includes(mission));
  if (missing.length > 0) {
    throw broken(
      'socle-missions-missing',
      `Le contrat doit inclure les quatre missions socle ; il manque : ${missing.join(', ')}.`,
      `The contract must include the four socle missions; missing: ${missing.join(', ')}.`,
      'missions',
    );
  }
}

function achievementRules(achievement: AchievementRecorded, state: RegisteredCpts): void {
  const contract = assertContract(state);
  const { contractYear, mission, rate } = achievement;
  if (!Number.isInteger(contractYear) || contractYear < 1 || contractYear > CONTRACT_YEARS) {
    throw broken(
      'contract-year-invalid',
      `L’année de contrat va de 1 à ${CONTRACT_YEARS}.`,
      `The contract year runs from 1 to ${CONTRACT_YEARS}.`,
      'contractYear',
    );
  }
  if (!(typeof rate === 'number' && rate >= 0 && rate <= 1)) {
    throw broken('rate-invalid', 'Le taux va de 0 à 1.', 'The rate runs from 0 to 1.', 'rate');
  }
  assertMissionInContract(contract, mission);
  const recorded = Object.values(state.achievements).find(
    (a) => a.contractYear === contractYear && a.mission === mission,
  );
  if (recorded) {
    throw broken(
      'achievement-recorded',
      `Un taux d’atteinte (${recorded.rate}) est déjà enregistré pour ${mission}, année ${contractYear} : corrigez-le.`,
      `An achievement rate (${recorded.rate}) is recorded already for ${mission}, year ${contractYear}: correct it.`,
      'mission',
    );
  }
}

// ---- decisions ------------------------------------------------------------------------------------

/** The clock's rules: what happened did not happen in the future; a year's review not before the year. */
function clockRules(event: CptsEvent, state: CptsState, now: Date): void {
  switch (event.type) {
    case 'CptsPopulationUpdated':
      return notInFuture(event.data.effectiveOn, now, 'effectiveOn');
    case 'AciContractSigned':
      return notInFuture(event.data.signedOn, now, 'signedOn');
    case 'MissionStarted':
      return notInFuture(event.data.startedOn, now, 'startedOn');
    case 'AchievementRecorded': {
      if (!state.exists || state.contract === null) return;
      const starts = contractYearStart(state.contract, event.data.contractYear);
      if (parisDate(now.getTime()) < starts) {
        throw broken(
          'contract-year-not-started',
          `L’année de contrat ${event.data.contractYear} ne commence que le ${starts}.`,
          `Contract year ${event.data.contractYear} only starts on ${starts}.`,
          'contractYear',
        );
      }
      return;
    }
    case 'CrisisDeclared':
      notInFuture(event.data.declaredOn, now, 'declaredOn');
      if (event.data.endedOn !== undefined) notInFuture(event.data.endedOn, now, 'endedOn');
      return;
    case 'CrisisPlanDrafted':
    case 'CrisisPlanUpdated':
      return notInFuture(event.data.on, now, 'on');
    case 'ExternalIndicatorRecorded':
      // A year's figure is computed once the year has begun (usually once it is over).
      if (/^\d{4}$/.test(event.data.period)) notInFuture(`${event.data.period}-01-01`, now, 'period');
      return;
  }
}

/** The event a command asks for, before any rule. */
function eventOf(command: CptsCommand): CptsEvent {
  switch (command.type) {
    case 'RegisterCpts':
      return { type: 'CptsRegistered', data: command.data };
    case 'UpdatePopulation':
      return { type: 'CptsPopulationUpdated', data: command.data };
    case 'SignContract':
      return {
        type: 'AciContractSigned',
        data: {
          signedOn: command.data.signedOn,
          missions: [...command.data.missions],
          joinedBefore20220930: command.data.joinedBefore20220930 ?? command.data.signedOn < TOP_UP_DEADLINE,
        },
      };
    case 'StartMission':
      return { type: 'MissionStarted', data: command.data };
    case 'RecordAchievement':
      return { type: 'AchievementRecorded', data: command.data };
    case 'DeclareCrisis':
      return { type: 'CrisisDeclared', data: command.data };
    case 'RecordCrisisPlan':
      return command.data.kind === 'drafted'
        ? { type: 'CrisisPlanDrafted', data: { on: command.data.on } }
        : { type: 'CrisisPlanUpdated', data: { on: command.data.on } };
    case 'RecordExternalIndicator':
      return { type: 'ExternalIndicatorRecorded', data: command.data };
  }
}

/** The one decision of the CPTS stream: the command, the stream's state, the clock. */
export function decideCpts(command: CptsCommand, state: CptsState, decision: Decision): CptsEvent[] {
  if (command.type !== 'RegisterCpts') assertRegistered(state);
  const event = eventOf(command);
  cptsStreamRules(event, state);
  clockRules(event, state, decision.now);
  return [event];
}

/** The command that would have recorded an entry: what a correction decides again. */
function commandOf(entry: CptsEvent): CptsCommand {
  switch (entry.type) {
    case 'CptsRegistered':
      return { type: 'RegisterCpts', data: entry.data };
    case 'CptsPopulationUpdated':
      return { type: 'UpdatePopulation', data: entry.data };
    case 'AciContractSigned':
      return { type: 'SignContract', data: entry.data };
    case 'MissionStarted':
      return { type: 'StartMission', data: entry.data };
    case 'AchievementRecorded':
      return { type: 'RecordAchievement', data: entry.data };
    case 'CrisisDeclared':
      return { type: 'DeclareCrisis', data: entry.data };
    case 'CrisisPlanDrafted':
      return { type: 'RecordCrisisPlan', data: { on: entry.data.on, kind: 'drafted' } };
    case 'CrisisPlanUpdated':
      return { type: 'RecordCrisisPlan', data: { on: entry.data.on, kind: 'updated' } };
    case 'ExternalIndicatorRecorded':
      return { type: 'RecordExternalIndicator', data: entry.data };
  }
}

/**
 * Achievements, mission starts, crises, the crisis plan, population updates and the CPAM's figures are
 * corrected and voided (a rate typed 0.08 instead of 0.8); the registration and the contract are the
 * record itself. A CPAM figure keeps its code: another indicator is another entry.
 */
export const cptsCorrections: CorrectionRules<CptsState, CptsEvent, undefined> = {
  evolver: cptsEvolver,
  correctable: {
    AchievementRecorded: {},
    MissionStarted: { locked: ['mission'] },
    CrisisDeclared: { optional: ['endedOn'] },
    CrisisPlanDrafted: {},
    CrisisPlanUpdated: {},
    CptsPopulationUpdated: {},
    ExternalIndicatorRecorded: { locked: ['code'] },
  },
  voidable: new Set([
    'AchievementRecorded',
    'MissionStarted',
    'CrisisDeclared',
    'CrisisPlanDrafted',
    'CrisisPlanUpdated',
    'CptsPopulationUpdated',
    'ExternalIndicatorRecorded',
  ]),
  redecide: (entry, before, _facts, decision) => void decideCpts(commandOf(entry), before, decision),
  recheck: (entry, before) => cptsStreamRules(entry, before),
};
