import { createHmac } from 'node:crypto';
import { parseStreamId } from '@parcours/domain';
import type { EventStore, RecordedEvent } from '@parcours/event-store';
import { cptsStreamPrefixes, streamOwner } from '../audit/chain-audit';
import { FEED_CLASSIFICATION, type FieldRule, type Shape } from './feed-classification';

/**
 * The pseudonymised feed of one CPTS: every event of its streams in log order, each reduced to what
 * `feed-classification.ts` allows, patient ids replaced by a keyed pseudonym. Read page by page from the
 * event store, so that an export of any size holds one page in memory at a time.
 */

/** One line of the feed (`docs/analytics.md`, the feed). */
export interface FeedLine {
  /** Global log position, a decimal string: `after` resumes after it. */
  position: string;
  eventId: string;
  type: string;
  /** The stream's category (`pathway`, `patient`, …). */
  category: string;
  /** The id the stream is about (a pathway id, a member id…; a pseudonym for a patient; the CPTS id). */
  entity: string;
  revision: number;
  recordedAt: string;
  source: string;
  schemaVersion: number;
  /** The role of whoever recorded it; never the actor's id (a login or an e-mail at the identity provider). */
  actorRole: string;
  data: Record<string, unknown>;
}

/** Secret the pseudonyms are keyed with, one per CPTS (kept outside the log, with the patient keys). */
export const pseudonymKeyName = (cptsId: string) => `pseudonym:${cptsId}`;

/**
 * HMAC-SHA-256 of the patient id under the CPTS's key, truncated to 128 bits (32 hex digits): the same
 * patient always gets the same pseudonym in one CPTS, and without the key it leads back to no one.
 * Computed each time (a few microseconds): a cache of them would outlive the pages of a long export and
 * make the process's memory grow with it.
 */
export class Pseudonymiser {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new Error('a pseudonym key has at least 256 bits');
  }

  patient(patientId: string): string {
    return createHmac('sha256', this.key).update(patientId, 'utf8').digest('hex').slice(0, 32);
  }

  /** A user id at the identity provider: the same HMAC over a prefix no patient id (a UUID) starts with. */
  user(userId: string): string {
    return this.patient(`user:${userId}`);
  }
}

const isScalar = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value));

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

interface RedactContext {
  pseudonymiser: Pseudonymiser;
  /** For an `EntryCorrected`: the shape of the entry it corrects (unknown: nothing of the correction kept). */
  targetShape?: Shape;
}

function applyRule(rule: FieldRule, value: unknown, context: RedactContext): unknown {
  switch (rule) {
    case 'value':
    case 'member':
      return isScalar(value) ? value : undefined;
    case 'values':
    case 'members':
      return Array.isArray(value) ? value.filter(isScalar) : undefined;
    case 'patient':
      return typeof value === 'string' ? context.pseudonymiser.patient(value) : undefined;
    case 'user':
      return typeof value === 'string' ? context.pseudonymiser.user(value) : undefined;
    case 'correction':
      // A correction of a correction does not exist; its fields follow its target's rules, without recursion.
      return isObject(value)
        ? redact(context.targetShape ?? {}, value, { ...context, targetShape: undefined })
        : undefined;
    default:
      // An explicit null says there is none (an item given back to the team): it names no one, so it stays.
      if ('fields' in rule) {
        if (value === null) return null;
        return isObject(value) ? redact(rule.fields, value, context) : undefined;
      }
      return Array.isArray(value)
        ? value.filter(isObject).map((item) => redact(rule.each, item, context))
        : undefined;
  }
}

/** `data` reduced to the fields `shape` lists, each by its rule; everything else is dropped. */
export function redact(
  shape: Shape,
  data: Record<string, unknown>,
  context: RedactContext,
): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [field, rule] of Object.entries(shape)) {
    if (!Object.prototype.hasOwnProperty.call(data, field)) continue;
    const value = applyRule(rule, data[field], context);
    if (value !== undefined) kept[field] = value;
  }
  return kept;
}

