/**
 * Realistic events for the store benchmarks, and the raw better-sqlite3 peer they are compared with.
 *
 * The events are `PatientReferred` as `events.md` defines it (~250 B of JSON data: UUIDv7 ids, a reason
 * with accents, a timestamp with offset) with the envelope a command handler supplies. The raw peer
 * stores rows of the same shape and size, serialised before the clock starts: it is the ceiling of what
 * SQLite can do with these rows, not a competing store (no checks, no ids, no hash chain).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import type { NewEvent } from '@parcours/event-store';

export const CPTS_ID = 'cpts-bench';

const REASONS = [
  'Sortie d’hôpital : réévaluation du traitement diurétique',
  'Plaie du pied diabétique, soins infirmiers à domicile',
  'Chutes répétées : évaluation de l’équilibre à domicile',
  'Polymédication : bilan partagé de médication',
];
const PROFESSIONS = ['infirmier', 'masseur-kinesitherapeute', 'pharmacien', 'pedicure-podologue'];
const URGENCIES = ['programmee', '24h', 'jour-meme'] as const;

/** A stream id as `events.md` names them: `pathway-<cptsId>.<pathwayId>`. */
export function pathwayStreamId(): string {
  return `pathway-${CPTS_ID}.${uuidv7()}`;
}

/** `2026-03-06T17:30:00+01:00`: the offset form the catalogue uses, not `toISOString()`'s `Z`. */
function parisTime(epochMs: number): string {
  return `${new Date(epochMs + 3_600_000).toISOString().slice(0, 19)}+01:00`;
}

const ACTORS = Array.from({ length: 8 }, () => uuidv7());
const MEMBERS = Array.from({ length: 40 }, () => uuidv7());
const START = Date.parse('2026-01-05T08:00:00Z');

/** The `n`-th referral: deterministic content apart from its ids, so every variant writes the same bytes. */
export function patientReferred(n: number): NewEvent {
  const requestId = uuidv7();
  return {
    type: 'PatientReferred',
    data: {
      referralId: uuidv7(),
      fromMemberId: MEMBERS[n % MEMBERS.length],
      to: { profession: PROFESSIONS[n % PROFESSIONS.length] },
      reason: REASONS[n % REASONS.length],
      urgency: URGENCIES[n % URGENCIES.length],
      referredAt: parisTime(START + n * 60_000),
    },
    metadata: {
      cptsId: CPTS_ID,
      actor: { id: ACTORS[n % ACTORS.length], role: 'coordinator' },
      correlationId: requestId,
      causationId: requestId,
      source: 'api',
    },
  };
}

// ---- raw better-sqlite3 peer ----------------------------------------------------------------------

/** One row of the events table, every column ready to bind. */
export type RawRow = [
  streamId: string,
  revision: number,
  eventId: string,
  type: string,
  data: string,
  metadata: string,
];

/**
 * The row the store would write for `event`: the same JSON, plus the envelope fields the store adds
 * (event id, schema version, recorded time, and two SHA-256 hex digests standing in for the hash chain).
 */
export function rawRow(streamId: string, revision: number, event: NewEvent): RawRow {
  const eventId = uuidv7();
  const metadata = {
    eventId,
    ...event.metadata,
    schemaVersion: 1,
    recordedAt: new Date().toISOString(),
    prevHash: randomBytes(32).toString('hex'),
    hash: randomBytes(32).toString('hex'),
  };
  return [streamId, revision, eventId, event.type, JSON.stringify(event.data), JSON.stringify(metadata)];
}

/** A bare database with a copy of the store's events table and its durable settings. */
export class RawEventsTable {
  readonly db: Database.Database;
  private readonly insert: Database.Statement<RawRow>;
  /** One transaction (one fsync in WAL + synchronous=FULL) per call. */
  readonly insertOne: (row: RawRow) => void;
  readonly insertMany: (rows: readonly RawRow[]) => void;

  constructor(dir: string) {
    this.db = new Database(join(dir, 'raw.db'));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    // Copied from SqliteEventStore.migrate(): the peer must pay for the same indexes.
    this.db.exec(`
      CREATE TABLE events (
        position  INTEGER PRIMARY KEY,
        stream_id TEXT    NOT NULL,
        revision  INTEGER NOT NULL,
        event_id  TEXT    NOT NULL UNIQUE,
        type      TEXT    NOT NULL,
        data      TEXT    NOT NULL,
        metadata  TEXT    NOT NULL,
        UNIQUE (stream_id, revision)
      ) STRICT;
    `);
    this.insert = this.db.prepare(
      'INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertOne = this.db.transaction((row: RawRow) => {
      this.insert.run(...row);
    });
    this.insertMany = this.db.transaction((rows: readonly RawRow[]) => {
      for (const row of rows) this.insert.run(...row);
    });
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}
