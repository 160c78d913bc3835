import { type ProjectedEvent, type ProjectionTable, table } from '@parcours/projections';
import { stateOf, toStored } from './command-runner';
import type { CorrectionEvent } from './corrections';
import type { DomainEvent, Evolver, StoredEvent } from './decider';

export interface HistoryRow {
  stream_id: string;
  /** The stream's events as a read model saw them. */
  events: StoredEvent[];
}

/**
 * The events of a short record's stream (an RCP, an unscheduled-care request, a patient), kept by a read
 * model so that the record can be folded again as it now stands — with the write side's own `evolve` —
 * when one of its entries is corrected or voided. Such a stream holds a handful of events whatever the
 * size of the CPTS; long streams (pathways) are kept entry by entry instead.
 */
export const historyTable = () =>
  table<HistoryRow>({ columns: { stream_id: 'TEXT', events: 'JSON' }, key: ['stream_id'] });

/** Adds the event to its stream's history and returns the history; `keep` drops what must not be kept. */
export function recordInHistory<E extends DomainEvent>(
  histories: ProjectionTable<HistoryRow>,
  event: ProjectedEvent<E | CorrectionEvent>,
  keep: (event: StoredEvent<E | CorrectionEvent>) => StoredEvent<E | CorrectionEvent> = (e) => e,
): Array<StoredEvent<E | CorrectionEvent>> {
  const history = (histories.get(event.streamId)?.events ?? []) as Array<StoredEvent<E | CorrectionEvent>>;
  history.push(keep(toStored<E | CorrectionEvent>(event)));
  histories.put({ stream_id: event.streamId, events: history });
  return history;
}

/** A history folded as it now stands, by the write side's evolver. */
export function foldHistory<S, E extends DomainEvent>(
  evolver: Evolver<S, E>,
  history: ReadonlyArray<StoredEvent<E | CorrectionEvent>>,
): S {
  return stateOf(evolver, history);
}
