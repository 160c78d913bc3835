import { v7 as uuidv7, validate as isUuid } from 'uuid';
import { InvalidEventError } from './errors';
import type { ActorRole, EventData, EventMetadata, EventMetadataInput, NewEvent } from './event-store.port';
import { eventHash } from './hash-chain';

/**
 * What both adapters do to an append before storing it: check it, give every event its id, and make its
 * data plain JSON (so what is hashed is exactly what is read back). Sealing adds what the store assigns:
 * the recorded time and the hash chain.
 */

export interface PreparedEvent {
  eventId: string;
  type: string;
  data: EventData;
  metadata: Required<EventMetadataInput>;
}

export interface SealedEvent {
  type: string;
  data: EventData;
  metadata: EventMetadata;
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

function toJsonObject(data: unknown, where: string): EventData {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InvalidEventError(`${where}: data must be a JSON object`);
  }
  try {
    return JSON.parse(JSON.stringify(data)) as EventData;
  } catch (error) {
    throw new InvalidEventError(`${where}: data is not JSON-serialisable (${(error as Error).message})`);
  }
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
    const eventId = event.eventId ?? uuidv7();
    if (!isUuid(eventId)) throw new InvalidEventError(`${where}: eventId must be a UUID`);
    if (seen.has(eventId)) throw new InvalidEventError(`${where}: eventId ${eventId} appears twice`);
    seen.add(eventId);
    const type = nonEmpty(event.type, `${where}: type`, 100);
    if (type.startsWith('$')) throw new InvalidEventError(`${where}: type may not start with $`);
    return {
      eventId,
      type,
      data: toJsonObject(event.data, where),
      metadata: checkMetadata(event.metadata, where),
    };
  });
}

/** Adds recorded time and hash chain. `prevHash` is the stream's last hash (or its genesis hash). */
export function sealEvents(prepared: PreparedEvent[], prevHash: string, recordedAt: string): SealedEvent[] {
  let previous = prevHash;
  return prepared.map(({ eventId, type, data, metadata }) => {
    const withoutHash = { eventId, ...metadata, recordedAt, prevHash: previous };
    const hash = eventHash(type, data, withoutHash);
    previous = hash;
    return { type, data, metadata: { ...withoutHash, hash } };
  });
}
