import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TableNamer } from './projection';
import { createIndexSql, createTableSql, type TableDefinitions } from './table';

export interface GenerationRow {
  name: string;
  generation: string;
  version: number;
  position: string;
  updated_at: string;
}

/** Reads of a projection that has no finished generation yet: a 503 until it is built. */
export class ReadModelNotReadyError extends Error {
  constructor(readonly projection: string) {
    super(`read model ${projection} is being built`);
    this.name = 'ReadModelNotReadyError';
  }

  toProblem(language: 'fr' | 'en') {
    return {
      type: 'https://parcours.example/problems/read-model-not-ready',
      title: 'Service Unavailable',
      status: 503,
      detail:
        language === 'fr'
          ? `Les données « ${this.projection} » sont en cours de construction ; réessayez dans un instant.`
          : `The ${this.projection} read model is being built; try again shortly.`,
    };
  }
}

const SAFE = /^[a-z][a-z0-9_]{0,40}$/;

/**
 * The local read store: one SQLite file with every read model, and the registry of their generations.
 * A generation is one build of one version of a projection, with tables prefixed `p_<name>_<generation>_`
 * and its checkpoint; the *active* generation is the one reads use. A new version (or a rebuild) writes a
 * new generation beside the active one and takes its place in one transaction once caught up, so a read
 * never sees a half-built model.
 *
 * `synchronous=NORMAL` is enough: the checkpoint commits with the rows it covers, so a crash loses both
 * together and the runner simply applies those events again.
 */
export class ReadStore {
  readonly db: Database.Database;
  /** Prepared once: they run on every read and every batch. */
  private readonly sql: {
    active: Database.Statement<[string], GenerationRow>;
    generation: Database.Statement<[string, string], GenerationRow>;
    checkpoint: Database.Statement<[string, string, string, string]>;
    tables: Database.Statement<[], { name: string }>;
  };

