import type Database from 'better-sqlite3';
import type { ReadStore, TableNamer } from '@parcours/projections';
import {
  INDICATORS,
  ITEM,
  selectionWhere,
  type IndicatorDefinition,
  type IndicatorMission,
  type IndicatorParams,
  type Selection,
} from './indicator-catalogue';
import { INDICATOR_FACTS, LINKED_TRAITS, TRAIT, type TraitName } from './indicator-facts.projection';
import { addDays, addMonths } from '@parcours/domain';

/** A period `[from, to)` of Paris dates, and optionally the recorded-time horizon. */
export interface IndicatorQuery {
  cptsId: string;
  from: string;
  to: string;
  /** ISO 8601 timestamp: only events recorded at or before it count. */
  asOf?: string;
}

export interface IndicatorFigure {
  code: string;
  mission: IndicatorMission;
  value: number | null;
  numerator?: number;
  denominator?: number;
  breakdown?: Record<string, number>;
}

export interface IndicatorEvent {
  eventId: string;
  type: string;
  streamId: string;
  /** Business time of the event (as corrected). */
  at: string | null;
  recordedAt: string;
  /** The last EntryCorrected applied to it, when it was corrected. */
  correctedBy?: string;
  /** For a rate: whether it is in the numerator. */
  inNumerator?: boolean;
  /** The event that puts it in the figure or the numerator (acceptance, reconciliation, follow-up, orientation, activity). */
  evidenceEventId?: string;
  /** Its breakdown key, where the figure has one (kind, urgency, code@version…). */
  category?: string;
  amount?: number;
}

interface ItemRow {
  event_id: string;
  type: string;
  stream_id: string;
  at: string | null;
  recorded_at: number;
  revised_by: string | null;
  hit?: number | null;
  evidence?: string | null;
  category?: string | null;
  amount?: number | null;
}

/** `asOf` when none is given: every version recorded so far, and only the current ones. */
const NOW = Number.MAX_SAFE_INTEGER;

/** `numerator / denominator` rounded half-up to 4 decimals; null when there is nothing to measure. */
export function rate(numerator: number, denominator: number): number | null {
  if (denominator === 0) return null;
  return Math.round((numerator * 10_000) / denominator) / 10_000;
}

export function indicatorParams(query: IndicatorQuery): IndicatorParams {
  const lastDay = addDays(query.to, -1);
  return {
    cpts: query.cptsId,
    from: query.from,
    to: query.to,
    lastDay,
    windowFrom: addMonths(query.to, -12),
    endYear: Number(lastDay.slice(0, 4)),
    asOf: query.asOf === undefined ? NOW : Date.parse(query.asOf),
  };
}

/** Where a figure is computed: the bitemporal facts (any asOf), or the current rollup (no asOf). */
export type Source = 'facts' | 'daily';

const SOURCES: Record<Source, { table: string; weight: string }> = {
  facts: { table: 'facts', weight: '1' },
  daily: { table: 'daily', weight: 'x.n' },
};

const traitSum = (name: TraitName, weight: string) =>
  `COALESCE(SUM(CASE WHEN x.traits & ${TRAIT[name]} THEN ${weight} ELSE 0 END), 0)`;

/**
 * Computes the catalogue over the facts read model. Statements are prepared once per generation of the
 * read model (a rebuild serves new tables, and the statements follow).
 */
export class IndicatorsReader {
  private generation?: string;
  private statements = new Map<string, Database.Statement>();

  constructor(private readonly readStore: ReadStore) {}

  /** The log position the read model includes (its checkpoint). */
  position(): string {
    return this.readStore.active(INDICATOR_FACTS)?.position ?? '0';
  }

  /** Whether the CPTS was ever registered, as far as the read model knows. */
  cptsExists(cptsId: string): boolean {
    const row = this.statement(
      'cpts-exists',
      (t) => `SELECT 1 AS found FROM ${t('facts')} WHERE cpts_id = ? AND type = 'CptsRegistered' LIMIT 1`,
    ).get(cptsId);
    return row !== undefined;
  }

  all(query: IndicatorQuery): IndicatorFigure[] {
    const params = indicatorParams(query);
    return INDICATORS.map((definition) => this.figure(definition, params));
  }

