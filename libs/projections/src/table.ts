import type Database from 'better-sqlite3';

/**
 * A column: its SQLite type, `NULL` when it may be empty. `JSON`: a document stored as text; a handler
 * reads and writes it as the object itself, parsed once when read from the database and serialised once
 * when written, however many events change it in between.
 */
export type ColumnType =
  'TEXT' | 'INTEGER' | 'REAL' | 'JSON' | 'TEXT NULL' | 'INTEGER NULL' | 'REAL NULL' | 'JSON NULL';

/** What a key column holds. */
export type RowValue = string | number | null;

/**
 * A table of a read model, declared once: its columns, its key, the indexes its queries need.
 *
 * - While applying events, a projection reaches rows by their key only (`get`, `put`, `delete`) or by a
 *   prefix of it (`scan`): never by an index. That is what lets a rebuild keep rows in memory and write
 *   them in bulk, and a live batch write each changed row once.
 * - `indexes` serve the read routes. A generation being built gets them once it has caught up (an index
 *   built once, in order, costs a fraction of one kept up to date row by row).
 * - `appendOnly`: rows written once and seldom read back while applying (a timeline's entries, facts):
 *   they leave memory as soon as they are written.
 */
export interface TableDefinition<R extends object> {
  readonly columns: { readonly [K in keyof R]-?: ColumnType };
  readonly key: ReadonlyArray<keyof R & string>;
  readonly indexes?: ReadonlyArray<IndexDefinition<R>>;
  readonly appendOnly?: boolean;
}

/**
 * A read index: its columns, or its columns and the rows it holds (a partial index: `where` is SQL over the
 * table's columns, with literals only; a query uses it when its own WHERE repeats that condition).
 */
export type IndexDefinition<R extends object> =
  | ReadonlyArray<keyof R & string>
  | { readonly columns: ReadonlyArray<keyof R & string>; readonly where: string };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TableDefinitions = Readonly<Record<string, TableDefinition<any>>>;

/** Declares a table; the row type `R` types every read and write of it. */
export function table<R extends object>(definition: TableDefinition<R>): TableDefinition<R> {
  for (const key of definition.key) {
    if (!(key in definition.columns)) throw new Error(`key column ${key} is not a column`);
  }
  return definition;
}

const SAFE = /^[a-z][a-z0-9_]{0,40}$/;
/**
 * Parameters per multi-row INSERT: as many rows as fit (at most 256), so that a narrow table writes more
 * rows per statement call; far below SQLite's limit on parameters (32 766).
 */
const CHUNK_PARAMETERS = 4096;
const chunkRows = (columns: number): number =>
  Math.max(1, Math.min(256, Math.floor(CHUNK_PARAMETERS / columns)));

/** `CREATE TABLE` of a definition under its generation's name; `WITHOUT ROWID`: the key is the table. */
export function createTableSql<R extends object>(name: string, definition: TableDefinition<R>): string {
  const columns = Object.entries(definition.columns as Record<string, ColumnType>).map(([column, type]) => {
    if (!SAFE.test(column)) throw new Error(`bad column name ${column}`);
    const sql = type.replace('JSON', 'TEXT');
    return sql.endsWith(' NULL') ? `${column} ${sql.slice(0, -5)}` : `${column} ${sql} NOT NULL`;
  });
  return `CREATE TABLE IF NOT EXISTS "${name}" (${columns.join(', ')}, PRIMARY KEY (${definition.key.join(', ')})) STRICT, WITHOUT ROWID`;
}

export function createIndexSql<R extends object>(name: string, definition: TableDefinition<R>): string[] {
  return (definition.indexes ?? []).map((index, i) => {
    const [columns, where] = 'where' in index ? [index.columns, ` WHERE ${index.where}`] : [index, ''];
    return `CREATE INDEX IF NOT EXISTS "${name}_i${i}" ON "${name}" (${columns.join(', ')})${where}`;
  });
}

/** Key values in SQLite's order for the types a key holds (NULL first; text by code unit, as BINARY). */
function compareValues(x: RowValue, y: RowValue): number {
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  return x < y ? -1 : 1;
}

/** Keys (their values in the order of `key`) in the order SQLite keeps them. */
export function compareKeys(a: readonly RowValue[], b: readonly RowValue[]): number {
  for (let i = 0; i < a.length; i += 1) {
    const order = compareValues(a[i], b[i]);
    if (order !== 0) return order;
  }
  return 0;
}

/** A key's values joined: the name of its row in memory. */
export function keyOf(values: readonly RowValue[]): string {
  return values.length === 1 ? String(values[0]) : values.join('\u0000');
}

