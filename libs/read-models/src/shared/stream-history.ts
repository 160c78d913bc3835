import type Database from 'better-sqlite3';
import { type DomainEvent, type Evolver, stateOf, type StoredEvent, toStored } from '@parcours/domain';
import type { RecordedEvent } from '@parcours/event-store';
import type { TableNamer } from '@parcours/projections';

/**
 * The events of a record's stream as a read model saw them (corrections and voidings included), so that
 * the record can be folded again as it now stands — with the write side's own `evolve` — whenever one of
 * its entries is corrected or voided. For the short streams of a single record (an RCP, a request, a
 * patient's médecin-traitant search); `keep` drops what the read model must not hold (an identity).
 */
export function openStreamHistories(
  db: Database.Database,
  table: TableNamer,
  keep: (event: StoredEvent) => StoredEvent = (event) => event,
) {
  const histories = table('histories');
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${histories} (stream_id TEXT PRIMARY KEY, events TEXT NOT NULL) STRICT`,
  );
  const get = db.prepare<[string], { events: string }>(`SELECT events FROM ${histories} WHERE stream_id = ?`);
  const save = db.prepare(
    `INSERT INTO ${histories} (stream_id, events) VALUES (?, ?)
     ON CONFLICT (stream_id) DO UPDATE SET events = excluded.events`,
  );
  return {
    /** Adds the event to its stream's history, and returns the history. */
    record(event: RecordedEvent): StoredEvent[] {
      const row = get.get(event.streamId);
      const history = row ? (JSON.parse(row.events) as StoredEvent[]) : [];
      history.push(keep(toStored(event)));
      save.run(event.streamId, JSON.stringify(history));
      return history;
    },
  };
}

/** A history folded as it now stands, by the write side's evolver. */
export function foldHistory<S, E extends DomainEvent>(evolver: Evolver<S, E>, history: StoredEvent[]): S {
  return stateOf(evolver, history as Array<StoredEvent<E>>);
}
