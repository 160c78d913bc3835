/**
 * The indicators of the ACI, in SQL over the dataset's views (`dataset-schema.ts`): the same definitions
 * as the API's (`GET …/indicators`), for a period `[from_day, to_day)` of Paris dates. A snapshot is taken
 * at the end of the period's last day, `to_day - 1`.
 *
 * Each query is installed as a table macro `indicator_<code with _>(from_day, to_day)`, and all of them
 * together as `indicators(from_day, to_day)`; docs/analytics.md shows each query as it is here.
 */

export type IndicatorShape =
  /** One row: `value`. */
  | 'count'
  /** One row: `value, numerator, denominator`. */
  | 'rate'
  /** One row: `value, breakdown` (a JSON object). */
  | 'breakdown';

export interface IndicatorQuery {
  code: string;
  mission: string | null;
  shape: IndicatorShape;
  sql: string;
}

/** The pathway kinds and referral urgencies, always listed in their breakdowns (0 when absent). */
export const PATHWAY_KINDS = [
  'sortie-hospitalisation',
  'insuffisance-cardiaque',
  'osteoporose',
  'bpco',
  'diabete',
  'tnd',
  'polymedication',
  'personne-agee',
  'cas-complexe',
  'autre',
] as const;
export const URGENCIES = ['jour-meme', '24h', 'programmee'] as const;
/** The kinds of worklist items, always listed in the breakdown of assignments. */
export const WORKLIST_KINDS = [
  'sortie.pharmacien',
  'sortie.suivi',
  'adressage.reponse',
  'snp.orientation',
  'rcp.revue',
  'mt.recherche',
] as const;

const list = (values: readonly string[]) => `[${values.map((v) => `'${v}'`).join(', ')}]`;

/** `column` within the period. */
const inPeriod = (column: string) => `${column} >= from_day::DATE AND ${column} < to_day::DATE`;

/** `{ key: n }` for every label counted, and every key of `keys` (0 when absent). */
const labelBreakdown = (label: string, from: string, keys?: readonly string[]) => `
SELECT coalesce(sum(n), 0)::DOUBLE AS value,
       coalesce(to_json(map(list(label), list(n))), '{}'::JSON) AS breakdown
FROM (
  SELECT label, sum(n) AS n FROM (
    ${keys ? `SELECT unnest(${list(keys)}) AS label, 0 AS n\n    UNION ALL ` : ''}SELECT coalesce(nullif(${label}, ''), 'inconnu') AS label, 1 AS n
    FROM ${from}
  ) GROUP BY label
)`;

/** How many rows of `from` hold `where`. */
const countOf = (from: string, where: string) => `
SELECT count(*)::DOUBLE AS value FROM ${from}
WHERE ${where}`;

/** Of the rows of `from` that hold `where`, the share that hold `hit`. */
const rateOf = (hit: string, from: string, where: string) => `
SELECT rate(count(*) FILTER (WHERE ${hit}), count(*)) AS value,
       count(*) FILTER (WHERE ${hit}) AS numerator, count(*) AS denominator
FROM ${from}
WHERE ${where}`;

