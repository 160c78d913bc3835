import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { IdentityVault } from '@parcours/crypto';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { memberEvolver, type MemberState } from '../members/member.decider';
import { type CommandMeta, type CommandOutcome, load, runCommand } from '../shared/command-runner';
import { ContentionError, NotFoundError, PreconditionFailedError, RuleViolation } from '../shared/errors';
import { IdempotencyStore } from '../shared/http/idempotency.store';
import { streamId } from '../shared/ids';
import { requireCpts } from '../shared/tenant';
import {
  decideAssignMedecinTraitant,
  decideBlock,
  decideConsent,
  decideErasure,
  decideMedecinTraitantSearch,
  decidePharmacienCorrespondant,
  decideRegister,
  decideUnblock,
  earliestBusinessTime,
  type PatientCommandContext,
  patientEvolver,
  type RegisteredPatient,
} from './patient.decider';
import type {
  ConsentRecorded,
  MedecinTraitantAssigned,
  MedecinTraitantSearchRegistered,
  PatientEvent,
  PatientIdentityErased,
  PharmacienCorrespondantDesignated,
  ProfessionalAccessBlocked,
  ProfessionalAccessUnblocked,
  RegisterPatient,
} from './patient.events';
import { readIdentity } from './patient-facts';

/** Commands of the patients capability, each with its handler: load the facts, decide, append. */

export class RegisterPatientCommand {
  constructor(
    readonly meta: CommandMeta,
    readonly data: RegisterPatient,
  ) {}
}
abstract class PatientCommand<D> {
  constructor(
    readonly meta: CommandMeta,
    readonly patientId: string,
    readonly data: D,
  ) {}
}
export class RegisterMedecinTraitantSearch extends PatientCommand<MedecinTraitantSearchRegistered> {}
export class AssignMedecinTraitant extends PatientCommand<MedecinTraitantAssigned> {}
export class RecordConsent extends PatientCommand<ConsentRecorded> {}
export class BlockProfessional extends PatientCommand<ProfessionalAccessBlocked> {}
export class UnblockProfessional extends PatientCommand<ProfessionalAccessUnblocked> {}
export class DesignatePharmacienCorrespondant extends PatientCommand<PharmacienCorrespondantDesignated> {}
export class ErasePatientIdentity extends PatientCommand<PatientIdentityErased> {}

export const patientNotFound = () =>
  new NotFoundError({ fr: 'Ce patient n’existe pas.', en: 'This patient does not exist.' });

/** A member referenced by a patient command, looked up in this CPTS only (another CPTS's is unknown). */
async function memberOf(store: EventStore, cptsId: string, memberId: string): Promise<MemberState> {
  return (await load(store, streamId('member', cptsId, memberId), memberEvolver)).state;
}

/**
 * Runs a decision on an existing patient's stream; 404 when there is no such patient in this CPTS. The
 * birth date is decrypted only to bound business times (`earliestBusinessTime`): it never leaves here.
 */
async function onPatient(
  store: EventStore,
  vault: IdentityVault,
  meta: CommandMeta,
  patientId: string,
  decide: (state: RegisteredPatient, context: PatientCommandContext) => PatientEvent[],
): Promise<CommandOutcome> {
  await requireCpts(store, meta.cptsId);
  return runCommand(store, meta, {
    ...patientEvolver,
    streamId: streamId('patient', meta.cptsId, patientId),
    id: patientId,
    decide: (state) => {
      if (!state.exists) throw patientNotFound();
      const birthDate = readIdentity(vault, meta.cptsId, patientId, state)?.birthDate ?? null;
      return decide(state, {
        actor: meta.actor,
        now: meta.now,
        earliest: earliestBusinessTime(state, birthDate),
      });
    },
  });
}

@CommandHandler(RegisterPatientCommand)
export class RegisterPatientHandler implements ICommandHandler<RegisterPatientCommand, CommandOutcome> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdentityVault) private readonly vault: IdentityVault,
  ) {}
  async execute({ meta, data }: RegisterPatientCommand): Promise<CommandOutcome> {
    await requireCpts(this.store, meta.cptsId);
    const patientId = meta.ids.newId('patient');
    // The identity is sealed inside the decision, i.e. after the rules and the Idempotency-Key replay
    // check, and before the append: the event store only ever receives ciphertext. A retry under the same
    // key seals again with the key already made; what counts is the event stored the first time.
    return runCommand(this.store, meta, {
      ...patientEvolver,
      streamId: streamId('patient', meta.cptsId, patientId),
      id: patientId,
      decide: (state) =>
        decideRegister(data, state, meta.now, (identity) =>
          this.vault.seal(meta.cptsId, patientId, identity),
        ),
    });
  }
}

@CommandHandler(RegisterMedecinTraitantSearch)
export class RegisterMedecinTraitantSearchHandler implements ICommandHandler<
  RegisterMedecinTraitantSearch,
  CommandOutcome
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdentityVault) private readonly vault: IdentityVault,
  ) {}
  async execute({ meta, patientId, data }: RegisterMedecinTraitantSearch): Promise<CommandOutcome> {
    const requester =
      data.requestedBy === 'patient' ? 'patient' : await memberOf(this.store, meta.cptsId, data.requestedBy);
    return onPatient(this.store, this.vault, meta, patientId, (state, context) =>
      decideMedecinTraitantSearch(data, state, context, requester),
    );
  }
}

