import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, type RunningApi } from '../../../../test/support/api-process';
import { apiWithTenants, command, token } from '../../../../test/support/tenant';

const CPTS = 'cpts-search';
const OTHER = 'cpts-search-other';

const registration = (identity: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  identity,
  sex: 'F',
  birthYear: Number(identity.birthDate.slice(0, 4)),
  ald: false,
  precarious: false,
  hasMedecinTraitant: true,
  ...extra,
});
const helene = {
  familyName: 'Quérandière-Lévêque',
  givenName: 'Hélène',
  birthDate: '1947-11-05',
  ins: '247117512345634',
};
const homonym = { familyName: 'Querandiere-Leveque', givenName: 'Helene', birthDate: '1947-11-05' };

/** Every file under a directory (the event log, its WAL, the keys, the index, the read store…). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('patient search and duplicates over HTTP', () => {
  let api: RunningApi;
  let dataDir: string;
  let base: string;
  let coordinator: string;
  let auditor: string;
  let analyst: string;
  let professional: string;
  let outsider: string;
  let otherCoordinator: string;
  let heleneId: string;

  const search = (body: unknown, tokenValue = coordinator, headers: Record<string, string> = {}) =>
    call(`${base}/search`, { token: tokenValue, body, headers });

  beforeAll(async () => {
    ({ api, dataDir, patients: base, coordinator, auditor, analyst } = await apiWithTenants(CPTS, OTHER));
    // A nurse of the CPTS: a professional finds only the patients of their care circle.
    const nurseId = (
      await command(`${api.url}/api/v1/cpts/${CPTS}/members`, coordinator, {
        displayName: 'Inès Roux',
        profession: 'infirmier',
        mode: 'liberal',
        joinedOn: '2024-01-10',
        sasParticipant: false,
      })
    ).id;
    professional = await token(api.url, CPTS, 'professional', nurseId);
    otherCoordinator = await token(api.url, OTHER, 'coordinator', 'coord-2');
    heleneId = (await command(base, coordinator, registration(helene))).id;
    outsider = await token(api.url, CPTS, 'professional', 'pro-outside');
    const { position } = await command(`${base}/${heleneId}/care-team`, coordinator, {
      memberId: nurseId,
      role: 'soins-infirmiers',
      from: '2026-01-02',
    });
    await call(`${base}/${heleneId}/care-team?consistentWith=${position}`, { token: coordinator });
  });
  afterAll(() => api.dispose());

  it('finds a patient by a name typed without accents or hyphens, by birth date, by INS', async () => {
    for (const body of [
      { name: 'helene querandiere' },
      { name: 'LEVEQUE Hèlène' },
      { birthDate: '1947-11-05' },
      { ins: '2471175123456' },
      { name: 'querandiereleveque', birthDate: '1947-11-05', ins: helene.ins },
    ]) {
      const response = await search(body);
      expect([response.status, response.body.items.map((item: { id: string }) => item.id)]).toEqual([
        200,
        [heleneId],
      ]);
    }
    const response = await search({ name: 'helene' }, auditor);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body).toEqual({
      items: [{ id: heleneId, identity: helene, sex: 'F', birthYear: 1947, erased: false }],
      truncated: false,
    });
    expect((await search({ name: 'helene', birthDate: '1947-11-06' })).body.items).toEqual([]);
    expect((await search({ name: 'hel' })).body.items).toEqual([]);
  });

  it('writes each patient answered to the access log with the purpose, and nothing for no answer', async () => {
    const before = await call(`${api.url}/api/v1/cpts/${CPTS}/audit/access-log?patientId=${heleneId}`, {
      token: auditor,
    });
    await search({ name: 'helene' }, professional, { 'X-Purpose': 'coordination-sortie' });
    await search({ name: 'nobody' }, professional);
    const after = await call(`${api.url}/api/v1/cpts/${CPTS}/audit/access-log?patientId=${heleneId}`, {
      token: auditor,
    });
    const entries = after.body.entries as Array<Record<string, string>>;
    expect(entries.length).toBe((before.body.entries as unknown[]).length + 1);
    expect(entries[0]).toMatchObject({
      patientId: heleneId,
      actorId: (await call(`${api.url}/api/v1/me`, { token: professional })).body.sub,
      role: 'professional',
      purpose: 'coordination-sortie',
    });
    await search({ ins: helene.ins });
    const latest = await call(`${api.url}/api/v1/cpts/${CPTS}/audit/access-log?patientId=${heleneId}`, {
      token: auditor,
    });
    expect(latest.body.entries[0]).toMatchObject({ actorId: 'coord-1', purpose: 'recherche-patient' });
  });

  it('finds for a professional only the patients of their care circle, and logs nothing else', async () => {
    const before = await call(`${api.url}/api/v1/cpts/${CPTS}/audit/access-log?patientId=${heleneId}`, {
      token: auditor,
    });
    const response = await search({ name: 'helene' }, outsider);
    expect([response.status, response.body.items]).toEqual([200, []]);
    const after = await call(`${api.url}/api/v1/cpts/${CPTS}/audit/access-log?patientId=${heleneId}`, {
      token: auditor,
    });
    expect(after.body.entries).toEqual(before.body.entries);
    expect(
      (await search({ name: 'helene' }, professional)).body.items.map((i: { id: string }) => i.id),
    ).toEqual([heleneId]);
  });

  it('refuses an empty or malformed search with a problem naming the field', async () => {
    const empty = await search({});
    expect([empty.status, empty.headers.get('content-type'), empty.body.errors[0].path]).toEqual([
      400,
      'application/problem+json; charset=utf-8',
      'name',
    ]);
    const date = await search({ birthDate: '1947-13-05' });
    expect([date.status, date.body.errors[0].path]).toEqual([400, 'birthDate']);
    const ins = await search({ ins: '12' });
    expect([ins.status, ins.body.errors[0].path]).toEqual([400, 'ins']);
    const punctuation = await search({ name: ' - ' });
    expect([punctuation.status, punctuation.body.errors[0].path]).toEqual([400, 'name']);
    const unknown = await search({ name: 'helene', surname: 'x' });
    expect([unknown.status, unknown.body.errors[0].path]).toEqual([400, 'surname']);
    const purpose = await search({ name: 'helene' }, coordinator, { 'X-Purpose': 'Free text!' });
    expect([purpose.status, purpose.body.errors[0].path]).toEqual([400, 'X-Purpose']);
  });

  it('is refused to analysts (403) and finds nothing of another CPTS (404 for its tenant)', async () => {
    expect((await search({ name: 'helene' }, analyst)).status).toBe(403);
    const cross = await call(`${api.url}/api/v1/cpts/${OTHER}/patients/search`, {
      token: coordinator,
      body: { name: 'helene' },
    });
    expect(cross.status).toBe(404);
    const theirs = await call(`${api.url}/api/v1/cpts/${OTHER}/patients/search`, {
      token: otherCoordinator,
      body: { name: 'helene' },
    });
    expect([theirs.status, theirs.body.items]).toEqual([200, []]);
  });

  it('refuses a second patient with the same INS (409 naming the patient), with or without its key', async () => {
    const again = await call(base, {
      token: coordinator,
      body: registration({ ...homonym, birthDate: '1950-01-01', ins: '2471175123456' }),
    });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(again.body).toMatchObject({ rule: 'duplicate-ins', existing: [heleneId] });
    expect(again.body.errors).toEqual([{ path: 'identity.ins', message: expect.stringContaining(heleneId) }]);
    // Another CPTS has its own patients: the same INS is no duplicate there.
    const elsewhere = await call(`${api.url}/api/v1/cpts/${OTHER}/patients`, {
      token: otherCoordinator,
      body: registration(helene),
    });
    expect(elsewhere.status).toBe(201);
  });

  it('asks to confirm a patient with the same names and birth date, then registers it once confirmed', async () => {
    const first = await call(base, { token: coordinator, body: registration(homonym) });
    expect(first.status).toBe(409);
    expect(first.body).toMatchObject({ rule: 'possible-duplicate', existing: [heleneId] });
    expect(first.body.errors[0].path).toBe('identity');
    const badConfirmation = await call(base, {
      token: coordinator,
      body: registration(homonym, { notDuplicateOf: ['not-a-uuid'] }),
    });
    expect([badConfirmation.status, badConfirmation.body.errors[0].path]).toEqual([400, 'notDuplicateOf']);
    const confirmed = await call(base, {
      token: coordinator,
      body: registration(homonym, { notDuplicateOf: [heleneId] }),
    });
    expect(confirmed.status).toBe(201);
    // Both are found now; a third homonym must confirm both.
    expect((await search({ name: 'helene leveque' })).body.items).toHaveLength(2);
    const third = await call(base, {
      token: coordinator,
      body: registration(homonym, { notDuplicateOf: [heleneId] }),
    });
    expect(third.body).toMatchObject({ rule: 'possible-duplicate', existing: [confirmed.body.id] });
    // With an INS on both sides, two people with the same names and birth date are two people.
    const withIns = await call(base, {
      token: coordinator,
      body: registration({ ...homonym, ins: '247117512399934' }),
    });
    expect(withIns.body).toMatchObject({ rule: 'possible-duplicate', existing: [confirmed.body.id] });
  });

  it('a corrected identity cannot take another patient’s INS, and is found under its new name', async () => {
    const other = await command(
      base,
      coordinator,
      registration({ familyName: 'Vandersteen', givenName: 'Odile', birthDate: '1960-04-04' }),
    );
    const taken = await call(`${base}/${other.id}/identity-correction`, {
      token: coordinator,
      body: {
        identity: { familyName: 'Vandersteen', givenName: 'Odile', birthDate: '1960-04-04', ins: helene.ins },
        reason: 'INS qualifiée',
      },
    });
    expect([taken.status, taken.body.rule, taken.body.existing]).toEqual([409, 'duplicate-ins', [heleneId]]);
    await command(`${base}/${other.id}/identity-correction`, coordinator, {
      identity: { familyName: 'Van der Steen', givenName: 'Odile', birthDate: '1960-04-04' },
      reason: 'Orthographe',
    });
    expect((await search({ name: 'vandersteen' })).body.items.map((i: { id: string }) => i.id)).toEqual([
      other.id,
    ]);
    expect((await search({ name: 'odile steen' })).body.items.map((i: { id: string }) => i.id)).toEqual([
      other.id,
    ]);
  });

  it('forgets an erased patient: not found, no longer a duplicate', async () => {
    const erasable = await command(
      base,
      coordinator,
      registration({
        familyName: 'Effacé',
        givenName: 'Gaspard',
        birthDate: '1970-08-08',
        ins: '170087512345678',
      }),
    );
    expect((await search({ name: 'efface gaspard' })).body.items).toHaveLength(1);
    await command(`${base}/${erasable.id}/erasure`, coordinator, {
      on: '2026-01-10',
      reason: 'Demande du patient',
    });
    expect((await search({ name: 'efface gaspard' })).body.items).toEqual([]);
    expect((await search({ ins: '170087512345678' })).body.items).toEqual([]);
    const again = await call(base, {
      token: coordinator,
      body: registration({
        familyName: 'Effacé',
        givenName: 'Gaspard',
        birthDate: '1970-08-08',
        ins: '170087512345678',
      }),
    });
    expect(again.status).toBe(201);
  });

  it('leaves no clear name, birth date or INS in any file of DATA_DIR', async () => {
    await api.stop();
    const clear = [
      helene.familyName,
      'Querandiere',
      'querandiere',
      'Hélène',
      'helene',
      helene.birthDate,
      helene.ins,
      '2471175123456',
    ];
    const files = filesUnder(dataDir);
    expect(files.some((file) => file.endsWith('blind-index.db'))).toBe(true);
    const found = files.flatMap((file) => {
      const bytes = readFileSync(file);
      return clear
        .filter((value) => bytes.includes(Buffer.from(value, 'utf8')))
        .map((value) => `${file}: ${value}`);
    });
    expect(found).toEqual([]);
  });
});
