import type { Evolver, StoredEvent } from '../shared/decider';
import { broken, NotFoundError } from '../shared/errors';
import { checkBusinessTime, notInFuture, parisDate } from '../shared/time';
import {
  type AchievementRecorded,
  type AciContractSigned,
  CONTRACT_YEARS,
  type CptsEvent,
  type CptsPopulationUpdated,
  type CptsRegistered,
  type CrisisDeclared,
  isMission,
  type Mission,
  type MissionStarted,
  SOCLE_MISSIONS,
} from './cpts.events';

export type CptsState =
  | { exists: false }
  | {
      exists: true;
      name: string;
      /** The current population: the update with the latest `effectiveOn`, else the registered one. */
      population: number;
      registeredPopulation: number;
      populationUpdates: CptsPopulationUpdated[];
      communes: string[];
      finess?: string;
      contract: AciContractSigned | null;
      missions: MissionStarted[];
      achievements: AchievementRecorded[];
      crises: CrisisDeclared[];
      crisisPlan: { draftedOn?: string; updates: string[] };
    };
type Registered = Extract<CptsState, { exists: true }>;

/**
 * Taille 1–4 of the ACI (`indicators.md`, Size class): < 40 000 → 1, 40 000–79 999 → 2,
 * 80 000–175 000 → 3, > 175 000 → 4.
 */
export function sizeClassOf(population: number): 1 | 2 | 3 | 4 {
  if (population < 40_000) return 1;
  if (population < 80_000) return 2;
  if (population <= 175_000) return 3;
  return 4;
}

