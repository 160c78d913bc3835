import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { DATASET_SCHEMA_VERSION, DERIVED, MACROS, TABLE_MACROS, TABLES } from './dataset-schema';
import { INDICATOR_QUERIES, indicatorMacros } from './indicator-queries';

/**
 * The analytical dataset in a directory: `parcours.duckdb` (the feed's events, the checkpoint, views and
 * macros) and `events/part-NNNNNN.parquet` (the same events, one file per run that brought new ones).
 *
 * DuckDB is the source of truth: a page of the feed and the checkpoint after it are written in one
 * transaction, so a run stopped anywhere resumes where the last page ended, appending nothing twice. The
 * Parquet files follow the database: each run exports the events past the last file's, into a file whose
 * name is decided by the files already recorded — a file written but not yet recorded (a crash in
 * between) is written again under the same name.
 */

export const DATABASE_FILE = 'parcours.duckdb';
export const PARQUET_DIR = 'events';

export class DatasetError extends Error {}

/** A figure as `GET …/indicators` gives it. */
export interface IndicatorFigure {
  code: string;
  mission: string | null;
  value: number | null;
  numerator?: number;
  denominator?: number;
  breakdown?: Record<string, number>;
}

export interface FeedState {
  cptsId: string;
  apiUrl: string;
  /** The `after` of the next request. */
  position: bigint;
}

/** A SQL string literal. */
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

const FEED_COLUMNS =
  "{position: 'VARCHAR', eventId: 'VARCHAR', type: 'VARCHAR', category: 'VARCHAR', entity: 'VARCHAR', " +
  "revision: 'INTEGER', recordedAt: 'VARCHAR', source: 'VARCHAR', schemaVersion: 'INTEGER', " +
  "actorRole: 'VARCHAR', data: 'JSON'}";

export class AnalyticsDataset {
  private constructor(
    readonly dir: string,
    private readonly instance: DuckDBInstance,
    private readonly db: DuckDBConnection,
  ) {}

  /** Opens (or creates) the dataset in `dir` and installs its views and macros. */
  static async open(dir: string, options: { readOnly?: boolean } = {}): Promise<AnalyticsDataset> {
    if (!options.readOnly) mkdirSync(join(dir, PARQUET_DIR), { recursive: true });
    const instance = await DuckDBInstance.create(
      join(dir, DATABASE_FILE),
      options.readOnly ? { access_mode: 'READ_ONLY' } : {},
    );
    const dataset = new AnalyticsDataset(dir, instance, await instance.connect());
    try {
      if (!options.readOnly) await dataset.install();
    } catch (error) {
      dataset.close();
      throw error;
    }
    return dataset;
  }

  private async install(): Promise<void> {
    await this.db.run(TABLES);
    const meta = await this.rows<{ schema_version: number }>('SELECT schema_version FROM dataset_meta');
    if (meta.length === 0) {
      await this.db.run(`INSERT INTO dataset_meta VALUES (${DATASET_SCHEMA_VERSION}, now())`);
    } else if (meta[0].schema_version !== DATASET_SCHEMA_VERSION) {
      throw new DatasetError(
        `${this.dir} holds a dataset of schema version ${meta[0].schema_version}; this job writes version ` +
          `${DATASET_SCHEMA_VERSION}: build a new one in another directory (the feed gives everything again)`,
      );
    }
    await this.db.run(MACROS);
    for (const { name, query } of DERIVED)
      await this.db.run(`CREATE TABLE IF NOT EXISTS ${name} AS ${query}`);
    await this.db.run(TABLE_MACROS);
    await this.db.run(indicatorMacros());
  }

  async rows<T>(sql: string): Promise<T[]> {
    const reader = await this.db.runAndReadAll(sql);
    return reader.getRowObjectsJS() as T[];
  }

  async state(): Promise<FeedState | null> {
    const [row] = await this.rows<{ cpts_id: string; api_url: string; position: string }>(
      'SELECT cpts_id, api_url, position::VARCHAR AS position FROM feed_state',
    );
    return row ? { cptsId: row.cpts_id, apiUrl: row.api_url, position: BigInt(row.position) } : null;
  }

  /** The checkpoint of this CPTS's feed (0 for a new dataset); refuses a dataset of another CPTS. */
  async start(cptsId: string, apiUrl: string, feedSchema: number): Promise<bigint> {
    const state = await this.state();
    if (state === null) {
      await this.db.run(
        `INSERT INTO feed_state VALUES (${literal(cptsId)}, ${literal(apiUrl)}, 0, ${feedSchema}, now())`,
      );
      return 0n;
    }
    if (state.cptsId !== cptsId) {
      throw new DatasetError(`${this.dir} holds the dataset of ${state.cptsId}, not of ${cptsId}`);
    }
    if (state.apiUrl !== apiUrl) {
      await this.db.run(`UPDATE feed_state SET api_url = ${literal(apiUrl)}`);
    }
    return state.position;
  }