interface Entry<R> {
  /** The key's values joined (`keyOf`): the entry's name in memory, and its order when written. */
  id: string;
  key: RowValue[];
  /** null: known not to exist. */
  row: R | null;
  dirty: boolean;
  /** Whether the database holds this key now (false for a fresh row: a plain INSERT writes it). */
  stored: boolean;
}

export interface TableCacheOptions {
  /** Clean rows kept in memory between batches; beyond it they are forgotten (and read again if needed). */
  maxRows: number;
  /** The table is empty and new (a generation being built): a key not in memory is known to be absent. */
  fresh: boolean;
}

/**
 * A table as a projection's handlers see it: rows reached by their key, or by a prefix of it. Rows handed
 * out are the stored objects: a handler never changes one in place, it `put`s a new one.
 */
export interface Table<R extends object> {
  /** The row with this key (the key's values in the order of `key`), or undefined. */
  get(...key: RowValue[]): R | undefined;
  put(row: R): void;
  delete(...key: RowValue[]): void;
  /** The rows whose key starts with these values (1 to all the key's columns), in key order. */
  scan(...prefix: RowValue[]): R[];
}

/**
 * One table of a generation in the read store: reads by key go to memory first, writes stay in memory
 * until `flush` (end of a batch), which writes each changed row once — fresh rows with multi-row INSERTs in
 * key order, others with an upsert, removed ones with a DELETE.
 */
export class ProjectionTable<R extends object> implements Table<R> {
  private readonly cache = new Map<string, Entry<R>>();
  private readonly columns: string[];
  private readonly keyColumns: string[];
  /** The JSON columns, by name. */
  private readonly documents: Set<string>;
  /** Per column (in `columns` order): whether it holds a JSON document. */
  private readonly isDocument: boolean[];
  /** Rows per multi-row INSERT, and its parameters (one array, reused). */
  private readonly chunk: number;
  private chunkArgs: unknown[] | undefined;
  /**
   * Each statement prepared when first needed: a multi-row INSERT of 4 096 parameters takes a while to
   * prepare, and a table opened for a few rows (an as-of replay, a short live batch) never needs it.
   */
  private readonly sql: {
    get: () => Database.Statement;
    upsert: () => Database.Statement;
    upsertChunk: () => Database.Statement;
    insert: () => Database.Statement;
    insertChunk: () => Database.Statement;
    remove: () => Database.Statement;
  };
  private readonly scans = new Map<number, Database.Statement>();
  /**
   * The rows in memory by their key without its last column (the prefix `scan` is called with): a scan
   * overlays them on what the database holds, so that it never has to write the batch first. Built by the
   * first such scan since memory was last cleared, then kept up to date (`grouped`): most tables are
   * never scanned, and the entries of those that are leave memory at each batch.
   */
  private readonly groups = new Map<string, Map<string, Entry<R>>>();
  private grouped = false;
  /** The entries changed since the last flush, each once. */
  private changed: Array<Entry<R>> = [];
  private fresh: boolean;

  constructor(
    private readonly db: Database.Database,
    readonly name: string,
    private readonly definition: TableDefinition<R>,
    private readonly options: TableCacheOptions,
  ) {
    this.columns = Object.keys(definition.columns);
    this.keyColumns = [...definition.key];
    this.documents = new Set(
      Object.entries(definition.columns as Record<string, ColumnType>)
        .filter(([, type]) => type.startsWith('JSON'))
        .map(([column]) => column),
    );
    this.isDocument = this.columns.map((column) => this.documents.has(column));
    this.chunk = chunkRows(this.columns.length);
    this.fresh = options.fresh;
    const list = this.columns.join(', ');
    const one = `(${this.columns.map(() => '?').join(', ')})`;
    const byKey = this.keyColumns.map((c) => `${c} = ?`).join(' AND ');
    const others = this.columns.filter((c) => !this.keyColumns.includes(c));
    const update =
      others.length === 0
        ? 'DO NOTHING'
        : `DO UPDATE SET ${others.map((c) => `${c} = excluded.${c}`).join(', ')}`;
    const onConflict = `ON CONFLICT (${this.keyColumns.join(', ')}) ${update}`;
    const prepared = (sql: () => string) => {
      let statement: Database.Statement | undefined;
      return () => (statement ??= db.prepare(sql()));
    };
    this.sql = {
      get: prepared(() => `SELECT * FROM "${name}" WHERE ${byKey}`),
      upsert: prepared(() => `INSERT INTO "${name}" (${list}) VALUES ${one} ${onConflict}`),
      upsertChunk: prepared(
        () =>
          `INSERT INTO "${name}" (${list}) VALUES ${Array.from({ length: this.chunk }, () => one).join(', ')} ${onConflict}`,
      ),
      insert: prepared(() => `INSERT INTO "${name}" (${list}) VALUES ${one}`),
      insertChunk: prepared(
        () =>
          `INSERT INTO "${name}" (${list}) VALUES ${Array.from({ length: this.chunk }, () => one).join(', ')}`,
      ),
      remove: prepared(() => `DELETE FROM "${name}" WHERE ${byKey}`),
    };
  }

