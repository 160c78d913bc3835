import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { BlindIndex, IdentityIntegrityError, IdentityVault } from '@parcours/crypto';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { load } from '../shared/command-runner';
import { parseStreamId, streamId } from '../shared/ids';
import { readIdentity } from './patient-facts';
import { patientEvolver } from './patient.decider';

/** The events that change what the index holds of a patient. */
const IDENTITY_EVENTS = ['PatientRegistered', 'PatientIdentityCorrected', 'PatientIdentityErased'];
const BATCH = 1000;

/**
 * Brings the blind index up to date with the log, once at start: the handler indexes each identity as it
 * is appended, and this makes good what a crash between the append and the index left out (and indexes
 * a log recorded before the index existed). Each patient named since the last checkpoint is indexed
 * afresh from its stream as it now stands: its current identity, or nothing once erased.
 */
@Injectable()
export class BlindIndexCatchUp implements OnApplicationBootstrap {
  private readonly logger = new Logger('blind-index');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdentityVault) private readonly vault: IdentityVault,
    @Inject(BlindIndex) private readonly index: BlindIndex,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const indexed = await this.catchUp();
      if (indexed > 0) this.logger.log(`patient index brought up to date: ${indexed} patient(s)`);
    } catch (error) {
      // Searches and duplicate checks see what was indexed so far; the next start tries again.
      this.logger.warn(`patient index not brought up to date: ${(error as Error).message}`);
    }
  }

  /** Returns how many patients were indexed again. */
  async catchUp(): Promise<number> {
    let after = this.index.checkpoint();
    let count = 0;
    for (;;) {
      const events = await this.store.readAll({
        after,
        maxCount: BATCH,
        filter: { eventTypes: IDENTITY_EVENTS },
      });
      if (events.length === 0) break;
      const patients = new Map<string, { cptsId: string; id: string }>();
      for (const event of events) {
        const parsed = parseStreamId(event.streamId);
        if (parsed?.category === 'patient' && parsed.id !== undefined)
          patients.set(event.streamId, { cptsId: parsed.cptsId, id: parsed.id });
      }
      for (const { cptsId, id } of patients.values()) {
        await this.reindex(cptsId, id);
        count += 1;
      }
      after = events[events.length - 1].position;
      this.index.saveCheckpoint(after);
    }
    return count;
  }

  private async reindex(cptsId: string, patientId: string): Promise<void> {
    const { state } = await load(this.store, streamId('patient', cptsId, patientId), patientEvolver);
    try {
      const identity = readIdentity(this.vault, cptsId, patientId, state);
      if (identity === null) this.index.remove(cptsId, patientId);
      else this.index.put(cptsId, patientId, identity);
    } catch (error) {
      // A ciphertext that does not open is indexed as nothing; the audit routes report it.
      if (!(error instanceof IdentityIntegrityError)) throw error;
      this.index.remove(cptsId, patientId);
    }
  }
}
