/**
 * The rules of `docs/rules.md` on every path into the log, over real HTTP: corrections decided again as if
 * new, national protocols kept as platform data, the test result governing a dispensation, ages on the
 * Paris calendar, blocks and times on RCPs and unscheduled care, the delegating doctor and the consent in
 * force at the application, planned times, and the patient events a coordinator needs.
 */
import { call, startApi, type RunningApi } from './support/api-process';
import { command, read, token } from './support/tenant';

const CPTS = 'cpts-regles';
const CYSTITIS = 'pollakiurie-brulure-mictionnelle';
const CHICKENPOX = 'eruption-vesiculeuse-enfant';

describe('every rule on every path', () => {
  let api: RunningApi;
  let coord: string;
  let tenant: string;
  const members: Record<string, string> = {};
  const patients: Record<string, string> = {};

  const post = (path: string, body: unknown, as = coord) => call(`${tenant}${path}`, { token: as, body });
  const ok = (path: string, body: unknown) => command(`${tenant}${path}`, coord, body);
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
  const register = async (sex: string, birthDate: string) =>
    (
      await ok('/patients', {
        identity: { familyName: 'Durand', givenName: 'Léa', birthDate },
        sex,
        birthYear: Number(birthDate.slice(0, 4)),
        ald: false,
        precarious: false,
        hasMedecinTraitant: false,
      })
    ).id;
  const open = async (patientId: string, openedAt = '2026-03-02T09:00:00+01:00') =>
    (await ok('/pathways', { patientId, kind: 'autre', openedAt })).id;
  /** The event id of a stream's entry, from the audit route. */
  const eventIdOf = async (stream: string, type: string, nth = 0): Promise<string> => {
    const response = await call(`${tenant}/audit/streams/${stream}`, { token: coord });
    const events = (response.body.events as Array<{ type: string; metadata: { eventId: string } }>).filter(
      (event) => event.type === type,
    );
    return events[nth].metadata.eventId;
  };
  const application = (overrides: Record<string, unknown> = {}) => ({
    protocolCode: CYSTITIS,
    protocolVersion: 2,
    byMemberId: members.pharma,
    appliedAt: '2026-03-10T10:00:00+01:00',
    eligibility: { eligible: true, answers: {} },
    test: { kind: 'bandelette-urinaire', result: 'positif' },
    outcome: 'dispensation',
    mtInformedAt: '2026-03-10T10:30:00+01:00',
    ...overrides,
  });
  const expectRule = (response: { status: number; body: Record<string, unknown> }, rule: string) => {
    expect({ status: response.status, rule: response.body.rule }).toEqual({ status: 422, rule });
  };

  beforeAll(async () => {
    api = await startApi();
    const admin = await token(api.url, null, 'platform-admin');
    await command(`${api.url}/api/v1/cpts`, admin, {
      id: CPTS,
      name: 'CPTS des règles',
      population: 60000,
      communes: ['69264'],
    });
    coord = await token(api.url, CPTS, 'coordinator', 'coord-1');
    tenant = `${api.url}/api/v1/cpts/${CPTS}`;
    members.gp = await join('Dr Claire Martin', 'medecin-generaliste');
    members.gp2 = await join('Dr Marc Noir', 'medecin-generaliste');
    members.pharma = await join('Paul Petit', 'pharmacien');
    members.pharma2 = await join('Jeanne Vert', 'pharmacien');
    members.nurse = await join('Inès Roux', 'infirmier');
    members.kine = await join('Hugo Blanc', 'masseur-kinesitherapeute');
    members.leaving = await join('Dr Léo Gris', 'medecin-generaliste');
    const adherent = (memberId: string, doctor: string, code = CYSTITIS) =>
      ok(`/protocols/${code}/adherents`, {
        memberId,
        delegatingDoctorMemberId: doctor,
        trainedOn: '2024-02-01',
        signedOn: '2024-02-15',
      });
    await adherent(members.pharma, members.gp);
    await adherent(members.pharma2, members.gp2);
    await adherent(members.nurse, members.gp, CHICKENPOX);
    await ok(`/members/${members.gp2}/departure`, { leftOn: '2026-01-31' });
    await ok(`/members/${members.leaving}/departure`, { leftOn: '2026-03-20' });
    patients.woman = await register('F', '1990-04-12');
    patients.man = await register('M', '1985-07-01');
    patients.child = await register('F', '2013-05-20');
    patients.senior = await register('F', '1960-06-10');
  });
  afterAll(() => api.dispose());

  describe('a correction is decided again as if it were new', () => {
    it('refuses a man’s cystitis application corrected into a dispensation', async () => {
      const pathwayId = await open(patients.man);
      await ok(`/pathways/${pathwayId}/protocol-applications`, {
        ...application({ outcome: 'orientation-medecin', test: undefined, mtInformedAt: undefined }),
      });
      const target = await eventIdOf(`pathway-${CPTS}.${pathwayId}`, 'ProtocolApplied');
      const response = await post(`/pathways/${pathwayId}/corrections`, {
        targetEventId: target,
        reason: 'Erreur de saisie',
        correction: {
          outcome: 'dispensation',
          test: { kind: 'bandelette-urinaire', result: 'positif' },
          mtInformedAt: '2026-03-10T10:30:00+01:00',
        },
      });
      expectRule(response, 'patient-not-eligible');
    });

    it('refuses a protocol version corrected to one not in force', async () => {
      const pathwayId = await open(patients.woman);
      await ok(`/pathways/${pathwayId}/protocol-applications`, application());
      const target = await eventIdOf(`pathway-${CPTS}.${pathwayId}`, 'ProtocolApplied');
      const response = await post(`/pathways/${pathwayId}/corrections`, {
        targetEventId: target,
        reason: 'Version',
        correction: { protocolVersion: 1 },
      });
      expectRule(response, 'protocol-version-not-in-force');
    });

    it('refuses a referral corrected to a professional the patient blocked', async () => {
      const patientId = await register('F', '1970-01-01');
      await ok(`/patients/${patientId}/blocks`, { memberId: members.kine, on: '2026-01-05' });
      const pathwayId = await open(patientId);
      await ok(`/pathways/${pathwayId}/referrals`, {
        fromMemberId: members.gp,
        to: { memberId: members.nurse },
        reason: 'Pansements',
        urgency: '24h',
        referredAt: '2026-03-03T10:00:00+01:00',
      });
      const target = await eventIdOf(`pathway-${CPTS}.${pathwayId}`, 'PatientReferred');
      const response = await post(`/pathways/${pathwayId}/corrections`, {
        targetEventId: target,
        reason: 'Mauvais destinataire',
        correction: { to: { memberId: members.kine } },
      });
      expectRule(response, 'professional-blocked');
      expect(response.body.errors).toEqual([expect.objectContaining({ path: 'correction.to.memberId' })]);
    });

    it('refuses a follow-up moved after its member left', async () => {
      const pathwayId = await open(patients.woman);
      await ok(`/pathways/${pathwayId}/follow-ups`, {
        byMemberId: members.leaving,
        at: '2026-03-09T15:00:00+01:00',
        kind: 'appel',
      });
      const target = await eventIdOf(`pathway-${CPTS}.${pathwayId}`, 'FollowUpCompleted');
      const response = await post(`/pathways/${pathwayId}/corrections`, {
        targetEventId: target,
        reason: 'Date',
        correction: { at: '2026-03-25T10:00:00+01:00' },
      });
      expectRule(response, 'member-has-left');
      // Within the membership, the same correction goes through.
      const accepted = await post(`/pathways/${pathwayId}/corrections`, {
        targetEventId: target,
        reason: 'Date',
        correction: { at: '2026-03-19T10:00:00+01:00' },
      });
      expect(accepted.status).toBe(201);
    });

    it('refuses voiding an acceptance that a completion relies on', async () => {
      const pathwayId = await open(patients.woman);
      const referral = await ok(`/pathways/${pathwayId}/referrals`, {
        fromMemberId: members.gp,
        to: { memberId: members.kine },
        reason: 'Rééducation',
        urgency: 'programmee',
        referredAt: '2026-03-03T10:00:00+01:00',
      });
      await ok(`/pathways/${pathwayId}/referrals/${referral.id}/acceptance`, {
        acceptedAt: '2026-03-04T10:00:00+01:00',
      });
      await ok(`/pathways/${pathwayId}/referrals/${referral.id}/completion`, {
        completedAt: '2026-03-12T15:00:00+01:00',
      });
      const target = await eventIdOf(`pathway-${CPTS}.${pathwayId}`, 'ReferralAccepted');
      const response = await post(`/pathways/${pathwayId}/voidings`, { targetEventId: target, reason: 'x' });
      expectRule(response, 'referral-not-accepted');
    });
  });

  describe('national cooperation protocols are the platform’s', () => {
    const local = {
      version: 2,
      title: 'Angine, version élargie',
      kind: 'pluriprofessionnel-local',
      eligibility: { minAgeMonths: 12, maxAgeMonths: 1200, exclusions: [] },
      tests: [],
      professions: ['pharmacien', 'infirmier', 'masseur-kinesitherapeute'],
      requiresMtInformation: false,
      effectiveFrom: '2026-01-01',
    };

    it('refuses a CPTS’s new version of a national protocol, its retirement and its code', async () => {
      expectRule(await post('/protocols', { code: 'odynophagie', ...local }), 'national-protocol-reserved');
      expectRule(
        await post('/protocols/odynophagie/retirement', { effectiveTo: '2026-06-30' }),
        'national-protocol-reserved',
      );
      expectRule(
        await post('/protocols', {
          code: 'mon-protocole',
          ...local,
          version: 1,
          kind: 'cooperation-nationale',
        }),
        'national-protocol-reserved',
      );
      const catalogue = await read(api.url, `${tenant}/protocols`, coord);
      const odynophagie = (catalogue.body.items as Array<{ code: string; versions: unknown[] }>).find(
        (p) => p.code === 'odynophagie',
      );
      expect(odynophagie?.versions).toHaveLength(1);
    });
  });

  describe('the test result governs a dispensation', () => {
    it('needs a positive test for a dispensation, a negative one for advice', async () => {
      const pathwayId = await open(patients.woman);
      const url = `/pathways/${pathwayId}/protocol-applications`;
      const negative = { kind: 'bandelette-urinaire', result: 'negatif' };
      expectRule(await post(url, application({ test: negative })), 'outcome-not-allowed-by-test');
      expectRule(await post(url, application({ test: undefined })), 'outcome-not-allowed-by-test');
      expectRule(
        await post(
          url,
          application({ test: { kind: 'bandelette-urinaire', result: 'invalide' }, outcome: 'conseil' }),
        ),
        'outcome-not-allowed-by-test',
      );
      expect((await post(url, application({ test: negative, outcome: 'conseil' }))).status).toBe(201);
      expect(
        (
          await post(
            url,
            application({
              test: { kind: 'bandelette-urinaire', result: 'invalide' },
              outcome: 'orientation-medecin',
            }),
          )
        ).status,
      ).toBe(201);
    });
  });

  describe('ages are taken on the Paris calendar', () => {
    it('makes a child 13 at midnight in Paris on her birthday', async () => {
      const pathwayId = await open(patients.child, '2026-05-19T09:00:00+02:00');
      // 00:30 in Paris on 20 May is still 19 May in UTC: she is 13 and out of the protocol's ages.
      const response = await post(`/pathways/${pathwayId}/protocol-applications`, {
        protocolCode: CHICKENPOX,
        protocolVersion: 1,
        byMemberId: members.nurse,
        appliedAt: '2026-05-20T00:30:00+02:00',
        eligibility: { eligible: true, answers: {} },
        outcome: 'conseil',
      });
      expectRule(response, 'patient-not-eligible');
    });

    it('makes a woman 66 at midnight in Paris on her birthday', async () => {
      const pathwayId = await open(patients.senior, '2026-06-09T09:00:00+02:00');
      const response = await post(
        `/pathways/${pathwayId}/protocol-applications`,
        application({ appliedAt: '2026-06-10T01:30:00+02:00', mtInformedAt: '2026-06-10T02:00:00+02:00' }),
      );
      expectRule(response, 'patient-not-eligible');
    });
  });

  describe('the delegation and the consent in force at the application', () => {
    it('refuses an application under a delegation whose doctor left', async () => {
      const pathwayId = await open(patients.woman);
      const response = await post(
        `/pathways/${pathwayId}/protocol-applications`,
        application({ byMemberId: members.pharma2 }),
      );
      expectRule(response, 'delegating-doctor-has-left');
    });

    it('reads the consent in force at appliedAt, not today’s', async () => {
      const patientId = await register('F', '1992-02-02');
      await ok(`/patients/${patientId}/consents`, {
        scope: 'partage-medecin-traitant',
        decision: 'refus',
        on: '2026-04-01',
      });
      const pathwayId = await open(patientId);
      // On 10 March the patient had not refused: the médecin traitant had to be informed.
      expectRule(
        await post(`/pathways/${pathwayId}/protocol-applications`, application({ mtInformedAt: undefined })),
        'mt-information-required',
      );
      expect(
        (
          await post(
            `/pathways/${pathwayId}/protocol-applications`,
            application({ appliedAt: '2026-04-02T10:00:00+02:00', mtInformedAt: undefined }),
          )
        ).status,
      ).toBe(201);
    });
  });

  describe('blocks and times on RCPs and unscheduled care', () => {
    let blockingPatient: string;
    let pathwayId: string;
    const rcp = (overrides: Record<string, unknown> = {}) => ({
      convenedBy: members.gp,
      heldAt: '2026-03-20T18:00:00+01:00',
      durationMinutes: 60,
      complex: false,
      format: 'visio',
      participants: [{ memberId: members.gp }, { memberId: members.nurse }],
      patientPresent: false,
      familyPresent: false,
      cases: [{ pathwayId, decisions: ['Passage IDE quotidien'] }],
      ...overrides,
    });

    beforeAll(async () => {
      blockingPatient = await register('M', '1950-09-09');
      await ok(`/patients/${blockingPatient}/blocks`, { memberId: members.kine, on: '2026-01-05' });
      pathwayId = await open(blockingPatient);
    });

    it('refuses a blocked professional as convenor or participant of an RCP about the patient', async () => {
      expectRule(await post('/rcps', rcp({ convenedBy: members.kine })), 'professional-blocked');
      const response = await post(
        '/rcps',
        rcp({ participants: [{ memberId: members.gp }, { memberId: members.kine }] }),
      );
      expectRule(response, 'professional-blocked');
      expect(response.body.errors).toEqual([expect.objectContaining({ path: 'participants[1].memberId' })]);
    });

    it('refuses an RCP held before the pathway opened or while it was closed', async () => {
      expectRule(
        await post('/rcps', rcp({ heldAt: '2026-03-01T18:00:00+01:00' })),
        'business-time-too-early',
      );
      const closed = await open(blockingPatient);
      await ok(`/pathways/${closed}/closure`, { closedAt: '2026-03-10T10:00:00+01:00', outcome: 'termine' });
      expectRule(
        await post('/rcps', rcp({ cases: [{ pathwayId: closed, decisions: ['Rien'] }] })),
        'pathway-not-open',
      );
      expect((await post('/rcps', rcp())).status).toBe(201);
    });

    it('refuses orienting an unscheduled-care request to a professional the patient blocked', async () => {
      const request = await ok('/unscheduled-care', {
        receivedAt: '2026-03-05T09:00:00+01:00',
        channel: 'telephone',
        motive: 'Lombalgie',
        patientId: blockingPatient,
        viaSas: false,
      });
      expectRule(
        await post(`/unscheduled-care/${request.id}/orientation`, {
          toMemberId: members.kine,
          appointmentAt: '2026-03-05T16:00:00+01:00',
        }),
        'professional-blocked',
      );
    });

    it('refuses a review planned more than a year ahead', async () => {
      expectRule(
        await post('/rcps', rcp({ cases: [{ pathwayId, decisions: ['Revoir'], reviewOn: '2028-01-15' }] })),
        'planned-time-too-far',
      );
    });
  });

  describe('the patient events a coordinator needs', () => {
    const figure = async (code: string, from: string, to: string) => {
      const analyst = await token(api.url, CPTS, 'analyst');
      const response = await read(api.url, `${tenant}/indicators?from=${from}&to=${to}`, analyst);
      return (
        response.body.indicators as Array<{ code: string; value: number; breakdown?: Record<string, number> }>
      ).find((indicator) => indicator.code === code)!;
    };
    const mtItems = async (patientId: string) =>
      (
        (await read(api.url, `${tenant}/worklist?kind=mt.recherche&patientId=${patientId}`, coord)).body
          .items as unknown[]
      ).length;

    it('closes a médecin-traitant search without an assignment: out of the worklist and of acces.mt.sans-mt', async () => {
      const patientId = await register('F', '1980-03-03');
      await ok(`/patients/${patientId}/medecin-traitant-search`, {
        registeredOn: '2026-02-01',
        requestedBy: 'patient',
        priority: 'aucune',
      });
      expect(await mtItems(patientId)).toBe(1);
      const before = (await figure('acces.mt.sans-mt', '2026-03-01', '2026-04-01')).value;
      expectRule(
        await post(`/patients/${patientId}/medecin-traitant-search/closure`, {
          closedOn: '2026-01-15',
          reason: 'injoignable',
        }),
        'business-time-too-early',
      );
      await ok(`/patients/${patientId}/medecin-traitant-search/closure`, {
        closedOn: '2026-03-10',
        reason: 'injoignable',
      });
      expect(await mtItems(patientId)).toBe(0);
      expect((await figure('acces.mt.sans-mt', '2026-03-01', '2026-04-01')).value).toBe(before - 1);
      // Still without a médecin traitant at the end of February: the search was open then.
      expect((await figure('acces.mt.sans-mt', '2026-02-01', '2026-03-01')).value).toBeGreaterThanOrEqual(1);
      expectRule(
        await post(`/patients/${patientId}/medecin-traitant-search/closure`, {
          closedOn: '2026-03-11',
          reason: 'autre',
        }),
        'no-open-medecin-traitant-search',
      );
    });

    it('updates a patient’s ALD and precarity, counted as they stood at the period end', async () => {
      const patientId = await register('M', '1975-05-05');
      await ok(`/patients/${patientId}/medecin-traitant-search`, {
        registeredOn: '2026-02-01',
        requestedBy: 'patient',
        priority: 'aucune',
      });
      const ald = async (from: string, to: string) =>
        (await figure('acces.mt.sans-mt', from, to)).breakdown!.ald;
      const [feb, apr] = [await ald('2026-02-01', '2026-03-01'), await ald('2026-04-01', '2026-05-01')];
      await ok(`/patients/${patientId}/status`, { effectiveOn: '2026-03-15', ald: true });
      expect(await ald('2026-02-01', '2026-03-01')).toBe(feb);
      expect(await ald('2026-04-01', '2026-05-01')).toBe(apr + 1);
      const patient = await read(api.url, `${tenant}/patients/${patientId}`, coord);
      expect(patient.body).toMatchObject({ ald: true, precarious: false });
      expectRule(
        await post(`/patients/${patientId}/status`, { effectiveOn: '2026-03-20', ald: true }),
        'status-unchanged',
      );
      const empty = await post(`/patients/${patientId}/status`, { effectiveOn: '2026-03-20' });
      expect(empty.status).toBe(400);
    });

    it('corrects a misspelt identity: sealed, shown to identity readers only, each read logged', async () => {
      const patientId = await register('F', '1988-08-08');
      const corrected = { familyName: 'Dupont', givenName: 'Léna', birthDate: '1988-08-18' };
      await ok(`/patients/${patientId}/identity-correction`, {
        identity: corrected,
        reason: 'Faute de frappe',
      });
      const stream = await call(`${tenant}/audit/streams/patient-${CPTS}.${patientId}`, { token: coord });
      const event = (stream.body.events as Array<{ type: string; data: Record<string, unknown> }>).find(
        (e) => e.type === 'PatientIdentityCorrected',
      )!;
      expect(JSON.stringify(event.data)).not.toContain('Dupont');
      expect(JSON.stringify(event.data)).not.toContain('1988-08-18');
      const shown = await call(`${tenant}/patients/${patientId}`, { token: coord });
      expect(shown.body.identity).toEqual(corrected);
      const auditor = await token(api.url, CPTS, 'auditor');
      const log = await call(`${tenant}/audit/access-log?patientId=${patientId}`, { token: auditor });
      expect((log.body.entries as unknown[]).length).toBeGreaterThanOrEqual(1);
      const analyst = await token(api.url, CPTS, 'analyst');
      expect((await call(`${tenant}/patients/${patientId}`, { token: analyst })).status).toBe(403);
      expectRule(
        await post(`/patients/${patientId}/identity-correction`, {
          identity: { ...corrected, birthDate: '2027-01-01' },
          reason: 'Date',
        }),
        'business-time-in-future',
      );
      // A wrong year is corrected too: the birth year in clear follows the corrected date.
      await ok(`/patients/${patientId}/identity-correction`, {
        identity: { ...corrected, birthDate: '1989-08-18' },
        reason: 'Année',
      });
      expect((await call(`${tenant}/patients/${patientId}`, { token: coord })).body).toMatchObject({
        birthYear: 1989,
        identity: { ...corrected, birthDate: '1989-08-18' },
      });
      await ok(`/patients/${patientId}/erasure`, { on: '2026-05-01', reason: 'Demande du patient' });
      expectRule(
        await post(`/patients/${patientId}/identity-correction`, { identity: corrected, reason: 'x' }),
        'patient-erased',
      );
      expect((await call(`${tenant}/patients/${patientId}`, { token: coord })).body.identity).toBeNull();
    });
  });

  describe('the crisis plan', () => {
    it('refuses a crisis plan drafted before the crisis mission started', async () => {
      await ok('/contract', {
        signedOn: '2025-01-15',
        missions: ['acces-soins', 'parcours', 'prevention', 'crises-sanitaires'],
      });
      await ok('/missions/crises-sanitaires/start', { startedOn: '2025-06-01' });
      expectRule(
        await post('/crisis-plan', { on: '2025-05-01', kind: 'drafted' }),
        'crisis-mission-not-started',
      );
      expect((await post('/crisis-plan', { on: '2025-06-10', kind: 'drafted' })).status).toBe(201);
    });
  });
});
