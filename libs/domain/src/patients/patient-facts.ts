import { Inject, Injectable } from '@nestjs/common';
import { IdentityVault } from '@parcours/crypto';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { load } from '../shared/command-runner';
import { streamId } from '../shared/ids';
import {
  earliestBusinessTime,
  patientEvolver,
  type PatientState,
  type RegisteredPatient,
} from './patient.decider';
import type { PatientIdentity } from './patient.events';

export type PatientFactsResult =
  | { exists: false }
  | {
      exists: true;
      state: RegisteredPatient;
      /** Decrypted for rule checks; `null` once the identity is erased. Not for display: see below. */
      birthDate: string | null;
      /** The patient's birth date, or January 1st of the birth year when it is unreadable. */
      earliestBusinessTime: string;
    };

/**
 * The identity of a patient, or `null` when it is erased. The erasure event is checked first: once it is
 * in the stream the key is never used again, even if a crash left it in the vault for a moment.
 * Throws `IdentityIntegrityError` when the stored ciphertext does not authenticate.
 */
export function readIdentity(
  vault: IdentityVault,
  cptsId: string,
  patientId: string,
  state: PatientState,
): PatientIdentity | null {
  if (!state.exists || state.erased) return null;
  return vault.open<PatientIdentity>(cptsId, patientId, state.sealedIdentity);
}

/**
 * What other capabilities (pathways, protocols…) need to know of a patient to check their own rules:
 * the folded state, and the birth date for ages and "not before birth". Reading here is the system
 * checking a rule, not a person reading an identity, so it is not written to the access log; a caller
 * that hands the birth date (or any identity field) to a user must record that in `PatientAccessLog`.
 */
@Injectable()
export class PatientFacts {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdentityVault) private readonly vault: IdentityVault,
  ) {}

  async load(cptsId: string, patientId: string): Promise<PatientFactsResult> {
    const { state } = await load(this.store, streamId('patient', cptsId, patientId), patientEvolver);
    return patientFactsOf(this.vault, cptsId, patientId, state);
  }
}

export function patientFactsOf(
  vault: IdentityVault,
  cptsId: string,
  patientId: string,
  state: PatientState,
): PatientFactsResult {
  if (!state.exists) return { exists: false };
  const birthDate = readIdentity(vault, cptsId, patientId, state)?.birthDate ?? null;
  return { exists: true, state, birthDate, earliestBusinessTime: earliestBusinessTime(state, birthDate) };
}
