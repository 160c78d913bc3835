import { verifyChain, type RecordedEvent } from '@parcours/event-store';
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, type RunningApi } from '../../../../test/support/api-process';
import { apiWithTenants, command, token } from '../../../../test/support/tenant';

const CPTS = 'cpts-patients';
const OTHER = 'cpts-patients-other';
const identity = {
  familyName: 'Zyxwvoulian',
  givenName: 'Quenteline',
  birthDate: '1951-07-23',
  ins: '251077512345612',
};
const registration = {
  identity,
  sex: 'F',
  birthYear: 1951,
  commune: '69123',
  ald: true,
  precarious: false,
  hasMedecinTraitant: false,
};
/** Another patient, an INS of its own: the same INS twice is refused as a duplicate. */
let serial = 100;
const anotherRegistration = () => {
  serial += 1;
  return { ...registration, identity: { ...identity, ins: `2510775123${serial}12` } };
};
const clearStrings = [identity.familyName, identity.givenName, identity.birthDate, identity.ins];
const nextYear = `${new Date().getUTCFullYear() + 1}-01-15`;
const member = (profession: string, displayName: string) => ({
  displayName,
  profession,
  mode: 'liberal',
  joinedOn: '2020-01-10',
  sasParticipant: false,
});

/** The rows of one stream, read straight from the SQLite file, as the store would return them. */
function streamEvents(dataDir: string, streamId: string): RecordedEvent[] {
  const db = new Database(join(dataDir, 'events.db'), { readonly: true });
  try {
    const rows = db
      .prepare(
        'SELECT position, stream_id, revision, type, data, metadata FROM events WHERE stream_id = ? ORDER BY revision',
      )
      .all(streamId) as Array<{
      position: number;
      stream_id: string;
      revision: number;
      type: string;
      data: string;
      metadata: string;
    }>;
    return rows.map((row) => ({
      streamId: row.stream_id,
      revision: row.revision,
      position: BigInt(row.position),
      type: row.type,
      data: JSON.parse(row.data),
      metadata: JSON.parse(row.metadata),
    }));
  } finally {
    db.close();
  }
}

function keyCount(dataDir: string, cptsId: string, patientId: string): number {
  const db = new Database(join(dataDir, 'keys', 'patient-keys.db'), { readonly: true });
  try {
    return (
      db
        .prepare('SELECT count(*) AS n FROM patient_keys WHERE cpts_id = ? AND patient_id = ?')
        .get(cptsId, patientId) as { n: number }
    ).n;
  } finally {
    db.close();
  }
}