/** The latest `effectiveOn` wins; on a tie the update recorded last (a correction) wins. */
function currentPopulation(registered: number, updates: CptsPopulationUpdated[]): number {
  let current: CptsPopulationUpdated | undefined;
  for (const update of updates) {
    if (current === undefined || update.effectiveOn >= current.effectiveOn) current = update;
  }
  return current?.population ?? registered;
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
        populationUpdates: [],
        communes: [...communes],
        ...(finess === undefined ? {} : { finess }),
        contract: null,
        missions: [],
        achievements: [],
        crises: [],
        crisisPlan: { updates: [] },
      };
    }
    if (!state.exists) return state;
    switch (event.type) {
      case 'CptsPopulationUpdated': {
        const populationUpdates = [...state.populationUpdates, event.data];
        return {
          ...state,
          populationUpdates,
          population: currentPopulation(state.registeredPopulation, populationUpdates),
        };
      }
      case 'AciContractSigned':
        return { ...state, contract: event.data };
      case 'MissionStarted':
        return { ...state, missions: [...state.missions, event.data] };
      case 'AchievementRecorded':
        return { ...state, achievements: [...state.achievements, event.data] };
      case 'CrisisDeclared':
        return { ...state, crises: [...state.crises, event.data] };
      case 'CrisisPlanDrafted':
        return { ...state, crisisPlan: { ...state.crisisPlan, draftedOn: event.data.on } };
      case 'CrisisPlanUpdated':
        return {
          ...state,
          crisisPlan: { ...state.crisisPlan, updates: [...state.crisisPlan.updates, event.data.on] },
        };
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
function assertRegistered(state: CptsState): asserts state is Registered {
  if (!state.exists) throw cptsNotFound();
}

// ---- registration and population --------------------------------------------------------------------

export function decideRegister(command: CptsRegistered, state: CptsState): CptsEvent[] {
  if (state.exists) {
    throw broken(
      'cpts-exists',
      'Une CPTS est déjà enregistrée sous cet identifiant.',
      'A CPTS is registered under this id already.',
      'id',
    );
  }
  return [{ type: 'CptsRegistered', data: command }];
}

export function decideUpdatePopulation(
  command: CptsPopulationUpdated,
  state: CptsState,
  now: Date,
): CptsEvent[] {
  assertRegistered(state);
  notInFuture(command.effectiveOn, now, 'effectiveOn');
  return [{ type: 'CptsPopulationUpdated', data: command }];
}

// ---- the ACI contract and its missions --------------------------------------------------------------

/** The exceptional top-up of contract year 1 is for CPTS that joined before 30 Sep 2022 (Avenant 2). */
export const TOP_UP_DEADLINE = '2022-09-30';

/** `joinedBefore20220930` may be given (a CPTS that joined earlier and signs again); else from `signedOn`. */
export type SignContract = Omit<AciContractSigned, 'joinedBefore20220930'> & {
  joinedBefore20220930?: boolean;
};

export function decideSignContract(command: SignContract, state: CptsState, now: Date): CptsEvent[] {
  assertRegistered(state);
  if (state.contract !== null) {
    throw broken(
      'contract-exists',
      `Un contrat ACI a déjà été signé le ${state.contract.signedOn}.`,
      `An ACI contract was signed already on ${state.contract.signedOn}.`,
      'signedOn',
    );
  }
  // The HTTP layer refuses these with a 400 first; the decider holds the rule for every other caller.
  const unknown = command.missions.filter((mission) => !isMission(mission));
  if (unknown.length > 0 || new Set(command.missions).size !== command.missions.length) {
    throw broken(
      'missions-invalid',
      'Les missions doivent être des missions ACI connues, sans doublon.',
      'Missions must be known ACI missions, each listed once.',
      'missions',
    );
  }
  const missing = SOCLE_MISSIONS.filter((mission) => !command.missions.includes(mission));
  if (missing.length > 0) {
    throw broken(
      'socle-missions-missing',
      `Le contrat doit inclure les quatre missions socle ; il manque : ${missing.join(', ')}.`,
      `The contract must include the four socle missions; missing: ${missing.join(', ')}.`,
      'missions',
    );
  }
  notInFuture(command.signedOn, now, 'signedOn');
  return [
    {
      type: 'AciContractSigned',
      data: {
        signedOn: command.signedOn,
        missions: [...command.missions],
        joinedBefore20220930: command.joinedBefore20220930 ?? command.signedOn < TOP_UP_DEADLINE,
      },
    },
  ];
}

function assertContract(state: Registered): AciContractSigned {
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

export function decideStartMission(command: MissionStarted, state: CptsState, now: Date): CptsEvent[] {
  assertRegistered(state);
  const contract = assertContract(state);
  assertMissionInContract(contract, command.mission);
  const started = state.missions.find((m) => m.mission === command.mission);
  if (started) {
    throw broken(
      'mission-started',
      `La mission ${command.mission} a déjà démarré le ${started.startedOn}.`,
      `The mission ${command.mission} started already on ${started.startedOn}.`,
      'mission',
    );
  }
  checkBusinessTime(command.startedOn, now, 'startedOn', {
    at: contract.signedOn,
    fr: 'à la signature du contrat',
    en: 'the contract’s signature',
  });
  return [{ type: 'MissionStarted', data: command }];
}

/** `YYYY-MM-DD` plus whole years; 29 Feb becomes 28 Feb in a common year. */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const lastDay = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  const day = Math.min(d, lastDay);
  return `${String(y + years).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function decideRecordAchievement(
  command: AchievementRecorded,
  state: CptsState,
  now: Date,
): CptsEvent[] {
  assertRegistered(state);
  const contract = assertContract(state);
  if (
    !Number.isInteger(command.contractYear) ||
    command.contractYear < 1 ||
    command.contractYear > CONTRACT_YEARS
  ) {
    throw broken(
      'contract-year-invalid',
      `L’année de contrat va de 1 à ${CONTRACT_YEARS}.`,
      `The contract year runs from 1 to ${CONTRACT_YEARS}.`,
      'contractYear',
    );
  }
  if (!(command.rate >= 0 && command.rate <= 1)) {
    throw broken('rate-invalid', 'Le taux va de 0 à 1.', 'The rate runs from 0 to 1.', 'rate');
  }
  assertMissionInContract(contract, command.mission);
  // Contract year N is [signedOn + N−1 years, signedOn + N years): its review cannot precede its start.
  const yearStarts = addYears(contract.signedOn, command.contractYear - 1);
  if (parisDate(now.getTime()) < yearStarts) {
    throw broken(
      'contract-year-not-started',
      `L’année de contrat ${command.contractYear} ne commence que le ${yearStarts}.`,
      `Contract year ${command.contractYear} only starts on ${yearStarts}.`,
      'contractYear',
    );
  }
  const recorded = state.achievements.find(
    (a) => a.contractYear === command.contractYear && a.mission === command.mission,
  );
  if (recorded) {
    throw broken(
      'achievement-recorded',
      `Un taux d’atteinte (${recorded.rate}) est déjà enregistré pour ${command.mission}, année ${command.contractYear}.`,
      `An achievement rate (${recorded.rate}) is recorded already for ${command.mission}, year ${command.contractYear}.`,
      'mission',
    );
  }
  return [{ type: 'AchievementRecorded', data: command }];
}

// ---- health crises ----------------------------------------------------------------------------------

export function decideDeclareCrisis(command: CrisisDeclared, state: CptsState, now: Date): CptsEvent[] {
  assertRegistered(state);
  notInFuture(command.declaredOn, now, 'declaredOn');
  if (command.endedOn !== undefined) {
    if (command.endedOn < command.declaredOn) {
      throw broken(
        'period-reversed',
        'La fin de la crise précède sa déclaration.',
        'The crisis ends before it was declared.',
        'endedOn',
      );
    }
    notInFuture(command.endedOn, now, 'endedOn');
  }
  return [{ type: 'CrisisDeclared', data: command }];
}

export interface RecordCrisisPlan {
  on: string;
  kind: 'drafted' | 'updated';
}

export function decideCrisisPlan(command: RecordCrisisPlan, state: CptsState, now: Date): CptsEvent[] {
  assertRegistered(state);
  const { draftedOn } = state.crisisPlan;
  if (command.kind === 'drafted') {
    if (draftedOn !== undefined) {
      throw broken(
        'crisis-plan-drafted',
        `Le plan de crise a déjà été rédigé le ${draftedOn} ; enregistrez une mise à jour.`,
        `The crisis plan was drafted already on ${draftedOn}; record an update instead.`,
        'kind',
      );
    }
    notInFuture(command.on, now, 'on');
    return [{ type: 'CrisisPlanDrafted', data: { on: command.on } }];
  }
  if (draftedOn === undefined) {
    throw broken(
      'no-crisis-plan',
      'Aucun plan de crise n’a été rédigé : il ne peut pas être mis à jour.',
      'No crisis plan was drafted: it cannot be updated.',
      'kind',
    );
  }
  checkBusinessTime(command.on, now, 'on', {
    at: draftedOn,
    fr: 'à la rédaction du plan',
    en: 'the plan’s drafting',
  });
  return [{ type: 'CrisisPlanUpdated', data: { on: command.on } }];
}
