import { type ProjectedEvent, type Table, table } from '@parcours/projections';
import { stateOf, toStored } from './command-runner';
import type { CorrectionEvent } from './corrections';
import type { DomainEvent, Evolver, StoredEvent } from './decider';

/** An event of a history as stored: `[type, data, eventId, recordedAt, actorId, revision]`. */
type HistoryEntry = [string, object, string, string, string, number];

export interface HistoryRow {
  stream_id: string;
  /** The stream's events as a read model saw them (as tuples: no field name repeated in every event). */
  events: HistoryEntry[];
}

const entryOf = ({ type, data, context }: StoredEvent): HistoryEntry => [
  type,
  data,
  context.eventId,
  context.recordedAt,
  context.actorId,
  context.revision,
];

const eventOf = ([type, data, eventId, recordedAt, actorId, revision]: HistoryEntry): StoredEvent => ({
  type,
  data,
  context: { eventId, recordedAt, actorId, revision },
});

/**
 * The events of a short record's stream (an RCP, an unscheduled-care request, a patient), kept by a read
 * model so that the record can be folded again as it now stands — with the write side's own `evolve` —
 * when one of its entries is corrected or voided. Such a stream holds a handful of events whatever the
 * size of the CPTS; long streams (pathways) keep instead only what their state follows from.
 */
export const historyTable = () =>
  table<HistoryRow>({ columns: { stream_id: 'TEXT', events: 'JSON' }, key: ['stream_id'] });

/** Adds the event to its stream's history and returns the history; `keep` drops what must not be kept. */
export function recordInHistory<E extends DomainEvent>(
  histories: Table<HistoryRow>,
  event: ProjectedEvent<E | CorrectionEvent>,
  keep: (event: StoredEvent<E | CorrectionEvent>) => StoredEvent<E | CorrectionEvent> = (e) => e,
): Array<StoredEvent<E | CorrectionEvent>> {
  const entries = histories.get(event.streamId)?.events ?? [];
  const added = keep(toStored<E | CorrectionEvent>(event));
  histories.put({ stream_id: event.streamId, events: [...entries, entryOf(added)] });
  return [...entries.map((entry) => eventOf(entry) as StoredEvent<E | CorrectionEvent>), added];
}

/** A history folded as it now stands, by the write side's evolver. */
export function foldHistory<S, E extends DomainEvent>(
  evolver: Evolver<S, E>,
  history: ReadonlyArray<StoredEvent<E | CorrectionEvent>>,
): S {
  return stateOf(evolver, history);
}