  /** Remembers an entry in memory (and in its group, once groups are kept). */
  private remember(entry: Entry<R>): void {
    this.cache.set(entry.id, entry);
    if (this.grouped) this.group(entry);
  }

  private group(entry: Entry<R>): void {
    // The key without its last column: the id up to its last separator (key values are never NULL).
    const group = entry.id.slice(0, entry.id.lastIndexOf('\u0000'));
    let members = this.groups.get(group);
    if (!members) {
      members = new Map();
      this.groups.set(group, members);
    }
    members.set(entry.id, entry);
  }

  /** The groups of what memory holds, kept from now on until memory is cleared. */
  private groupAll(): void {
    if (this.grouped) return;
    for (const entry of this.cache.values()) this.group(entry);
    this.grouped = true;
  }

  private clearMemory(): void {
    this.cache.clear();
    this.groups.clear();
    this.grouped = false;
  }

  private keyValues(row: R): RowValue[] {
    const record = row as Record<string, RowValue>;
    const columns = this.keyColumns;
    const key = new Array<RowValue>(columns.length);
    for (let i = 0; i < columns.length; i += 1) key[i] = record[columns[i]];
    return key;
  }

  /** The row with this key (the key's values in the order of `key`), or undefined. */
  get(...key: RowValue[]): R | undefined {
    const id = keyOf(key);
    const cached = this.cache.get(id);
    if (cached) return cached.row ?? undefined;
    if (this.fresh) return undefined;
    const stored = this.sql.get().get(...key) as R | undefined;
    const found = stored === undefined ? undefined : this.parsed(stored);
    if (!this.definition.appendOnly) {
      this.remember({ id, key, row: found ?? null, dirty: false, stored: found !== undefined });
    }
    return found;
  }

  /** Writes the row (at the end of the batch). */
  put(row: R): void {
    const key = this.keyValues(row);
    const id = keyOf(key);
    const cached = this.cache.get(id);
    if (!cached) {
      // Unknown: it may be in the database (an upsert then), unless the table is fresh.
      const entry = { id, key, row, dirty: true, stored: !this.fresh };
      this.remember(entry);
      this.changed.push(entry);
      return;
    }
    if (!cached.dirty) this.changed.push(cached);
    cached.row = row;
    cached.dirty = true;
  }

  delete(...key: RowValue[]): void {
    const id = keyOf(key);
    const cached = this.cache.get(id);
    if (!cached) {
      if (this.fresh) return;
      const entry = { id, key, row: null, dirty: true, stored: true };
      this.remember(entry);
      this.changed.push(entry);
      return;
    }
    if (cached.row === null && !cached.dirty) return;
    if (!cached.dirty) this.changed.push(cached);
    cached.row = null;
    cached.dirty = true;
  }

  /**
   * The rows whose key starts with these values, in key order: for the few changes that touch every row of
   * a record (a pathway closed hides its pending steps). With all the key but its last column, what the
   * database holds is overlaid with what memory holds (nothing is written first, and a table being built,
   * all in memory, is not read at all); with a shorter prefix, what is pending is written first.
   */
  scan(...prefix: RowValue[]): R[] {
    if (prefix.length === 0 || prefix.length > this.keyColumns.length) {
      throw new Error(`scan of ${this.name} needs 1 to ${this.keyColumns.length} key values`);
    }
    const overlay = prefix.length === this.keyColumns.length - 1;
    if (!overlay) this.flush();
    const found = new Map<string, { key: RowValue[]; row: R }>();
    if (!(overlay && this.fresh)) {
      for (const row of this.scanStatement(prefix.length).all(...prefix) as R[]) {
        const key = this.keyValues(row);
        const id = keyOf(key);
        const cached = this.cache.get(id);
        if (cached && overlay) continue; // memory has it, newer or the same: overlaid below
        const parsed = cached?.row ?? this.parsed(row);
        found.set(id, { key, row: parsed });
        if (!cached && !this.definition.appendOnly) {
          this.remember({ id, key, row: parsed, dirty: false, stored: true });
        }
      }
    }
    if (overlay) {
      this.groupAll();
      for (const [id, entry] of this.groups.get(keyOf(prefix)) ?? []) {
        if (entry.row !== null) found.set(id, { key: entry.key, row: entry.row });
      }
    }
    return [...found.values()].sort((a, b) => compareKeys(a.key, b.key)).map(({ row }) => row);
  }

