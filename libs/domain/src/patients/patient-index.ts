import { type BlindIndex, type BlindQuery, type IndexedIdentity, matchesInClear } from '@parcours/crypto';
import type { EventStore } from '@parcours/event-store';
import { load } from '../shared/command-runner';
import { DuplicateRecordError } from '../shared/errors';
import { streamId } from '../shared/ids';
import { patientEvolver } from './patient.decider';
import type { PatientIdentity } from './patient.events';

/** What the patients' handler needs of the blind index: find, and keep it up to date. */
export interface PatientIndex {
  find(cptsId: string, query: BlindQuery): string[];
  hasIns(cptsId: string, patientId: string): boolean;
  put(cptsId: string, patientId: string, identity: IndexedIdentity): void;
  remove(cptsId: string, patientId: string): void;
}

/**
 * The index as an import sees it: what is indexed, plus the identities the import registered and has not
 * committed yet (so a file naming one person twice is caught), written to the index only once the import
 * is committed (`flush`); an import refused leaves nothing in it.
 */
export class StagedPatientIndex implements PatientIndex {
  private readonly staged = new Map<string, { cptsId: string; identity: IndexedIdentity }>();

  constructor(private readonly index: BlindIndex) {}

  find(cptsId: string, query: BlindQuery): string[] {
    const found = new Set(this.index.find(cptsId, query).filter((id) => !this.staged.has(id)));
    for (const [id, entry] of this.staged) {
      if (entry.cptsId === cptsId && matchesInClear(entry.identity, query)) found.add(id);
    }
    return [...found].sort();
  }

  hasIns(cptsId: string, patientId: string): boolean {
    const entry = this.staged.get(patientId);
    return entry ? entry.identity.ins !== undefined : this.index.hasIns(cptsId, patientId);
  }

  put(cptsId: string, patientId: string, identity: IndexedIdentity): void {
    this.staged.set(patientId, { cptsId, identity });
  }

  remove(cptsId: string, patientId: string): void {
    this.staged.delete(patientId);
    this.index.remove(cptsId, patientId);
  }

  flush(): void {
    for (const [id, { cptsId, identity }] of this.staged) this.index.put(cptsId, id, identity);
    this.staged.clear();
  }
}

/** The patients the index names that exist and are not erased, in the store the decision reads. */
async function living(store: EventStore, cptsId: string, ids: string[], self: string): Promise<string[]> {
  const alive: string[] = [];
  for (const id of ids) {
    if (id === self) continue;
    const { state } = await load(store, streamId('patient', cptsId, id), patientEvolver);
    if (state.exists && !state.erased) alive.push(id);
  }
  return alive;
}

/**
 * Duplicate checks of a registration (and of a corrected identity), on every path into the log:
 * - the same INS as another patient: 409 `duplicate-ins`, naming the patient;
 * - the same names and birth date as another patient, unless both have an INS (then they differ, so these
 *   are two people): 409 `possible-duplicate` naming them, until the request confirms each one is someone
 *   else (`notDuplicateOf`). A corrected identity is checked for the INS only: the record exists already.
 */
export async function checkDuplicates(
  store: EventStore,
  index: PatientIndex,
  cptsId: string,
  patientId: string,
  identity: PatientIdentity,
  options: { notDuplicateOf?: string[]; insOnly?: boolean },
): Promise<void> {
  if (identity.ins) {
    const sameIns = await living(store, cptsId, index.find(cptsId, { ins: identity.ins }), patientId);
    if (sameIns.length > 0) {
      throw new DuplicateRecordError(
        'duplicate-ins',
        {
          fr: `Un patient de la CPTS a déjà cet INS (patient ${sameIns[0]}) : ouvrez son dossier plutôt que d’en créer un second.`,
          en: `A patient of the CPTS already has this INS (patient ${sameIns[0]}): open that record rather than creating a second one.`,
        },
        'identity.ins',
        sameIns,
      );
    }
  }
  if (options.insOnly) return;
  const name = `${identity.familyName} ${identity.givenName}`;
  const confirmed = new Set(options.notDuplicateOf ?? []);
  const sameName = (
    await living(store, cptsId, index.find(cptsId, { name, birthDate: identity.birthDate }), patientId)
  ).filter((id) => !confirmed.has(id) && !(identity.ins && index.hasIns(cptsId, id)));
  if (sameName.length > 0) {
    throw new DuplicateRecordError(
      'possible-duplicate',
      {
        fr: `Un patient de même nom et de même date de naissance est déjà enregistré (${sameName.join(', ')}) : vérifiez qu’il ne s’agit pas de la même personne, puis confirmez.`,
        en: `A patient with the same names and birth date is already registered (${sameName.join(', ')}): check it is not the same person, then confirm.`,
      },
      'identity',
      sameName,
    );
  }
}
