import { BlindIndex, blindIndexPath, IdentityVault, identityVaultPath } from '@parcours/crypto';
import { SqliteEventStore } from '@parcours/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import type { CommandMeta } from '../shared/command-runner';
import { RuleViolation } from '../shared/errors';
import { SqliteIdempotencyStore } from '@parcours/sqlite-stores';
import { IdSource } from '../shared/ids';
import { ErasureReconciler } from './erasure-reconciler';
import { PatientFacts } from './patient-facts';
import { PatientCommandHandler, PatientCommandMessage } from './patients.handler';

/**
 * Crash safety of erasure, with the real store and the real vault: the process "dies" between the append
 * of PatientIdentityErased and the destruction of the key (the vault's destroy fails once).
 */

const CPTS = 'cpts-erasure';
const registration = {
  identity: { familyName: 'Dupont', givenName: 'Jeanne', birthDate: '1948-03-02' },
  sex: 'F' as const,
  birthYear: 1948,
  ald: false,
  precarious: false,
  hasMedecinTraitant: false,
};
const erasure = { on: '2026-01-10', reason: 'demande du patient' };

class CrashOnceVault extends IdentityVault {
  crashNext = false;
  override destroy(cptsId: string, patientId: string): boolean {
    if (this.crashNext) {
      this.crashNext = false;
      throw new Error('process died here');
    }
    return super.destroy(cptsId, patientId);
  }
}

const meta = (idempotencyKey?: string): CommandMeta => ({
  cptsId: CPTS,
  actor: { id: 'coord-1', role: 'coordinator' },
  correlationId: 'test',
  commandId: uuidv7(),
  source: 'api',
  ids: new IdSource(CPTS, idempotencyKey),
  now: new Date('2026-06-01T10:00:00+02:00'),
});

