import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { BlindIndex, IdentityVault } from '@parcours/crypto';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { load } from '../shared/command-runner';
import { IdempotencyStore } from '../shared/http/idempotency.port';
import { streamId } from '../shared/ids';
import { patientEvolver } from './patient.decider';

/** A mark this old with no erasure in the stream is an attempt that was refused or never appended. */
const STALE_MARK_MS = 60_000;

/**
 * Finishes erasures a crash interrupted: for every pending-erasure mark in the vault, if the stream has
 * `PatientIdentityErased` the key is destroyed now; if it has not (and the mark is old enough not to be an
 * erasure in flight in another process), the attempt never reached the log and the mark is dropped.
 * Runs once at start, before the API listens.
 */
@Injectable()
export class ErasureReconciler implements OnApplicationBootstrap {
  private readonly logger = new Logger('erasure');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdentityVault) private readonly vault: IdentityVault,
    private readonly idempotency: IdempotencyStore,
    @Inject(BlindIndex) private readonly index: BlindIndex,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const { destroyed, dropped } = await this.reconcile();
      if (destroyed + dropped > 0) {
        this.logger.log(
          `pending erasures settled: ${destroyed} key(s) destroyed, ${dropped} mark(s) dropped`,
        );
      }
    } catch (error) {
      // Reads stay safe meanwhile (they check the erasure event first); the next start tries again.
      this.logger.warn(`pending erasures not settled: ${(error as Error).message}`);
    }
  }

  async reconcile(now: Date = new Date()): Promise<{ destroyed: number; dropped: number }> {
    let destroyed = 0;
    let dropped = 0;
    for (const pending of this.vault.pendingErasures()) {
      const { state } = await load(
        this.store,
        streamId('patient', pending.cptsId, pending.patientId),
        patientEvolver,
      );
      if (state.exists && state.erased) {
        this.vault.destroy(pending.cptsId, pending.patientId);
        this.index.remove(pending.cptsId, pending.patientId);
        this.idempotency.forgetStream(streamId('patient', pending.cptsId, pending.patientId));
        destroyed += 1;
      } else if (now.getTime() - Date.parse(pending.markedAt) > STALE_MARK_MS) {
        this.vault.clearErasurePending(pending.cptsId, pending.patientId);
        dropped += 1;
      }
    }
    return { destroyed, dropped };
  }
}
