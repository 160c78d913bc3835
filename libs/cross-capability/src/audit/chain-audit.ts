import { parseStreamId } from '@parcours/domain';
import {
  type AllFilter,
  type ChainBreak,
  type EventStore,
  type RecordedEvent,
  verifyChain,
} from '@parcours/event-store';

/**
 * Integrity checks of the stored log (`quality.md`, tampering): a changed, removed or reordered event.
 *
 * - changed: the event's content no longer matches its hash (`hash-mismatch`), or a rewritten hash no
 *   longer matches the next event's `prevHash` (`prev-hash-mismatch`);
 * - removed: the revisions of its stream skip one (`revision-gap`); on the embedded store the global
 *   positions are dense too, so a whole-log check also sees a hole there (`findPositionGaps`);
 * - reordered: revisions swapped break the chain (`prev-hash-mismatch`); global positions swapped leave
 *   the chain whole, so the order of positions within the stream is checked as well (`out-of-order`).
 *
 * The audit reads the event store itself, never a read model: it checks what is stored.
 */

export type AuditProblem = ChainBreak['problem'] | 'out-of-order';

export interface AuditBreak extends Omit<ChainBreak, 'problem'> {
  problem: AuditProblem;
}

export interface VerifyReport {
  ok: boolean;
  streams: number;
  events: number;
  broken: AuditBreak[];
}

/** The stream categories of `events.md`: `cpts-<cptsId>`, and `<category>-<cptsId>.<id>` for the others. */
export const STREAM_CATEGORIES = [
  'cpts',
  'member',
  'patient',
  'pathway',
  'rcp',
  'protocol',
  'snp',
  'action',
  'worklist',
  'webhook',
] as const;

/** The prefixes that select a CPTS's streams in the global log (the first also matches longer ids). */
export function cptsStreamPrefixes(cptsId: string): string[] {
  return STREAM_CATEGORIES.map((category) =>
    category === 'cpts' ? `cpts-${cptsId}` : `${category}-${cptsId}.`,
  );
}

/** The stream's CPTS when its name is one of ours (`cpts-<id>` alone, the other categories with `.<id>`). */
export function streamOwner(streamId: string): string | null {
  const parsed = parseStreamId(streamId);
  if (!parsed || !(STREAM_CATEGORIES as readonly string[]).includes(parsed.category)) return null;
  const wellFormed = parsed.category === 'cpts' ? parsed.id === undefined : parsed.id !== undefined;
  return wellFormed ? parsed.cptsId : null;
}

/**
 * Every break of one stream's events as read in revision order: the first break of its hash chain, and
 * the first place where the global position does not increase with the revision. Sorted by revision.
 */
export function auditStream(streamId: string, events: RecordedEvent[]): AuditBreak[] {
  const breaks: AuditBreak[] = [];
  const chain = verifyChain(streamId, events);
  if (chain) breaks.push(chain);
  for (let i = 1; i < events.length; i += 1) {
    const [before, event] = [events[i - 1], events[i]];
    if (event.position > before.position) continue;
    breaks.push({
      streamId,
      revision: event.revision,
      position: event.position.toString(),
      eventId: event.metadata.eventId,
      problem: 'out-of-order',
      detail: `global position ${event.position} is not after position ${before.position} of revision ${before.revision}`,
    });
    break;
  }
  return breaks.sort((a, b) => a.revision - b.revision);
}

const PAGE = 2000;

/** Reads the global log page by page (optionally filtered), handing each event to `visit`. */
export async function scanLog(
  store: EventStore,
  visit: (event: RecordedEvent) => void,
  filter?: AllFilter,
): Promise<void> {
  let after = 0n;
  for (;;) {
    const page = await store.readAll({ after, maxCount: PAGE, ...(filter ? { filter } : {}) });
    if (page.length === 0) return;
    for (const event of page) visit(event);
    after = page[page.length - 1].position;
  }
}

/** The streams of one CPTS, from the global log read with its prefixes, in order of first appearance. */
export async function streamsOfCpts(store: EventStore, cptsId: string): Promise<string[]> {
  const streams = new Set<string>();
  await scanLog(
    store,
    (event) => {
      if (!streams.has(event.streamId) && streamOwner(event.streamId) === cptsId) streams.add(event.streamId);
    },
    { streamPrefixes: cptsStreamPrefixes(cptsId) },
  );
  return [...streams];
}

/**
 * Checks each stream, read whole and in revision order from the store: one stream in memory at a time,
 * however large the CPTS.
 */
export async function verifyStreams(store: EventStore, streamIds: Iterable<string>): Promise<VerifyReport> {
  const report: VerifyReport = { ok: true, streams: 0, events: 0, broken: [] };
  for (const streamId of streamIds) {
    const events = await store.readStream(streamId);
    report.streams += 1;
    report.events += events.length;
    report.broken.push(...auditStream(streamId, events));
  }
  report.ok = report.broken.length === 0;
  return report;
}

/** `GET …/audit/verify` and `verify --cpts`: every stream of the CPTS. */
export async function verifyCpts(store: EventStore, cptsId: string): Promise<VerifyReport> {
  return verifyStreams(store, await streamsOfCpts(store, cptsId));
}

export interface PositionGap {
  /** The last position present before the hole (0 for the start of the log). */
  after: string;
  /** The first position present after it. */
  before: string;
  missing: number;
}

export interface LogInventory {
  /** Stream ids by CPTS, for the streams whose names are ours. */
  streamsByCpts: Map<string, Set<string>>;
  /** Streams in the log that belong to no CPTS by their name. */
  foreign: string[];
  events: number;
  /** Holes in the global positions; only meaningful where they are dense (the embedded store). */
  gaps: PositionGap[];
}

/** One pass over the whole log: which streams each CPTS has, and where positions skip (removed events). */
export async function inventoryLog(store: EventStore): Promise<LogInventory> {
  const inventory: LogInventory = { streamsByCpts: new Map(), foreign: [], events: 0, gaps: [] };
  const foreign = new Set<string>();
  const dense = store.kind === 'sqlite';
  let previous = 0n;
  await scanLog(store, (event) => {
    inventory.events += 1;
    if (dense && event.position !== previous + 1n) {
      inventory.gaps.push({
        after: previous.toString(),
        before: event.position.toString(),
        missing: Number(event.position - previous - 1n),
      });
    }
    previous = event.position;
    const owner = streamOwner(event.streamId);
    if (owner === null) {
      foreign.add(event.streamId);
      return;
    }
    let streams = inventory.streamsByCpts.get(owner);
    if (!streams) inventory.streamsByCpts.set(owner, (streams = new Set()));
    streams.add(event.streamId);
  });
  inventory.foreign = [...foreign];
  return inventory;
}