  /**
   * `busyTimeoutMs`: how long a write waits for another writer's lock (5 s; a rebuild spread over threads
   * waits longer, as one of them may be building a large index). `cacheMiB`: SQLite's page cache for this
   * connection (64 MiB: the projections read and rewrite rows by key all the time; a connection that only
   * serves reads needs less, the system's file cache holding the pages too).
   */
  constructor(path: string, options: { busyTimeoutMs?: number; cacheMiB?: number } = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma(`cache_size = -${Math.trunc((options.cacheMiB ?? 64) * 1024)}`);
    // The planner's statistics are sampled (a few milliseconds per table), not read in full.
    this.db.pragma('analysis_limit = 1000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS projection_generations (
        name TEXT NOT NULL, generation TEXT NOT NULL, version INTEGER NOT NULL,
        position TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (name, generation)) STRICT;
      CREATE TABLE IF NOT EXISTS projection_active (
        name TEXT PRIMARY KEY, generation TEXT NOT NULL) STRICT;
    `);
    this.sql = {
      active: this.db.prepare(
        `SELECT g.* FROM projection_active a JOIN projection_generations g ON g.name = a.name AND g.generation = a.generation WHERE a.name = ?`,
      ),
      generation: this.db.prepare('SELECT * FROM projection_generations WHERE name = ? AND generation = ?'),
      checkpoint: this.db.prepare(
        'UPDATE projection_generations SET position = ?, updated_at = ? WHERE name = ? AND generation = ?',
      ),
      tables: this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`),
    };
  }

  static tableNamer(name: string, generation: string): TableNamer {
    return (table) => {
      if (!SAFE.test(table)) throw new Error(`bad table name ${table}`);
      return `p_${name.replace(/-/g, '_')}_${generation}_${table}`;
    };
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** A read query, prepared once per text (the tables' names change only when a generation is switched). */
  prepare<P extends unknown[] | object = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= 500) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as Database.Statement<P, R>;
  }

  active(name: string): GenerationRow | null {
    return this.sql.active.get(name) ?? null;
  }

  /** The table names reads must use now; throws ReadModelNotReadyError before the first build finished. */
  tables(name: string): TableNamer {
    const active = this.active(name);
    if (!active) throw new ReadModelNotReadyError(name);
    return ReadStore.tableNamer(name, active.generation);
  }

  generation(name: string, generation: string): GenerationRow | null {
    return this.sql.generation.get(name, generation) ?? null;
  }

  /** The tables of a generation (if absent); `withIndexes` false for one being built (see `TableDefinition`). */
  createTables(name: string, generation: string, tables: TableDefinitions, withIndexes: boolean): void {
    const named = ReadStore.tableNamer(name, generation);
    this.db
      .transaction(() => {
        for (const [table, definition] of Object.entries(tables)) {
          this.db.exec(createTableSql(named(table), definition));
          if (withIndexes) for (const sql of createIndexSql(named(table), definition)) this.db.exec(sql);
        }
      })
      .immediate();
  }

  /** The read indexes of a generation that was built without them. */
  createIndexes(name: string, generation: string, tables: TableDefinitions): void {
    const named = ReadStore.tableNamer(name, generation);
    for (const [table, definition] of Object.entries(tables)) {
      for (const sql of createIndexSql(named(table), definition)) this.db.exec(sql);
      // Without statistics SQLite takes a key prefix for as selective as any index: a year's figures
      // then scan every fact of the CPTS through the primary key (hundreds of ms) instead of the index by
      // type and day (a fraction of one). A read store in memory (an as-of replay: a few rows, read once)
      // does without.
      if (!this.db.memory) this.db.exec(`ANALYZE "${named(table)}"`);
    }
  }

  /**
   * Brings the planner's statistics up to date where the tables changed much since they were taken (a
   * generation served while small and grown live): SQLite's `PRAGMA optimize`, run when a process opens
   * the read store to serve it.
   */
  optimize(): void {
    this.db.pragma('optimize = 0x10002');
  }

  /** Starts a new generation of `version` at position 0 (its tables are created by the projection). */
  createGeneration(name: string, version: number): GenerationRow {
    // Counted and inserted under the write lock: another writer may create one at the same time.
    return this.db
      .transaction(() => {
        // After the highest number used for this version (older ones may have been dropped since).
        const last = this.db
          .prepare<[string, number], { generation: string }>(
            'SELECT generation FROM projection_generations WHERE name = ? AND version = ?',
          )
          .all(name, version)
          .reduce((max, row) => Math.max(max, Number(/g(\d+)$/.exec(row.generation)?.[1] ?? 0)), 0);
        const generation = `v${version}g${last + 1}`;
        const row = { name, generation, version, position: '0', updated_at: new Date().toISOString() };
        this.db
          .prepare(
            'INSERT INTO projection_generations (name, generation, version, position, updated_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(row.name, row.generation, row.version, row.position, row.updated_at);
        return row;
      })
      .immediate();
  }

  /** Inside the batch transaction: the checkpoint of the generation that was just written. */
  saveCheckpoint(name: string, generation: string, position: bigint): void {
    this.sql.checkpoint.run(position.toString(), new Date().toISOString(), name, generation);
  }

  /** The generations of a projection, latest first (to go on with one an earlier run left unfinished). */
  generations(name: string): GenerationRow[] {
    return this.db
      .prepare<[string], GenerationRow>(
        'SELECT * FROM projection_generations WHERE name = ? ORDER BY updated_at DESC, generation DESC',
      )
      .all(name);
  }

  /** Makes `generation` the one reads use, and drops the tables of the generations it replaces. */
  activate(name: string, generation: string): void {
    this.db
      .transaction(() => {
        const previous = this.db
          .prepare<[string, string], { generation: string }>(
            'SELECT generation FROM projection_generations WHERE name = ? AND generation != ?',
          )
          .all(name, generation);
        this.db
          .prepare(
            'INSERT INTO projection_active (name, generation) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET generation = excluded.generation',
          )
          .run(name, generation);
        for (const old of previous) this.dropGeneration(name, old.generation);
      })
      .immediate();
  }

  dropGeneration(name: string, generation: string): void {
    const prefix = ReadStore.tableNamer(name, generation)('x').slice(0, -1);
    for (const table of this.tablesWithPrefix(prefix)) this.db.exec(`DROP TABLE IF EXISTS "${table.name}"`);
    this.db
      .prepare('DELETE FROM projection_generations WHERE name = ? AND generation = ?')
      .run(name, generation);
  }

  /** A digest of every row of a generation's tables, in a stable order: equal models, equal checksums. */
  checksum(name: string, generation?: string): string {
    const gen = generation ?? this.active(name)?.generation;
    if (!gen) throw new ReadModelNotReadyError(name);
    const prefix = ReadStore.tableNamer(name, gen)('x').slice(0, -1);
    const hash = createHash('sha256');
    for (const { name: table } of this.tablesWithPrefix(prefix)) {
      hash.update(`table ${table.slice(prefix.length)}\n`);
      const columns = this.db
        .prepare(`SELECT * FROM "${table}" LIMIT 0`)
        .columns()
        .map((c) => `"${c.name}"`);
      for (const row of this.db
        .prepare(`SELECT * FROM "${table}" ORDER BY ${columns.join(', ')}`)
        .raw()
        .iterate()) {
        hash.update(
          JSON.stringify(row, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) + '\n',
        );
      }
    }
    return hash.digest('hex');
  }

  private tablesWithPrefix(prefix: string): Array<{ name: string }> {
    return this.sql.tables.all().filter((t) => t.name.startsWith(prefix));
  }

  /** Rows in a generation's tables. */
  rowCount(name: string, generation: string): number {
    const prefix = ReadStore.tableNamer(name, generation)('x').slice(0, -1);
    return this.tablesWithPrefix(prefix).reduce(
      (sum, t) => sum + (this.db.prepare(`SELECT COUNT(*) AS n FROM "${t.name}"`).get() as { n: number }).n,
      0,
    );
  }

  close(): void {
    this.db.close();
  }
}
