import { IdentityIntegrityError, type IdentityVault } from '@parcours/crypto';
import type { EventStore, RecordedEvent } from '@parcours/event-store';
import { memberEvolver } from '../../members/member.decider';
import { patientEvolver } from '../../patients/patient.decider';
import { readIdentity } from '../../patients/patient-facts';
import { stateOf, toStored } from '../../shared/command-runner';
import type { CorrectionEvent } from '../../shared/corrections';
import type { DomainEvent } from '../../shared/decider';
import { parseStreamId, streamId } from '../../shared/ids';

/** The INS without spaces, upper case (`2A`/`2B` for Corsica): how two INS are compared. */
export const normalizeIns = (ins: string): string => ins.replace(/\s+/g, '').toUpperCase();

/** An INS compared without its 2-digit key, when given with one (13 characters identify the person). */
const insKey = (ins: string): string => normalizeIns(ins).slice(0, 13);

/**
 * What an import must find in the CPTS before deciding: the members by RPPS (the professionals a FHIR
 * resource names), the patients by INS (never by name), the pathways of the referrals and discharges
 * imported before. Read from the event store (not from the read models, which may lag), once per import.
 *
 * Matching a patient reads the identities: the system checking a rule, as `PatientFacts` does, not a
 * person reading them — nothing of it leaves the import.
 */
export class CptsDirectory {
  private readonly membersByRpps = new Map<
    string,
    { memberId: string; profession: string; active: boolean }
  >();
  private readonly patientsByIns = new Map<string, string>();
  private readonly pathwayOf = new Map<string, string>();

  private constructor(readonly cptsId: string) {}

  static async load(store: EventStore, vault: IdentityVault, cptsId: string): Promise<CptsDirectory> {
    const directory = new CptsDirectory(cptsId);
    const streams = new Map<string, RecordedEvent[]>();
    const prefixes = ['member', 'patient', 'pathway'].map((category) => `${category}-${cptsId}.`);
    for (let after: bigint | undefined; ;) {
      const page = await store.readAll({ after, maxCount: 1000, filter: { streamPrefixes: prefixes } });
      for (const event of page) {
        const list = streams.get(event.streamId) ?? [];
        list.push(event);
        streams.set(event.streamId, list);
      }
      if (page.length < 1000) break;
      after = page[page.length - 1].position;
    }
    for (const [stream, events] of streams) {
      const parsed = parseStreamId(stream);
      if (!parsed?.id || parsed.cptsId !== cptsId) continue;
      const history = events.map((event) => toStored<DomainEvent | CorrectionEvent>(event));
      if (parsed.category === 'member') directory.addMemberStream(parsed.id, history);
      else if (parsed.category === 'patient') directory.addPatientStream(vault, parsed.id, history);
      else directory.addPathwayStream(parsed.id, events);
    }
    return directory;
  }

  private addMemberStream(memberId: string, history: Parameters<typeof stateOf>[1]): void {
    const state = stateOf(memberEvolver, history as never);
    if (!state.exists || state.rpps === undefined) return;
    const active = state.leftOn === undefined;
    const known = this.membersByRpps.get(state.rpps);
    // A professional who left and joined again has two member records: the current one wins.
    if (!known || (!known.active && active))
      this.membersByRpps.set(state.rpps, { memberId, profession: state.profession, active });
  }

  private addPatientStream(
    vault: IdentityVault,
    patientId: string,
    history: Parameters<typeof stateOf>[1],
  ): void {
    const state = stateOf(patientEvolver, history as never);
    try {
      const identity = readIdentity(vault, this.cptsId, patientId, state);
      if (identity?.ins) this.patientsByIns.set(insKey(identity.ins), patientId);
    } catch (error) {
      // A ciphertext that does not open matches nothing; the audit routes report it.
      if (!(error instanceof IdentityIntegrityError)) throw error;
    }
  }

  private addPathwayStream(pathwayId: string, events: RecordedEvent[]): void {
    for (const event of events) {
      const data = event.data as { referralId?: unknown; dischargeId?: unknown };
      if (event.type === 'PatientReferred' && typeof data.referralId === 'string')
        this.pathwayOf.set(data.referralId, pathwayId);
      if (event.type === 'DischargeNotified' && typeof data.dischargeId === 'string')
        this.pathwayOf.set(data.dischargeId, pathwayId);
    }
  }

  /** The member holding this RPPS (the current membership of one who left and came back). */
  memberByRpps(rpps: string): { memberId: string; profession: string } | undefined {
    const found = this.membersByRpps.get(rpps);
    return found && { memberId: found.memberId, profession: found.profession };
  }

  patientByIns(ins: string): string | undefined {
    return this.patientsByIns.get(insKey(ins));
  }

  /** A patient registered by this import, found by its INS for the rest of the import. */
  addPatient(ins: string, patientId: string): void {
    this.patientsByIns.set(insKey(ins), patientId);
  }

  /** The pathway holding a referral or a discharge, by its id. */
  pathwayHolding(recordId: string): string | undefined {
    return this.pathwayOf.get(recordId);
  }

  addRecord(recordId: string, pathwayId: string): void {
    this.pathwayOf.set(recordId, pathwayId);
  }

  streamOf(category: 'patient' | 'pathway', id: string): string {
    return streamId(category, this.cptsId, id);
  }
}
