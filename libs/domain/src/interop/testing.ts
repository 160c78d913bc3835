import { BlindIndex, IdentityVault } from '@parcours/crypto';
import { type EventStore, SqliteEventStore } from '@parcours/event-store';
import { SqliteIdempotencyStore } from '@parcours/sqlite-stores';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CptsCommandHandler, CptsCommandMessage } from '../cpts/cpts.handler';
import { MemberCommandHandler, MemberCommandMessage } from '../members/members.handler';
import type { MemberJoined } from '../members/member.events';
import type { PatientIdentity } from '../patients/patient.events';
import { PatientCommandHandler, PatientCommandMessage } from '../patients/patients.handler';
import type { CommandMeta } from '../shared/command-runner';
import { IdSource } from '../shared/ids';
import { insKey } from './shared/french-identifiers';
import type { ImportContext } from './shared/importer';
import { Importer } from './shared/importer';

/** A 15-character INS with the right key, from its 13 characters. */
export const ins = (nir13: string): string => `${nir13}${String(insKey(nir13)).padStart(2, '0')}`;

/**
 * What an import test needs, in-process: an SQLite store in memory, a vault and an idempotency store in a
 * temporary directory, the importer, and the API's handlers to set the scene with.
 */
export class InteropWorld {
  readonly dir = mkdtempSync(join(tmpdir(), 'parcours-interop-'));
  readonly store: EventStore = new SqliteEventStore({ path: ':memory:' });
  readonly vault = new IdentityVault(join(this.dir, 'keys', 'patient-keys.db'));
  readonly idempotency = new SqliteIdempotencyStore(join(this.dir, 'idempotency.db'), Buffer.alloc(32, 7));
  readonly index = new BlindIndex(join(this.dir, 'keys', 'blind-index.db'), this.vault);
  readonly importer = new Importer(this.store, this.vault, this.idempotency, this.index);

  constructor(readonly cptsId = 'cpts-interop') {}

  context(source: ImportContext['source'], now = new Date()): ImportContext {
    return {
      cptsId: this.cptsId,
      actor: { id: 'coordinator-1', role: 'coordinator' },
      correlationId: 'test',
      source,
      now,
    };
  }

  meta(cptsId = this.cptsId): CommandMeta {
    return {
      cptsId,
      actor: { id: 'coordinator-1', role: 'coordinator' },
      correlationId: 'test',
      commandId: 'setup',
      source: 'api',
      ids: new IdSource(cptsId),
      now: new Date(),
    };
  }

  async registerCpts(cptsId = this.cptsId): Promise<void> {
    await new CptsCommandHandler(this.store).execute(
      new CptsCommandMessage(this.meta(cptsId), {
        type: 'RegisterCpts',
        data: { name: cptsId, population: 60_000, communes: ['69123'] },
      }),
    );
  }

  async join(
    member: Partial<MemberJoined> & Pick<MemberJoined, 'displayName' | 'profession'>,
    cptsId = this.cptsId,
  ) {
    const outcome = await new MemberCommandHandler(this.store).execute(
      new MemberCommandMessage(this.meta(cptsId), null, {
        type: 'JoinMember',
        data: { mode: 'liberal', joinedOn: '2020-01-06', sasParticipant: false, ...member },
      }),
    );
    return outcome.id;
  }

  async registerPatient(identity: PatientIdentity, cptsId = this.cptsId): Promise<string> {
    const outcome = await new PatientCommandHandler(
      this.store,
      this.vault,
      this.idempotency,
      this.index,
    ).execute(
      new PatientCommandMessage(this.meta(cptsId), null, {
        type: 'RegisterPatient',
        data: {
          identity,
          sex: 'F',
          birthYear: Number(identity.birthDate.slice(0, 4)),
          ald: false,
          precarious: false,
          hasMedecinTraitant: false,
        },
      }),
    );
    return outcome.id;
  }

  /** Every event of the log: `stream type`, in log order. */
  async log(): Promise<string[]> {
    return (await this.store.readAll({ maxCount: 100_000 })).map(
      (event) => `${event.streamId} ${event.type}`,
    );
  }

  async dispose(): Promise<void> {
    await this.store.close();
    this.index.close();
    this.vault.close();
    this.idempotency.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
