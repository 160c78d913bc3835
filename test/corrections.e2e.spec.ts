/**
 * Corrections and voidings on every stream whose entries count (`docs/events.md`): the CPTS, members,
 * patients, RCPs, unscheduled care and actions, each through its own route, each decided again by the
 * stream's rules — and honoured by the figures, the worklist and `asOf`.
 */
import { call, startApi, type RunningApi } from './support/api-process';
import { command, read, token } from './support/tenant';

const CPTS = 'cpts-corrections';

describe('corrections and voidings on every stream', () => {
  let api: RunningApi;
  let coord: string;
  let analyst: string;
  let tenant: string;
  const members: Record<string, string> = {};

  const post = (path: string, body: unknown, as = coord) => call(`${tenant}${path}`, { token: as, body });
  const ok = (path: string, body: unknown) => command(`${tenant}${path}`, coord, body);
  const eventIdOf = async (stream: string, type: string, nth = 0): Promise<string> => {
    const response = await call(`${tenant}/audit/streams/${stream}`, { token: coord });
    const events = (response.body.events as Array<{ type: string; metadata: { eventId: string } }>).filter(
      (event) => event.type === type,
    );
    return events[nth].metadata.eventId;
  };
  const expectRule = (response: { status: number; body: Record<string, unknown> }, rule: string) => {
    expect({ status: response.status, rule: response.body.rule }).toEqual({ status: 422, rule });
  };
  const figure = async (code: string, from: string, to: string, asOf?: string) => {
    const response = await read(
      api.url,
      `${tenant}/indicators?from=${from}&to=${to}${asOf ? `&asOf=${encodeURIComponent(asOf)}` : ''}`,
      analyst,
    );
    return (response.body.indicators as Array<{ code: string; value: number | null }>).find(
      (indicator) => indicator.code === code,
    )!.value;
  };
  const join = async (displayName: string, profession: string) =>
    (
      await ok('/members', {
        displayName,
        profession,
        mode: 'liberal',
        joinedOn: '2024-01-10',
        sasParticipant: false,
      })
    ).id;

  beforeAll(async () => {
    api = await startApi();
    const admin = await token(api.url, null, 'platform-admin');
    await command(`${api.url}/api/v1/cpts`, admin, {
      id: CPTS,
      name: 'CPTS des corrections',
      population: 60000,
      communes: ['69264'],
    });
    coord = await token(api.url, CPTS, 'coordinator', 'coord-1');
    analyst = await token(api.url, CPTS, 'analyst');
    tenant = `${api.url}/api/v1/cpts/${CPTS}`;
    members.gp = await join('Dr Claire Martin', 'medecin-generaliste');
    members.nurse = await join('Inès Roux', 'infirmier');
    members.kine = await join('Hugo Blanc', 'masseur-kinesitherapeute');
  });
  afterAll(() => api.dispose());

  describe('the CPTS stream', () => {
    const financing = async (asOf?: string) =>
      (
        await read(
          api.url,
          `${tenant}/financing?contractYear=1${asOf ? `&asOf=${encodeURIComponent(asOf)}` : ''}`,
          analyst,
        )
      ).body as { lines: Array<{ mission?: string; part: string; amount: number }> };
    const line = (body: Awaited<ReturnType<typeof financing>>, mission: string, part: string) =>
      body.lines.find((l) => l.mission === mission && l.part === part)!.amount;

    beforeAll(async () => {
      await ok('/contract', {
        signedOn: '2025-01-01',
        missions: ['acces-soins', 'parcours', 'prevention', 'crises-sanitaires'],
      });
      for (const mission of ['acces-soins', 'parcours', 'prevention', 'crises-sanitaires']) {
        await ok(`/missions/${mission}/start`, { startedOn: '2025-01-01' });
      }
    });

    it('corrects an achievement rate typed wrong; the financing follows, asOf gives it as it stood', async () => {
      await ok('/achievements', { contractYear: 1, mission: 'parcours', rate: 0.08 });
      const stream = `cpts-${CPTS}`;
      const target = await eventIdOf(stream, 'AchievementRecorded');
      expect(line(await financing(), 'parcours', 'variable')).toBe(2800); // 0.08 × 35 000
      const before = new Date().toISOString();
      const invalid = await post('/corrections', {
        targetEventId: target,
        reason: 'Taux',
        correction: { rate: 8 },
      });
      expectRule(invalid, 'correction-invalid');
      expect(invalid.body.errors).toEqual([expect.objectContaining({ path: 'correction.rate' })]);
      await ok('/corrections', {
        targetEventId: target,
        reason: 'Taux mal saisi',
        correction: { rate: 0.8 },
      });
      expect(line(await financing(), 'parcours', 'variable')).toBe(28000);
      expect(line(await financing(before), 'parcours', 'variable')).toBe(2800);
      // Once corrected, the same achievement cannot be recorded twice, and a voided one leaves the figure.
      expectRule(
        await post('/achievements', { contractYear: 1, mission: 'parcours', rate: 0.5 }),
        'achievement-recorded',
      );
      await ok('/voidings', { targetEventId: target, reason: 'Saisi à tort' });
      expect(line(await financing(), 'parcours', 'variable')).toBe(0);
      expect((await post('/achievements', { contractYear: 1, mission: 'parcours', rate: 0.5 })).status).toBe(
        201,
      );
    });

    it('voids a crisis, and refuses a mission start moved before the signature or voided under a drafted plan', async () => {
      await ok('/crises', { declaredOn: '2025-03-01', kind: 'epidemie' });
      expect(line(await financing(), 'crises-sanitaires', 'variable')).toBe(52500);
      await ok('/voidings', {
        targetEventId: await eventIdOf(`cpts-${CPTS}`, 'CrisisDeclared'),
        reason: 'Doublon',
      });
      expect(line(await financing(), 'crises-sanitaires', 'variable')).toBe(0);

      const start = await eventIdOf(`cpts-${CPTS}`, 'MissionStarted', 3);
      expectRule(
        await post('/corrections', {
          targetEventId: start,
          reason: 'Date',
          correction: { startedOn: '2024-12-01' },
        }),
        'business-time-too-early',
      );
      await ok('/crisis-plan', { on: '2025-02-01', kind: 'drafted' });
      expectRule(
        await post('/voidings', { targetEventId: start, reason: 'x' }),
        'crisis-mission-not-started',
      );
      expectRule(
        await post('/corrections', {
          targetEventId: start,
          reason: 'Date',
          correction: { startedOn: '2025-03-01' },
        }),
        'crisis-mission-not-started',
      );
      const cpts = await call(tenant, { token: coord });
      expect(cpts.body.missions).toContainEqual(
        expect.objectContaining({ mission: 'crises-sanitaires', startedOn: '2025-01-01', eventId: start }),
      );
    });

    it('is the coordinator’s: a professional may not correct the CPTS stream', async () => {
      const professional = await token(api.url, CPTS, 'professional', members.gp);
      const target = await eventIdOf(`cpts-${CPTS}`, 'MissionStarted');
      expect(
        (await post('/corrections', { targetEventId: target, reason: 'x', correction: {} }, professional))
          .status,
      ).toBe(403);
    });
  });

  describe('members', () => {
    it('corrects and voids participations and departures, within the membership', async () => {
      const memberId = await join('Anne Bleu', 'infirmier');
      await ok(`/members/${memberId}/participations`, { activity: 'reunion', on: '2026-02-03', hours: 2 });
      await ok(`/members/${memberId}/departure`, { leftOn: '2026-03-31' });
      const stream = `member-${CPTS}.${memberId}`;
      const participation = await eventIdOf(stream, 'ParticipationRecorded');
      expectRule(
        await post(`/members/${memberId}/corrections`, {
          targetEventId: participation,
          reason: 'Date',
          correction: { on: '2026-04-02' },
        }),
        'member-has-left',
      );
      await ok(`/members/${memberId}/corrections`, {
        targetEventId: participation,
        reason: 'Durée',
        correction: { hours: 1.5 },
      });
      // The departure cannot be moved before a participation it would leave outside the membership.
      const departure = await eventIdOf(stream, 'MemberLeft');
      expectRule(
        await post(`/members/${memberId}/corrections`, {
          targetEventId: departure,
          reason: 'Date',
          correction: { leftOn: '2026-01-31' },
        }),
        'member-has-left',
      );
      await ok(`/members/${memberId}/voidings`, { targetEventId: departure, reason: 'Départ annulé' });
      const member = await call(`${tenant}/members/${memberId}`, { token: coord });
      expect(member.body.leftOn).toBeUndefined();
      expect(member.body.hoursOfParticipation).toBe(1.5);
      expectRule(
        await post(`/members/${memberId}/voidings`, {
          targetEventId: await eventIdOf(stream, 'MemberJoined'),
          reason: 'x',
        }),
        'entry-not-voidable',
      );
    });
  });

  describe('patients', () => {
    it('corrects a search, voids an assignment (the search is open again), refuses an impossible consent', async () => {
      const patientId = (
        await ok('/patients', {
          identity: { familyName: 'Roux', givenName: 'Marc', birthDate: '1950-01-01' },
          sex: 'M',
          birthYear: 1950,
          ald: true,
          precarious: false,
          hasMedecinTraitant: false,
        })
      ).id;
      const stream = `patient-${CPTS}.${patientId}`;
      await ok(`/patients/${patientId}/medecin-traitant-search`, {
        registeredOn: '2026-02-01',
        requestedBy: 'patient',
        priority: 'ald',
      });
      await ok(`/patients/${patientId}/medecin-traitant`, { memberId: members.gp, assignedOn: '2026-02-20' });
      const worklist = async () =>
        (await read(api.url, `${tenant}/worklist?kind=mt.recherche&patientId=${patientId}`, coord)).body
          .items as Array<{
          dueAt: string;
        }>;
      expect(await worklist()).toEqual([]);
      const search = await eventIdOf(stream, 'MedecinTraitantSearchRegistered');
      expectRule(
        await post(`/patients/${patientId}/corrections`, {
          targetEventId: search,
          reason: 'Date',
          correction: { registeredOn: '2026-02-25' },
        }),
        'business-time-too-early',
      );
      await ok(`/patients/${patientId}/corrections`, {
        targetEventId: search,
        reason: 'Date',
        correction: { registeredOn: '2026-01-20' },
      });
      await ok(`/patients/${patientId}/voidings`, {
        targetEventId: await eventIdOf(stream, 'MedecinTraitantAssigned'),
        reason: 'Médecin refusé',
      });
      expect(await worklist()).toEqual([expect.objectContaining({ dueAt: '2026-02-19' })]);

      await ok(`/patients/${patientId}/consents`, {
        scope: 'resultat-test',
        decision: 'accord',
        on: '2026-02-01',
      });
      await ok(`/patients/${patientId}/consents`, {
        scope: 'resultat-test',
        decision: 'retrait',
        on: '2026-02-10',
      });
      expectRule(
        await post(`/patients/${patientId}/corrections`, {
          targetEventId: await eventIdOf(stream, 'ConsentRecorded'),
          reason: 'Décision',
          correction: { decision: 'refus' },
        }),
        'consent-not-given',
      );
      const professional = await token(api.url, CPTS, 'professional', members.gp);
      expect(
        (await post(`/patients/${patientId}/voidings`, { targetEventId: search, reason: 'x' }, professional))
          .status,
      ).toBe(403);
    });
  });

  describe('RCPs, unscheduled care and actions', () => {
    let pathwayId: string;

    beforeAll(async () => {
      const patientId = (
        await ok('/patients', {
          identity: { familyName: 'Blanc', givenName: 'Lou', birthDate: '1960-01-01' },
          sex: 'F',
          birthYear: 1960,
          ald: false,
          precarious: false,
          hasMedecinTraitant: true,
        })
      ).id;
      pathwayId = (
        await ok('/pathways', { patientId, kind: 'cas-complexe', openedAt: '2026-02-01T09:00:00+01:00' })
      ).id;
    });

    it('corrects an RCP by its rules, voids it out of the register and the figures', async () => {
      const rcp = await ok('/rcps', {
        convenedBy: members.gp,
        heldAt: '2026-03-06T18:00:00+01:00',
        durationMinutes: 60,
        complex: true,
        format: 'visio',
        participants: [{ memberId: members.gp }, { memberId: members.nurse }],
        patientPresent: false,
        familyPresent: false,
        cases: [{ pathwayId, decisions: ['Passage IDE'], reviewOn: '2026-04-01' }],
      });
      const target = await eventIdOf(`rcp-${CPTS}.${rcp.id}`, 'RcpHeld');
      expectRule(
        await post(`/rcps/${rcp.id}/corrections`, {
          targetEventId: target,
          reason: 'Participants',
          correction: {
            participants: [
              { memberId: members.gp },
              { name: 'Dr Externe', profession: 'medecin-generaliste' },
            ],
          },
        }),
        'rcp-needs-two-professions',
      );
      await ok(`/rcps/${rcp.id}/corrections`, {
        targetEventId: target,
        reason: 'Heure',
        correction: { heldAt: '2026-03-06T19:00:00+01:00' },
      });
      expect((await call(`${tenant}/rcps/${rcp.id}`, { token: coord })).body.heldAt).toBe(
        '2026-03-06T19:00:00+01:00',
      );
      expect(await figure('parcours.rcp', '2026-03-01', '2026-04-01')).toBe(1);
      const reviews = async () =>
        (
          (await read(api.url, `${tenant}/worklist?kind=rcp.revue&pathwayId=${pathwayId}`, coord)).body
            .items as unknown[]
        ).length;
      expect(await reviews()).toBe(1);
      await ok(`/rcps/${rcp.id}/voidings`, { targetEventId: target, reason: 'Saisie en double' });
      expect(await figure('parcours.rcp', '2026-03-01', '2026-04-01')).toBe(0);
      expect(await reviews()).toBe(0);
      const register = await read(api.url, `${tenant}/rcps?from=2026-03-01&to=2026-04-01`, coord);
      expect((register.body.items as Array<{ id: string }>).map((item) => item.id)).not.toContain(rcp.id);
      expect((await call(`${tenant}/rcps/${rcp.id}`, { token: coord })).status).toBe(404);
    });

    it('voids an orientation (the request is to orient again) and corrects a request', async () => {
      const request = await ok('/unscheduled-care', {
        receivedAt: '2026-03-10T09:00:00+01:00',
        channel: 'telephone',
        motive: 'Fièvre',
        viaSas: false,
      });
      await ok(`/unscheduled-care/${request.id}/orientation`, {
        toMemberId: members.gp,
        appointmentAt: '2026-03-10T16:00:00+01:00',
      });
      const stream = `snp-${CPTS}.${request.id}`;
      const orientation = await eventIdOf(stream, 'UnscheduledCareOriented');
      expectRule(
        await post(`/unscheduled-care/${request.id}/corrections`, {
          targetEventId: orientation,
          reason: 'Heure',
          correction: { appointmentAt: '2026-03-09T16:00:00+01:00' },
        }),
        'business-time-too-early',
      );
      expect(await figure('acces.snp.taux-24h', '2026-03-01', '2026-04-01')).toBe(1);
      await ok(`/unscheduled-care/${request.id}/voidings`, {
        targetEventId: orientation,
        reason: 'RDV annulé',
      });
      expect(await figure('acces.snp.taux-24h', '2026-03-01', '2026-04-01')).toBe(0);
      const items = await read(api.url, `${tenant}/worklist?kind=snp.orientation`, coord);
      expect((items.body.items as Array<{ streamId: string }>).map((i) => i.streamId)).toContain(stream);
      await ok(`/unscheduled-care/${request.id}/corrections`, {
        targetEventId: await eventIdOf(stream, 'UnscheduledCareRequested'),
        reason: 'Canal',
        correction: { channel: 'sas', viaSas: true },
      });
      expect((await call(`${tenant}/unscheduled-care/${request.id}`, { token: coord })).body).toMatchObject({
        channel: 'sas',
        viaSas: true,
        status: 'requested',
      });
    });

    it('voids a prevention action and refuses a correction naming someone who is not a member', async () => {
      const action = await ok('/prevention-actions', {
        theme: 'Dépistage du diabète',
        heldOn: '2026-03-12',
        participants: 40,
        memberIds: [members.nurse],
      });
      const target = await eventIdOf(`action-${CPTS}.${action.id}`, 'PreventionActionHeld');
      expectRule(
        await post(`/actions/${action.id}/corrections`, {
          targetEventId: target,
          reason: 'Membres',
          correction: { memberIds: ['0193aaaa-0000-7000-8000-000000000000'] },
        }),
        'unknown-member',
      );
      const asOf = new Date().toISOString();
      await ok(`/actions/${action.id}/voidings`, { targetEventId: target, reason: 'Action annulée' });
      expect(await figure('prevention.actions', '2026-03-01', '2026-04-01')).toBe(0);
      expect(await figure('prevention.actions', '2026-03-01', '2026-04-01', asOf)).toBe(1);
    });
  });
});
