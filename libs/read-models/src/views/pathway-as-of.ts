import { parseStreamId, rcpEvolver, stateOf, streamId, type StoredEvent, toStored } from '@parcours/domain';
import type { EventStore, RecordedEvent } from '@parcours/event-store';
import {
  foldPathway,
  rcpCaseFor,
  shapePathwayView,
  type RcpCaseRef,
  type StoredPathwayView,
} from './pathway-view';

const recordedBy = (asOf: number) => (event: RecordedEvent) => Date.parse(event.metadata.recordedAt) <= asOf;

/**
 * The pathway as it was known at `asOf` (`api.md`, `GET …/pathways/{id}?asOf=`): its stream and the RCPs
 * that discussed it, read from the event store, keeping only the events recorded at or before `asOf`,
 * folded and shaped exactly as the projection does. `rcpStreams` comes from the read model's index of
 * every RCP that ever discussed the pathway: the index only says where to look.
 */
export async function pathwayAsOf(
  store: EventStore,
  cptsId: string,
  pathwayId: string,
  asOf: number,
  rcpStreams: string[],
): Promise<StoredPathwayView | null> {
  const known = recordedBy(asOf);
  const events = (await store.readStream(streamId('pathway', cptsId, pathwayId))).filter(known);
  if (events.length === 0) return null;
  const cases: RcpCaseRef[] = [];
  for (const rcpStream of rcpStreams) {
    const rcpId = parseStreamId(rcpStream)?.id;
    if (rcpId === undefined) continue;
    // The RCP as its stream stood then: corrected or voided as known at asOf.
    const history = (await store.readStream(rcpStream)).filter(known).map((event) => toStored(event));
    const rcp = stateOf(rcpEvolver, history as Array<StoredEvent<never>>);
    const found = rcp.exists ? rcpCaseFor(rcpId, rcp, pathwayId) : null;
    if (found) cases.push(found);
  }
  return shapePathwayView(pathwayId, foldPathway(events), cases);
}