export const INDICATOR_QUERIES: readonly IndicatorQuery[] = [
  {
    code: 'acces.mt.recherches',
    mission: 'acces-soins',
    shape: 'count',
    sql: countOf('mt_searches', inPeriod('registered_on')),
  },
  {
    code: 'acces.mt.attributions',
    mission: 'acces-soins',
    shape: 'count',
    sql: countOf('mt_assignments', inPeriod('assigned_on')),
  },
  {
    code: 'acces.mt.sans-mt',
    mission: 'acces-soins',
    shape: 'breakdown',
    sql: `
SELECT count(*)::DOUBLE AS value,
       to_json({
         'ald': count(*) FILTER (WHERE p.ald),
         'plus-de-70-ans': count(*) FILTER (WHERE year(to_day::DATE - 1) - p.birth_year >= 70),
         'precarite': count(*) FILTER (WHERE p.precarious)
       }) AS breakdown
FROM mt_searches s
LEFT JOIN patients_on(to_day::DATE - 1) p USING (patient)
WHERE s.registered_on < to_day::DATE AND (s.ended_on IS NULL OR s.ended_on >= to_day::DATE)`,
  },
  {
    code: 'acces.snp.demandes',
    mission: 'acces-soins',
    shape: 'count',
    sql: countOf('unscheduled_care', inPeriod('received_on')),
  },
  {
    code: 'acces.snp.taux-24h',
    mission: 'acces-soins',
    shape: 'rate',
    sql: rateOf('oriented_24h', 'unscheduled_care', inPeriod('received_on')),
  },
  {
    code: 'acces.sas.rdv',
    mission: 'acces-soins',
    shape: 'count',
    sql: countOf('unscheduled_care', `${inPeriod('received_on')} AND via_sas AND oriented`),
  },
  {
    code: 'acces.sas.medecins',
    mission: 'acces-soins',
    shape: 'count',
    sql: `
SELECT count(*)::DOUBLE AS value FROM members_on(to_day::DATE - 1)
WHERE sas_participant AND profession LIKE 'medecin-%'`,
  },
  {
    code: 'parcours.ouverts',
    mission: 'parcours',
    shape: 'breakdown',
    sql: labelBreakdown('kind', `pathways WHERE ${inPeriod('opened_on')}`, PATHWAY_KINDS),
  },
  {
    code: 'parcours.clos',
    mission: 'parcours',
    shape: 'count',
    sql: countOf('pathway_closures', inPeriod('closed_on')),
  },
  {
    code: 'parcours.actifs',
    mission: 'parcours',
    shape: 'count',
    sql: `
SELECT ((SELECT count(*) FROM pathways WHERE opened_on < to_day::DATE)
      - (SELECT count(*) FROM pathway_closures
          WHERE closed_on < to_day::DATE AND (reopened_on IS NULL OR reopened_on >= to_day::DATE)))::DOUBLE
       AS value`,
  },
  {
    code: 'parcours.adressages',
    mission: 'parcours',
    shape: 'breakdown',
    sql: labelBreakdown('urgency', `referrals WHERE ${inPeriod('referred_on')}`, URGENCIES),
  },
  {
    code: 'parcours.adressages.taux-acceptation',
    mission: 'parcours',
    shape: 'rate',
    sql: rateOf('accepted', 'referrals', inPeriod('referred_on')),
  },
  {
    code: 'parcours.sorties',
    mission: 'parcours',
    shape: 'count',
    sql: countOf('discharges', inPeriod('discharge_on')),
  },
  {
    code: 'parcours.sorties.taux-preavis-24h',
    mission: 'parcours',
    shape: 'rate',
    sql: rateOf('notified_ahead_24h', 'discharges', inPeriod('discharge_on')),
  },
  {
    code: 'parcours.sorties.taux-pharmacien-48h',
    mission: 'parcours',
    shape: 'rate',
    sql: rateOf('reconciled_48h', 'discharges', inPeriod('discharge_on')),
  },
  {
    code: 'parcours.sorties.taux-suivi-7j',
    mission: 'parcours',
    shape: 'rate',
    sql: rateOf('followed_up_7d', 'discharges', inPeriod('discharge_on')),
  },
  {
    code: 'parcours.rcp',
    mission: 'parcours',
    shape: 'breakdown',
    sql: `
SELECT count(*)::DOUBLE AS value,
       to_json({'complexes': count(*) FILTER (WHERE complex), 'cas': coalesce(sum(cases), 0)}) AS breakdown
FROM rcps
WHERE held_on >= from_day::DATE AND held_on < to_day::DATE`,
  },
  {
    code: 'parcours.affectations',
    mission: 'parcours',
    shape: 'breakdown',
    sql: labelBreakdown(
      'kind',
      `work_assignments WHERE assigned AND ${inPeriod('assigned_on')}`,
      WORKLIST_KINDS,
    ),
  },
  {
    code: 'prevention.actions',
    mission: 'prevention',
    shape: 'breakdown',
    sql: `
SELECT count(*)::DOUBLE AS value, to_json({'personnes': coalesce(sum(participants), 0)}) AS breakdown
FROM prevention_actions
WHERE held_on >= from_day::DATE AND held_on < to_day::DATE`,
  },
  {
    code: 'qualite.protocoles',
    mission: 'qualite-pertinence',
    shape: 'breakdown',
    sql: labelBreakdown(
      `protocol_code || '@' || protocol_version`,
      `protocol_applications WHERE ${inPeriod('applied_on')}`,
    ),
  },
  {
    code: 'qualite.protocoles.taux-mt-informe',
    mission: 'qualite-pertinence',
    shape: 'rate',
    sql: rateOf(
      'mt_informed',
      'protocol_applications',
      `${inPeriod('applied_on')} AND outcome = 'dispensation'`,
    ),
  },
  {
    code: 'qualite.formations',
    mission: 'qualite-pertinence',
    shape: 'count',
    sql: countOf('trainings', inPeriod('held_on')),
  },
  {
    code: 'accompagnement.stagiaires',
    mission: 'accompagnement-professionnels',
    shape: 'count',
    sql: countOf('interns', inPeriod('hosted_from')),
  },
  {
    code: 'accompagnement.nouveaux-membres',
    mission: 'accompagnement-professionnels',
    shape: 'count',
    sql: countOf('members', inPeriod('joined_on')),
  },
  {
    code: 'adhesion.membres',
    mission: null,
    shape: 'count',
    sql: `
SELECT count(*)::DOUBLE AS value FROM members_on(to_day::DATE - 1)`,
  },
  {
    code: 'adhesion.membres-actifs',
    mission: null,
    shape: 'count',
    sql: `
SELECT count(*)::DOUBLE AS value FROM members_on(to_day::DATE - 1) m
WHERE EXISTS (
  SELECT 1 FROM member_activity a
  WHERE a.member_id = m.member_id
    AND a.on_day >= CAST(to_day::DATE - INTERVAL 12 MONTH AS DATE) AND a.on_day < to_day::DATE)`,
  },
  {
    code: 'adhesion.population',
    mission: null,
    shape: 'count',
    sql: `
SELECT (SELECT population FROM population
         WHERE effective_on IS NULL OR effective_on < to_day::DATE
         ORDER BY type = 'CptsPopulationUpdated' DESC, effective_on DESC, revision DESC
         LIMIT 1)::DOUBLE AS value`,
  },
];