  private scanStatement(length: number): Database.Statement {
    let statement = this.scans.get(length);
    if (!statement) {
      const where = this.keyColumns
        .slice(0, length)
        .map((c) => `${c} = ?`)
        .join(' AND ');
      statement = this.db.prepare(
        `SELECT * FROM "${this.name}" WHERE ${where} ORDER BY ${this.keyColumns.join(', ')}`,
      );
      this.scans.set(length, statement);
    }
    return statement;
  }

  /** Writes what changed since the last flush (inside the caller's transaction, never outside one). */
  flush(): void {
    if (this.changed.length > 0) {
      if (!this.db.inTransaction) throw new Error(`rows of ${this.name} written outside a transaction`);
      const inserted: Array<Entry<R>> = [];
      const upserted: Array<Entry<R>> = [];
      const changed = this.changed;
      this.changed = [];
      for (const entry of changed) {
        entry.dirty = false;
        if (entry.row === null) {
          if (entry.stored) this.sql.remove().run(...entry.key);
          entry.stored = false;
        } else {
          (entry.stored ? upserted : inserted).push(entry);
          entry.stored = true;
        }
      }
      this.write(inserted, this.sql.insertChunk, this.sql.insert);
      this.write(upserted, this.sql.upsertChunk, this.sql.upsert);
    }
    this.trim();
  }

  /** A row as read from the database, its JSON columns parsed. */
  private parsed(row: R): R {
    if (this.documents.size === 0) return row;
    const record = row as Record<string, unknown>;
    for (const column of this.documents) {
      const text = record[column];
      if (typeof text === 'string') record[column] = JSON.parse(text);
    }
    return row;
  }

  /** The row's values in column order, from `at` in `args` (JSON columns serialised). */
  private fill(row: R, args: unknown[], at: number): void {
    const record = row as Record<string, unknown>;
    const columns = this.columns;
    for (let c = 0; c < columns.length; c += 1) {
      const value = record[columns[c]] ?? null;
      args[at + c] = value !== null && this.isDocument[c] ? JSON.stringify(value) : value;
    }
  }

  /**
   * Rows in the order of their ids, many per statement: the key's order for text keys (an ordered B-tree
   * fills page after page), near it for keys with numbers (which sort as text here, only a matter of where
   * pages are written). Rows usually come in order already (keys grow with the log): checked first.
   */
  private write(
    entries: Array<Entry<R>>,
    chunk: () => Database.Statement,
    one: () => Database.Statement,
  ): void {
    if (entries.length === 0) return;
    let sorted = true;
    for (let i = 1; i < entries.length && sorted; i += 1) sorted = entries[i - 1].id <= entries[i].id;
    if (!sorted) entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const width = this.columns.length;
    let i = 0;
    if (entries.length >= this.chunk) {
      const args = (this.chunkArgs ??= new Array<unknown>(this.chunk * width));
      const statement = chunk();
      for (; i + this.chunk <= entries.length; i += this.chunk) {
        for (let r = 0; r < this.chunk; r += 1) this.fill(entries[i + r].row!, args, r * width);
        statement.run(args);
      }
      args.fill(undefined);
    }
    if (i === entries.length) return;
    const single = new Array<unknown>(width);
    const statement = one();
    for (; i < entries.length; i += 1) {
      this.fill(entries[i].row!, single, 0);
      statement.run(single);
    }
  }

  /** Memory stays bounded: written append-only rows leave at once, others once there are too many. */
  private trim(): void {
    if (this.definition.appendOnly) {
      if (this.fresh) {
        // Rows written are no longer "absent": reads must look in the database from now on.
        this.fresh = false;
      }
      this.clearMemory();
      return;
    }
    if (this.cache.size <= this.options.maxRows) return;
    this.fresh = false;
    this.clearMemory();
  }

  /** After a rollback: what memory held may not be what the database holds. */
  forget(): void {
    this.clearMemory();
    this.changed = [];
    this.fresh = false;
  }

  /** Rows changed and not yet written. */
  get pending(): number {
    return this.changed.length;
  }
}
