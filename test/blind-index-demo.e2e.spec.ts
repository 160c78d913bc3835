/**
 * The blind index on the demo CPTS, recorded by the CLI through the same handlers as the API: every search
 * answers exactly what a scan of the decrypted identities answers, and an index rebuilt from the log at
 * start (`BlindIndexCatchUp`) is the same index.
 */
import {
  BlindIndex,
  blindIndexPath,
  type BlindQuery,
  IdentityVault,
  identityVaultPath,
  matchesInClear,
  nameWords,
} from '@parcours/crypto';
import { BlindIndexCatchUp, load, patientEvolver, readIdentity } from '@parcours/domain';
import type { PatientIdentity } from '@parcours/domain';
import { SqliteEventStore } from '@parcours/event-store';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDataDir } from './support/api-process';

const DEMO = 'cpts-demo';

describe('the blind index on the demo CPTS', () => {
  const dataDir = tempDataDir();
  let store: SqliteEventStore;
  let vault: IdentityVault;
  const identities = new Map<string, PatientIdentity>();

  beforeAll(async () => {
    const seeded = runCli(['seed', 'demo', '--until', '2026-03-31'], { DATA_DIR: dataDir });
    if (seeded.status !== 0) throw new Error(`seed failed: ${seeded.stderr}`);
    store = new SqliteEventStore({ path: join(dataDir, 'events.db') });
    vault = new IdentityVault(identityVaultPath(dataDir));
    const registered = await store.readAll({
      maxCount: 1_000_000,
      filter: { eventTypes: ['PatientRegistered'] },
    });
    for (const event of registered) {
      const id = event.streamId.slice(`patient-${DEMO}.`.length);
      const { state } = await load(store, event.streamId, patientEvolver);
      const identity = readIdentity(vault, DEMO, id, state);
      if (identity) identities.set(id, identity);
    }
  }, 120_000);
  afterAll(async () => {
    vault.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Queries as a coordinator types them: names without accents, in capitals, with a birth date, an INS. */
  function queries(): BlindQuery[] {
    const all = [...identities.values()];
    const sample = all.filter((_, i) => i % 9 === 0);
    const strip = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '');
    return [
      ...sample.map((p) => ({ name: p.familyName.toUpperCase() })),
      ...sample.map((p) => ({ name: `${strip(p.givenName)} ${strip(p.familyName).toLowerCase()}` })),
      ...sample.map((p) => ({ name: nameWords(p.givenName)[0], birthDate: p.birthDate })),
      ...sample.map((p) => ({ birthDate: p.birthDate })),
      ...sample.filter((p) => p.ins).map((p) => ({ ins: p.ins! })),
      ...sample.filter((p) => p.ins).map((p) => ({ ins: p.ins!.slice(0, 13), name: p.familyName })),
      { name: 'Zzzyx' },
      { birthDate: '1900-01-01' },
    ];
  }

  const bruteForce = (query: BlindQuery) =>
    [...identities]
      .filter(([, identity]) => matchesInClear(identity, query))
      .map(([id]) => id)
      .sort();

  it('answers every search as a scan of the decrypted identities does', () => {
    expect(identities.size).toBeGreaterThan(600);
    const index = new BlindIndex(blindIndexPath(dataDir), vault);
    try {
      const list = queries();
      const differing = list.filter(
        (query) => JSON.stringify(index.find(DEMO, query)) !== JSON.stringify(bruteForce(query)),
      );
      expect(differing).toEqual([]);
      // The searches are not trivially empty: most find someone, some find several.
      const sizes = list.map((query) => bruteForce(query).length);
      expect(sizes.filter((n) => n > 0).length).toBeGreaterThan(list.length * 0.9);
      expect(sizes.some((n) => n > 1)).toBe(true);
    } finally {
      index.close();
    }
  });

  it('is rebuilt from the log, the same, when its file is lost', async () => {
    rmSync(blindIndexPath(dataDir));
    for (const suffix of ['-wal', '-shm']) rmSync(`${blindIndexPath(dataDir)}${suffix}`, { force: true });
    const index = new BlindIndex(blindIndexPath(dataDir), vault);
    try {
      expect(index.find(DEMO, queries()[0])).toEqual([]);
      const indexed = await new BlindIndexCatchUp(store, vault, index).catchUp();
      expect(indexed).toBe(identities.size);
      const differing = queries().filter(
        (query) => JSON.stringify(index.find(DEMO, query)) !== JSON.stringify(bruteForce(query)),
      );
      expect(differing).toEqual([]);
      // Up to date: a second start has nothing to do.
      expect(await new BlindIndexCatchUp(store, vault, index).catchUp()).toBe(0);
    } finally {
      index.close();
    }
  });
});