describe('patients over HTTP', () => {
  let api: RunningApi;
  let dataDir: string;
  let base: string;
  let coordinator: string;
  let auditor: string;
  let analyst: string;
  let gpId: string;
  let gp2Id: string;
  let pharmacistId: string;
  let nurseId: string;
  let leaverId: string;
  let gp: string;
  let nurse: string;
  let patientId: string;

  const patientUrl = (id: string) => `${base}/${id}`;
  const read = (id: string, tokenValue: string, headers: Record<string, string> = {}) =>
    call(patientUrl(id), { token: tokenValue, headers });
  const accessLog = async (id: string) =>
    (await call(`${api.url}/api/v1/cpts/${CPTS}/audit/access-log?patientId=${id}`, { token: auditor })).body
      .entries as Array<Record<string, string>>;
  /** Puts members in the patient's care circle (coordinator), and returns the last command's position. */
  const joinCircle = async (id: string, ...memberIds: string[]) => {
    let position = '0';
    for (const memberId of memberIds) {
      ({ position } = await command(`${patientUrl(id)}/care-team`, coordinator, {
        memberId,
        role: 'autre',
        from: '2026-01-02',
      }));
    }
    // The care circle's read model has them before the next read.
    await call(`${patientUrl(id)}/care-team?consistentWith=${position}`, { token: coordinator });
    return position;
  };
  const expectRule = async (url: string, tokenValue: string, body: unknown, rule: string, path?: string) => {
    const response = await call(url, { token: tokenValue, body });
    expect([response.status, response.body?.rule]).toEqual([422, rule]);
    if (path === undefined) expect(response.body.errors).toBeUndefined();
    else expect(response.body.errors[0].path).toBe(path);
    return response;
  };

  /** As the coordinator: each body refused at `url` with its rule, naming its field (none: no field). */
  const expectRules = async (url: string, cases: Array<[body: unknown, rule: string, path?: string]>) => {
    for (const [body, rule, path] of cases) await expectRule(url, coordinator, body, rule, path);
  };

  beforeAll(async () => {
    ({ api, dataDir, patients: base, coordinator, auditor, analyst } = await apiWithTenants(CPTS, OTHER));
    const members = `${api.url}/api/v1/cpts/${CPTS}/members`;
    gpId = (await command(members, coordinator, member('medecin-generaliste', 'Dr Martin'))).id;
    gp2Id = (await command(members, coordinator, member('medecin-generaliste', 'Dr Bernard'))).id;
    pharmacistId = (await command(members, coordinator, member('pharmacien', 'Mme Petit'))).id;
    nurseId = (await command(members, coordinator, member('infirmier', 'M. Durand'))).id;
    leaverId = (await command(members, coordinator, member('medecin-generaliste', 'Dr Parti'))).id;
    await command(`${members}/${leaverId}/departure`, coordinator, { leftOn: '2025-12-31' });
    gp = await token(api.url, CPTS, 'professional', gpId);
    nurse = await token(api.url, CPTS, 'professional', nurseId);
    patientId = (await command(base, coordinator, registration)).id;
  });
  afterAll(() => api.dispose());

  describe('registration and identity reads', () => {
    it('registers a patient (201) and shows its identity to coordinator, auditor and the professionals of its care circle', async () => {
      // Outside the care circle, a professional is told there is no such patient.
      for (const outsider of [gp, nurse]) {
        expect((await read(patientId, outsider)).status).toBe(404);
        expect((await call(`${patientUrl(patientId)}/summary`, { token: outsider })).status).toBe(404);
        expect((await call(`${patientUrl(patientId)}/care-team`, { token: outsider })).status).toBe(404);
      }
      expect(await accessLog(patientId)).toEqual([]);
      await joinCircle(patientId, gpId, nurseId);
      for (const reader of [coordinator, auditor, gp, nurse]) {
        const response = await read(patientId, reader);
        expect(response.status).toBe(200);
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(response.body).toEqual({
          id: patientId,
          revision: 2,
          sex: 'F',
          birthYear: 1951,
          commune: '69123',
          ald: true,
          precarious: false,
          hasMedecinTraitant: false,
          consents: {},
          consentDates: {},
          blockedMemberIds: [],
          erased: false,
          identity,
        });
      }
    });

    it('refuses analysts (403)', async () => {
      expect((await read(patientId, analyst)).status).toBe(403);
    });

    it('never writes the identity in clear to the event store: only its AES-256-GCM ciphertext', () => {
      const db = new Database(join(dataDir, 'events.db'), { readonly: true });
      const rows = db.prepare('SELECT stream_id, type, data, metadata FROM events').all() as Array<
        Record<string, string>
      >;
      db.close();
      const everything = JSON.stringify(rows);
      for (const text of clearStrings) expect(everything).not.toContain(text);
      const files = ['events.db', 'events.db-wal']
        .map((file) => join(dataDir, file))
        .filter(existsSync)
        .map((file) => readFileSync(file).toString('latin1'));
      for (const text of clearStrings) expect(files.some((content) => content.includes(text))).toBe(false);
      for (const text of clearStrings) expect(api.output()).not.toContain(text);

      const [registered] = streamEvents(dataDir, `patient-${CPTS}.${patientId}`);
      expect(registered.type).toBe('PatientRegistered');
      expect(registered.data.identity).toEqual({
        alg: 'A256GCM',
        iv: expect.any(String),
        ciphertext: expect.any(String),
        tag: expect.any(String),
      });
      expect(registered.data).toMatchObject({ sex: 'F', birthYear: 1951, ald: true });
    });

    it('is 404 for an unknown patient, 400 for an id that is not a UUID', async () => {
      expect((await read('0193a0e0-0000-7000-8000-000000000000', coordinator)).status).toBe(404);
      const notUuid = await read('42', coordinator);
      expect(notUuid.status).toBe(400);
      expect(notUuid.body.errors).toEqual([expect.objectContaining({ path: 'patientId' })]);
    });

    it('a retry with the same Idempotency-Key returns the first patient and appends nothing', async () => {
      const headers = { 'idempotency-key': `register-${Date.now()}` };
      const body = anotherRegistration();
      const first = await call(base, { token: coordinator, body, headers });
      expect(first.status).toBe(201);
      const retry = await call(base, { token: coordinator, body, headers });
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);
      expect(streamEvents(dataDir, first.body.streamId)).toHaveLength(1);
      expect((await read(first.body.id, coordinator)).body.identity).toEqual(body.identity);
    });

    it('validates the body (400 naming the fields)', async () => {
      const bad = await call(base, {
        token: coordinator,
        body: { ...registration, sex: 'Z', identity: { ...identity, ins: '12', birthDate: '1951-02-30' } },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
        'identity.birthDate',
        'identity.ins',
        'sex',
      ]);
    });
  });

  describe('access log', () => {
    it('has one entry per identity read, with who, role, purpose and request id; none for a 403', async () => {
      const id = (await command(base, coordinator, anotherRegistration())).id;
      await joinCircle(id, gpId);
      await read(id, coordinator);
      await read(id, gp, { 'x-purpose': 'Coordination-Sortie', 'x-request-id': 'req-patients-1' });
      expect((await read(id, analyst)).status).toBe(403);
      const bad = await read(id, gp, { 'x-purpose': 'parce que je veux' });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'X-Purpose' })]);

      const entries = await accessLog(id);
      expect(entries).toHaveLength(2);
      expect(entries[0]).toEqual({
        id: expect.any(String),
        at: expect.any(String),
        cptsId: CPTS,
        patientId: id,
        actorId: gpId,
        role: 'professional',
        purpose: 'coordination-sortie',
        requestId: 'req-patients-1',
      });
      expect(entries[1]).toMatchObject({ actorId: 'coord-1', role: 'coordinator', purpose: 'consultation' });
      expect(entries[0].at >= entries[1].at).toBe(true);

      await read(id, auditor);
      expect(await accessLog(id)).toHaveLength(3);
    });

    it('is for auditors only, and filters by period', async () => {
      const url = `${api.url}/api/v1/cpts/${CPTS}/audit/access-log`;
      for (const other of [coordinator, gp, analyst])
        expect((await call(url, { token: other })).status).toBe(403);
      const today = new Date().toISOString().slice(0, 10);
      const all = await call(url, { token: auditor });
      expect(all.status).toBe(200);
      expect(all.body.entries.length).toBeGreaterThan(0);
      expect((await call(`${url}?from=2020-01-01&to=2020-12-31`, { token: auditor })).body.entries).toEqual(
        [],
      );
      const recent = await call(`${url}?from=${today}&limit=2`, { token: auditor });
      expect(recent.body.entries).toHaveLength(2);
      expect(recent.body.truncated).toBe(true);
      expect((await call(`${url}?from=yesterday`, { token: auditor })).status).toBe(400);
    });
  });

  describe('blocking', () => {
    let id: string;
    beforeAll(async () => {
      id = (await command(base, coordinator, anotherRegistration())).id;
      await joinCircle(id, gpId, nurseId);
      await command(`${patientUrl(id)}/blocks`, coordinator, { memberId: nurseId, on: '2026-02-01' });
    });

    it('a blocked professional gets 403 with a clear message, and no access-log entry', async () => {
      const response = await call(patientUrl(id), {
        token: nurse,
        headers: { 'accept-language': 'en' },
      });
      expect(response.status).toBe(403);
      expect(response.body.detail).toMatch(/refused you access/);
      expect((await read(id, nurse)).body.detail).toMatch(/refusé/);
      expect(await accessLog(id)).toEqual([]);
      expect((await read(id, gp)).body.blockedMemberIds).toEqual([nurseId]);
    });

    it('a blocked professional can record nothing for the patient (422 professional-blocked)', async () => {
      await expectRule(
        `${api.url}/api/v1/cpts/${CPTS}/pathways`,
        nurse,
        { patientId: id, kind: 'bpco', openedAt: '2026-02-02T10:00:00+01:00' },
        'professional-blocked',
      );
    });

    it('a professional cannot lift a block, nor change anything else in the patient’s record (403)', async () => {
      const changes: Array<[string, object]> = [
        ['unblocks', { memberId: nurseId, on: '2026-02-02' }],
        ['blocks', { memberId: gpId, on: '2026-02-02' }],
        ['consents', { scope: 'resultat-test', decision: 'accord', on: '2026-02-02' }],
        ['medecin-traitant', { memberId: gpId, assignedOn: '2026-02-02' }],
        ['medecin-traitant-search', { registeredOn: '2026-02-02', requestedBy: 'patient', priority: 'ald' }],
        ['pharmacien-correspondant', { memberId: pharmacistId, on: '2026-02-02' }],
        ['erasure', { on: '2026-02-02', reason: 'demande du patient' }],
      ];
      for (const [route, body] of changes) {
        for (const professional of [nurse, gp]) {
          const response = await call(`${patientUrl(id)}/${route}`, { token: professional, body });
          expect([route, response.status]).toEqual([route, 403]);
        }
      }
      expect((await call(base, { token: gp, body: registration })).status).toBe(403);
      // The block still holds: the nurse still cannot read the patient.
      expect((await read(id, nurse)).status).toBe(403);
      expect((await read(id, gp)).body.blockedMemberIds).toEqual([nurseId]);
    });

    it('refuses blocking twice, and unblocking someone not blocked', async () => {
      await expectRule(
        `${patientUrl(id)}/blocks`,
        coordinator,
        { memberId: nurseId, on: '2026-02-03' },
        'already-blocked',
        'memberId',
      );
      await expectRule(
        `${patientUrl(id)}/unblocks`,
        coordinator,
        { memberId: gpId, on: '2026-02-03' },
        'not-blocked',
        'memberId',
      );
    });

    it('refuses blocking a member of no CPTS of ours, or one who had left', async () => {
      const otherCoordinator = await token(api.url, OTHER, 'coordinator');
      const foreign = await command(
        `${api.url}/api/v1/cpts/${OTHER}/members`,
        otherCoordinator,
        member('infirmier', 'Ailleurs'),
      );
      await expectRules(`${patientUrl(id)}/blocks`, [
        [{ memberId: foreign.id, on: '2026-02-03' }, 'unknown-member', 'memberId'],
        [{ memberId: leaverId, on: '2026-02-03' }, 'member-has-left', 'memberId'],
      ]);
    });

    it('after an unblock the professional reads and records again', async () => {
      await command(`${patientUrl(id)}/unblocks`, coordinator, { memberId: nurseId, on: '2026-02-10' });
      expect((await read(id, nurse)).status).toBe(200);
      await command(`${api.url}/api/v1/cpts/${CPTS}/pathways`, nurse, {
        patientId: id,
        kind: 'bpco',
        openedAt: '2026-02-11T10:00:00+01:00',
      });
    });
  });

  describe('rules of the other commands', () => {
    let id: string;
    beforeAll(async () => {
      id = (await command(base, coordinator, anotherRegistration())).id;
    });

    it('registration: birth year must be the birth date’s, birth date not in the future', async () => {
      await expectRules(base, [
        [{ ...registration, birthYear: 1952 }, 'birth-year-mismatch', 'birthYear'],
        [
          {
            ...registration,
            birthYear: Number(nextYear.slice(0, 4)),
            identity: { ...identity, birthDate: nextYear },
          },
          'business-time-in-future',
          'identity.birthDate',
        ],
      ]);
    });

    it('business time: not in the future, not before the patient’s birth', async () => {
      await expectRules(`${patientUrl(id)}/consents`, [
        [{ scope: 'dossier-partage', decision: 'accord', on: nextYear }, 'business-time-in-future', 'on'],
        [{ scope: 'dossier-partage', decision: 'accord', on: '1951-07-22' }, 'business-time-too-early', 'on'],
      ]);
    });

    it('consents: a withdrawal needs a consent given', async () => {
      await expectRule(
        `${patientUrl(id)}/consents`,
        coordinator,
        { scope: 'partage-medecin-traitant', decision: 'retrait', on: '2026-02-01' },
        'consent-not-given',
        'decision',
      );
      await command(`${patientUrl(id)}/consents`, coordinator, {
        scope: 'partage-medecin-traitant',
        decision: 'accord',
        on: '2026-02-01',
      });
      await command(`${patientUrl(id)}/consents`, coordinator, {
        scope: 'partage-medecin-traitant',
        decision: 'retrait',
        on: '2026-03-01',
      });
      expect((await read(id, coordinator)).body.consents).toEqual({ 'partage-medecin-traitant': 'retrait' });
    });

    it('médecin-traitant search: an active member of this CPTS or the patient, one open search at a time', async () => {
      const url = `${patientUrl(id)}/medecin-traitant-search`;
      await expectRules(url, [
        [
          { registeredOn: '2026-02-01', requestedBy: leaverId, priority: 'ald' },
          'member-has-left',
          'requestedBy',
        ],
        [
          {
            registeredOn: '2026-02-01',
            requestedBy: '0193a0e0-0000-7000-8000-00000000dead',
            priority: 'ald',
          },
          'unknown-member',
          'requestedBy',
        ],
      ]);
      await command(url, coordinator, {
        registeredOn: '2026-02-01',
        requestedBy: 'patient',
        priority: 'ald',
      });
      await expectRule(
        url,
        coordinator,
        { registeredOn: '2026-02-02', requestedBy: gpId, priority: 'ald' },
        'medecin-traitant-search-open',
      );
    });

    it('médecin traitant: a medecin-generaliste member who has not left, not blocked, not already the one', async () => {
      const url = `${patientUrl(id)}/medecin-traitant`;
      await expectRules(url, [
        [{ memberId: pharmacistId, assignedOn: '2026-02-15' }, 'not-a-medecin-generaliste', 'memberId'],
        [{ memberId: leaverId, assignedOn: '2026-02-15' }, 'member-has-left', 'memberId'],
      ]);
      await command(`${patientUrl(id)}/blocks`, coordinator, { memberId: gp2Id, on: '2026-02-10' });
      await expectRule(
        url,
        coordinator,
        { memberId: gp2Id, assignedOn: '2026-02-15' },
        'professional-blocked',
        'memberId',
      );
      await command(url, coordinator, { memberId: gpId, assignedOn: '2026-02-15' });
      await expectRule(
        url,
        coordinator,
        { memberId: gpId, assignedOn: '2026-02-16' },
        'already-medecin-traitant',
        'memberId',
      );
      expect((await read(id, coordinator)).body).toMatchObject({
        hasMedecinTraitant: true,
        medecinTraitantMemberId: gpId,
      });
    });

    it('pharmacien correspondant: a pharmacien member', async () => {
      const url = `${patientUrl(id)}/pharmacien-correspondant`;
      await expectRule(
        url,
        coordinator,
        { memberId: nurseId, on: '2026-02-15' },
        'not-a-pharmacien',
        'memberId',
      );
      await command(url, coordinator, { memberId: pharmacistId, on: '2026-02-15' });
      expect((await read(id, coordinator)).body.pharmacienCorrespondantMemberId).toBe(pharmacistId);
    });

    it('is 404 for commands on an unknown patient', async () => {
      const response = await call(`${patientUrl('0193a0e0-0000-7000-8000-000000000000')}/consents`, {
        token: coordinator,
        body: { scope: 'resultat-test', decision: 'accord', on: '2026-02-01' },
      });
      expect(response.status).toBe(404);
    });
  });

  describe('the care circle', () => {
    it('adds a member, lists them with the médecin traitant, and removes them; coordinators only', async () => {
      const id = (await command(base, coordinator, anotherRegistration())).id;
      await command(`${patientUrl(id)}/medecin-traitant`, coordinator, {
        memberId: gpId,
        assignedOn: '2026-01-05',
      });
      const added = await command(`${patientUrl(id)}/care-team`, coordinator, {
        memberId: nurseId,
        role: 'soins-infirmiers',
        from: '2026-02-01',
      });
      const circle = await call(`${patientUrl(id)}/care-team?consistentWith=${added.position}`, {
        token: gp,
      });
      expect(circle.status).toBe(200);
      expect(circle.body.members).toEqual([
        expect.objectContaining({ memberId: gpId, displayName: 'Dr Martin', basis: 'medecin-traitant' }),
        expect.objectContaining({
          memberId: nurseId,
          displayName: 'M. Durand',
          basis: 'care-team',
          role: 'soins-infirmiers',
          from: '2026-02-01',
          eventId: expect.any(String),
        }),
      ]);
      const byProfessional = await call(`${patientUrl(id)}/care-team`, {
        token: nurse,
        body: { memberId: pharmacistId, role: 'dispensation', from: '2026-02-01' },
      });
      expect(byProfessional.status).toBe(403);
      expect((await call(`${patientUrl(id)}/care-team`, { token: analyst })).status).toBe(403);

      const removed = await command(`${patientUrl(id)}/care-team/removals`, coordinator, {
        memberId: nurseId,
        to: '2026-03-31',
        reason: 'Fin des soins',
      });
      const after = await call(`${patientUrl(id)}/care-team?consistentWith=${removed.position}`, {
        token: coordinator,
      });
      expect(after.body.members.map((m: { memberId: string }) => m.memberId)).toEqual([gpId]);
      expect(after.body.past).toEqual([
        expect.objectContaining({ memberId: nurseId, from: '2026-02-01', to: '2026-03-31', blocked: false }),
      ]);
    });

    it('refuses what the rules refuse, naming the field, and bad bodies with 400', async () => {
      const id = (await command(base, coordinator, anotherRegistration())).id;
      const url = `${patientUrl(id)}/care-team`;
      await expectRules(url, [
        [{ memberId: leaverId, role: 'autre', from: '2026-02-01' }, 'member-has-left', 'memberId'],
        [{ memberId: nurseId, role: 'autre', from: nextYear }, 'business-time-in-future', 'from'],
      ]);
      await command(url, coordinator, { memberId: nurseId, role: 'autre', from: '2026-02-01' });
      await expectRule(
        url,
        coordinator,
        { memberId: nurseId, role: 'autre', from: '2026-02-02' },
        'already-in-care-team',
        'memberId',
      );
      await expectRule(
        `${url}/removals`,
        coordinator,
        { memberId: gp2Id, to: '2026-02-03', reason: 'Erreur' },
        'not-in-care-team',
        'memberId',
      );
      const bad = await call(url, {
        token: coordinator,
        body: { memberId: nurseId, role: 'chef', from: '2026-02-01' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'role' })]);
      const unknownPatient = await call(`${patientUrl('0193a0e0-0000-7000-8000-000000000000')}/care-team`, {
        token: coordinator,
        body: { memberId: nurseId, role: 'autre', from: '2026-02-01' },
      });
      expect(unknownPatient.status).toBe(404);
    });

    it('corrects and voids a stay through the patient’s corrections, decided again', async () => {
      const id = (await command(base, coordinator, anotherRegistration())).id;
      const added = await command(`${patientUrl(id)}/care-team`, coordinator, {
        memberId: nurseId,
        role: 'soins-infirmiers',
        from: '2026-02-01',
      });
      const [, addition] = streamEvents(dataDir, added.streamId);
      await expectRule(
        `${patientUrl(id)}/corrections`,
        coordinator,
        { targetEventId: addition.metadata.eventId, reason: 'Erreur', correction: { from: nextYear } },
        'business-time-in-future',
        'correction.from',
      );
      const corrected = await command(`${patientUrl(id)}/corrections`, coordinator, {
        targetEventId: addition.metadata.eventId,
        reason: 'Erreur',
        correction: { role: 'coordination' },
      });
      const circle = await call(`${patientUrl(id)}/care-team?consistentWith=${corrected.position}`, {
        token: coordinator,
      });
      expect(circle.body.members).toEqual([
        expect.objectContaining({ memberId: nurseId, role: 'coordination' }),
      ]);
      const voided = await command(`${patientUrl(id)}/voidings`, coordinator, {
        targetEventId: addition.metadata.eventId,
        reason: 'Erreur',
      });
      const empty = await call(`${patientUrl(id)}/care-team?consistentWith=${voided.position}`, {
        token: coordinator,
      });
      expect(empty.body.members).toEqual([]);
    });
  });

  describe('emergency access (bris de glace)', () => {
    it('opens the record to a professional outside the circle for a purpose, logged and reported to coordinators', async () => {
      const patient = anotherRegistration();
      const id = (await command(base, coordinator, patient)).id;
      expect((await read(id, nurse)).status).toBe(404);
      const glass = `${patientUrl(id)}/break-glass`;
      const noPurpose = await call(glass, { token: nurse, body: {} });
      expect(noPurpose.status).toBe(400);
      expect(noPurpose.body.errors).toEqual([expect.objectContaining({ path: 'purpose' })]);
      const freeText = await call(glass, { token: nurse, body: { purpose: 'Mme X fait un malaise' } });
      expect(freeText.status).toBe(400);
      expect(await accessLog(id)).toEqual([]);

      const opened = await call(glass, { token: nurse, body: { purpose: 'urgence-vitale' } });
      expect(opened.status).toBe(201);
      expect(Date.parse(opened.body.until) - Date.parse(opened.body.at)).toBe(4 * 60 * 60 * 1000);
      const response = await read(id, nurse, { 'x-purpose': 'urgence' });
      expect(response.status).toBe(200);
      expect(response.body.identity).toEqual(patient.identity);
      expect((await call(`${patientUrl(id)}/summary`, { token: nurse })).status).toBe(200);
      expect((await read(id, gp)).status).toBe(404);

      const entries = await accessLog(id);
      expect(entries.map((entry) => [entry.actorId, entry.purpose])).toEqual([
        [nurseId, 'urgence'],
        [nurseId, 'bris-de-glace:urgence-vitale'],
      ]);
      const report = await call(`${base}/break-glass`, { token: coordinator });
      expect(report.status).toBe(200);
      expect(report.body.items).toContainEqual({
        id: expect.any(String),
        at: opened.body.at,
        until: opened.body.until,
        patientId: id,
        actorId: nurseId,
        purpose: 'urgence-vitale',
        active: true,
      });
      for (const other of [nurse, analyst]) {
        expect((await call(`${base}/break-glass`, { token: other })).status).toBe(403);
      }
      expect((await call(glass, { token: coordinator, body: { purpose: 'urgence-vitale' } })).status).toBe(
        403,
      );
    });

    it('does not override the patient’s own block, and is 404 for a patient that does not exist', async () => {
      const id = (await command(base, coordinator, anotherRegistration())).id;
      await command(`${patientUrl(id)}/blocks`, coordinator, { memberId: nurseId, on: '2026-02-01' });
      const refused = await call(`${patientUrl(id)}/break-glass`, {
        token: nurse,
        body: { purpose: 'urgence-vitale' },
      });
      expect(refused.status).toBe(403);
      expect(await accessLog(id)).toEqual([]);
      const missing = await call(`${patientUrl('0193a0e0-0000-7000-8000-000000000000')}/break-glass`, {
        token: nurse,
        body: { purpose: 'urgence-vitale' },
      });
      expect(missing.status).toBe(404);
    });
  });

  describe('unscheduled care and RCPs follow the care circle', () => {
    const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

    it('a professional reads a request about a patient only when oriented to them or in the circle', async () => {
      const id = (await command(base, coordinator, anotherRegistration())).id;
      await joinCircle(id, gpId);
      const snp = `${api.url}/api/v1/cpts/${CPTS}/unscheduled-care`;
      const about = await command(snp, coordinator, {
        receivedAt: hoursFromNow(-2),
        channel: 'telephone',
        motive: 'Renouvellement d’ordonnance',
        patientId: id,
        viaSas: false,
      });
      const anonymous = await command(snp, coordinator, {
        receivedAt: hoursFromNow(-1),
        channel: 'pharmacie',
        motive: 'Conseil',
        viaSas: false,
      });
      const listed = async (who: string, position: string) =>
        (
          (await call(`${snp}?consistentWith=${position}`, { token: who })).body.items as Array<{
            id: string;
          }>
        ).map((item) => item.id);
      expect(await listed(gp, anonymous.position)).toEqual(expect.arrayContaining([about.id, anonymous.id]));
      // The nurse is not in this patient's circle: the request about nobody registered, not the other.
      const nurseSees = await listed(nurse, anonymous.position);
      expect(nurseSees).toContain(anonymous.id);
      expect(nurseSees).not.toContain(about.id);
      expect((await call(`${snp}/${about.id}`, { token: nurse })).status).toBe(404);
      expect((await call(`${snp}/${about.id}`, { token: gp })).status).toBe(200);
      // Oriented to the nurse: now hers to read.
      const oriented = await command(`${snp}/${about.id}/orientation`, coordinator, {
        toMemberId: nurseId,
        appointmentAt: hoursFromNow(20),
      });
      expect(await listed(nurse, oriented.position)).toContain(about.id);
      expect((await call(`${snp}/${about.id}`, { token: nurse })).status).toBe(200);
      expect(await listed(auditor, oriented.position)).toEqual(
        expect.arrayContaining([about.id, anonymous.id]),
      );
    });

    it('an RCP’s decisions reach those who were there, and the professionals of the patients discussed', async () => {
      const id = (await command(base, coordinator, anotherRegistration())).id;
      await joinCircle(id, gpId);
      const pathways = `${api.url}/api/v1/cpts/${CPTS}/pathways`;
      const pathwayId = (
        await command(pathways, coordinator, {
          patientId: id,
          kind: 'sortie-hospitalisation',
          openedAt: '2026-03-01T09:00:00+01:00',
        })
      ).id;
      const rcps = `${api.url}/api/v1/cpts/${CPTS}/rcps`;
      const held = await command(rcps, coordinator, {
        convenedBy: pharmacistId,
        heldAt: '2026-03-04T17:30:00+01:00',
        durationMinutes: 60,
        complex: true,
        format: 'presentiel',
        participants: [{ memberId: pharmacistId }, { name: 'Mme Durand', profession: 'psychologue' }],
        patientPresent: false,
        familyPresent: false,
        cases: [{ pathwayId, decisions: ['Adapter le traitement'] }],
      });
      const pharmacist = await token(api.url, CPTS, 'professional', pharmacistId);
      for (const who of [pharmacist, gp, coordinator]) {
        const read = await call(`${rcps}/${held.id}`, { token: who });
        expect([read.status, read.body.cases]).toEqual([
          200,
          [{ pathwayId, decisions: ['Adapter le traitement'] }],
        ]);
      }
      // Neither there nor in the patient's circle: nothing exists here for the nurse.
      expect((await call(`${rcps}/${held.id}`, { token: nurse })).status).toBe(404);
    });
  });

  describe('erasure', () => {
    let id: string;
    let streamId: string;
    beforeAll(async () => {
      const registered = await command(base, coordinator, anotherRegistration());
      id = registered.id;
      streamId = registered.streamId;
      await command(`${patientUrl(id)}/consents`, coordinator, {
        scope: 'dossier-partage',
        decision: 'accord',
        on: '2026-01-05',
      });
      await joinCircle(id, gpId);
    });

    it('is for coordinators only', async () => {
      for (const other of [gp, auditor, analyst]) {
        const response = await call(`${patientUrl(id)}/erasure`, {
          token: other,
          body: { on: '2026-05-01', reason: 'demande' },
        });
        expect(response.status).toBe(403);
      }
    });

    it('destroys the key: the identity is gone, the facts stay, the hash chain still verifies', async () => {
      expect(keyCount(dataDir, CPTS, id)).toBe(1);
      const logged = (await accessLog(id)).length;
      const erased = await call(`${patientUrl(id)}/erasure`, {
        token: coordinator,
        body: { on: '2026-05-01', reason: 'demande du patient (art. 17 RGPD)' },
      });
      expect(erased.status).toBe(201);
      expect(erased.body).toMatchObject({ id, streamId, revision: 3 });

      expect(keyCount(dataDir, CPTS, id)).toBe(0);
      for (const reader of [coordinator, auditor, gp]) {
        const response = await read(id, reader);
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({
          id,
          revision: 3,
          identity: null,
          erased: true,
          erasedOn: '2026-05-01',
          birthYear: 1951,
          consents: { 'dossier-partage': 'accord' },
        });
      }
      expect(await accessLog(id)).toHaveLength(logged);

      const events = streamEvents(dataDir, streamId);
      expect(events.map((e) => e.type)).toEqual([
        'PatientRegistered',
        'ConsentRecorded',
        'CareTeamMemberAdded',
        'PatientIdentityErased',
      ]);
      expect(verifyChain(streamId, events)).toBeNull();
    });

    it('refuses erasing twice, and anything else afterwards (422 patient-erased)', async () => {
      await expectRule(
        `${patientUrl(id)}/erasure`,
        coordinator,
        { on: '2026-05-02', reason: 'encore' },
        'patient-erased',
      );
      await expectRule(
        `${patientUrl(id)}/consents`,
        coordinator,
        { scope: 'resultat-test', decision: 'accord', on: '2026-05-02' },
        'patient-erased',
      );
    });

    it('an erasure dated in the future is refused and the identity stays readable', async () => {
      const body = anotherRegistration();
      const other = (await command(base, coordinator, body)).id;
      await expectRule(
        `${patientUrl(other)}/erasure`,
        coordinator,
        { on: nextYear, reason: 'demande' },
        'business-time-in-future',
        'on',
      );
      expect((await read(other, coordinator)).body.identity).toEqual(body.identity);
      expect(keyCount(dataDir, CPTS, other)).toBe(1);
    });
  });

  describe('tenants', () => {
    it('a patient of another CPTS is not found (404), whichever way it is asked for', async () => {
      const otherCoordinator = await token(api.url, OTHER, 'coordinator');
      const otherBase = `${api.url}/api/v1/cpts/${OTHER}/patients`;
      const foreign = (await command(otherBase, otherCoordinator, registration)).id;
      expect((await read(foreign, coordinator)).status).toBe(404);
      expect(
        (
          await call(`${patientUrl(foreign)}/consents`, {
            token: coordinator,
            body: { scope: 'resultat-test', decision: 'accord', on: '2026-02-01' },
          })
        ).status,
      ).toBe(404);
      expect((await call(`${otherBase}/${patientId}`, { token: otherCoordinator })).status).toBe(404);
      expect(
        (await call(`${api.url}/api/v1/cpts/${OTHER}/patients/${foreign}`, { token: coordinator })).status,
      ).toBe(404);
      expect((await call(`${otherBase}/${foreign}`, { token: otherCoordinator })).body.identity).toEqual(
        identity,
      );
    });
  });
});
