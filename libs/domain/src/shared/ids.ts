import { v5 as uuidv5, v7 as uuidv7 } from 'uuid';

/** Stream categories of `events.md`; a stream is `<category>-<cptsId>.<id>` (or `cpts-<cptsId>`). */
export type Category =
  | 'cpts'
  | 'member'
  | 'patient'
  | 'pathway'
  | 'rcp'
  | 'protocol'
  | 'snp'
  | 'action'
  | 'worklist'
  | 'notification'
  | 'webhook';

export function streamId(category: Category, cptsId: string, id?: string): string {
  return id === undefined ? `${category}-${cptsId}` : `${category}-${cptsId}.${id}`;
}

/** The CPTS a stream belongs to, and the id within it; null for a name that is not ours. */
export function parseStreamId(stream: string): { category: string; cptsId: string; id?: string } | null {
  const match = /^([a-z]+)-([a-z0-9-]{3,40})(?:\.(.+))?$/.exec(stream);
  if (!match) return null;
  return { category: match[1], cptsId: match[2], ...(match[3] === undefined ? {} : { id: match[3] }) };
}

const IDEMPOTENT_NAMESPACE = '6f1d3c1e-6a55-4a4e-9a39-2b7f2f6a1c00';

/**
 * Ids for what a command creates and for the events it appends. Without an Idempotency-Key they are
 * UUIDv7 (time-ordered). With one they are derived from (CPTS, key) as UUIDv5, so a retry — after a
 * crash, on another replica — produces the same ids, and the store recognises the append it already has.
 */
export class IdSource {
  constructor(
    private readonly cptsId: string,
    private readonly idempotencyKey?: string,
  ) {}

  newId(purpose: string): string {
    return this.idempotencyKey === undefined
      ? uuidv7()
      : uuidv5(`${this.cptsId}\n${this.idempotencyKey}\nid:${purpose}`, IDEMPOTENT_NAMESPACE);
  }

  eventId(index: number): string {
    return this.idempotencyKey === undefined
      ? uuidv7()
      : uuidv5(`${this.cptsId}\n${this.idempotencyKey}\nevent:${index}`, IDEMPOTENT_NAMESPACE);
  }

  get deterministic(): boolean {
    return this.idempotencyKey !== undefined;
  }
}
