import type { Financing } from '../financing/financing';
import type { ExternalFigure } from '../indicators/external-figures';
import { indicatorByCode } from '../indicators/indicator-catalogue';
import {
  BREAKDOWN_NAMES,
  EVENT_TYPE_NAMES,
  INDICATOR_TEXT,
  MISSION_NAMES,
} from '../indicators/indicator-names';
import type { IndicatorEvent, IndicatorFigure } from '../indicators/indicators.reader';
import { frDate, frDateTime, frDatesIn, frenchCsv } from './french-format';
import type { ProtocolLabels } from './protocol-labels';

/**
 * The CSV files offered to people (French Excel): `;`, decimal comma, UTF-8 BOM, each code with its
 * label in the next column, one value per cell, dates as dd/mm/yyyy. The RFC 4180 files for scripts are
 * kept apart (`indicators.csv.ts`, the CLI).
 */

const PART_NAMES: Record<string, string> = {
  functioning: 'Forfait de fonctionnement',
  topup: 'Majoration exceptionnelle (année 1)',
  fixed: 'Part fixe',
  variable: 'Part variable',
};

const missionName = (mission: string | null | undefined) =>
  mission === undefined ? '' : (MISSION_NAMES[mission ?? 'adhesion']?.fr ?? mission ?? '');
const missionCode = (mission: string | null | undefined) =>
  mission === undefined ? '' : (mission ?? 'adhesion');
const indicatorName = (code: string) => INDICATOR_TEXT[code]?.fr ?? code;
const unitOf = (code: string) => (indicatorByCode(code)?.kind === 'rate' ? 'part (0 à 1)' : 'nombre');

/** The label of a part of a figure, or of an event's category: a protocol's title for its `code@version`. */
const partName = (code: string, part: string, protocols: ProtocolLabels) =>
  BREAKDOWN_NAMES[code]?.[part]?.fr ?? protocols.get(part);

/** "06/12/2026 20:10", Paris time: a cell French Excel reads as a date and time. */
const cellDateTime = (instant: string) => frDateTime(instant).replace(' à ', ' ');

/** The monthly indicators (and the CPAM's figures) for a French spreadsheet; the breakdown one row per part. */
export function indicatorsExcelCsv(
  series: Array<{ from: string; to: string; figures: IndicatorFigure[] }>,
  external: ExternalFigure[],
  protocols: ProtocolLabels,
): string {
  const rows: Array<Array<string | number | null | undefined>> = [];
  for (const { from, to, figures } of series) {
    const period = [frDate(from), frDate(lastDay(to))];
    for (const figure of figures) {
      const described = [
        ...period,
        figure.code,
        indicatorName(figure.code),
        missionCode(figure.mission),
        missionName(figure.mission),
      ];
      rows.push([
        ...described,
        'Parcours',
        '',
        '',
        figure.value,
        unitOf(figure.code),
        figure.numerator,
        figure.denominator,
        '',
      ]);
      for (const [part, value] of Object.entries(figure.breakdown ?? {})) {
        rows.push([
          ...described,
          'Parcours',
          part,
          partName(figure.code, part, protocols) ?? part,
          value,
          'nombre',
          null,
          null,
          '',
        ]);
      }
    }
  }
  for (const figure of external) {
    rows.push([
      frDate(figure.from),
      frDate(lastDay(figure.to)),
      figure.code,
      figure.label.fr,
      figure.mission,
      missionName(figure.mission),
      'CPAM (externe)',
      '',
      '',
      figure.value,
      figure.unit === 'share' ? 'part (0 à 1)' : 'pour 1 000 habitants',
      null,
      null,
      figure.source,
    ]);
  }
  return frenchCsv(
    [
      'du',
      'au',
      'indicateur',
      'libellé de l’indicateur',
      'mission',
      'libellé de la mission',
      'origine',
      'détail',
      'libellé du détail',
      'valeur',
      'unité',
      'numérateur',
      'dénominateur',
      'source',
    ],
    rows,
  );
}

/** The financing of a contract year line by line, then its total, advance and balance. */
export function financingCsv(financing: Financing): string {
  const { contractYear, period, sizeClass } = financing;
  const common = [contractYear, frDate(period.from), frDate(lastDay(period.to)), sizeClass];
  const rows: Array<Array<string | number | null | undefined>> = financing.lines.map((line) => [
    ...common,
    missionCode(line.mission),
    missionName(line.mission),
    line.part,
    PART_NAMES[line.part] ?? line.part,
    line.amount,
    frDatesIn(line.basis),
  ]);
  for (const [part, name, amount] of [
    ['total', 'Total', financing.total],
    ['advance', 'Avance', financing.advance],
    ['balance', 'Solde', financing.balance],
  ] as const) {
    rows.push([...common, '', '', part, name, amount, '']);
  }
  return frenchCsv(
    [
      'année de contrat',
      'du',
      'au',
      'taille',
      'mission',
      'libellé de la mission',
      'part',
      'libellé de la part',
      'montant (€)',
      'base de calcul',
    ],
    rows,
  );
}

/** The annex of the yearly pack: every event behind every figure of the year, one per row, no identity. */
export function annexCsv(
  period: { from: string; to: string },
  figures: Array<{ code: string; mission: string | null; events: IndicatorEvent[] }>,
  protocols: ProtocolLabels,
): string {
  const rows: Array<Array<string | number | null | undefined>> = [];
  for (const { code, mission, events } of figures) {
    for (const event of events) {
      rows.push([
        frDate(period.from),
        frDate(lastDay(period.to)),
        code,
        indicatorName(code),
        missionCode(mission),
        missionName(mission),
        event.eventId,
        event.type,
        EVENT_TYPE_NAMES[event.type]?.fr ?? event.type,
        event.at ? frDate(event.at) : '',
        cellDateTime(event.recordedAt),
        event.inNumerator === undefined ? '' : event.inNumerator ? 'oui' : 'non',
        event.category ?? '',
        event.category === undefined ? '' : (partName(code, event.category, protocols) ?? ''),
        event.amount,
        event.correctedBy ? 'oui' : 'non',
      ]);
    }
  }
  return frenchCsv(
    [
      'du',
      'au',
      'indicateur',
      'libellé de l’indicateur',
      'mission',
      'libellé de la mission',
      'événement',
      'type',
      'libellé du type',
      'date',
      'enregistré le',
      'compté au numérateur',
      'catégorie',
      'libellé de la catégorie',
      'montant',
      'corrigé',
    ],
    rows,
  );
}

/** The last day of `[from, to)`: the day before `to`. */
export function lastDay(to: string): string {
  const date = new Date(`${to.slice(0, 10)}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}
