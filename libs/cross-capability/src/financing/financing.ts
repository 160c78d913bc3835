import {
  addYears,
  broken,
  CONTRACT_YEARS,
  type CorrectionEvent,
  type CptsHistoryEvent,
  type CptsEvent,
  cptsEvolver,
  daysBetween,
  type Mission,
  MISSIONS,
  NotFoundError,
  populationOn,
  type RegisteredCpts,
  sizeClassOf,
  stateOf,
  type StoredEvent,
} from '@parcours/domain';
import type { AciAmounts, SizeClass } from './aci-amounts';

export type { CptsHistoryEvent };

/**
 * The ACI financing of one contract year (`indicators.md`, Financing), computed from the events of the
 * CPTS stream and a table of amounts. Pure: the same history, year and table always give the same result.
 *
 * Amounts are worked out in cents with exact integer arithmetic (rates are read as the decimals they were
 * typed as), each line rounded half-up to the cent once; the total is the sum of the rounded lines.
 */

/** One event of the `cpts-<id>` stream as the financing projection keeps it. */

export type FinancingPart = 'functioning' | 'topup' | 'fixed' | 'variable';

export interface FinancingLine {
  mission?: Mission;
  part: FinancingPart;
  /** Euros, rounded half-up to the cent. */
  amount: number;
  /** How the amount was obtained, in the words of the contract (French). */
  basis: string;
}

export interface Financing {
  contractYear: number;
  /** `[from, to)`: `to` is the first day of the next contract year. */
  period: { from: string; to: string };
  sizeClass: SizeClass;
  lines: FinancingLine[];
  total: number;
  /** The year-1 top-up in full, and 75 % of functioning and every fixed part. */
  advance: number;
  balance: number;
  /** The amounts table used (`AciAmounts.id`). */
  amounts: string;
}

export interface FinancingOptions {
  /** Only events recorded at or before this instant count: the financing as it was known then. */
  asOf?: string;
}

/** Contract year N is `[signedOn + N−1 years, signedOn + N years)`. */
export function contractPeriod(signedOn: string, contractYear: number): { from: string; to: string } {
  return { from: addYears(signedOn, contractYear - 1), to: addYears(signedOn, contractYear) };
}

/** The table in force for a contract year starting on `from`: the latest one in force by then. */
export function amountsFor(tables: readonly AciAmounts[], from: string): AciAmounts {
  const inForce = tables
    .filter((table) => table.inForceFrom <= from)
    .sort((a, b) => (a.inForceFrom < b.inForceFrom ? 1 : -1))[0];
  if (inForce) return inForce;
  const earliest = tables.reduce<string | undefined>(
    (first, table) => (first === undefined || table.inForceFrom < first ? table.inForceFrom : first),
    undefined,
  );
  throw broken(
    'no-aci-amounts',
    `Cette année de contrat commence le ${from}, avant le premier barème ACI connu (en vigueur à partir du ${earliest}) : son financement ne peut pas être calculé.`,
    `This contract year starts on ${from}, before the earliest ACI table of amounts known (in force from ${earliest}): its financing cannot be computed.`,
    'contractYear',
  );
}

// ---- exact arithmetic --------------------------------------------------------------------------------

interface Ratio {
  n: bigint;
  d: bigint;
}

/** The exact decimal a JSON number was written as: 0.8 is 8/10, not 0.8000000000000000444. */
export function decimalRatio(value: number): Ratio {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`not a non-negative number: ${value}`);
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(value));
  if (!match) throw new RangeError(`unreadable number: ${value}`);
  const [, whole, fraction = '', exponent = '0'] = match;
  const scale = Number(exponent) - fraction.length;
  const digits = BigInt(whole + fraction);
  return scale >= 0 ? { n: digits * 10n ** BigInt(scale), d: 1n } : { n: digits, d: 10n ** BigInt(-scale) };
}

/** n / d rounded half-up (n ≥ 0, d > 0). */
export function roundHalfUp(n: bigint, d: bigint): bigint {
  return (2n * n + d) / (2n * d);
}

const cents = (euros: number): bigint => BigInt(Math.round(euros * 100));
const euros = (value: bigint): number => Number(value) / 100;