/** `parcours.sorties.taux-suivi-7j` → `indicator_parcours_sorties_taux_suivi_7j`. */
export const macroName = (code: string) => `indicator_${code.replace(/[.-]/g, '_')}`;

const quote = (value: string | null) => (value === null ? 'NULL' : `'${value}'`);

/** The macros: one per indicator, and `indicators(from_day, to_day)` with every figure, one row each. */
export function indicatorMacros(): string {
  const each = INDICATOR_QUERIES.map(
    ({ code, sql }) =>
      `CREATE OR REPLACE MACRO ${macroName(code)}(from_day, to_day) AS TABLE\n${sql.trim()};`,
  );
  const rows = INDICATOR_QUERIES.map(({ code, mission, shape }) => {
    const numerator = shape === 'rate' ? 'numerator::BIGINT' : 'NULL::BIGINT';
    const denominator = shape === 'rate' ? 'denominator::BIGINT' : 'NULL::BIGINT';
    const breakdown = shape === 'breakdown' ? 'breakdown::JSON' : 'NULL::JSON';
    return (
      `  SELECT ${quote(code)} AS code, ${quote(mission)} AS mission, value::DOUBLE AS value, ` +
      `${numerator} AS numerator, ${denominator} AS denominator, ${breakdown} AS breakdown ` +
      `FROM ${macroName(code)}(from_day, to_day)`
    );
  });
  return [
    ...each,
    `CREATE OR REPLACE MACRO indicators(from_day, to_day) AS TABLE\n${rows.join('\n  UNION ALL\n')};`,
  ].join('\n\n');
}
