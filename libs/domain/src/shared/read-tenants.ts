import type Database from 'better-sqlite3';
import { NotFoundError } from './errors';
import { parseStreamId } from './ids';
import type { RecordedEvent } from '@parcours/event-store';
import type { TableNamer } from '@parcours/projections';

/**
 * Each read model of this folder keeps the CPTSs registered so far, so that its routes answer 404 for a
 * CPTS a token names but that was never registered (as the write side does), without reading the log.
 */
export function openTenants(db: Database.Database, table: TableNamer): (event: RecordedEvent) => void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${table('tenants')} (cpts_id TEXT PRIMARY KEY) STRICT`);
  const insert = db.prepare(`INSERT OR IGNORE INTO ${table('tenants')} (cpts_id) VALUES (?)`);
  return (event) => {
    const cptsId = parseStreamId(event.streamId)?.cptsId;
    if (cptsId !== undefined) insert.run(cptsId);
  };
}

export function assertTenant(db: Database.Database, table: TableNamer, cptsId: string): void {
  const found = db.prepare(`SELECT 1 FROM ${table('tenants')} WHERE cpts_id = ?`).get(cptsId);
  if (!found) {
    throw new NotFoundError({ fr: `La CPTS ${cptsId} n’existe pas.`, en: `CPTS ${cptsId} does not exist.` });
  }
}

/** The CPTS and the id of a stream `<category>-<cptsId>.<id>` of the given category; null otherwise. */
export function streamParts(streamId: string, category: string): { cptsId: string; id: string } | null {
  const parsed = parseStreamId(streamId);
  if (!parsed || parsed.category !== category || parsed.id === undefined) return null;
  return { cptsId: parsed.cptsId, id: parsed.id };
}
