import { v7 as uuidv7, validate as isUuid } from 'uuid';
import { canonicalJson, quote } from './canonical-json';
import { InvalidEventError } from './errors';
import type { ActorRole, EventMetadata, EventMetadataInput, NewEvent } from './event-store.port';
import { chainHash } from './hash-chain';

/**
 * What both adapters do to an append before storing it: check it, give every event its id, and write its
 * data once as canonical JSON (what is hashed is exactly what is stored and read back). Sealing adds what
 * the store assigns: the recorded time and the hash chain.
 */

export interface PreparedEvent {
  eventId: string;
  /** The store made the id up: no earlier append can hold it, so there is nothing to look up. */
  generatedId: boolean;
  type: string;
  /** The data as canonical JSON (RFC 8785), which is also plain JSON: hashed and stored as it is. */
  dataJson: string;
  metadata: Required<EventMetadataInput>;
}

export interface SealedEvent {
  eventId: string;
  type: string;
  dataJson: string;
  metadata: EventMetadata;
  /** The metadata as stored: JSON of `metadata` (the canonical form, `hash` last). */
  metadataJson: string;
}

const ROLES: ReadonlySet<ActorRole> = new Set<ActorRole>([
  'platform-admin',
  'coordinator',
  'professional',
  'auditor',
  'analyst',
  'system',
]);
const SOURCES = new Set(['ui', 'api', 'cli', 'fhir', 'demo']);
const MAX_NAME = 200;

function nonEmpty(value: unknown, what: string, max = MAX_NAME): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
    throw new InvalidEventError(`${what} must be a non-empty string of at most ${max} characters`);
  }
  return value;
}

export function checkStreamId(streamId: unknown): string {
  const id = nonEmpty(streamId, 'streamId');
  // `$` streams are EventStoreDB's system streams; control characters make ids unreadable in logs.
  // eslint-disable-next-line no-control-regex
  if (id.startsWith('$') || /[\u0000-\u001f\u007f]/.test(id)) {
    throw new InvalidEventError(
      `streamId ${JSON.stringify(id)} may not start with $ or contain control characters`,
    );
  }
  return id;
}

function toJson(data: unknown, where: string): string {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InvalidEventError(`${where}: data must be a JSON object`);
  }
  let json: string | undefined;
  try {
    json = canonicalJson(data);
  } catch (error) {
    throw new InvalidEventError(`${where}: data is not JSON-serialisable (${(error as Error).message})`);
  }
  // An object whose toJSON returns something else than an object (a Date, say) is not event data.
  if (json === undefined || json[0] !== '{') {
    throw new InvalidEventError(`${where}: data must be a JSON object`);
  }
  return json;
}

function checkMetadata(
  metadata: EventMetadataInput | undefined,
  where: string,
): Required<EventMetadataInput> {
  if (!metadata || typeof metadata !== 'object')
    throw new InvalidEventError(`${where}: metadata is required`);
  const { actor } = metadata;
  if (!actor || typeof actor !== 'object')
    throw new InvalidEventError(`${where}: metadata.actor is required`);
  if (!ROLES.has(actor.role))
    throw new InvalidEventError(`${where}: metadata.actor.role is not a known role`);
  const source = metadata.source;
  if (typeof source !== 'string' || !(SOURCES.has(source) || /^import:[a-z0-9-]+$/.test(source))) {
    throw new InvalidEventError(
      `${where}: metadata.source must be ui, api, cli, fhir, demo or import:<format>`,
    );
  }
  const schemaVersion = metadata.schemaVersion ?? 1;
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1) {
    throw new InvalidEventError(`${where}: metadata.schemaVersion must be a positive integer`);
  }
  return {
    cptsId: nonEmpty(metadata.cptsId, `${where}: metadata.cptsId`),
    actor: { id: nonEmpty(actor.id, `${where}: metadata.actor.id`), role: actor.role },
    correlationId: nonEmpty(metadata.correlationId, `${where}: metadata.correlationId`),
    causationId: nonEmpty(metadata.causationId, `${where}: metadata.causationId`),
    source,
    schemaVersion,
  };
}

export function prepareAppend(streamId: string, events: NewEvent[]): PreparedEvent[] {
  checkStreamId(streamId);
  if (!Array.isArray(events) || events.length === 0) {
    throw new InvalidEventError(`append to ${streamId}: at least one event is required`);
  }
  const seen = new Set<string>();
  return events.map((event, index) => {
    const where = `append to ${streamId}, event ${index}`;
    const generatedId = event.eventId === undefined || event.eventId === null;
    const eventId = generatedId ? uuidv7() : event.eventId!;
    if (!generatedId && !isUuid(eventId)) throw new InvalidEventError(`${where}: eventId must be a UUID`);
    if (seen.has(eventId)) throw new InvalidEventError(`${where}: eventId ${eventId} appears twice`);
    seen.add(eventId);
    const type = nonEmpty(event.type, `${where}: type`, 100);
    if (type.startsWith('$')) throw new InvalidEventError(`${where}: type may not start with $`);
    return {
      eventId,
      generatedId,
      type,
      dataJson: toJson(event.data, where),
      metadata: checkMetadata(event.metadata, where),
    };
  });
}

/**
 * The canonical JSON of an envelope without its hash, written field by field: the fields are the ones
 * `checkMetadata` keeps, here in RFC 8785 order (property-tested against the generic serialiser).
 */
export function canonicalEnvelope(metadata: Omit<EventMetadata, 'hash'>): string {
  return (
    `{"actor":{"id":${quote(metadata.actor.id)},"role":${quote(metadata.actor.role)}}` +
    `,"causationId":${quote(metadata.causationId)}` +
    `,"correlationId":${quote(metadata.correlationId)}` +
    `,"cptsId":${quote(metadata.cptsId)}` +
    `,"eventId":${quote(metadata.eventId)}` +
    `,"prevHash":${quote(metadata.prevHash)}` +
    `,"recordedAt":${quote(metadata.recordedAt)}` +
    `,"schemaVersion":${String(metadata.schemaVersion)}` +
    `,"source":${quote(metadata.source)}}`
  );
}

/** Adds recorded time and hash chain. `prevHash` is the stream's last hash (or its genesis hash). */
export function sealEvents(prepared: PreparedEvent[], prevHash: string, recordedAt: string): SealedEvent[] {
  let previous = prevHash;
  return prepared.map(({ eventId, type, dataJson, metadata }) => {
    const withoutHash = { eventId, ...metadata, recordedAt, prevHash: previous };
    const envelopeJson = canonicalEnvelope(withoutHash);
    // canonical { data, metadata, type }: the keys are in RFC 8785 order already.
    const hash = chainHash(previous, `{"data":${dataJson},"metadata":${envelopeJson},"type":${quote(type)}}`);
    previous = hash;
    return {
      eventId,
      type,
      dataJson,
      metadata: { ...withoutHash, hash },
      metadataJson: `${envelopeJson.slice(0, -1)},"hash":"${hash}"}`,
    };
  });
}
