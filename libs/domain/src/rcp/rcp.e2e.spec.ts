import { SqliteEventStore } from '@parcours/event-store';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { call, startApi, tempDataDir, type RunningApi } from '../../../../test/support/api-process';
import { command, registerCptsInStore, token } from '../../../../test/support/tenant';

const CPTS = 'cpts-rcp';
const OTHER = 'cpts-rcp-other';
const PATHWAY = uuidv7();
const SECOND_PATHWAY = uuidv7();
const OTHER_CPTS_PATHWAY = uuidv7();

/**
 * The pathways capability is written alongside this one: its streams are created straight in the store
 * of the stopped API, as `PathwayOpened` events, which is all an RCP needs of a pathway (that it exists).
 */
async function openPathwaysInStore(dataDir: string, pathways: Array<{ cptsId: string; id: string }>) {
  const store = new SqliteEventStore({ path: join(dataDir, 'events.db') });
  for (const { cptsId, id } of pathways) {
    await store.append(`pathway-${cptsId}.${id}`, [
      {
        type: 'PathwayOpened',
        data: { patientId: uuidv7(), kind: 'cas-complexe', openedAt: '2025-05-02T10:00:00+02:00' },
        metadata: {
          cptsId,
          actor: { id: 'test-setup', role: 'coordinator' },
          correlationId: 'setup',
          causationId: 'setup',
          source: 'cli',
        },
      },
    ]);
  }
  await store.close();
}

const member = (displayName: string, profession: string) => ({
  displayName,
  profession,
  mode: 'liberal',
  joinedOn: '2024-01-10',
  sasParticipant: false,
});

