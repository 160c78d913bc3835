import { defineProjection, type ProjectedEvent, type ReadStore, table } from '@parcours/projections';
import { assertCptsKnown } from '../../cpts/cpts-history/cpts-history.projection';
import { APPLICATION_OUTCOMES, type PathwayEvent } from '../../pathways/pathway.events';
import type { CorrectionEvent } from '../../shared/corrections';
import type { DomainEvent } from '../../shared/decider';
import { parseStreamId } from '../../shared/ids';
import { versionInForce } from '../protocol.decider';
import type { ProtocolEvent, ProtocolPublished } from '../protocol.events';

export const PROTOCOL_CATALOGUE = 'protocol-catalogue';

/** The protocols' streams, and the applications recorded in pathways (corrected or voided there). */
export type ProtocolCatalogueEvent =
  ProtocolEvent | Extract<PathwayEvent, DomainEvent<'ProtocolApplied'>> | CorrectionEvent;

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
  cpts_id: string;
  code: string;
  revision: number;
  versions: ProtocolPublished[];
  retired_on: string | null;
  adherents: number;
}

interface AdherentRow {
  cpts_id: string;
  code: string;
  member_id: string;
}

/** An application as it now stands: what a correction changes, what a voiding takes away. */
interface ApplicationRow {
  cpts_id: string;
  event_id: string;
  code: string;
  version: number;
  outcome: string;
}

/** Applications counted per version and outcome, kept up to date event by event. */
interface UsageRow {
  cpts_id: string;
  code: string;
  version: number;
  outcome: string;
  n: number;
}

const tables = {
  protocols: table<ProtocolRow>({
    columns: {
      cpts_id: 'TEXT',
      code: 'TEXT',
      revision: 'INTEGER',
      versions: 'JSON',
      retired_on: 'TEXT NULL',
      adherents: 'INTEGER',
    },
    key: ['cpts_id', 'code'],
  }),
  adherents: table<AdherentRow>({
    columns: { cpts_id: 'TEXT', code: 'TEXT', member_id: 'TEXT' },
    key: ['cpts_id', 'code', 'member_id'],
  }),
  applications: table<ApplicationRow>({
    columns: { cpts_id: 'TEXT', event_id: 'TEXT', code: 'TEXT', version: 'INTEGER', outcome: 'TEXT' },
    key: ['cpts_id', 'event_id'],
  }),
  usage: table<UsageRow>({
    columns: { cpts_id: 'TEXT', code: 'TEXT', version: 'INTEGER', outcome: 'TEXT', n: 'INTEGER' },
    key: ['cpts_id', 'code', 'version', 'outcome'],
  }),
};

/**
 * The protocol catalogue: each protocol's versions, retirement and adherents, and how often each version
 * was applied, by outcome. Applications live in pathway streams; a correction may change their version
 * or outcome (the code is not correctable), a voiding removes them — hence the corrections and voidings,
 * of which only those targeting an application change anything.
 */
export const protocolCatalogueProjection = defineProjection<ProtocolCatalogueEvent>()({
  name: PROTOCOL_CATALOGUE,
  version: 2,
  rebuildCost: 2,
  tables,
  open: ({ protocols, adherents, applications, usage }) => {
    const count = (application: ApplicationRow, by: 1 | -1) => {
      const { cpts_id, code, version, outcome } = application;
      const n = (usage.get(cpts_id, code, version, outcome)?.n ?? 0) + by;
      if (n === 0) usage.delete(cpts_id, code, version, outcome);
      else usage.put({ cpts_id, code, version, outcome, n });
    };
    const protocolOf = (event: ProjectedEvent<ProtocolCatalogueEvent>) => {
      const stream = parseStreamId(event.streamId);
      return stream?.category === 'protocol' && stream.id !== undefined
        ? { cptsId: stream.cptsId, code: stream.id }
        : null;
    };
    const pathwayCpts = (event: ProjectedEvent<ProtocolCatalogueEvent>) => {
      const stream = parseStreamId(event.streamId);
      return stream?.category === 'pathway' ? stream.cptsId : null;
    };
    return {
      ProtocolPublished: (event) => {
        const protocol = protocolOf(event);
        if (!protocol) return;
        const row = protocols.get(protocol.cptsId, protocol.code);
        const versions = row ? [...row.versions] : [];
        versions.push(event.data);
        versions.sort((a, b) => a.version - b.version);
        protocols.put({
          cpts_id: protocol.cptsId,
          code: protocol.code,
          revision: event.revision,
          versions,
          retired_on: row?.retired_on ?? null,
          adherents: row?.adherents ?? 0,
        });
      },
      ProtocolAdherentRegistered: (event) => {
        const protocol = protocolOf(event);
        const row = protocol && protocols.get(protocol.cptsId, protocol.code);
        if (!protocol || !row) return;
        const known = adherents.get(protocol.cptsId, protocol.code, event.data.memberId);
        if (!known)
          adherents.put({ cpts_id: protocol.cptsId, code: protocol.code, member_id: event.data.memberId });
        protocols.put({ ...row, revision: event.revision, adherents: row.adherents + (known ? 0 : 1) });
      },
      ProtocolRetired: (event) => {
        const protocol = protocolOf(event);
        const row = protocol && protocols.get(protocol.cptsId, protocol.code);
        if (!row) return;
        protocols.put({ ...row, revision: event.revision, retired_on: event.data.effectiveTo });
      },
      ProtocolApplied: (event) => {
        const cptsId = pathwayCpts(event);
        if (cptsId === null) return;
        const application: ApplicationRow = {
          cpts_id: cptsId,
          event_id: event.metadata.eventId,
          code: event.data.protocolCode,
          version: event.data.protocolVersion,
          outcome: event.data.outcome,
        };
        applications.put(application);
        count(application, 1);
      },
      EntryCorrected: (event) => {
        const cptsId = pathwayCpts(event);
        const before = cptsId === null ? undefined : applications.get(cptsId, event.data.targetEventId);
        if (!before) return;
        const { protocolVersion, outcome } = event.data.correction;
        const after: ApplicationRow = {
          ...before,
          ...(typeof protocolVersion === 'number' ? { version: protocolVersion } : {}),
          ...(typeof outcome === 'string' ? { outcome } : {}),
        };
        count(before, -1);
        count(after, 1);
        applications.put(after);
      },
      EntryVoided: (event) => {
        const cptsId = pathwayCpts(event);
        const before = cptsId === null ? undefined : applications.get(cptsId, event.data.targetEventId);
        if (!before) return;
        count(before, -1);
        applications.delete(before.cpts_id, before.event_id);
      },
    };
  },
});

/** The catalogue of one CPTS, by code; `inForce` as of `now` (Paris date). */
export function readProtocolCatalogue(
  readStore: ReadStore,
  cptsId: string,
  now: Date,
): { items: CatalogueItem[] } {
  assertCptsKnown(readStore, cptsId);
  const table = readStore.tables(PROTOCOL_CATALOGUE);
  const rows = readStore
    .prepare<[string], Omit<ProtocolRow, 'versions'> & { versions: string }>(
      `SELECT * FROM "${table('protocols')}" WHERE cpts_id = ? ORDER BY code COLLATE BINARY`,
    )
    .all(cptsId);
  const counts = readStore
    .prepare<[string], UsageRow>(`SELECT * FROM "${table('usage')}" WHERE cpts_id = ?`)
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
