import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { BlindIndex, IdentityVault, SEALED_ALGORITHM } from '@parcours/crypto';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { memberEvolver, type MemberState } from '../members/member.decider';
import { type CommandMeta, type CommandOutcome, load, runCommand } from '../shared/command-runner';
import { correctedData, decideCorrectionCommand, isCorrectionCommand } from '../shared/corrections';
import { ContentionError, NotFoundError, PreconditionFailedError, RuleViolation } from '../shared/errors';
import { entryShape } from '../shared/http/corrections';
import { IdempotencyStore } from '../shared/http/idempotency.port';
import { streamId } from '../shared/ids';
import { requireCpts } from '../shared/tenant';
import type { PatientStreamCommand } from './patient.commands';
import {
  decidePatient,
  earliestBusinessTime,
  patientCorrections,
  patientEvolver,
  type PatientRecordFacts,
} from './patient.decider';
import { readIdentity } from './patient-facts';
import { checkDuplicates, type PatientIndex } from './patient-index';
import {
  AssignMedecinTraitantDto,
  CareTeamMemberDto,
  CareTeamRemovalDto,
  ConsentDto,
  MedecinTraitantSearchClosureDto,
  MedecinTraitantSearchDto,
  PatientStatusDto,
} from './patients.dto';

/** A command on a patient's stream, as the CommandBus carries it (no patientId: a new patient). */
export class PatientCommandMessage {
  constructor(
    readonly meta: CommandMeta,
    readonly patientId: string | null,
    readonly command: PatientStreamCommand,
    /** A registration: the patients a `possible-duplicate` named that the user confirmed are others. */
    readonly options: { notDuplicateOf?: string[] } = {},
  ) {}
}

/** Stands in for the sealer when a decision is only tried, to know whether the rules hold. */
const unsealed: PatientRecordFacts['seal'] = () => ({
  alg: SEALED_ALGORITHM,
  iv: '',
  ciphertext: '',
  tag: '',
});

export const patientNotFound = () =>
  new NotFoundError({ fr: 'Ce patient n’existe pas.', en: 'This patient does not exist.' });

/** The members an entry names (in this CPTS only: another CPTS's member is simply unknown here). */
function namedMembers(data: Record<string, unknown> | undefined): string[] {
  if (!data) return [];
  return [data.memberId, data.requestedBy].filter(
    (id): id is string => typeof id === 'string' && id !== 'patient',
  );
}

const corrections = {
  ...patientCorrections,
  shape: entryShape({
    MedecinTraitantSearchRegistered: MedecinTraitantSearchDto,
    MedecinTraitantAssigned: AssignMedecinTraitantDto,
    MedecinTraitantSearchClosed: MedecinTraitantSearchClosureDto,
    ConsentRecorded: ConsentDto,
    PatientStatusUpdated: PatientStatusDto,
    CareTeamMemberAdded: CareTeamMemberDto,
    CareTeamMemberRemoved: CareTeamRemovalDto,
  }),
};

/**
 * Load the patient's stream, read what the rules need (the birth date, decrypted only to bound business
 * times and never leaving here; the members named), decide, append.
 */
@CommandHandler(PatientCommandMessage)
export class PatientCommandHandler implements ICommandHandler<PatientCommandMessage, CommandOutcome> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(IdentityVault) private readonly vault: IdentityVault,
    private readonly idempotency: IdempotencyStore,
    @Inject(BlindIndex) private readonly index: PatientIndex,
  ) {}

  async execute(message: PatientCommandMessage): Promise<CommandOutcome> {
    if (message.command.type === 'ErasePatientIdentity') return this.erase(message);
    const outcome = await this.decide(message);
    // The index follows the log: written once the identity is appended (a crash in between is made good
    // at the next start by `BlindIndexCatchUp`).
    const { command, meta } = message;
    if (command.type === 'RegisterPatient' || command.type === 'CorrectPatientIdentity') {
      this.index.put(meta.cptsId, outcome.id, command.data.identity);
    }
    return outcome;
  }

  private async members(cptsId: string, ids: string[]): Promise<Record<string, MemberState>> {
    const entries = await Promise.all(
      [...new Set(ids)].map(async (id): Promise<[string, MemberState]> => {
        const { state } = await load(this.store, streamId('member', cptsId, id), memberEvolver);
        return [id, state];
      }),
    );
    return Object.fromEntries(entries);
  }

  private async decide({
    meta,
    patientId,
    command,
    options,
  }: PatientCommandMessage): Promise<CommandOutcome> {
    await requireCpts(this.store, meta.cptsId);
    const id = patientId ?? meta.ids.newId('patient');
    const { cptsId } = meta;
    // The identity is sealed inside the decision, i.e. after the rules and the Idempotency-Key replay
    // check, and before the append: the event store only ever receives ciphertext. A retry under the same
    // key seals again with the key already made; what counts is the event stored the first time.
    const seal: PatientRecordFacts['seal'] = (identity) => this.vault.seal(cptsId, id, identity);
    return runCommand(this.store, meta, {
      ...patientEvolver,
      streamId: streamId('patient', cptsId, id),
      id,
      decide: async ({ state, history }, decision) => {
        if (command.type === 'RegisterPatient') {
          const facts = (sealWith: PatientRecordFacts['seal']): PatientRecordFacts => ({
            earliest: command.data.identity.birthDate,
            members: {},
            seal: sealWith,
          });
          // The record's own rules first (a malformed registration says nothing of other patients), with
          // nothing sealed; then the other patients; then the decision for real, which seals.
          decidePatient(command, state, facts(unsealed), decision);
          await checkDuplicates(this.store, this.index, cptsId, id, command.data.identity, options);
          return decidePatient(command, state, facts(seal), decision);
        }
        if (!state.exists) throw patientNotFound();
        const birthDate = readIdentity(this.vault, cptsId, id, state)?.birthDate ?? null;
        const named = isCorrectionCommand(command)
          ? namedMembers(correctedData(history, command))
          : namedMembers(command.data as unknown as Record<string, unknown>);
        const facts: PatientRecordFacts = {
          earliest: earliestBusinessTime(state, birthDate),
          members: await this.members(cptsId, named),
          seal,
        };
        if (command.type === 'CorrectPatientIdentity') {
          decidePatient(command, state, { ...facts, seal: unsealed }, decision);
          const { identity } = command.data;
          await checkDuplicates(this.store, this.index, cptsId, id, identity, { insOnly: true });
        }
        return isCorrectionCommand(command)
          ? decideCorrectionCommand(command, history, corrections, facts, decision)
          : decidePatient(command, state, facts, decision);
      },
    });
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
  private async erase(message: PatientCommandMessage): Promise<CommandOutcome> {
    const { cptsId } = message.meta;
    const patientId = message.patientId!;
    const forget = () => {
      this.vault.destroy(cptsId, patientId);
      this.index.remove(cptsId, patientId);
      this.idempotency.forgetStream(streamId('patient', cptsId, patientId));
    };
    this.vault.markErasurePending(cptsId, patientId);
    let outcome: CommandOutcome;
    try {
      outcome = await this.decide(message);
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

export const patientCommandHandlers = [PatientCommandHandler];