describe('erasure crash safety', () => {
  let dir: string;
  let store: SqliteEventStore;
  let vault: CrashOnceVault;
  let index: BlindIndex;
  let erase: PatientCommandHandler;
  let facts: PatientFacts;
  let patientId: string;
  let idempotency: SqliteIdempotencyStore;
  /** What the registration request left in the idempotency store (as the HTTP layer records it). */
  const registrationRemembered = () => idempotency.get(CPTS, 'register-1') !== null;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'parcours-erasure-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    await store.append(`cpts-${CPTS}`, [
      {
        type: 'CptsRegistered',
        data: { name: 'CPTS', population: 1000, communes: [] },
        metadata: {
          cptsId: CPTS,
          actor: { id: 'setup', role: 'platform-admin' },
          correlationId: 'setup',
          causationId: 'setup',
          source: 'cli',
        },
      },
    ]);
    vault = new CrashOnceVault(identityVaultPath(dir));
    index = new BlindIndex(blindIndexPath(dir), vault);
    idempotency = new SqliteIdempotencyStore(join(dir, 'idempotency.db'), vault.serviceKey('idempotency'));
    erase = new PatientCommandHandler(store, vault, idempotency, index);
    facts = new PatientFacts(store, vault);
    patientId = (
      await new PatientCommandHandler(store, vault, idempotency, index).execute(
        new PatientCommandMessage(meta(), null, { type: 'RegisterPatient', data: registration }),
      )
    ).id;
    idempotency.put(CPTS, 'register-1', {
      requestHash: idempotency.fingerprint({ method: 'POST', path: '/patients', body: registration }),
      status: 201,
      body: { id: patientId },
      streamId: `patient-${CPTS}.${patientId}`,
    });
  });
  afterEach(async () => {
    idempotency.close();
    index.close();
    vault.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Erase, dying after the append: the event is stored, the key is still there. */
  async function crashAfterAppend(idempotencyKey?: string): Promise<void> {
    vault.crashNext = true;
    await expect(
      erase.execute(
        new PatientCommandMessage(meta(idempotencyKey), patientId, {
          type: 'ErasePatientIdentity',
          data: erasure,
        }),
      ),
    ).rejects.toThrow('process died here');
    const types = (await store.readStream(`patient-${CPTS}.${patientId}`)).map((e) => e.type);
    expect(types).toEqual(['PatientRegistered', 'PatientIdentityErased']);
    expect(vault.hasKey(CPTS, patientId)).toBe(true);
    expect(index.find(CPTS, { birthDate: '1948-03-02' })).toEqual([patientId]);
    expect(vault.pendingErasures()).toEqual([expect.objectContaining({ cptsId: CPTS, patientId })]);
    expect(registrationRemembered()).toBe(true);
  }

  it('never shows the identity once the erasure is in the log, even while the key still exists', async () => {
    const before = await facts.load(CPTS, patientId);
    expect(before).toMatchObject({ exists: true, birthDate: '1948-03-02' });
    await crashAfterAppend();
    const after = await facts.load(CPTS, patientId);
    expect(after).toMatchObject({ exists: true, birthDate: null, earliestBusinessTime: '1948-01-01' });
  });

  it('a retry without Idempotency-Key is a 422 patient-erased, and destroys the key', async () => {
    await crashAfterAppend();
    const retry = erase.execute(
      new PatientCommandMessage(meta(), patientId, { type: 'ErasePatientIdentity', data: erasure }),
    );
    await expect(retry).rejects.toBeInstanceOf(RuleViolation);
    await expect(retry).rejects.toMatchObject({ rule: 'patient-erased' });
    expect(vault.hasKey(CPTS, patientId)).toBe(false);
    expect(index.rowsOf(CPTS, patientId)).toBe(0);
    expect(vault.pendingErasures()).toEqual([]);
    expect(registrationRemembered()).toBe(false);
  });

  it('a retry with the same Idempotency-Key is a replay, and destroys the key', async () => {
    await crashAfterAppend('erase-1');
    const outcome = await erase.execute(
      new PatientCommandMessage(meta('erase-1'), patientId, { type: 'ErasePatientIdentity', data: erasure }),
    );
    expect(outcome).toMatchObject({ id: patientId, revision: 1, replayed: true });
    expect(vault.hasKey(CPTS, patientId)).toBe(false);
    expect(registrationRemembered()).toBe(false);
  });

  it('without any retry, the next start destroys the key (pending-erasure mark)', async () => {
    await crashAfterAppend();
    const reconciler = new ErasureReconciler(store, vault, idempotency, index);
    expect(await reconciler.reconcile()).toEqual({ destroyed: 1, dropped: 0 });
    expect(vault.hasKey(CPTS, patientId)).toBe(false);
    expect(index.rowsOf(CPTS, patientId)).toBe(0);
    expect(registrationRemembered()).toBe(false);
    expect(vault.pendingErasures()).toEqual([]);
  });

  it('a refused erasure leaves the key and no pending mark; a stale mark with no erasure is dropped', async () => {
    await expect(
      erase.execute(
        new PatientCommandMessage(meta(), patientId, {
          type: 'ErasePatientIdentity',
          data: { ...erasure, on: '2027-01-01' },
        }),
      ),
    ).rejects.toMatchObject({ rule: 'business-time-in-future' });
    expect(vault.hasKey(CPTS, patientId)).toBe(true);
    expect(vault.pendingErasures()).toEqual([]);

    vault.markErasurePending(CPTS, patientId); // as if the process died before the append
    const reconciler = new ErasureReconciler(store, vault, idempotency, index);
    expect(await reconciler.reconcile()).toEqual({ destroyed: 0, dropped: 0 }); // may still be in flight
    expect(await reconciler.reconcile(new Date(Date.now() + 120_000))).toEqual({ destroyed: 0, dropped: 1 });
    expect(vault.hasKey(CPTS, patientId)).toBe(true);
    expect((await facts.load(CPTS, patientId)).exists).toBe(true);
    expect(registrationRemembered()).toBe(true);
  });
});