  /**
   * One figure. Without asOf the current rollup answers whatever it can; `source` forces one (the tests
   * check that both give the same figures).
   */
  figure(
    definition: IndicatorDefinition,
    params: IndicatorParams,
    source: Source = params.asOf === NOW ? 'daily' : 'facts',
  ): IndicatorFigure {
    const { code, mission } = definition;
    if (definition.kind === 'custom') {
      if (definition.value === 'amount') {
        const row = this.statement(
          `${code}:amount`,
          (t) => `SELECT amount FROM (${definition.items(t)})`,
        ).get(params) as { amount: number | null } | undefined;
        return { code, mission, value: row?.amount ?? null };
      }
      const sums = Object.entries(definition.sums ?? {});
      const row = this.statement(
        `${code}:custom`,
        (t) =>
          `SELECT COUNT(*) AS n${sums.map(([, column], i) => `, COALESCE(SUM(${column}), 0) AS s${i}`).join('')}
           FROM (${definition.items(t)})`,
      ).get(params) as Record<string, number>;
      return {
        code,
        mission,
        value: row.n,
        ...(sums.length > 0
          ? { breakdown: Object.fromEntries(sums.map(([key], i) => [key, row[`s${i}`]])) }
          : {}),
      };
    }

    const { table: tableName, weight } = SOURCES[source];
    const from = (t: TableNamer, selection: Selection) =>
      `FROM ${t(tableName)} x WHERE ${selectionWhere(selection, 'x', source)}`;

    if (definition.kind === 'rate') {
      const row = this.statement(
        `${code}:${source}`,
        (t) =>
          `SELECT COALESCE(SUM(${weight}), 0) AS n, ${traitSum(definition.hit, weight)} AS hits ${from(t, definition.of)}`,
      ).get(params) as { n: number; hits: number };
      return { code, mission, value: rate(row.hits, row.n), numerator: row.hits, denominator: row.n };
    }

    const { breakdown, except } = definition;
    const sums = breakdown?.by === 'sums' ? Object.entries(breakdown.sums) : [];
    const row = this.statement(
      `${code}:${source}`,
      (t) =>
        `SELECT COALESCE(SUM(${weight}), 0) AS n${sums
          .map(
            ([, what], i) =>
              `, ${what === 'amount' ? 'COALESCE(SUM(x.amount), 0)' : traitSum(what, weight)} AS s${i}`,
          )
          .join('')}${except ? `, (SELECT COALESCE(SUM(${weight}), 0) ${from(t, except)}) AS excepted` : ''}
         ${from(t, definition.of)}`,
    ).get(params) as Record<string, number>;
    const figure: IndicatorFigure = { code, mission, value: row.n - (row.excepted ?? 0) };
    if (breakdown?.by === 'sums') {
      figure.breakdown = Object.fromEntries(sums.map(([key], i) => [key, row[`s${i}`]]));
    } else if (breakdown?.by === 'label') {
      const rows = this.statement(
        `${code}:${source}:labels`,
        (t) =>
          `SELECT COALESCE(NULLIF(x.label, ''), 'inconnu') AS label, SUM(${weight}) AS n ${from(t, definition.of)} GROUP BY 1 HAVING SUM(${weight}) > 0 ORDER BY 1`,
      ).all(params) as Array<{ label: string; n: number }>;
      figure.breakdown = Object.fromEntries((breakdown.keys ?? []).map((key) => [key, 0]));
      for (const { label, n } of rows) figure.breakdown[label] = n;
    }
    return figure;
  }

  /** How many events are behind one figure (the drill-down's total). */
  count(definition: IndicatorDefinition, params: IndicatorParams): number {
    const row = this.statement(
      `${definition.code}:count`,
      (t) => `SELECT COUNT(*) AS n FROM (${this.items(definition, t)})`,
    ).get(params) as { n: number };
    return row.n;
  }

  /** The events behind one figure, in business-time order, a page at a time (always from the facts). */
  events(
    definition: IndicatorDefinition,
    params: IndicatorParams,
    page: { limit: number; offset: number },
  ): IndicatorEvent[] {
    const rows = this.statement(
      `${definition.code}:events`,
      (t) =>
        `SELECT * FROM (${this.items(definition, t)})
         ORDER BY day, instant, recorded_at, event_id LIMIT @limit OFFSET @offset`,
    ).all({ ...params, ...page }) as ItemRow[];
    const isRate = definition.kind === 'rate';
    return rows.map((row) => ({
      eventId: row.event_id,
      type: row.type,
      streamId: row.stream_id,
      at: row.at,
      recordedAt: new Date(row.recorded_at).toISOString(),
      ...(row.revised_by ? { correctedBy: row.revised_by } : {}),
      ...(isRate ? { inNumerator: row.hit === 1 } : {}),
      ...(row.evidence ? { evidenceEventId: row.evidence } : {}),
      ...(typeof row.category === 'string' && row.category !== '' ? { category: row.category } : {}),
      ...(typeof row.amount === 'number' ? { amount: row.amount } : {}),
    }));
  }

  /** The item query of a definition, over the facts. */
  private items(definition: IndicatorDefinition, t: TableNamer): string {
    if (definition.kind === 'custom') return definition.items(t);
    // The trait whose evidence explains the item: the rate's numerator, or a trait the selection requires.
    const explained = (definition.kind === 'rate' ? [definition.hit] : (definition.of.traits ?? [])).find(
      (name) => (TRAIT[name] & LINKED_TRAITS) !== 0,
    );
    const except =
      definition.kind === 'count' && definition.except
        ? `AND NOT EXISTS (SELECT 1 FROM ${t('facts')} e
             WHERE e.entity = f.entity AND ${selectionWhere(definition.except, 'e', 'facts')})`
        : '';
    return `
      SELECT ${ITEM('f')}, f.label AS category, f.amount AS amount,
        ${definition.kind === 'rate' ? `(f.traits & ${TRAIT[definition.hit]}) != 0` : 'NULL'} AS hit,
        ${explained ? `json_extract(f.evidence, '$.${explained}')` : 'NULL'} AS evidence
      FROM ${t('facts')} f
      WHERE ${selectionWhere(definition.of, 'f', 'facts')} ${except}`;
  }

  /** Prepared once per generation: the statement for `key`, built on the tables served now. */
  private statement(key: string, sql: (table: TableNamer) => string): Database.Statement {
    const table = this.readStore.tables(INDICATOR_FACTS);
    const generation = table('x');
    if (generation !== this.generation) {
      this.generation = generation;
      this.statements = new Map();
    }
    let statement = this.statements.get(key);
    if (!statement) {
      statement = this.readStore.db.prepare(sql(table));
      this.statements.set(key, statement);
    }
    return statement;
  }
}