/**
 * One event as a feed line. An event type nobody classified keeps its envelope and loses all its data.
 * `targetType` is the type of the entry an `EntryCorrected` corrects.
 */
export function feedLine(event: RecordedEvent, pseudonymiser: Pseudonymiser, targetType?: string): FeedLine {
  const { metadata } = event;
  const stream = parseStreamId(event.streamId);
  const category = stream?.category ?? 'unknown';
  const id = stream?.id ?? metadata.cptsId;
  const shape = FEED_CLASSIFICATION[event.type] ?? {};
  const targetShape = targetType === undefined ? undefined : FEED_CLASSIFICATION[targetType];
  return {
    position: event.position.toString(),
    eventId: metadata.eventId,
    type: event.type,
    category,
    entity: category === 'patient' ? pseudonymiser.patient(id) : id,
    revision: event.revision,
    recordedAt: metadata.recordedAt,
    source: metadata.source,
    schemaVersion: metadata.schemaVersion,
    actorRole: metadata.actor.role,
    data: redact(shape, isObject(event.data) ? event.data : {}, { pseudonymiser, targetShape }),
  };
}

export interface FeedOptions {
  /** Exclusive: only events after this position (default: from the start of the log). */
  after?: bigint;
  /** At most this many lines (default: up to the end of the log). */
  limit?: number;
}

export interface FeedPage {
  lines: FeedLine[];
}

/** What the feed found once it stops: where a client resumes. */
export interface FeedEnd {
  /**
   * The position to pass as `after` next time: the last line's when `limit` was reached, else the log's
   * head when the export started (every event of the CPTS up to it was delivered), whichever is later.
   */
  next: bigint;
  /** Whether the export stopped at `limit` (more may follow at once) rather than at the end of the log. */
  limited: boolean;
  lines: number;
}

const PAGE = 200;

/** The type of the entry an `EntryCorrected` targets, looked up in its own stream (corrections are rare). */
async function targetTypeOf(store: EventStore, event: RecordedEvent): Promise<string | undefined> {
  const targetId = event.data.targetEventId;
  if (typeof targetId !== 'string') return undefined;
  const before = await store.readStream(event.streamId, { maxCount: event.revision });
  return before.find((candidate) => candidate.metadata.eventId === targetId)?.type;
}

/**
 * The feed of `cptsId`, page by page (at most PAGE lines each). Returns where a client resumes. The
 * caller may stop iterating at any time (a client that went away).
 */
export async function* readFeed(
  store: EventStore,
  cptsId: string,
  pseudonymiser: Pseudonymiser,
  options: FeedOptions = {},
): AsyncGenerator<FeedPage, FeedEnd> {
  const head = await store.headPosition();
  const filter = { streamPrefixes: cptsStreamPrefixes(cptsId) };
  let after = options.after ?? 0n;
  let remaining = options.limit ?? Infinity;
  let lines = 0;
  for (;;) {
    const asked = Math.min(PAGE, remaining);
    let events: RecordedEvent[] | null = await store.readAll({ after, maxCount: asked, filter });
    const fetched = events.length;
    let page: FeedLine[] | null = [];
    for (const event of events) {
      after = event.position;
      // The prefixes also match longer CPTS ids (`cpts-demo` and `cpts-demo-2`): keep this CPTS's only.
      if (streamOwner(event.streamId) !== cptsId) continue;
      const targetType = event.type === 'EntryCorrected' ? await targetTypeOf(store, event) : undefined;
      page.push(feedLine(event, pseudonymiser, targetType));
    }
    // Nothing of the page outlives its delivery: a slow client must not make the events of every page
    // it waits for survive into the old generation of the heap.
    events = null;
    if (page.length > 0) {
      lines += page.length;
      remaining -= page.length;
      const delivered = page;
      page = null;
      yield { lines: delivered };
    }
    if (remaining <= 0) return { next: after, limited: true, lines };
    if (fetched < asked) return { next: after > head ? after : head, limited: false, lines };
  }
}
