import type { TableNamer } from '@parcours/projections';
import { PATHWAY_KINDS, URGENCIES, type Mission } from '@parcours/domain';
import { WORKLIST_KINDS } from '../worklist/worklist';
import { type LookedUpByEntity, streamOfFactSql, TRAIT, type TraitName } from './indicator-facts.projection';

/**
 * The indicator catalogue of `indicators.md`: for each code, its mission and how it is computed from the
 * facts (`indicator-facts.projection.ts`). One definition serves the figures, the drill-down and the CSV
 * export.
 *
 * Most indicators count facts of one type, selected by their business day (`period`: in `[from, to)`;
 * `at-end`: started on or before the period's last day and still holding at its end) and by their traits.
 * Such a selection is compiled twice from the same definition: over the bitemporal facts (for `asOf` and
 * the drill-down) and over the current daily rollup (the figures as known now, a few rows per day). The
 * indicators over small sets that need more than a selection (`custom`) are queried on the facts only.
 */

export type IndicatorMission = Mission | null;

export interface IndicatorParams {
  cpts: string;
  /** First day of the period (Paris date, inclusive). */
  from: string;
  /** Day after the last (exclusive). */
  to: string;
  /** The last day of the period: a snapshot is taken at its end. */
  lastDay: string;
  /** First day of the 12 months ending at the period end (`adhesion.membres-actifs`). */
  windowFrom: string;
  /** Year of the period end (ages of `acces.mt.sans-mt`). */
  endYear: number;
  /** Recorded-time horizon in ms: only fact versions known then. */
  asOf: number;
}

/** Facts of one type, by business day and traits. */
export interface Selection {
  type: string;
  when: 'period' | 'at-end';
  /** Traits every selected fact has. */
  traits?: TraitName[];
  /** SQL LIKE pattern on the label (`medecin-%`). */
  label?: string;
}

export type Breakdown =
  /** Facts per label; `keys` are always listed (0 when absent). */
  | { by: 'label'; keys?: readonly string[] }
  /** Named sums: facts with a trait, or the sum of `amount`. */
  | { by: 'sums'; sums: Record<string, TraitName | 'amount'> };

export type IndicatorDefinition = {
  code: string;
  mission: IndicatorMission;
  /** One line, English: what is counted (also in the OpenAPI document). */
  description: string;
} & (
  | {
      kind: 'count';
      of: Selection;
      /**
       * Facts of `of` whose entity has one of these are not counted (at most one per entity); a type the
       * facts index by entity.
       */
      except?: Selection & { type: LookedUpByEntity };
      breakdown?: Breakdown;
    }
  | { kind: 'rate'; of: Selection; hit: TraitName }
  | {
      kind: 'custom';
      /** `count`: the number of items; `amount`: the `amount` of the single item. */
      value: 'count' | 'amount';
      /** Named sums of item columns. */
      sums?: Record<string, string>;
      /** The items behind the figure (see ITEM for the columns), over the facts. */
      items(table: TableNamer): string;
    }
);

/** The fact version `alias` as known at `@asOf`. */
export const known = (alias: string) =>
  `${alias}.recorded_at <= @asOf AND (${alias}.superseded_at IS NULL OR ${alias}.superseded_at > @asOf)`;

/**
 * The columns of an item of a drill-down: `event_id`, `type`, `stream_id`, `at` (business time, corrected),
 * `day`, `instant` (ms, for ordering), `recorded_at` (ms), `revised_by`; then optional `hit`, `evidence`,
 * `category`, `amount`.
 */
export const ITEM = (alias: string) =>
  `${alias}.event_id, ${alias}.type, ${streamOfFactSql(alias)} AS stream_id, ${alias}.business_time AS at, ${alias}.day, ` +
  `${alias}.at AS instant, ${alias}.recorded_at, ${alias}.revised_by`;

const mask = (traits: TraitName[] = []) => traits.reduce((bits, name) => bits | TRAIT[name], 0);

/**
 * The WHERE clause of a selection over the facts (`source: 'facts'`, as known at @asOf) or over the
 * current rollup (`'daily'`, whose open-ended `until_day` is OPEN_END rather than NULL).
 */
