import type { RecordedEvent } from '@parcours/event-store';
import type { AnyProjection, ProjectedEvent, Upcaster } from './projection';
import {
  compareKeys,
  type ColumnType,
  keyOf,
  type RowValue,
  type Table,
  type TableDefinition,
} from './table';

/**
 * A table whose rows live in a map and nowhere else: what an as-of replay applies a projection to. It
 * answers handlers as the read store's tables do (by key, or by a prefix of it in key order), and gives
 * its rows back as the read store would (`stored`).
 */
export class MemoryTable<R extends object> implements Table<R> {
  private readonly rows = new Map<string, { key: RowValue[]; row: R }>();
  private readonly keyColumns: ReadonlyArray<keyof R & string>;
  private readonly columns: Array<[string, ColumnType]>;

  constructor(definition: TableDefinition<R>) {
    this.keyColumns = definition.key;
    this.columns = Object.entries(definition.columns as Record<string, ColumnType>);
  }

  get(...key: RowValue[]): R | undefined {
    return this.rows.get(keyOf(key))?.row;
  }

  put(row: R): void {
    const key = this.keyColumns.map((column) => row[column] as RowValue);
    this.rows.set(keyOf(key), { key, row });
  }

  delete(...key: RowValue[]): void {
    this.rows.delete(keyOf(key));
  }

  scan(...prefix: RowValue[]): R[] {
    if (prefix.length === 0 || prefix.length > this.keyColumns.length) {
      throw new Error(`scan needs 1 to ${this.keyColumns.length} key values`);
    }
    const found: Array<{ key: RowValue[]; row: R }> = [];
    for (const entry of this.rows.values()) {
      if (prefix.every((value, i) => entry.key[i] === value)) found.push(entry);
    }
    return found.sort((a, b) => compareKeys(a.key, b.key)).map((entry) => entry.row);
  }

  /**
   * The rows whose key starts with these values, in key order, as `SELECT *` reads them from the read
   * store: every column in its declared order, an absent one NULL, a JSON document as its text.
   */
  stored(...prefix: RowValue[]): R[] {
    return this.scan(...prefix).map((row) => {
      const record = row as Record<string, unknown>;
      const stored: Record<string, unknown> = {};
      for (const [column, type] of this.columns) {
        const value = record[column] ?? null;
        stored[column] = value !== null && type.startsWith('JSON') ? JSON.stringify(value) : value;
      }
      return stored as R;
    });
  }
}

/** A projection's tables after a replay in memory, by the names its definition gives them. */
export type MemoryTables<P extends AnyProjection> = {
  readonly [K in keyof P['tables']]: P['tables'][K] extends TableDefinition<infer R> ? MemoryTable<R> : never;
};

/**
 * A projection applied to `events` in memory, in log order whatever order they are given in: how an as-of
 * replay shapes what was known then exactly as the live read model shapes what is known now — the same
 * handlers, on tables held in maps rather than in a read store (a replay concerns one record, a few hundred
 * rows at most, which a database would take longer to create, fill and read back than the handlers take
 * to apply). Events of types the projection does not handle are passed over, as the engine never reads
 * them; an event a handler refuses fails the replay, naming the projection.
 */
export function projectInMemory<P extends AnyProjection>(
  projection: P,
  events: readonly RecordedEvent[],
  upcast?: Upcaster,
): MemoryTables<P> {
  const tables: Record<string, MemoryTable<object>> = {};
  for (const [name, definition] of Object.entries(projection.tables)) {
    tables[name] = new MemoryTable(definition as TableDefinition<object>);
  }
  const ordered = [...events].sort((a, b) =>
    a.position < b.position ? -1 : a.position > b.position ? 1 : 0,
  );
  try {
    const handlers = projection.open(tables as never) as Record<string, (event: ProjectedEvent) => void>;
    for (const recorded of ordered) {
      const event = upcast ? upcast(recorded) : recorded;
      if (Object.hasOwn(handlers, event.type)) handlers[event.type](event);
    }
  } catch (error) {
    throw new Error(
      `projection ${projection.name} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return tables as MemoryTables<P>;
}
