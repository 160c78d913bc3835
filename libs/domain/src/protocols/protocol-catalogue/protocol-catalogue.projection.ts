import type Database from 'better-sqlite3';
import { APPLICATION_OUTCOMES } from '../../pathways/pathway.events';
import { type ProtocolPublished } from '../protocol.events';
import { versionInForce } from '../protocol.decider';
import type { RecordedEvent } from '@parcours/event-store';
import type { Projection, ProjectionHandler, ReadStore, TableNamer } from '@parcours/projections';
import { assertTenant, openTenants, streamParts } from '../../shared/read-tenants';

export const PROTOCOL_CATALOGUE_PROJECTION = 'protocol-catalogue';

export interface ProtocolUsage {
  version: number;
  applications: number;
  byOutcome: Record<string, number>;
}

export interface CatalogueItem {
  code: string;
  /** Of the highest version published. */
  title: string;
  kind: string;
  /** Every version as published (`ProtocolPublished` data), in version order. */
  versions: ProtocolPublished[];
  /** The version in force today (Paris date), or null (not yet in force, or retired). */
  inForce: ProtocolPublished | null;
  retiredOn?: string;
  /** Distinct professionals registered as adherents (one may be delegated by several doctors). */
  adherents: number;
  /** Per published version (and any other version applications name), voided applications excluded. */
  usage: ProtocolUsage[];
  /** The protocol stream's revision (for If-Match on its commands). */
  revision: number;
}

interface ProtocolRow {
  code: string;
  revision: number;
  versions: string;
  retired_on: string | null;
  adherents: number;
}

/**
 * The protocol catalogue: each protocol's versions, retirement and adherents, and how often each version
 * was applied, by outcome. Applications live in pathway streams; a correction may change their version
 * or outcome (the code is not correctable), a voiding removes them — hence the pathway corrections and
 * voidings in the filter, of which only those targeting an application change anything.
 */