export function selectionWhere(selection: Selection, alias: string, source: 'facts' | 'daily'): string {
  const bits = mask(selection.traits);
  const conditions = [`${alias}.cpts_id = @cpts`, `${alias}.type = '${selection.type}'`];
  if (selection.when === 'period') conditions.push(`${alias}.day >= @from`, `${alias}.day < @to`);
  else {
    conditions.push(`${alias}.day < @to`);
    conditions.push(
      source === 'facts'
        ? `(${alias}.until_day IS NULL OR ${alias}.until_day >= @to)`
        : `${alias}.until_day >= @to`,
    );
  }
  if (bits !== 0) conditions.push(`(${alias}.traits & ${bits}) = ${bits}`);
  if (selection.label !== undefined) conditions.push(`${alias}.label LIKE '${selection.label}'`);
  if (source === 'facts') conditions.push(known(alias));
  return conditions.join(' AND ');
}

/**
 * A patient's ALD or precarity at the period end: the latest status update that sets it, effective on or
 * before the last day and known at @asOf (NULL when none: the registration's value holds).
 */
const statusAtEnd = (table: TableNamer, field: 'ald' | 'precarious') => `
  (SELECT CASE WHEN s.traits & ${TRAIT[field]} THEN 1 ELSE 0 END FROM ${table('facts')} s
    WHERE s.cpts_id = f.cpts_id AND s.entity = f.entity AND s.type = 'PatientStatusUpdated'
      AND (s.traits & ${TRAIT[field === 'ald' ? 'aldSet' : 'precariousSet']}) != 0 AND s.day < @to AND ${known('s')}
    ORDER BY s.day DESC, s.revision DESC LIMIT 1)`;

const APPLICATIONS_OF_THE_PERIOD: Selection = { type: 'ProtocolApplied', when: 'period' };
const DISCHARGES_OF_THE_PERIOD: Selection = { type: 'DischargeNotified', when: 'period' };
const REQUESTS_OF_THE_PERIOD: Selection = { type: 'UnscheduledCareRequested', when: 'period' };
const MEMBERS_AT_END: Selection = { type: 'MemberJoined', when: 'at-end' };