  /**
   * Adds the lines of a feed page (an NDJSON file) that are past the checkpoint, and moves the
   * checkpoint to `next`, in one transaction. Returns how many events were added.
   */
  async ingest(file: string, next: bigint, feedSchema: number): Promise<number> {
    await this.db.run('BEGIN TRANSACTION');
    try {
      const inserted = await this.db.run(`
        INSERT INTO events
        SELECT CAST(position AS DECIMAL(38,0)), eventId, type, category, entity, revision,
               CAST(recordedAt AS TIMESTAMPTZ), source, schemaVersion, actorRole, data
        FROM read_json(${literal(file)}, format = 'newline_delimited', columns = ${FEED_COLUMNS})
        WHERE CAST(position AS DECIMAL(38,0)) > (SELECT position FROM feed_state)
        ORDER BY CAST(position AS DECIMAL(38,0))`);
      const [{ last }] = await this.rows<{ last: string | null }>(
        'SELECT max(position)::VARCHAR AS last FROM events',
      );
      if (last !== null && BigInt(last) > next) {
        throw new DatasetError(`the feed said to resume at ${next}, before its own line ${last}`);
      }
      await this.db.run(
        `UPDATE feed_state SET position = greatest(position, ${next.toString()}::DECIMAL(38,0)), ` +
          `feed_schema = ${feedSchema}, updated_at = now()`,
      );
      await this.db.run('COMMIT');
      return inserted.rowsChanged;
    } catch (error) {
      await this.db.run('ROLLBACK');
      throw error;
    }
  }

  /**
   * Works the derived tables out again when events were added since they last were (by this run, or by
   * one stopped before it could), or when their definitions changed (a newer job). All in one transaction.
   */
  async refreshDerived(): Promise<boolean> {
    const definitions = createHash('sha256')
      .update(JSON.stringify([MACROS, DERIVED]))
      .digest('hex');
    const [{ events }] = await this.rows<{ events: string | null }>(
      'SELECT max(position)::VARCHAR AS events FROM events',
    );
    const [state] = await this.rows<{ position: string | null; definitions: string }>(
      'SELECT position::VARCHAR AS position, definitions FROM derived_state',
    );
    if (state && state.position === events && state.definitions === definitions) return false;
    await this.db.run('BEGIN TRANSACTION');
    try {
      for (const { name, query } of DERIVED) await this.db.run(`CREATE OR REPLACE TABLE ${name} AS ${query}`);
      await this.db.run('DELETE FROM derived_state');
      await this.db.run(`INSERT INTO derived_state VALUES (${events ?? 'NULL'}, '${definitions}')`);
      await this.db.run('COMMIT');
    } catch (error) {
      await this.db.run('ROLLBACK');
      throw error;
    }
    return true;
  }

  /** Exports the events past the last Parquet file into a new one; null when there are none. */
  async writeParquet(): Promise<{ file: string; events: number } | null> {
    const [{ files, exported }] = await this.rows<{ files: number; exported: string }>(
      'SELECT count(*)::INTEGER AS files, coalesce(max(last_position), 0)::VARCHAR AS exported FROM parquet_files',
    );
    const [{ events, first, last }] = await this.rows<{ events: number; first: string; last: string }>(
      `SELECT count(*)::INTEGER AS events, min(position)::VARCHAR AS first, max(position)::VARCHAR AS last
       FROM events WHERE position > ${exported}`,
    );
    if (events === 0) return null;
    const name = `part-${String(files + 1).padStart(6, '0')}.parquet`;
    const file = join(this.dir, PARQUET_DIR, name);
    const partial = `${file}.partial`;
    rmSync(partial, { force: true });
    await this.db.run(
      `COPY (SELECT * FROM events WHERE position > ${exported} AND position <= ${last} ORDER BY position)
       TO ${literal(partial)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    renameSync(partial, file);
    await this.db.run(
      `INSERT INTO parquet_files VALUES (${literal(`${PARQUET_DIR}/${name}`)}, ${first}, ${last}, ${events}, now())`,
    );
    return { file: `${PARQUET_DIR}/${name}`, events };
  }

  /** Every indicator for `[from, to)`, shaped as `GET …/indicators` gives them. */
  async indicators(from: string, to: string): Promise<IndicatorFigure[]> {
    const rows = await this.rows<{
      code: string;
      mission: string | null;
      value: number | null;
      numerator: bigint | null;
      denominator: bigint | null;
      breakdown: string | null;
    }>(`SELECT * FROM indicators(DATE ${literal(from)}, DATE ${literal(to)})`);
    const byCode = new Map(rows.map((row) => [row.code, row]));
    return INDICATOR_QUERIES.map(({ code }) => {
      const row = byCode.get(code)!;
      return {
        code,
        mission: row.mission,
        value: row.value,
        ...(row.numerator === null ? {} : { numerator: Number(row.numerator) }),
        ...(row.denominator === null ? {} : { denominator: Number(row.denominator) }),
        ...(row.breakdown === null ? {} : { breakdown: JSON.parse(row.breakdown) as Record<string, number> }),
      };
    });
  }

  close(): void {
    this.db.closeSync();
    this.instance.closeSync();
  }
}
