import type { RecordedEvent } from '@parcours/event-store';
import type { Projection } from './projection';
import { ReadStore } from './read-store';
import { v7 as uuidv7 } from 'uuid';

/**
 * For the int tests of this folder: hand-built events, as the store would deliver them, applied by a
 * projection to a served generation of an in-memory read store.
 */
export class EventLog {
  private position = 0n;
  private readonly revisions = new Map<string, number>();
  readonly events: RecordedEvent[] = [];

  event(streamId: string, type: string, data: Record<string, unknown>, eventId = uuidv7()): RecordedEvent {
    this.position += 1n;
    const revision = (this.revisions.get(streamId) ?? -1) + 1;
    this.revisions.set(streamId, revision);
    const event: RecordedEvent = {
      streamId,
      revision,
      position: this.position,
      type,
      data,
      metadata: {
        eventId,
        cptsId: streamId.replace(/^[a-z]+-/, '').replace(/\..*$/, ''),
        actor: { id: 'test', role: 'coordinator' },
        recordedAt: new Date(Date.UTC(2026, 0, 1) + Number(this.position) * 1000).toISOString(),
        correlationId: 'test',
        causationId: 'test',
        source: 'api',
        schemaVersion: 1,
        prevHash: '',
        hash: '',
      },
    };
    this.events.push(event);
    return event;
  }
}

export interface ServedProjection {
  readStore: ReadStore;
  apply(...events: RecordedEvent[]): void;
  /** Builds another generation from the same events and returns both checksums (rebuild determinism). */
  checksums(events: RecordedEvent[]): [string, string];
}

/** A projection opened on `:memory:` and served at once (reads go through `readStore.tables()`). */
export function serve(projection: Projection): ServedProjection {
  const readStore = new ReadStore(':memory:');
  const { generation } = readStore.createGeneration(projection.name, projection.version);
  const handler = projection.open(readStore.db, ReadStore.tableNamer(projection.name, generation));
  readStore.activate(projection.name, generation);
  const accepts = (event: RecordedEvent) => {
    const filter = projection.filter;
    if (!filter) return true;
    return 'eventTypes' in filter
      ? filter.eventTypes.includes(event.type)
      : filter.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix));
  };
  return {
    readStore,
    // As the store does, only the events the filter selects reach the projection.
    apply: (...events) => {
      for (const event of events) if (accepts(event)) readStore.db.transaction(() => handler.apply(event))();
    },
    checksums: (events) => {
      const other = readStore.createGeneration(projection.name, projection.version).generation;
      const rebuilt = projection.open(readStore.db, ReadStore.tableNamer(projection.name, other));
      for (const event of events) if (accepts(event)) rebuilt.apply(event);
      return [readStore.checksum(projection.name), readStore.checksum(projection.name, other)];
    },
  };
}