export const protocolCatalogueProjection: Projection = {
  name: PROTOCOL_CATALOGUE_PROJECTION,
  version: 1,
  filter: {
    eventTypes: [
      'CptsRegistered',
      'ProtocolPublished',
      'ProtocolAdherentRegistered',
      'ProtocolRetired',
      'ProtocolApplied',
      'EntryCorrected',
      'EntryVoided',
    ],
  },
  open(db: Database.Database, table: TableNamer): ProjectionHandler {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${table('protocols')} (
        cpts_id TEXT NOT NULL, code TEXT NOT NULL, revision INTEGER NOT NULL,
        versions TEXT NOT NULL, retired_on TEXT,
        PRIMARY KEY (cpts_id, code)) STRICT;
      CREATE TABLE IF NOT EXISTS ${table('adherents')} (
        cpts_id TEXT NOT NULL, code TEXT NOT NULL, member_id TEXT NOT NULL,
        PRIMARY KEY (cpts_id, code, member_id)) STRICT;
      CREATE TABLE IF NOT EXISTS ${table('applications')} (
        cpts_id TEXT NOT NULL, event_id TEXT NOT NULL, code TEXT NOT NULL,
        version INTEGER NOT NULL, outcome TEXT NOT NULL,
        PRIMARY KEY (cpts_id, event_id)) STRICT;
    `);
    const tenant = openTenants(db, table);
    const sql = {
      versions: db.prepare<[string, string], { versions: string }>(
        `SELECT versions FROM ${table('protocols')} WHERE cpts_id = ? AND code = ?`,
      ),
      publish: db.prepare(
        `INSERT INTO ${table('protocols')} (cpts_id, code, revision, versions) VALUES (?, ?, ?, ?)
         ON CONFLICT (cpts_id, code) DO UPDATE SET revision = excluded.revision, versions = excluded.versions`,
      ),
      revision: db.prepare(`UPDATE ${table('protocols')} SET revision = ? WHERE cpts_id = ? AND code = ?`),
      retire: db.prepare(
        `UPDATE ${table('protocols')} SET revision = ?, retired_on = ? WHERE cpts_id = ? AND code = ?`,
      ),
      adherent: db.prepare(
        `INSERT OR IGNORE INTO ${table('adherents')} (cpts_id, code, member_id) VALUES (?, ?, ?)`,
      ),
      apply: db.prepare(
        `INSERT OR REPLACE INTO ${table('applications')} (cpts_id, event_id, code, version, outcome)
         VALUES (?, ?, ?, ?, ?)`,
      ),
      correctVersion: db.prepare(
        `UPDATE ${table('applications')} SET version = ? WHERE cpts_id = ? AND event_id = ?`,
      ),
      correctOutcome: db.prepare(
        `UPDATE ${table('applications')} SET outcome = ? WHERE cpts_id = ? AND event_id = ?`,
      ),
      void: db.prepare(`DELETE FROM ${table('applications')} WHERE cpts_id = ? AND event_id = ?`),
    };
    return {
      apply(event: RecordedEvent): void {
        const data = event.data;
        if (event.type === 'CptsRegistered') return tenant(event);
        const protocol = streamParts(event.streamId, 'protocol');
        if (protocol) {
          const { cptsId, id: code } = protocol;
          switch (event.type) {
            case 'ProtocolPublished': {
              const row = sql.versions.get(cptsId, code);
              const versions = row ? (JSON.parse(row.versions) as ProtocolPublished[]) : [];
              versions.push(data as unknown as ProtocolPublished);
              versions.sort((a, b) => a.version - b.version);
              sql.publish.run(cptsId, code, event.revision, JSON.stringify(versions));
              return;
            }
            case 'ProtocolAdherentRegistered':
              sql.adherent.run(cptsId, code, String(data.memberId));
              sql.revision.run(event.revision, cptsId, code);
              return;
            case 'ProtocolRetired':
              sql.retire.run(event.revision, String(data.effectiveTo), cptsId, code);
              return;
          }
          return;
        }
        const pathway = streamParts(event.streamId, 'pathway');
        if (!pathway) return;
        const { cptsId } = pathway;
        switch (event.type) {
          case 'ProtocolApplied':
            sql.apply.run(
              cptsId,
              event.metadata.eventId,
              String(data.protocolCode),
              Number(data.protocolVersion),
              String(data.outcome),
            );
            return;
          case 'EntryCorrected': {
            // Matches no row unless the target is an application.
            const target = String(data.targetEventId);
            const correction = (data.correction ?? {}) as Record<string, unknown>;
            if (typeof correction.protocolVersion === 'number')
              sql.correctVersion.run(correction.protocolVersion, cptsId, target);
            if (typeof correction.outcome === 'string')
              sql.correctOutcome.run(correction.outcome, cptsId, target);
            return;
          }
          case 'EntryVoided':
            sql.void.run(cptsId, String(data.targetEventId));
            return;
        }
      },
    };
  },
};

/** The catalogue of one CPTS, by code; `inForce` as of `now` (Paris date). */
export function readProtocolCatalogue(
  readStore: ReadStore,
  cptsId: string,
  now: Date,
): { items: CatalogueItem[] } {
  const table = readStore.tables(PROTOCOL_CATALOGUE_PROJECTION);
  const db = readStore.db;
  assertTenant(db, table, cptsId);
  const rows = db
    .prepare<[string], ProtocolRow>(
      `SELECT p.code, p.revision, p.versions, p.retired_on,
         (SELECT COUNT(*) FROM ${table('adherents')} a WHERE a.cpts_id = p.cpts_id AND a.code = p.code) AS adherents
       FROM ${table('protocols')} p WHERE p.cpts_id = ? ORDER BY p.code COLLATE BINARY`,
    )
    .all(cptsId);
  const counts = db
    .prepare<[string], { code: string; version: number; outcome: string; n: number }>(
      `SELECT code, version, outcome, COUNT(*) AS n FROM ${table('applications')}
       WHERE cpts_id = ? GROUP BY code, version, outcome`,
    )
    .all(cptsId);
  const today = now.toISOString();
  const items = rows.map((row): CatalogueItem => {
    const versions = JSON.parse(row.versions) as ProtocolPublished[];
    const latest = versions[versions.length - 1];
    const state = {
      exists: true as const,
      code: row.code,
      versions,
      adherents: [],
      ...(row.retired_on === null ? {} : { retiredOn: row.retired_on }),
    };
    const usage = new Map<number, ProtocolUsage>();
    const usageOf = (version: number) => {
      let found = usage.get(version);
      if (!found) {
        const byOutcome = Object.fromEntries(APPLICATION_OUTCOMES.map((outcome) => [outcome, 0]));
        found = { version, applications: 0, byOutcome };
        usage.set(version, found);
      }
      return found;
    };
    for (const version of versions) usageOf(version.version);
    for (const count of counts) {
      if (count.code !== row.code) continue;
      const entry = usageOf(count.version);
      entry.applications += count.n;
      entry.byOutcome[count.outcome] = (entry.byOutcome[count.outcome] ?? 0) + count.n;
    }
    return {
      code: row.code,
      title: latest.title,
      kind: latest.kind,
      versions,
      inForce: versionInForce(state, today),
      ...(row.retired_on === null ? {} : { retiredOn: row.retired_on }),
      adherents: row.adherents,
      usage: [...usage.values()].sort((a, b) => a.version - b.version),
      revision: row.revision,
    };
  });
  return { items };
}
