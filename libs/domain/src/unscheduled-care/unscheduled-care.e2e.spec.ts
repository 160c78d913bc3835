import { SqliteEventStore } from '@parcours/event-store';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { call, startApi, tempDataDir, type RunningApi } from '../../../../test/support/api-process';
import { command, registerCptsInStore, token } from '../../../../test/support/tenant';

const CPTS = 'cpts-snp';
const OTHER = 'cpts-snp-other';
const PATIENT = uuidv7();
const OTHER_CPTS_PATIENT = uuidv7();

/**
 * The patients capability is written alongside this one: patients are registered straight in the store of
 * the stopped API (the request only needs the patient's stream to exist, and reads its birth year).
 */
async function registerPatientsInStore(dataDir: string, patients: Array<{ cptsId: string; id: string }>) {
  const store = new SqliteEventStore({ path: join(dataDir, 'events.db') });
  for (const { cptsId, id } of patients) {
    await store.append(`patient-${cptsId}.${id}`, [
      {
        type: 'PatientRegistered',
        data: { sex: 'F', birthYear: 1950, ald: true, precarious: false, hasMedecinTraitant: true },
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

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
const hoursAhead = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

describe('unscheduled care over HTTP', () => {
  let api: RunningApi;
  let coordinator: string;
  let professional: string;
  let base: string;
  let doctor: string;
  let departed: string;
  let otherCptsMember: string;
  const request = () => ({
    receivedAt: hoursAgo(2),
    channel: 'telephone',
    motive: 'Fièvre depuis trois jours',
    viaSas: false,
  });
  const newRequest = async (body: Record<string, unknown> = request()) =>
    (await command(base, coordinator, body)).id;

  beforeAll(async () => {
    const dataDir = tempDataDir();
    await registerCptsInStore(dataDir, CPTS);
    await registerCptsInStore(dataDir, OTHER);
    await registerPatientsInStore(dataDir, [
      { cptsId: CPTS, id: PATIENT },
      { cptsId: OTHER, id: OTHER_CPTS_PATIENT },
    ]);
    api = await startApi({ DATA_DIR: dataDir });
    coordinator = await token(api.url, CPTS, 'coordinator', 'coord-1');
    professional = await token(api.url, CPTS, 'professional', 'pro-1');
    const members = `${api.url}/api/v1/cpts/${CPTS}/members`;
    const joined = { mode: 'liberal', joinedOn: '2024-01-10', sasParticipant: true };
    doctor = (
      await command(members, coordinator, {
        ...joined,
        displayName: 'Dr Martin',
        profession: 'medecin-generaliste',
      })
    ).id;
    departed = (
      await command(members, coordinator, {
        ...joined,
        displayName: 'Dr Petit',
        profession: 'medecin-generaliste',
      })
    ).id;
    await command(`${members}/${departed}/departure`, coordinator, { leftOn: '2025-06-30' });
    otherCptsMember = (
      await command(`${api.url}/api/v1/cpts/${OTHER}/members`, await token(api.url, OTHER, 'coordinator'), {
        ...joined,
        displayName: 'Dr Ailleurs',
        profession: 'medecin-generaliste',
      })
    ).id;
    base = `${api.url}/api/v1/cpts/${CPTS}/unscheduled-care`;
  });
  afterAll(() => api?.dispose());

  it('records a request (201), orients it to a future appointment, and reads it back', async () => {
    const body = { ...request(), channel: 'sas', viaSas: true, patientId: PATIENT };
    const created = await call(base, { token: professional, body });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      streamId: `snp-${CPTS}.${created.body.id}`,
      revision: 0,
      position: expect.stringMatching(/^\d+$/),
    });
    const id = created.body.id as string;
    expect((await call(`${base}/${id}`, { token: coordinator })).body).toEqual({
      ...body,
      id,
      revision: 0,
      status: 'requested',
      entries: [{ eventId: expect.any(String), type: 'UnscheduledCareRequested' }],
    });

    const orientation = { toMemberId: doctor, appointmentAt: hoursAhead(20) };
    const oriented = await call(`${base}/${id}/orientation`, { token: professional, body: orientation });
    expect(oriented.status).toBe(201);
    expect(oriented.body).toMatchObject({ id, revision: 1 });
    const read = await call(`${base}/${id}`, { token: await token(api.url, CPTS, 'auditor') });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id, revision: 1, status: 'oriented', orientation });
  });

  it('closes a request without an appointment', async () => {
    const id = await newRequest();
    const closure = { closedAt: hoursAgo(1), reason: 'Conseil téléphonique suffisant' };
    expect((await call(`${base}/${id}/closure`, { token: coordinator, body: closure })).status).toBe(201);
    expect((await call(`${base}/${id}`, { token: professional })).body).toMatchObject({
      status: 'closed',
      closure,
      revision: 1,
    });
  });

  describe('rules: 422 naming the rule and the field', () => {
    it.each<[string, () => Record<string, unknown>, string, string]>([
      [
        'a request received in the future',
        () => ({ ...request(), receivedAt: hoursAhead(1) }),
        'business-time-in-future',
        'receivedAt',
      ],
      [
        'a patient not registered here',
        () => ({ ...request(), patientId: uuidv7() }),
        'unknown-patient',
        'patientId',
      ],
      [
        'a patient of another CPTS',
        () => ({ ...request(), patientId: OTHER_CPTS_PATIENT }),
        'unknown-patient',
        'patientId',
      ],
      [
        'a request before the patient’s birth year',
        () => ({ ...request(), patientId: PATIENT, receivedAt: '1949-06-01T10:00:00+02:00' }),
        'business-time-too-early',
        'receivedAt',
      ],
      [
        'the SAS channel without viaSas',
        () => ({ ...request(), channel: 'sas', viaSas: false }),
        'sas-channel-needs-via-sas',
        'viaSas',
      ],
    ])('refuses %s', async (_, body, rule, path) => {
      const response = await call(base, { token: coordinator, body: body() });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ status: 422, rule, errors: [{ path }] });
    });

    it.each<[string, () => Record<string, unknown>, string, string]>([
      [
        'an appointment before the request',
        () => ({ toMemberId: doctor, appointmentAt: hoursAgo(3) }),
        'business-time-too-early',
        'appointmentAt',
      ],
      [
        'an appointment more than 30 days away',
        () => ({ toMemberId: doctor, appointmentAt: hoursAhead(31 * 24) }),
        'appointment-too-far',
        'appointmentAt',
      ],
      [
        'a member of another CPTS',
        () => ({ toMemberId: otherCptsMember, appointmentAt: hoursAhead(4) }),
        'unknown-member',
        'toMemberId',
      ],
      [
        'a member who has left',
        () => ({ toMemberId: departed, appointmentAt: hoursAhead(4) }),
        'member-has-left',
        'toMemberId',
      ],
    ])('refuses orienting to %s', async (_, body, rule, path) => {
      const id = await newRequest();
      const response = await call(`${base}/${id}/orientation`, { token: coordinator, body: body() });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ rule, errors: [{ path }] });
      expect((await call(`${base}/${id}`, { token: coordinator })).body).toMatchObject({
        status: 'requested',
        revision: 0,
      });
    });

    it('refuses a second orientation, and closing an oriented request', async () => {
      const id = await newRequest();
      await command(`${base}/${id}/orientation`, coordinator, {
        toMemberId: doctor,
        appointmentAt: hoursAhead(4),
      });
      const again = await call(`${base}/${id}/orientation`, {
        token: coordinator,
        body: { toMemberId: doctor, appointmentAt: hoursAhead(6) },
      });
      expect(again.status).toBe(422);
      expect(again.body.rule).toBe('request-already-oriented');
      const close = await call(`${base}/${id}/closure`, {
        token: coordinator,
        body: { closedAt: hoursAgo(1), reason: 'x' },
      });
      expect(close.status).toBe(422);
      expect(close.body.rule).toBe('request-already-oriented');
    });

    it('refuses a second closure, and orienting a closed request', async () => {
      const id = await newRequest();
      await command(`${base}/${id}/closure`, coordinator, {
        closedAt: hoursAgo(1),
        reason: 'Réorienté vers le 15',
      });
      const again = await call(`${base}/${id}/closure`, {
        token: coordinator,
        body: { closedAt: hoursAgo(0.5), reason: 'x' },
      });
      expect(again.status).toBe(422);
      expect(again.body.rule).toBe('request-already-closed');
      const orient = await call(`${base}/${id}/orientation`, {
        token: coordinator,
        body: { toMemberId: doctor, appointmentAt: hoursAhead(4) },
      });
      expect(orient.status).toBe(422);
      expect(orient.body.rule).toBe('request-already-closed');
    });

    it.each<[string, () => Record<string, unknown>, string, string]>([
      [
        'before the request',
        () => ({ closedAt: hoursAgo(3), reason: 'x' }),
        'business-time-too-early',
        'closedAt',
      ],
      [
        'in the future',
        () => ({ closedAt: hoursAhead(1), reason: 'x' }),
        'business-time-in-future',
        'closedAt',
      ],
    ])('refuses a closure %s', async (_, body, rule, path) => {
      const id = await newRequest();
      const response = await call(`${base}/${id}/closure`, { token: coordinator, body: body() });
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ rule, errors: [{ path }] });
    });
  });

  describe('malformed bodies: 400 naming the fields', () => {
    it('on a request', async () => {
      const response = await call(base, {
        token: coordinator,
        body: {
          receivedAt: 'yesterday',
          channel: 'pigeon',
          motive: '   ',
          patientId: 'p-1',
          viaSas: 'yes',
          extra: 1,
        },
      });
      expect(response.status).toBe(400);
      expect([...new Set(response.body.errors.map((e: { path: string }) => e.path))].sort()).toEqual([
        'channel',
        'extra',
        'motive',
        'patientId',
        'receivedAt',
        'viaSas',
      ]);
    });
    it('on an orientation and a closure', async () => {
      const id = await newRequest();
      const orientation = await call(`${base}/${id}/orientation`, {
        token: coordinator,
        body: { toMemberId: 'doctor' },
      });
      expect(orientation.status).toBe(400);
      expect(orientation.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
        'appointmentAt',
        'toMemberId',
      ]);
      const closure = await call(`${base}/${id}/closure`, {
        token: coordinator,
        body: { closedAt: '2025-01-01' },
      });
      expect(closure.status).toBe(400);
      expect([...new Set(closure.body.errors.map((e: { path: string }) => e.path))].sort()).toEqual([
        'closedAt',
        'reason',
      ]);
    });
  });

  it('is 404 for a request that does not exist, and 400 for an id that is not a UUID', async () => {
    const ghost = uuidv7();
    expect((await call(`${base}/${ghost}`, { token: coordinator })).status).toBe(404);
    expect(
      (
        await call(`${base}/${ghost}/orientation`, {
          token: coordinator,
          body: { toMemberId: doctor, appointmentAt: hoursAhead(2) },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call(`${base}/${ghost}/closure`, {
          token: coordinator,
          body: { closedAt: hoursAgo(1), reason: 'x' },
        })
      ).status,
    ).toBe(404);
    const notUuid = await call(`${base}/42/closure`, {
      token: coordinator,
      body: { closedAt: hoursAgo(1), reason: 'x' },
    });
    expect(notUuid.status).toBe(400);
    expect(notUuid.body.errors).toEqual([expect.objectContaining({ path: 'requestId' })]);
  });

  it('keeps tenants apart: another CPTS’s token gets 404', async () => {
    const id = await newRequest();
    const other = await token(api.url, OTHER, 'coordinator');
    expect((await call(base, { token: other, body: request() })).status).toBe(404);
    expect((await call(`${base}/${id}`, { token: other })).status).toBe(404);
    expect(
      (await call(`${api.url}/api/v1/cpts/${OTHER}/unscheduled-care/${id}`, { token: other })).status,
    ).toBe(404);
    expect(
      (
        await call(`${api.url}/api/v1/cpts/${OTHER}/unscheduled-care/${id}/closure`, {
          token: other,
          body: { closedAt: hoursAgo(1), reason: 'x' },
        })
      ).status,
    ).toBe(404);
  });

  it('lets coordinators and professionals record, not auditors nor analysts (403)', async () => {
    const id = await newRequest();
    for (const role of ['auditor', 'analyst']) {
      const roleToken = await token(api.url, CPTS, role);
      expect([role, (await call(base, { token: roleToken, body: request() })).status]).toEqual([role, 403]);
      expect([
        role,
        (
          await call(`${base}/${id}/orientation`, {
            token: roleToken,
            body: { toMemberId: doctor, appointmentAt: hoursAhead(2) },
          })
        ).status,
      ]).toEqual([role, 403]);
      expect([
        role,
        (
          await call(`${base}/${id}/closure`, {
            token: roleToken,
            body: { closedAt: hoursAgo(1), reason: 'x' },
          })
        ).status,
      ]).toEqual([role, 403]);
    }
    expect((await call(`${base}/${id}`, { token: await token(api.url, CPTS, 'analyst') })).status).toBe(403);
  });
});
