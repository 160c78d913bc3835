import { call, startApi, tempDataDir, type RunningApi } from '../../../../test/support/api-process';
import { command, registerCptsInStore, token, tokenForUnknownCpts } from '../../../../test/support/tenant';

const CPTS = 'cpts-members';
const joined = {
  displayName: 'Dr Claire Martin',
  profession: 'medecin-generaliste',
  rpps: '10001234567',
  structure: { kind: 'msp', name: 'MSP des Pentes', finess: '690012345' },
  mode: 'liberal',
  joinedOn: '2025-01-10',
  sasParticipant: true,
};

describe('members over HTTP', () => {
  let api: RunningApi;
  let coordinator: string;
  let base: string;
  beforeAll(async () => {
    const dataDir = tempDataDir();
    await registerCptsInStore(dataDir, CPTS);
    await registerCptsInStore(dataDir, 'cpts-other');
    api = await startApi({ DATA_DIR: dataDir });
    coordinator = await token(api.url, CPTS, 'coordinator', 'coord-1');
    base = `${api.url}/api/v1/cpts/${CPTS}/members`;
  });
  afterAll(() => api.dispose());

  it('records MemberJoined (201) and reads it back with the actor and revision', async () => {
    const response = await call(base, { token: coordinator, body: joined });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      streamId: `member-${CPTS}.${response.body.id}`,
      revision: 0,
      position: expect.stringMatching(/^\d+$/),
    });
    const read = await call(`${base}/${response.body.id}`, { token: coordinator });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ ...joined, id: response.body.id, revision: 0 });

    const audit = await call(`${api.url}/health`);
    expect(BigInt(audit.body.store.position)).toBeGreaterThanOrEqual(BigInt(response.body.position));
  });

  it('follows up with departure, participation and interns, each a new revision', async () => {
    const { id } = await command(base, coordinator, joined);
    expect(
      (
        await command(`${base}/${id}/participations`, coordinator, {
          activity: 'rcp',
          on: '2026-02-03',
          hours: 1.5,
        })
      ).revision,
    ).toBe(1);
    expect(
      (
        await command(`${base}/${id}/interns`, coordinator, {
          profession: 'medecin-generaliste',
          from: '2026-01-05',
          to: '2026-04-30',
        })
      ).revision,
    ).toBe(2);
    expect((await command(`${base}/${id}/departure`, coordinator, { leftOn: '2026-05-31' })).revision).toBe(
      3,
    );
    const read = await call(`${base}/${id}`, { token: coordinator });
    expect(read.body).toMatchObject({ leftOn: '2026-05-31', participations: 1, interns: 1, revision: 3 });
  });

  it('answers a broken rule with a 422 naming it, in French by default and in English on request', async () => {
    const { id } = await command(base, coordinator, joined);
    const fr = await call(`${base}/${id}/departure`, { token: coordinator, body: { leftOn: '2024-01-01' } });
    expect(fr.status).toBe(422);
    expect(fr.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(fr.body).toMatchObject({
      status: 422,
      rule: 'business-time-too-early',
      errors: [{ path: 'leftOn' }],
    });
    expect(fr.body.detail).toMatch(/antérieure/);
    const en = await call(`${base}/${id}/departure`, {
      token: coordinator,
      body: { leftOn: '2024-01-01' },
      headers: { 'accept-language': 'en-GB,en;q=0.9,fr;q=0.5' },
    });
    expect(en.body.detail).toMatch(/before/);
    expect((await call(`${base}/${id}`, { token: coordinator })).body.revision).toBe(0);
  });

  it('validates the body: formats, enums and unknown fields are 400s naming the field', async () => {
    const bad = await call(base, {
      token: coordinator,
      body: {
        ...joined,
        rpps: '123',
        profession: 'sorcier',
        joinedOn: '2025-02-30',
        structure: { kind: 'msp', name: 'x', finess: 'abc' },
      },
    });
    expect(bad.status).toBe(400);
    const paths = bad.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(['joinedOn', 'profession', 'rpps', 'structure.finess']);
  });

  it('is 404 for a member that does not exist, and 400 for an id that is not a UUID', async () => {
    expect(
      (
        await call(`${base}/0193a0e0-0000-7000-8000-000000000000/departure`, {
          token: coordinator,
          body: { leftOn: '2026-01-01' },
        })
      ).status,
    ).toBe(404);
    const notUuid = await call(`${base}/42/departure`, {
      token: coordinator,
      body: { leftOn: '2026-01-01' },
    });
    expect(notUuid.status).toBe(400);
    expect(notUuid.body.errors).toEqual([expect.objectContaining({ path: 'memberId' })]);
  });

  it('refuses a token naming a CPTS that was never registered (401)', async () => {
    const ghost = await tokenForUnknownCpts(api.dataDir, 'cpts-ghost', 'coordinator');
    expect(
      (await call(`${api.url}/api/v1/cpts/cpts-ghost/members`, { token: ghost, body: joined })).status,
    ).toBe(401);
  });

  it('keeps tenants apart: another CPTS’s token gets 404, and its members are not reachable', async () => {
    const { id } = await command(base, coordinator, joined);
    const other = await token(api.url, 'cpts-other', 'coordinator');
    expect((await call(base, { token: other, body: joined })).status).toBe(404);
    expect((await call(`${api.url}/api/v1/cpts/cpts-other/members/${id}`, { token: other })).status).toBe(
      404,
    );
  });

  it('lets only coordinators record members (403 for the other roles)', async () => {
    for (const role of ['professional', 'auditor', 'analyst']) {
      const response = await call(base, { token: await token(api.url, CPTS, role), body: joined });
      expect([role, response.status]).toEqual([role, 403]);
    }
    expect(
      (await call(base, { token: await token(api.url, null, 'platform-admin'), body: joined })).status,
    ).toBe(403);
  });

  describe('Idempotency-Key', () => {
    it('a retry with the same key and body returns the first response (200) and appends nothing', async () => {
      const headers = { 'idempotency-key': `join-${Date.now()}` };
      const first = await call(base, { token: coordinator, body: joined, headers });
      expect(first.status).toBe(201);
      const head = (await call(`${api.url}/health`)).body.store.position;
      const retry = await call(base, { token: coordinator, body: joined, headers });
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(first.body);
      expect((await call(`${api.url}/health`)).body.store.position).toBe(head);
    });

    it('the same key with another body is a 409, and nothing is appended', async () => {
      const headers = { 'idempotency-key': `reuse-${Date.now()}` };
      await command(base, coordinator, joined, headers);
      const head = (await call(`${api.url}/health`)).body.store.position;
      const reused = await call(base, {
        token: coordinator,
        body: { ...joined, displayName: 'Autre' },
        headers,
      });
      expect(reused.status).toBe(409);
      expect(reused.body.type).toMatch(/idempotency-key-reused/);
      expect((await call(`${api.url}/health`)).body.store.position).toBe(head);
    });

    it('concurrent duplicates with one key create one member', async () => {
      const headers = { 'idempotency-key': `burst-${Date.now()}` };
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => call(base, { token: coordinator, body: joined, headers })),
      );
      expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
      expect(responses.every((r) => r.status === 200 || r.status === 201)).toBe(true);
      const read = await call(`${base}/${responses[0].body.id}`, { token: coordinator });
      expect(read.body.revision).toBe(0);
    });

    it('a malformed key is a 400', async () => {
      const response = await call(base, {
        token: coordinator,
        body: joined,
        headers: { 'idempotency-key': 'é'.repeat(3) },
      });
      expect(response.status).toBe(400);
    });
  });

  describe('If-Match', () => {
    it('applies the command when the revision is current, and is 412 when it is stale', async () => {
      const { id } = await command(base, coordinator, joined);
      const ok = await call(`${base}/${id}/participations`, {
        token: coordinator,
        body: { activity: 'reunion', on: '2026-02-03', hours: 2 },
        headers: { 'if-match': '"0"' },
      });
      expect(ok.status).toBe(201);
      const stale = await call(`${base}/${id}/participations`, {
        token: coordinator,
        body: { activity: 'reunion', on: '2026-02-04', hours: 2 },
        headers: { 'if-match': '"0"' },
      });
      expect(stale.status).toBe(412);
      expect(stale.body).toMatchObject({ status: 412, currentRevision: 1 });
      expect((await call(`${base}/${id}`, { token: coordinator })).body.participations).toBe(1);
    });

    it('a malformed If-Match is a 400', async () => {
      const { id } = await command(base, coordinator, joined);
      const response = await call(`${base}/${id}/participations`, {
        token: coordinator,
        body: { activity: 'reunion', on: '2026-02-03', hours: 2 },
        headers: { 'if-match': 'yesterday' },
      });
      expect(response.status).toBe(400);
    });
  });

  it('without If-Match, 30 concurrent commands on one member are all applied once, none lost', async () => {
    const { id } = await command(base, coordinator, joined);
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call(`${base}/${id}/participations`, {
          token: coordinator,
          body: { activity: 'reunion', on: '2026-02-03', hours: 1 + i / 100 },
        }),
      ),
    );
    expect(responses.map((r) => r.status).every((s) => s === 201)).toBe(true);
    expect(new Set(responses.map((r) => r.body.revision)).size).toBe(30);
    expect((await call(`${base}/${id}`, { token: coordinator })).body).toMatchObject({
      participations: 30,
      revision: 30,
    });
  });
});