export const INDICATORS: readonly IndicatorDefinition[] = [
  {
    code: 'acces.mt.recherches',
    mission: 'acces-soins',
    description: 'MedecinTraitantSearchRegistered with registeredOn in the period',
    kind: 'count',
    of: { type: 'MedecinTraitantSearchRegistered', when: 'period' },
  },
  {
    code: 'acces.mt.attributions',
    mission: 'acces-soins',
    description: 'MedecinTraitantAssigned with assignedOn in the period',
    kind: 'count',
    of: { type: 'MedecinTraitantAssigned', when: 'period' },
  },
  {
    code: 'acces.mt.sans-mt',
    mission: 'acces-soins',
    description:
      'Snapshot at the period end: patients with a médecin-traitant search registered on or before it and ' +
      'neither assigned nor closed on or before it; breakdown: ald and precarite as they stood at the ' +
      'period end (status updates), plus-de-70-ans',
    kind: 'custom',
    value: 'count',
    sums: { ald: 'ald', 'plus-de-70-ans': 'old', precarite: 'precarious' },
    items: (table) => `
      SELECT ${ITEM('f')},
        COALESCE(${statusAtEnd(table, 'ald')}, p.ald, 0) AS ald,
        CASE WHEN p.birth_year IS NOT NULL AND @endYear - p.birth_year >= 70 THEN 1 ELSE 0 END AS old,
        COALESCE(${statusAtEnd(table, 'precarious')}, p.precarious, 0) AS precarious
      FROM ${table('facts')} f
      LEFT JOIN ${table('patients')} p
        ON p.cpts_id = f.cpts_id AND p.patient_id = f.entity AND p.recorded_at <= @asOf
      WHERE ${selectionWhere({ type: 'MedecinTraitantSearchRegistered', when: 'at-end' }, 'f', 'facts')}`,
  },
  {
    code: 'acces.snp.demandes',
    mission: 'acces-soins',
    description: 'UnscheduledCareRequested with receivedAt in the period',
    kind: 'count',
    of: REQUESTS_OF_THE_PERIOD,
  },
  {
    code: 'acces.snp.taux-24h',
    mission: 'acces-soins',
    description:
      'Rate: of the requests of the period, those oriented to an appointment at most 24 h after receivedAt',
    kind: 'rate',
    of: REQUESTS_OF_THE_PERIOD,
    hit: 'oriented24h',
  },
  {
    code: 'acces.sas.rdv',
    mission: 'acces-soins',
    description: 'Requests of the period that came through the SAS and were oriented to an appointment',
    kind: 'count',
    of: { ...REQUESTS_OF_THE_PERIOD, traits: ['viaSas', 'oriented'] },
  },
  {
    code: 'acces.sas.medecins',
    mission: 'acces-soins',
    description: 'Snapshot at the period end: member doctors (medecin-*) taking part in the SAS',
    kind: 'count',
    of: { ...MEMBERS_AT_END, traits: ['sasParticipant'], label: 'medecin-%' },
  },
  {
    code: 'parcours.ouverts',
    mission: 'parcours',
    description: 'PathwayOpened with openedAt in the period; breakdown by kind',
    kind: 'count',
    of: { type: 'PathwayOpened', when: 'period' },
    breakdown: { by: 'label', keys: PATHWAY_KINDS },
  },
  {
    code: 'parcours.clos',
    mission: 'parcours',
    description: 'PathwayClosed with closedAt in the period',
    kind: 'count',
    of: { type: 'PathwayClosed', when: 'period' },
  },
  {
    code: 'parcours.actifs',
    mission: 'parcours',
    description:
      'Snapshot at the period end: pathways opened on or before it and not closed at it (a closure ' +
      'counts until the pathway is reopened)',
    kind: 'count',
    of: { type: 'PathwayOpened', when: 'at-end' },
    except: { type: 'PathwayClosed', when: 'at-end' },
  },
  {
    code: 'parcours.adressages',
    mission: 'parcours',
    description: 'PatientReferred with referredAt in the period; breakdown by urgency',
    kind: 'count',
    of: { type: 'PatientReferred', when: 'period' },
    breakdown: { by: 'label', keys: URGENCIES },
  },
  {
    code: 'parcours.adressages.taux-acceptation',
    mission: 'parcours',
    description: 'Rate: of the referrals of the period, those accepted',
    kind: 'rate',
    of: { type: 'PatientReferred', when: 'period' },
    hit: 'accepted',
  },
  {
    code: 'parcours.sorties',
    mission: 'parcours',
    description: 'DischargeNotified with dischargeAt in the period',
    kind: 'count',
    of: DISCHARGES_OF_THE_PERIOD,
  },
  {
    code: 'parcours.sorties.taux-preavis-24h',
    mission: 'parcours',
    description: 'Rate: of the discharges of the period, those with notifiedAt ≤ dischargeAt − 24 h',
    kind: 'rate',
    of: DISCHARGES_OF_THE_PERIOD,
    hit: 'notifiedAhead24h',
  },
  {
    code: 'parcours.sorties.taux-pharmacien-48h',
    mission: 'parcours',
    description:
      'Rate: of the discharges of the period, those with a MedicationReconciliationSent at ≤ dischargeAt + 48 h',
    kind: 'rate',
    of: DISCHARGES_OF_THE_PERIOD,
    hit: 'reconciled48h',
  },
  {
    code: 'parcours.sorties.taux-suivi-7j',
    mission: 'parcours',
    description:
      'Rate: of the discharges of the period, those with a FollowUpCompleted for it at ≤ dischargeAt + 7 ' +
      'days (Paris calendar days: the same wall-clock time a week later)',
    kind: 'rate',
    of: DISCHARGES_OF_THE_PERIOD,
    hit: 'followedUp7d',
  },
  {
    code: 'parcours.rcp',
    mission: 'parcours',
    description: 'RcpHeld with heldAt in the period; breakdown: complexes, cas (cases discussed)',
    kind: 'count',
    of: { type: 'RcpHeld', when: 'period' },
    breakdown: { by: 'sums', sums: { complexes: 'complex', cas: 'amount' } },
  },
  {
    code: 'parcours.affectations',
    mission: 'parcours',
    description:
      'WorkItemAssigned with assignedAt in the period, to a member or a coordinator (an item given back ' +
      'to the team is not counted); breakdown by worklist kind',
    kind: 'count',
    of: { type: 'WorkItemAssigned', when: 'period', traits: ['assigned'] },
    breakdown: { by: 'label', keys: WORKLIST_KINDS },
  },
  {
    code: 'prevention.actions',
    mission: 'prevention',
    description: 'PreventionActionHeld with heldOn in the period; breakdown: personnes (people reached)',
    kind: 'count',
    of: { type: 'PreventionActionHeld', when: 'period' },
    breakdown: { by: 'sums', sums: { personnes: 'amount' } },
  },
  {
    code: 'qualite.protocoles',
    mission: 'qualite-pertinence',
    description: 'ProtocolApplied with appliedAt in the period; breakdown by code@version',
    kind: 'count',
    of: APPLICATIONS_OF_THE_PERIOD,
    breakdown: { by: 'label' },
  },
  {
    code: 'qualite.protocoles.taux-mt-informe',
    mission: 'qualite-pertinence',
    description:
      'Rate: of the protocol applications of the period with outcome dispensation, those with mtInformedAt',
    kind: 'rate',
    of: { ...APPLICATIONS_OF_THE_PERIOD, traits: ['dispensation'] },
    hit: 'mtInformed',
  },
  {
    code: 'qualite.formations',
    mission: 'qualite-pertinence',
    description: 'TrainingHeld with heldOn in the period',
    kind: 'count',
    of: { type: 'TrainingHeld', when: 'period' },
  },
  {
    code: 'accompagnement.stagiaires',
    mission: 'accompagnement-professionnels',
    description: 'InternHosted with from in the period',
    kind: 'count',
    of: { type: 'InternHosted', when: 'period' },
  },
  {
    code: 'accompagnement.nouveaux-membres',
    mission: 'accompagnement-professionnels',
    description: 'MemberJoined with joinedOn in the period',
    kind: 'count',
    of: { type: 'MemberJoined', when: 'period' },
  },
  {
    code: 'adhesion.membres',
    mission: null,
    description:
      'Snapshot at the period end: members joined on or before its last day and not left on or before it',
    kind: 'count',
    of: MEMBERS_AT_END,
  },
  {
    code: 'adhesion.membres-actifs',
    mission: null,
    description:
      'Snapshot at the period end: of those, members with an activity in the 12 months ending at the ' +
      'period end (participation, RCP participant, referring member, member applying a protocol or ' +
      'completing a follow-up, member of a prevention action or training)',
    kind: 'custom',
    value: 'count',
    items: (table) => `
      SELECT * FROM (
        SELECT ${ITEM('f')}, f.label AS category,
          (SELECT a.event_id FROM ${table('activity')} a
            WHERE a.cpts_id = f.cpts_id AND a.member_id = f.entity AND a.day >= @windowFrom AND a.day < @to
              AND ${known('a')}
            ORDER BY a.day DESC, a.recorded_at DESC, a.event_id DESC LIMIT 1) AS evidence
        FROM ${table('facts')} f
        WHERE ${selectionWhere(MEMBERS_AT_END, 'f', 'facts')})
      WHERE evidence IS NOT NULL`,
  },
  {
    code: 'adhesion.population',
    mission: null,
    description:
      'Snapshot at the period end: population covered (the latest CptsPopulationUpdated effective on or ' +
      'before it, else the population at registration)',
    kind: 'custom',
    value: 'amount',
    items: (table) => `
      SELECT ${ITEM('f')}, f.amount AS amount
      FROM ${table('facts')} f
      WHERE f.cpts_id = @cpts AND f.type IN ('CptsRegistered', 'CptsPopulationUpdated')
        AND (f.day IS NULL OR f.day < @to) AND ${known('f')}
      ORDER BY f.type = 'CptsPopulationUpdated' DESC, f.day DESC, f.revision DESC
      LIMIT 1`,
  },
];

const BY_CODE = new Map(INDICATORS.map((indicator) => [indicator.code, indicator]));

export function indicatorByCode(code: string): IndicatorDefinition | undefined {
  return BY_CODE.get(code);
}