@CommandHandler(AssignMedecinTraitant)
export class AssignMedecinTraitantHandler implements ICommandHandler<AssignMedecinTraitant, CommandOutcome> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdentityVault) private readonly vault: IdentityVault,
  ) {}
  async execute({ meta, patientId, data }: AssignMedecinTraitant): Promise<CommandOutcome> {
    const member = await memberOf(this.store, meta.cptsId, data.memberId);
    return onPatient(this.store, this.vault, meta, patientId, (state, context) =>
      decideAssignMedecinTraitant(data, state, context, member),
    );
  }
}

@CommandHandler(RecordConsent)
export class RecordConsentHandler implements ICommandHandler<RecordConsent, CommandOutcome> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdentityVault) private readonly vault: IdentityVault,
  ) {}
  execute({ meta, patientId, data }: RecordConsent): Promise<CommandOutcome> {
    return onPatient(this.store, this.vault, meta, patientId, (state, context) =>
      decideConsent(data, state, context),
    );
  }
}

@CommandHandler(BlockProfessional)
export class BlockProfessionalHandler implements ICommandHandler<BlockProfessional, CommandOutcome> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdentityVault) private readonly vault: IdentityVault,
  ) {}
  async execute({ meta, patientId, data }: BlockProfessional): Promise<CommandOutcome> {
    const member = await memberOf(this.store, meta.cptsId, data.memberId);
    return onPatient(this.store, this.vault, meta, patientId, (state, context) =>
      decideBlock(data, state, context, member),
    );
  }
}

@CommandHandler(UnblockProfessional)
export class UnblockProfessionalHandler implements ICommandHandler<UnblockProfessional, CommandOutcome> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdentityVault) private readonly vault: IdentityVault,
  ) {}
  execute({ meta, patientId, data }: UnblockProfessional): Promise<CommandOutcome> {
    return onPatient(this.store, this.vault, meta, patientId, (state, context) =>
      decideUnblock(data, state, context),
    );
  }
}

@CommandHandler(DesignatePharmacienCorrespondant)
export class DesignatePharmacienCorrespondantHandler implements ICommandHandler<
  DesignatePharmacienCorrespondant,
  CommandOutcome
> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdentityVault) private readonly vault: IdentityVault,
  ) {}
  async execute({ meta, patientId, data }: DesignatePharmacienCorrespondant): Promise<CommandOutcome> {
    const member = await memberOf(this.store, meta.cptsId, data.memberId);
    return onPatient(this.store, this.vault, meta, patientId, (state, context) =>
      decidePharmacienCorrespondant(data, state, context, member),
    );
  }
}

/**
 * Erasure: append `PatientIdentityErased`, then destroy the key. Crash safety, in order:
 * 1. a pending-erasure mark is written to the vault (durably) before the append;
 * 2. the append is the decision: from then on every read checks the event first and never opens the
 *    identity, whether the key is still there or not;
 * 3. the key is destroyed, which clears the mark.
 * If the process dies between 2 and 3, the mark remains: the next start (`ErasureReconciler`) destroys
 * the key; and any retry does too — with the same Idempotency-Key it is a replay, without one it is a
 * 422 `patient-erased`, and both destroy the key before answering.
 * With the key, the remembered Idempotency-Key requests of the patient's stream go too (their keyed
 * fingerprints cover the registration's identity): nothing left could confirm a guessed identity.
 */
@CommandHandler(ErasePatientIdentity)
export class ErasePatientIdentityHandler implements ICommandHandler<ErasePatientIdentity, CommandOutcome> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdentityVault) private readonly vault: IdentityVault,
    private readonly idempotency: IdempotencyStore,
  ) {}
  async execute({ meta, patientId, data }: ErasePatientIdentity): Promise<CommandOutcome> {
    const { cptsId } = meta;
    const forget = () => {
      this.vault.destroy(cptsId, patientId);
      this.idempotency.forgetStream(streamId('patient', cptsId, patientId));
    };
    this.vault.markErasurePending(cptsId, patientId);
    let outcome: CommandOutcome;
    try {
      outcome = await onPatient(this.store, this.vault, meta, patientId, (state, context) =>
        decideErasure(data, state, context),
      );
    } catch (error) {
      if (error instanceof RuleViolation && error.rule === 'patient-erased') {
        // Erased already: make sure the key is gone too (a crash may have stopped an earlier attempt).
        forget();
      } else if (
        error instanceof RuleViolation ||
        error instanceof NotFoundError ||
        error instanceof PreconditionFailedError ||
        error instanceof ContentionError
      ) {
        // Refused before any append: the key stays.
        this.vault.clearErasurePending(cptsId, patientId);
      }
      // Anything else (the store failing mid-append) leaves the mark for the reconciler to settle.
      throw error;
    }
    forget();
    return outcome;
  }
}

export const patientCommandHandlers = [
  RegisterPatientHandler,
  RegisterMedecinTraitantSearchHandler,
  AssignMedecinTraitantHandler,
  RecordConsentHandler,
  BlockProfessionalHandler,
  UnblockProfessionalHandler,
  DesignatePharmacienCorrespondantHandler,
  ErasePatientIdentityHandler,
];