describe('RCP over HTTP', () => {
  let api: RunningApi;
  let coordinator: string;
  let professional: string;
  let base: string;
  let doctor: string;
  let nurse: string;
  let secondDoctor: string;
  let departed: string;
  let otherCptsMember: string;
  let rcp: Record<string, any>;

  beforeAll(async () => {
    const dataDir = tempDataDir();
    await registerCptsInStore(dataDir, CPTS);
    await registerCptsInStore(dataDir, OTHER);
    await openPathwaysInStore(dataDir, [
      { cptsId: CPTS, id: PATHWAY },
      { cptsId: CPTS, id: SECOND_PATHWAY },
      { cptsId: OTHER, id: OTHER_CPTS_PATHWAY },
    ]);
    api = await startApi({ DATA_DIR: dataDir });
    coordinator = await token(api.url, CPTS, 'coordinator', 'coord-1');
    professional = await token(api.url, CPTS, 'professional', 'pro-1');
    const members = `${api.url}/api/v1/cpts/${CPTS}/members`;
    doctor = (await command(members, coordinator, member('Dr Claire Martin', 'medecin-generaliste'))).id;
    nurse = (await command(members, coordinator, member('Paul Bernard', 'infirmier'))).id;
    secondDoctor = (await command(members, coordinator, member('Dr Anne Roux', 'medecin-generaliste'))).id;
    departed = (await command(members, coordinator, member('Luc Petit', 'pharmacien'))).id;
    await command(`${members}/${departed}/departure`, coordinator, { leftOn: '2025-06-30' });
    const otherCoordinator = await token(api.url, OTHER, 'coordinator');
    otherCptsMember = (
      await command(`${api.url}/api/v1/cpts/${OTHER}/members`, otherCoordinator, member('Dr X', 'pharmacien'))
    ).id;
    base = `${api.url}/api/v1/cpts/${CPTS}/rcps`;
    rcp = {
      convenedBy: doctor,
      heldAt: '2025-09-15T17:30:00+02:00',
      durationMinutes: 90,
      complex: true,
      format: 'mixte',
      participants: [
        { memberId: doctor },
        { memberId: nurse },
        { name: 'Mme Durand', profession: 'psychologue' },
      ],
      patientPresent: false,
      familyPresent: true,
      cases: [{ pathwayId: PATHWAY, decisions: ['Passage infirmier quotidien'], reviewOn: '2025-10-15' }],
    };
  });
  afterAll(() => api?.dispose());

  it('records RcpHeld (201) and reads it back with its revision', async () => {
    const response = await call(base, { token: coordinator, body: rcp });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      streamId: `rcp-${CPTS}.${response.body.id}`,
      revision: 0,
      position: expect.stringMatching(/^\d+$/),
    });
    const participant = await token(api.url, CPTS, 'professional', nurse);
    for (const reader of [coordinator, participant, await token(api.url, CPTS, 'auditor')]) {
      const read = await call(`${base}/${response.body.id}`, { token: reader });
      expect(read.status).toBe(200);
      expect(read.body).toEqual({ ...rcp, id: response.body.id, revision: 0, eventId: expect.any(String) });
    }
    // A professional who was not there, and reads none of the pathways discussed: nothing exists here.
    expect((await call(`${base}/${response.body.id}`, { token: professional })).status).toBe(404);
  });

  it('lets a professional record an RCP, and keeps ids in lower case', async () => {
    const response = await call(base, {
      token: professional,
      body: {
        ...rcp,
        convenedBy: nurse.toUpperCase(),
        cases: [{ pathwayId: SECOND_PATHWAY.toUpperCase(), decisions: ['Bilan'] }],
      },
    });
    expect(response.status).toBe(201);
    // The nurse who convened it reads it back.
    const read = await call(`${base}/${response.body.id}`, {
      token: await token(api.url, CPTS, 'professional', nurse),
    });
    expect(read.body).toMatchObject({
      convenedBy: nurse,
      cases: [{ pathwayId: SECOND_PATHWAY, decisions: ['Bilan'] }],
    });
  });

  describe('the register', () => {
    it('lists this CPTS’s RCPs, newest first, and filters on Paris dates [from, to)', async () => {
      const early = await command(base, coordinator, {
        ...rcp,
        heldAt: '2025-08-01T09:00:00+02:00',
        cases: [{ pathwayId: PATHWAY, decisions: ['a'] }],
      });
      const late = await command(base, coordinator, {
        ...rcp,
        heldAt: '2025-11-30T23:30:00Z',
        cases: [{ pathwayId: PATHWAY, decisions: ['b'] }],
      });
      // The register is a read model: read it once it includes the last RCP recorded.
      const consistent = `consistentWith=${late.position}`;
      const all = await call(`${base}?${consistent}`, { token: coordinator });
      expect(all.status).toBe(200);
      const heldAts = all.body.items.map((item: { heldAt: string }) => Date.parse(item.heldAt));
      expect(heldAts).toEqual([...heldAts].sort((a, b) => b - a));
      expect(all.body.count).toBe(all.body.items.length);
      expect(all.body.items[0]).toEqual({
        id: late.id,
        heldAt: '2025-11-30T23:30:00Z',
        convenedBy: doctor,
        format: 'mixte',
        complex: true,
        durationMinutes: 90,
        participantCount: 3,
        professions: ['infirmier', 'medecin-generaliste', 'psychologue'],
        cases: [{ pathwayId: PATHWAY }],
      });

      // 23:30 UTC on 30 November is 1 December in Paris.
      const december = await call(`${base}?from=2025-12-01&to=2026-01-01&${consistent}`, {
        token: coordinator,
      });
      expect(december.body.items.map((item: { id: string }) => item.id)).toEqual([late.id]);
      const august = await call(`${base}?from=2025-08-01&to=2025-08-02&${consistent}`, {
        token: coordinator,
      });
      expect(august.body.items.map((item: { id: string }) => item.id)).toEqual([early.id]);
      const auditor = await call(`${base}?to=2025-08-01&consistentWith=1`, {
        token: await token(api.url, CPTS, 'auditor'),
      });
      expect(auditor.status).toBe(200);
      expect(auditor.body.items.map((item: { id: string }) => item.id)).not.toContain(early.id);
    });

    it('keeps another CPTS’s register apart', async () => {
      const other = await token(api.url, OTHER, 'coordinator');
      const theirs = await call(`${api.url}/api/v1/cpts/${OTHER}/rcps`, { token: other });
      expect(theirs.status).toBe(200);
      expect(theirs.body).toEqual({ items: [], count: 0 });
      expect((await call(base, { token: other })).status).toBe(404);
    });

    it('validates the period (400 naming the parameter)', async () => {
      const bad = await call(`${base}?from=2025-02-30`, { token: coordinator });
      expect(bad.status).toBe(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'from' })]);
      const reversed = await call(`${base}?from=2025-03-01&to=2025-03-01`, { token: coordinator });
      expect(reversed.status).toBe(400);
      expect(reversed.body.errors).toEqual([expect.objectContaining({ path: 'to' })]);
    });

    it('is not for analysts', async () => {
      expect((await call(base, { token: await token(api.url, CPTS, 'analyst') })).status).toBe(403);
    });
  });

  describe('rules: 422 naming the rule and the field', () => {
    const cases: Array<[string, () => Record<string, any>, string, string]> = [
      [
        'a time in the future',
        () => ({ ...rcp, heldAt: new Date(Date.now() + 86_400_000).toISOString() }),
        'business-time-in-future',
        'heldAt',
      ],
      [
        'a duration over 600 minutes',
        () => ({ ...rcp, durationMinutes: 601 }),
        'rcp-duration-out-of-range',
        'durationMinutes',
      ],
      [
        'a duration of 0 minutes',
        () => ({ ...rcp, durationMinutes: 0 }),
        'rcp-duration-out-of-range',
        'durationMinutes',
      ],
      [
        'a convener of another CPTS',
        () => ({ ...rcp, convenedBy: otherCptsMember }),
        'unknown-member',
        'convenedBy',
      ],
      ['a convener who had left', () => ({ ...rcp, convenedBy: departed }), 'member-has-left', 'convenedBy'],
      [
        'a participant unknown here',
        () => ({ ...rcp, participants: [...rcp.participants, { memberId: uuidv7() }] }),
        'unknown-member',
        'participants[3].memberId',
      ],
      [
        'a participant who had left',
        () => ({ ...rcp, participants: [{ memberId: departed }, ...rcp.participants] }),
        'member-has-left',
        'participants[0].memberId',
      ],
      [
        'a member listed twice',
        () => ({ ...rcp, participants: [...rcp.participants, { memberId: nurse }] }),
        'duplicate-participant',
        'participants[3].memberId',
      ],
      [
        'a single profession',
        () => ({
          ...rcp,
          participants: [
            { memberId: doctor },
            { memberId: secondDoctor },
            { name: 'Dr Z', profession: 'medecin-generaliste' },
          ],
        }),
        'rcp-needs-two-professions',
        'participants',
      ],
      [
        'a single participant',
        () => ({ ...rcp, participants: [{ memberId: doctor }] }),
        'rcp-needs-two-professions',
        'participants',
      ],
      ['no case', () => ({ ...rcp, cases: [] }), 'rcp-needs-a-case', 'cases'],
      [
        'a pathway that does not exist',
        () => ({ ...rcp, cases: [...rcp.cases, { pathwayId: uuidv7(), decisions: ['x'] }] }),
        'unknown-pathway',
        'cases[1].pathwayId',
      ],
      [
        'a pathway of another CPTS',
        () => ({ ...rcp, cases: [{ pathwayId: OTHER_CPTS_PATHWAY, decisions: ['x'] }] }),
        'unknown-pathway',
        'cases[0].pathwayId',
      ],
      [
        'a pathway discussed twice',
        () => ({ ...rcp, cases: [...rcp.cases, { pathwayId: PATHWAY, decisions: ['y'] }] }),
        'duplicate-case',
        'cases[1].pathwayId',
      ],
      [
        'a review before the RCP',
        () => ({ ...rcp, cases: [{ pathwayId: PATHWAY, decisions: ['z'], reviewOn: '2025-09-14' }] }),
        'review-before-rcp',
        'cases[0].reviewOn',
      ],
    ];
    it.each(cases)('refuses %s', async (_, body, rule, path) => {
      const head = (await call(`${api.url}/health`)).body.store.position;
      const response = await call(base, { token: coordinator, body: body() });
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 422, rule, errors: [{ path }] });
      expect((await call(`${api.url}/health`)).body.store.position).toBe(head);
    });

    it('answers in English on request', async () => {
      const response = await call(base, {
        token: coordinator,
        body: { ...rcp, cases: [] },
        headers: { 'accept-language': 'en' },
      });
      expect(response.body.detail).toMatch(/at least one patient/);
    });
  });

  describe('malformed bodies: 400 naming the fields', () => {
    it.each<[string, (body: Record<string, any>) => Record<string, any>, string[]]>([
      [
        'a participant both member and external',
        (b) => ({
          ...b,
          participants: [{ memberId: doctor, name: 'X', profession: 'infirmier' }, b.participants[1]],
        }),
        ['participants[0].memberId'],
      ],
      [
        'a participant with neither form',
        (b) => ({ ...b, participants: [{}, b.participants[1]] }),
        ['participants[0].memberId', 'participants[0].name', 'participants[0].profession'],
      ],
      [
        'an external without a profession',
        (b) => ({ ...b, participants: [{ name: 'Mme Y' }, b.participants[1]] }),
        ['participants[0].profession'],
      ],
      [
        'a time without its offset, an unknown format and a fractional duration',
        (b) => ({ ...b, heldAt: '2025-09-15T17:30:00', format: 'telephone', durationMinutes: 1.5 }),
        ['durationMinutes', 'format', 'heldAt'],
      ],
      [
        'a case without decisions and a bad review date',
        (b) => ({ ...b, cases: [{ pathwayId: PATHWAY, decisions: [], reviewOn: '2025-13-01' }] }),
        ['cases[0].decisions', 'cases[0].reviewOn'],
      ],
      [
        'a pathway id that is not a UUID, a convener missing',
        (b) => {
          const { convenedBy: _, ...rest } = b;
          return { ...rest, cases: [{ pathwayId: '42', decisions: ['a'] }] };
        },
        ['cases[0].pathwayId', 'convenedBy'],
      ],
      ['an unknown field', (b) => ({ ...b, room: 'B12' }), ['room']],
    ])('refuses %s', async (_, mutate, paths) => {
      const response = await call(base, { token: coordinator, body: mutate(rcp) });
      expect(response.status).toBe(400);
      expect([...new Set(response.body.errors.map((e: { path: string }) => e.path))].sort()).toEqual(paths);
    });
  });

  it('is 404 for an RCP that does not exist, and 400 for an id that is not a UUID', async () => {
    expect((await call(`${base}/${uuidv7()}`, { token: coordinator })).status).toBe(404);
    const notUuid = await call(`${base}/42`, { token: coordinator });
    expect(notUuid.status).toBe(400);
    expect(notUuid.body.errors).toEqual([expect.objectContaining({ path: 'rcpId' })]);
  });

  it('keeps tenants apart: another CPTS’s token gets 404 on every route', async () => {
    const { id } = await command(base, coordinator, rcp);
    const other = await token(api.url, OTHER, 'coordinator');
    expect((await call(base, { token: other, body: rcp })).status).toBe(404);
    expect((await call(`${base}/${id}`, { token: other })).status).toBe(404);
    expect((await call(`${api.url}/api/v1/cpts/${OTHER}/rcps/${id}`, { token: other })).status).toBe(404);
  });

  it('lets coordinators and professionals record RCPs, not auditors nor analysts (403)', async () => {
    for (const role of ['auditor', 'analyst']) {
      const response = await call(base, { token: await token(api.url, CPTS, role), body: rcp });
      expect([role, response.status]).toEqual([role, 403]);
    }
    expect(
      (await call(base, { token: await token(api.url, null, 'platform-admin'), body: rcp })).status,
    ).toBe(403);
    expect((await call(`${base}/${uuidv7()}`, { token: await token(api.url, CPTS, 'analyst') })).status).toBe(
      403,
    );
  });

  it('a retry with the same Idempotency-Key returns the same RCP (200) and appends nothing', async () => {
    const headers = { 'idempotency-key': `rcp-${Date.now()}` };
    const first = await call(base, { token: coordinator, body: rcp, headers });
    expect(first.status).toBe(201);
    const retry = await call(base, { token: coordinator, body: rcp, headers });
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
  });
});
