import { v7 as uuidv7 } from 'uuid';
import { call, startApi, tempDataDir, type RunningApi } from '../../../../test/support/api-process';
import { command, registerCptsInStore, token } from '../../../../test/support/tenant';

const CPTS = 'cpts-actions';
const OTHER = 'cpts-actions-other';
const tomorrowInParis = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(
    new Date(Date.now() + 36 * 3_600_000),
  );

describe('prevention actions and trainings over HTTP', () => {
  let api: RunningApi;
  let coordinator: string;
  let root: string;
  let a: string;
  let b: string;
  let departed: string;
  let otherCptsMember: string;
  let prevention: Record<string, unknown>;
  let training: Record<string, unknown>;

  beforeAll(async () => {
    const dataDir = tempDataDir();
    await registerCptsInStore(dataDir, CPTS);
    await registerCptsInStore(dataDir, OTHER);
    api = await startApi({ DATA_DIR: dataDir });
    coordinator = await token(api.url, CPTS, 'coordinator', 'coord-1');
    root = `${api.url}/api/v1/cpts/${CPTS}`;
    const joined = { mode: 'liberal', joinedOn: '2024-01-10', sasParticipant: false };
    a = (
      await command(`${root}/members`, coordinator, {
        ...joined,
        displayName: 'Dr Martin',
        profession: 'medecin-generaliste',
      })
    ).id;
    b = (
      await command(`${root}/members`, coordinator, {
        ...joined,
        displayName: 'P. Bernard',
        profession: 'pharmacien',
      })
    ).id;
    departed = (
      await command(`${root}/members`, coordinator, {
        ...joined,
        displayName: 'L. Petit',
        profession: 'infirmier',
      })
    ).id;
    await command(`${root}/members/${departed}/departure`, coordinator, { leftOn: '2025-06-30' });
    otherCptsMember = (
      await command(`${api.url}/api/v1/cpts/${OTHER}/members`, await token(api.url, OTHER, 'coordinator'), {
        ...joined,
        displayName: 'Dr Ailleurs',
        profession: 'infirmier',
      })
    ).id;
    prevention = {
      theme: 'Dépistage du cancer colorectal',
      heldOn: '2025-09-20',
      participants: 42,
      memberIds: [a, b],
    };
    training = { theme: 'Gestes et soins d’urgence', heldOn: '2025-10-02', attendeeMemberIds: [a, b] };
  });
  afterAll(() => api?.dispose());

  it('records a prevention action (201) and reads it back', async () => {
    const response = await call(`${root}/prevention-actions`, { token: coordinator, body: prevention });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      streamId: `action-${CPTS}.${response.body.id}`,
      revision: 0,
      position: expect.stringMatching(/^\d+$/),
    });
    for (const role of ['coordinator', 'professional', 'auditor']) {
      const read = await call(`${root}/actions/${response.body.id}`, {
        token: await token(api.url, CPTS, role),
      });
      expect([role, read.status]).toEqual([role, 200]);
      expect(read.body).toEqual({
        ...prevention,
        id: response.body.id,
        revision: 0,
        eventId: expect.any(String),
        kind: 'prevention-action',
      });
    }
  });

  it('records a training (201) and reads it back, ids in lower case', async () => {
    const response = await call(`${root}/trainings`, {
      token: coordinator,
      body: { ...training, attendeeMemberIds: [a.toUpperCase()] },
    });
    expect(response.status).toBe(201);
    const read = await call(`${root}/actions/${response.body.id}`, { token: coordinator });
    expect(read.body).toEqual({
      ...training,
      attendeeMemberIds: [a],
      id: response.body.id,
      revision: 0,
      eventId: expect.any(String),
      kind: 'training',
    });
  });

  it('accepts an action reaching nobody and run by no member', async () => {
    const body = { ...prevention, participants: 0, memberIds: [] };
    expect((await call(`${root}/prevention-actions`, { token: coordinator, body })).status).toBe(201);
  });

  describe('rules: 422 naming the rule and the field', () => {
    it.each<[string, string, () => Record<string, unknown>, string, string]>([
      [
        'an action in the future',
        'prevention-actions',
        () => ({ ...prevention, heldOn: tomorrowInParis() }),
        'business-time-in-future',
        'heldOn',
      ],
      [
        'an action with a member twice',
        'prevention-actions',
        () => ({ ...prevention, memberIds: [a, b, a] }),
        'duplicate-member',
        'memberIds[2]',
      ],
      [
        'an action with a member unknown here',
        'prevention-actions',
        () => ({ ...prevention, memberIds: [a, uuidv7()] }),
        'unknown-member',
        'memberIds[1]',
      ],
      [
        'an action with another CPTS’s member',
        'prevention-actions',
        () => ({ ...prevention, memberIds: [otherCptsMember] }),
        'unknown-member',
        'memberIds[0]',
      ],
      [
        'an action with a member who had left',
        'prevention-actions',
        () => ({ ...prevention, memberIds: [departed] }),
        'member-has-left',
        'memberIds[0]',
      ],
      [
        'a training in the future',
        'trainings',
        () => ({ ...training, heldOn: tomorrowInParis() }),
        'business-time-in-future',
        'heldOn',
      ],
      [
        'a training without attendees',
        'trainings',
        () => ({ ...training, attendeeMemberIds: [] }),
        'training-needs-an-attendee',
        'attendeeMemberIds',
      ],
      [
        'a training with an attendee twice',
        'trainings',
        () => ({ ...training, attendeeMemberIds: [b, b] }),
        'duplicate-member',
        'attendeeMemberIds[1]',
      ],
      [
        'a training with another CPTS’s member',
        'trainings',
        () => ({ ...training, attendeeMemberIds: [a, otherCptsMember] }),
        'unknown-member',
        'attendeeMemberIds[1]',
      ],
      [
        'a training with a member who had left',
        'trainings',
        () => ({ ...training, attendeeMemberIds: [departed] }),
        'member-has-left',
        'attendeeMemberIds[0]',
      ],
    ])('refuses %s', async (_, route, body, rule, path) => {
      const head = (await call(`${api.url}/health`)).body.store.position;
      const response = await call(`${root}/${route}`, { token: coordinator, body: body() });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ status: 422, rule, errors: [{ path }] });
      expect((await call(`${api.url}/health`)).body.store.position).toBe(head);
    });
  });

  describe('malformed bodies: 400 naming the fields', () => {
    it.each<[string, string, Record<string, unknown>, string[]]>([
      [
        'prevention-actions',
        'negative and fractional counts, a bad date, ids not UUIDs',
        { theme: 'x', heldOn: '2025-02-30', participants: -1, memberIds: ['m-1'] },
        ['heldOn', 'memberIds', 'participants'],
      ],
      [
        'prevention-actions',
        'a fractional count, a blank theme, no member list',
        { theme: ' ', heldOn: '2025-02-03', participants: 2.5 },
        ['memberIds', 'participants', 'theme'],
      ],
      [
        'trainings',
        'attendees not a list, an unknown field',
        { theme: 'x', heldOn: '2025-02-03', attendeeMemberIds: 'a', room: 'B' },
        ['attendeeMemberIds', 'room'],
      ],
    ])('on %s: %s', async (route, _, body, paths) => {
      const response = await call(`${root}/${route}`, { token: coordinator, body });
      expect(response.status).toBe(400);
      expect([...new Set(response.body.errors.map((e: { path: string }) => e.path))].sort()).toEqual(paths);
    });
  });

  it('is 404 for an action that does not exist, and 400 for an id that is not a UUID', async () => {
    expect((await call(`${root}/actions/${uuidv7()}`, { token: coordinator })).status).toBe(404);
    const notUuid = await call(`${root}/actions/42`, { token: coordinator });
    expect(notUuid.status).toBe(400);
    expect(notUuid.body.errors).toEqual([expect.objectContaining({ path: 'actionId' })]);
  });

  it('keeps tenants apart: another CPTS’s token gets 404', async () => {
    const { id } = await command(`${root}/trainings`, coordinator, training);
    const other = await token(api.url, OTHER, 'coordinator');
    expect((await call(`${root}/trainings`, { token: other, body: training })).status).toBe(404);
    expect((await call(`${root}/prevention-actions`, { token: other, body: prevention })).status).toBe(404);
    expect((await call(`${root}/actions/${id}`, { token: other })).status).toBe(404);
    expect((await call(`${api.url}/api/v1/cpts/${OTHER}/actions/${id}`, { token: other })).status).toBe(404);
  });

  it('lets only coordinators record actions (403 for the other roles)', async () => {
    for (const role of ['professional', 'auditor', 'analyst']) {
      const roleToken = await token(api.url, CPTS, role);
      expect([
        role,
        (await call(`${root}/prevention-actions`, { token: roleToken, body: prevention })).status,
      ]).toEqual([role, 403]);
      expect([role, (await call(`${root}/trainings`, { token: roleToken, body: training })).status]).toEqual([
        role,
        403,
      ]);
    }
    expect(
      (await call(`${root}/actions/${uuidv7()}`, { token: await token(api.url, CPTS, 'analyst') })).status,
    ).toBe(403);
  });
});