/** French figures: 70 000 ; 46 666,67. */
export function formatEuros(value: bigint): string {
  const whole = (value / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  const rest = value % 100n;
  return rest === 0n ? whole : `${whole},${rest.toString().padStart(2, '0')}`;
}

const formatRate = (rate: number): string => String(rate).replace('.', ',');

// ---- the computation --------------------------------------------------------------------------------

function toStored(event: CptsHistoryEvent, index: number): StoredEvent<CptsEvent | CorrectionEvent> {
  return {
    type: event.type,
    data: event.data,
    context: {
      // Entries are kept by event id: without one (a history built by hand), the revision stands in.
      eventId: event.eventId ?? `revision-${event.revision ?? index}`,
      recordedAt: event.recordedAt,
      actorId: '',
      revision: event.revision ?? index,
    },
  } as unknown as StoredEvent<CptsEvent | CorrectionEvent>;
}

/** Events recorded at or before `asOf` (all of them without it). */
export function knownAsOf(history: CptsHistoryEvent[], asOf?: string): CptsHistoryEvent[] {
  if (asOf === undefined) return history;
  const limit = Date.parse(asOf);
  if (Number.isNaN(limit)) throw new RangeError(`asOf is not a timestamp: ${asOf}`);
  return history.filter((event) => Date.parse(event.recordedAt) <= limit);
}

/** The CPTS stream folded as known at `asOf` (corrections merged, voided entries out). */
export function cptsStateAsOf(history: CptsHistoryEvent[], asOf?: string) {
  return stateOf(cptsEvolver, knownAsOf(history, asOf).map(toStored));
}

export const noContract = () =>
  broken(
    'no-contract',
    'Aucun contrat ACI n’a été signé par cette CPTS : il n’y a pas de financement à calculer.',
    'This CPTS has not signed an ACI contract: there is no financing to compute.',
  );

export function computeFinancing(
  history: CptsHistoryEvent[],
  contractYear: number,
  tables: readonly AciAmounts[],
  options: FinancingOptions = {},
): Financing {
  if (!Number.isInteger(contractYear) || contractYear < 1 || contractYear > CONTRACT_YEARS) {
    throw new RangeError(`contractYear runs from 1 to ${CONTRACT_YEARS}`);
  }
  // Corrections and voidings of the CPTS stream count, as known at asOf (`stateOf` applies them).
  const state = cptsStateAsOf(history, options.asOf);
  if (!state.exists) {
    throw new NotFoundError({ fr: 'Cette CPTS n’existe pas.', en: 'This CPTS does not exist.' });
  }
  const contract = state.contract;
  if (contract === null) throw noContract();

  const sizeClass = sizeClassOf(populationOn(state, contract.signedOn));
  const period = contractPeriod(contract.signedOn, contractYear);
  const amounts = amountsFor(tables, period.from);
  const table = amounts.sizeClasses[sizeClass];
  const yearDays = daysBetween(period.from, period.to);
  const within = (date: string) => date >= period.from && date < period.to;
  const startOf = (mission: Mission) => state.missions[mission]?.startedOn;

  const lines: Array<{ mission?: Mission; part: FinancingPart; cents: bigint; basis: string }> = [];

  // 1. Functioning every year; the exceptional top-up in year 1 for an early joiner.
  lines.push({
    part: 'functioning',
    cents: cents(table.functioning),
    basis: `forfait annuel, taille ${sizeClass} : ${formatEuros(cents(table.functioning))}`,
  });
  if (contractYear !== 1) {
    lines.push({ part: 'topup', cents: 0n, basis: 'non dû : majoration de l’année 1 du contrat seulement' });
  } else if (!contract.joinedBefore20220930) {
    lines.push({ part: 'topup', cents: 0n, basis: 'non dû : adhésion après le 30/09/2022' });
  } else {
    lines.push({
      part: 'topup',
      cents: cents(table.topUp),
      basis: `majoration exceptionnelle, année 1, adhésion avant le 30/09/2022 : ${formatEuros(cents(table.topUp))}`,
    });
  }

  for (const mission of MISSIONS.filter((m) => contract.missions.includes(m))) {
    const startedOn = startOf(mission);
    if (mission === 'crises-sanitaires') {
      lines.push(...crisisLines(state, startedOn, period, within, table.crisesSanitaires));
      continue;
    }
    const { fixed, variable } = table.missions[mission];
    if (startedOn === undefined || startedOn >= period.to) {
      const basis = notStartedBasis(startedOn);
      lines.push({ mission, part: 'fixed', cents: 0n, basis });
      lines.push({ mission, part: 'variable', cents: 0n, basis });
      continue;
    }
    // 2. Prorated by the days the mission ran within the year; started on or before the first day: in full.
    const days = startedOn <= period.from ? yearDays : daysBetween(startedOn, period.to);
    const prorata = `prorata ${days}/${yearDays}`;
    lines.push({
      mission,
      part: 'fixed',
      cents: roundHalfUp(cents(fixed) * BigInt(days), BigInt(yearDays)),
      basis: `${prorata} × ${formatEuros(cents(fixed))}`,
    });
    const achievement = Object.values(state.achievements).find(
      (a) => a.contractYear === contractYear && a.mission === mission,
    );
    if (achievement === undefined) {
      lines.push({
        mission,
        part: 'variable',
        cents: 0n,
        basis: `aucun taux d’atteinte enregistré pour l’année ${contractYear} (0) × ${prorata} × ${formatEuros(cents(variable))}`,
      });
    } else {
      const rate = decimalRatio(achievement.rate);
      lines.push({
        mission,
        part: 'variable',
        cents: roundHalfUp(cents(variable) * BigInt(days) * rate.n, BigInt(yearDays) * rate.d),
        basis: `taux ${formatRate(achievement.rate)} × ${prorata} × ${formatEuros(cents(variable))}`,
      });
    }
  }

  const total = lines.reduce((sum, line) => sum + line.cents, 0n);
  const sumOf = (parts: FinancingPart[]) =>
    lines.filter((line) => parts.includes(line.part)).reduce((sum, line) => sum + line.cents, 0n);
  // 4. The top-up is paid in full at signature ("versé dès la signature du contrat dans son intégralité");
  // the advance adds 75 % of functioning and fixed parts. The balance is what remains.
  const advance = sumOf(['topup']) + roundHalfUp(sumOf(['functioning', 'fixed']) * 3n, 4n);
  return {
    contractYear,
    period,
    sizeClass,
    lines: lines.map(({ mission, part, cents: value, basis }) => ({
      ...(mission === undefined ? {} : { mission }),
      part,
      amount: euros(value),
      basis,
    })),
    total: euros(total),
    advance: euros(advance),
    balance: euros(total - advance),
    amounts: amounts.id,
  };
}

const notStartedBasis = (startedOn: string | undefined): string =>
  startedOn === undefined
    ? 'mission non démarrée'
    : `mission démarrée le ${startedOn}, après cette année de contrat`;

/**
 * 3. crises-sanitaires: drafting / update amounts and the declared-crisis amount, not prorated. A crisis
 * declared before the mission started is none of the mission's.
 */
function crisisLines(
  state: RegisteredCpts,
  startedOn: string | undefined,
  period: { from: string; to: string },
  within: (date: string) => boolean,
  amounts: AciAmounts['sizeClasses'][SizeClass]['crisesSanitaires'],
): Array<{ mission: Mission; part: FinancingPart; cents: bigint; basis: string }> {
  const mission: Mission = 'crises-sanitaires';
  if (startedOn === undefined || startedOn >= period.to) {
    const basis = notStartedBasis(startedOn);
    return [
      { mission, part: 'fixed', cents: 0n, basis },
      { mission, part: 'variable', cents: 0n, basis },
    ];
  }
  const draftedOn = state.crisisPlan.drafted?.on;
  const fixed =
    draftedOn === undefined || draftedOn >= period.to
      ? { cents: 0n, basis: 'aucun plan de crise rédigé' }
      : within(draftedOn)
        ? {
            cents: cents(amounts.drafting),
            basis: `rédaction du plan de crise le ${draftedOn} : ${formatEuros(cents(amounts.drafting))}`,
          }
        : {
            cents: cents(amounts.update),
            basis: `mise à jour du plan de crise (rédigé le ${draftedOn}) : ${formatEuros(cents(amounts.update))}`,
          };
  const declared = Object.values(state.crises)
    .filter((crisis) => within(crisis.declaredOn) && crisis.declaredOn >= startedOn)
    .sort((a, b) => (a.declaredOn < b.declaredOn ? -1 : 1));
  const variable =
    declared.length === 0
      ? { cents: 0n, basis: 'aucune crise sanitaire déclarée par l’ARS dans l’année' }
      : {
          cents: cents(amounts.declaredCrisis),
          basis: `crise sanitaire déclarée par l’ARS le ${declared[0].declaredOn} (${declared[0].kind})${
            declared.length > 1 ? ` et ${declared.length - 1} autre(s)` : ''
          } : ${formatEuros(cents(amounts.declaredCrisis))}`,
        };
  return [
    { mission, part: 'fixed', ...fixed },
    { mission, part: 'variable', ...variable },
  ];
}
