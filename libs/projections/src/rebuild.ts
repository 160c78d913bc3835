import type { EventStore } from '@parcours/event-store';
import { ReadStore } from './read-store';
import type { Projection } from './projection';

export interface RebuildProgress {
  projection: string;
  events: number;
  position: bigint;
  head: bigint;
}

/**
 * Rebuilds a projection from the start of the log into a new generation, then makes it the one served:
 * reads go on using the previous generation until the switch, which is one transaction.
 */
export async function rebuildProjection(
  store: EventStore,
  readStore: ReadStore,
  projection: Projection,
  onProgress: (progress: RebuildProgress) => void = () => undefined,
): Promise<{ generation: string; events: number; checksum: string }> {
  const head = await store.headPosition();
  const { generation } = readStore.createGeneration(projection.name, projection.version);
  const handler = projection.open(readStore.db, ReadStore.tableNamer(projection.name, generation));
  const write = readStore.db.transaction(
    (events: Awaited<ReturnType<EventStore['readAll']>>, checkpoint: bigint) => {
      for (const event of events) handler.apply(event);
      readStore.saveCheckpoint(projection.name, generation, checkpoint);
    },
  );
  let after = 0n;
  let events = 0;
  for (;;) {
    const page = await store.readAll({ after, maxCount: 2000, filter: projection.filter });
    const upTo = page.length > 0 ? page[page.length - 1].position : head;
    if (page.length === 0) {
      write([], head > after ? head : after);
      break;
    }
    write(page, upTo);
    events += page.length;
    after = upTo;
    onProgress({ projection: projection.name, events, position: after, head });
  }
  readStore.activate(projection.name, generation);
  return { generation, events, checksum: readStore.checksum(projection.name, generation) };
}
