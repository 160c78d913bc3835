/**
 * Pathways over real HTTP: every pathway event through its endpoint, the rules that need other records
 * (patients, members, protocols), the timeline, If-Match, and 50 concurrent commands on one pathway.
 */
import { call, startApi, type RunningApi } from '../../../../test/support/api-process';
import { command, read, token } from '../../../../test/support/tenant';

const CPTS = 'cpts-parcours';

describe('pathways over HTTP', () => {
  let api: RunningApi;
  let coord: string;
  let base: string;
  const members: Record<string, string> = {};
  let patientId: string;
  let malePatientId: string;

  const join = async (displayName: string, profession: string) =>
    (
      await command(`${api.url}/api/v1/cpts/${CPTS}/members`, coord, {
        displayName,
        profession,
        mode: 'liberal',
        joinedOn: '2024-01-10',
        sasParticipant: false,
      })
    ).id;
  const register = async (sex: string, birthDate: string) =>
    (
      await command(`${api.url}/api/v1/cpts/${CPTS}/patients`, coord, {
        identity: { familyName: 'Durand', givenName: 'Léa', birthDate },
        sex,
        birthYear: Number(birthDate.slice(0, 4)),
        ald: false,
        precarious: false,
        hasMedecinTraitant: true,
      })
    ).id;
  const openPathway = async (kind = 'sortie-hospitalisation', patient = patientId) =>
    (await command(base, coord, { patientId: patient, kind, openedAt: '2026-03-02T09:00:00+01:00' })).id;

  beforeAll(async () => {
    api = await startApi();
    const admin = await token(api.url, null, 'platform-admin');
    await command(`${api.url}/api/v1/cpts`, admin, {
      id: CPTS,
      name: 'CPTS du Beaujolais',
      population: 60000,
      communes: ['69264'],
    });
    coord = await token(api.url, CPTS, 'coordinator', 'coord-1');
    base = `${api.url}/api/v1/cpts/${CPTS}/pathways`;
    members.gp = await join('Dr Claire Martin', 'medecin-generaliste');
    members.pharma = await join('Paul Petit', 'pharmacien');
    members.nurse = await join('Inès Roux', 'infirmier');
    members.kine = await join('Hugo Blanc', 'masseur-kinesitherapeute');
    await command(
      `${api.url}/api/v1/cpts/${CPTS}/protocols/pollakiurie-brulure-mictionnelle/adherents`,
      coord,
      {
        memberId: members.pharma,
        delegatingDoctorMemberId: members.gp,
        trainedOn: '2024-02-01',
        signedOn: '2024-02-15',
      },
    );
    patientId = await register('F', '1990-04-12');
    malePatientId = await register('M', '1985-07-01');
  });
  afterAll(() => api.dispose());

  it('opens a pathway, records every kind of entry, and shows them in a business-time timeline', async () => {
    const id = await openPathway();
    const referral = await command(`${base}/${id}/referrals`, coord, {
      fromMemberId: members.gp,
      to: { memberId: members.kine },
      reason: 'Rééducation après fracture du poignet',
      urgency: 'programmee',
      referredAt: '2026-03-03T10:00:00+01:00',
      channel: 'messagerie-securisee',
    });
    await command(`${base}/${id}/referrals/${referral.id}/acceptance`, coord, {
      acceptedAt: '2026-03-04T10:00:00+01:00',
      appointmentAt: '2026-03-12T14:30:00+01:00',
    });
    await command(`${base}/${id}/referrals/${referral.id}/completion`, coord, {
      completedAt: '2026-03-12T15:00:00+01:00',
    });
    const discharge = await command(`${base}/${id}/discharges`, coord, {
      hospital: { name: 'CH de Villefranche', finess: '690000880' },
      dischargeAt: '2026-03-06T17:30:00+01:00',
      notifiedAt: '2026-03-05T11:00:00+01:00',
      treatmentChanged: true,
      complex: false,
      needs: ['infirmier'],
      pharmacistMemberId: members.pharma,
      gpMemberId: members.gp,
    });
    await command(`${base}/${id}/medication-reconciliations`, coord, {
      dischargeId: discharge.id,
      toMemberId: members.pharma,
      sentAt: '2026-03-07T09:00:00+01:00',
    });
    await command(`${base}/${id}/follow-ups`, coord, {
      dischargeId: discharge.id,
      byMemberId: members.gp,
      at: '2026-03-09T15:00:00+01:00',
      kind: 'consultation',
    });
    const application = await command(`${base}/${id}/protocol-applications`, coord, {
      protocolCode: 'pollakiurie-brulure-mictionnelle',
      protocolVersion: 2,
      byMemberId: members.pharma,
      appliedAt: '2026-03-10T10:00:00+01:00',
      eligibility: { eligible: true, answers: {} },
      test: { kind: 'bandelette-urinaire', result: 'positif' },
      outcome: 'dispensation',
      mtInformedAt: '2026-03-10T10:30:00+01:00',
    });
    const closure = await command(`${base}/${id}/closure`, coord, {
      closedAt: '2026-04-01T10:00:00+02:00',
      outcome: 'termine',
    });
    expect(closure.revision).toBe(8);

    const view = await read(api.url, `${base}/${id}`, coord);
    expect(view.status).toBe(200);
    expect(view.headers.get('etag')).toBe('"8"');
    expect(view.body).toMatchObject({
      id,
      patientId,
      kind: 'sortie-hospitalisation',
      status: 'closed',
      revision: 8,
    });
    expect(view.body.timeline.map((e: { type: string }) => e.type)).toEqual([
      'PathwayOpened',
      'PatientReferred',
      'ReferralAccepted',
      'DischargeNotified', // business time 6 March, recorded after the acceptance
      'MedicationReconciliationSent',
      'FollowUpCompleted',
      'ProtocolApplied',
      'ReferralCompleted',
      'PathwayClosed',
    ]);
    const entry = view.body.timeline.find((e: { type: string }) => e.type === 'ProtocolApplied');
    expect(entry).toMatchObject({
      at: '2026-03-10T10:00:00+01:00',
      actor: { id: 'coord-1', role: 'coordinator' },
    });
    expect(entry.data.applicationId).toBe(application.id);
    expect(entry.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  describe('rules broken over HTTP are 422s naming the rule and the field', () => {
    const expectRule = async (url: string, body: unknown, rule: string, path?: string) => {
      const response = await call(url, { token: coord, body });
      expect([response.status, response.body?.rule]).toEqual([422, rule]);
      if (path) expect(response.body.errors?.[0]?.path).toBe(path);
    };

    it('a patient unknown in this CPTS', async () => {
      await expectRule(
        base,
        {
          patientId: '0193a0e0-0000-7000-8000-00000000abcd',
          kind: 'bpco',
          openedAt: '2026-03-02T09:00:00+01:00',
        },
        'unknown-patient',
        'patientId',
      );
    });

    it('a business time in the future, or before the opening', async () => {
      const id = await openPathway();
      const followUp = { byMemberId: members.gp, kind: 'appel' };
      await expectRule(
        `${base}/${id}/follow-ups`,
        { ...followUp, at: '2031-01-01T10:00:00+01:00' },
        'business-time-in-future',
        'at',
      );
      await expectRule(
        `${base}/${id}/follow-ups`,
        { ...followUp, at: '2026-03-01T10:00:00+01:00' },
        'business-time-too-early',
        'at',
      );
    });

    it('a closed pathway accepts nothing but reopening, correction, voiding', async () => {
      const id = await openPathway();
      const followUp = await command(`${base}/${id}/follow-ups`, coord, {
        byMemberId: members.gp,
        at: '2026-03-09T15:00:00+01:00',
        kind: 'appel',
      });
      await command(`${base}/${id}/closure`, coord, {
        closedAt: '2026-04-01T10:00:00+02:00',
        outcome: 'termine',
      });
      await expectRule(
        `${base}/${id}/follow-ups`,
        { byMemberId: members.gp, at: '2026-04-02T15:00:00+02:00', kind: 'appel' },
        'pathway-closed',
      );
      const view = await read(api.url, `${base}/${id}`, coord);
      const target = view.body.timeline.find((e: { type: string }) => e.type === 'FollowUpCompleted').eventId;
      expect(
        (
          await call(`${base}/${id}/corrections`, {
            token: coord,
            body: { targetEventId: target, reason: 'Type', correction: { kind: 'consultation' } },
          })
        ).status,
      ).toBe(201);
      expect(followUp.revision).toBe(1);
      await command(`${base}/${id}/reopening`, coord, {
        reopenedAt: '2026-04-03T10:00:00+02:00',
        reason: 'Rechute',
      });
      await command(`${base}/${id}/follow-ups`, coord, {
        byMemberId: members.gp,
        at: '2026-04-04T15:00:00+02:00',
        kind: 'appel',
      });
    });

    it('referral answers out of order, and unknown referrals and discharges', async () => {
      const id = await openPathway();
      const referral = await command(`${base}/${id}/referrals`, coord, {
        fromMemberId: members.gp,
        to: { profession: 'masseur-kinesitherapeute' },
        reason: 'Kiné',
        urgency: '24h',
        referredAt: '2026-03-03T10:00:00+01:00',
      });
      await expectRule(
        `${base}/${id}/referrals/${referral.id}/completion`,
        { completedAt: '2026-03-04T10:00:00+01:00' },
        'referral-not-accepted',
        'referralId',
      );
      await expectRule(
        `${base}/${id}/referrals/0193a0e0-0000-7000-8000-000000000001/acceptance`,
        { acceptedAt: '2026-03-04T10:00:00+01:00' },
        'unknown-referral',
        'referralId',
      );
      await expectRule(
        `${base}/${id}/referrals`,
        {
          fromMemberId: members.gp,
          to: {},
          reason: 'x',
          urgency: '24h',
          referredAt: '2026-03-03T10:00:00+01:00',
        },
        'referral-without-recipient',
        'to',
      );
      await expectRule(
        `${base}/${id}/medication-reconciliations`,
        {
          dischargeId: '0193a0e0-0000-7000-8000-000000000002',
          toMemberId: members.pharma,
          sentAt: '2026-03-07T09:00:00+01:00',
        },
        'unknown-discharge',
        'dischargeId',
      );
    });

    it('a reconciliation to someone who is not a pharmacist', async () => {
      const id = await openPathway();
      const discharge = await command(`${base}/${id}/discharges`, coord, {
        hospital: { name: 'HCL' },
        dischargeAt: '2026-03-06T17:30:00+01:00',
        notifiedAt: '2026-03-05T11:00:00+01:00',
        treatmentChanged: false,
        complex: true,
        needs: [],
      });
      await expectRule(
        `${base}/${id}/medication-reconciliations`,
        { dischargeId: discharge.id, toMemberId: members.nurse, sentAt: '2026-03-07T09:00:00+01:00' },
        'not-a-pharmacist',
        'toMemberId',
      );
    });

    describe('protocol applications', () => {
      const application = (extra: object = {}) => ({
        protocolCode: 'pollakiurie-brulure-mictionnelle',
        protocolVersion: 2,
        byMemberId: members.pharma,
        appliedAt: '2026-03-10T10:00:00+01:00',
        eligibility: { eligible: true, answers: {} },
        test: { kind: 'bandelette-urinaire', result: 'positif' },
        outcome: 'dispensation',
        mtInformedAt: '2026-03-10T10:30:00+01:00',
        ...extra,
      });

      it('refused for an ineligible patient (a man) unless oriented to a doctor', async () => {
        const id = await openPathway('autre', malePatientId);
        const refused = await call(`${base}/${id}/protocol-applications`, {
          token: coord,
          body: application(),
        });
        expect(refused.status).toBe(422);
        // The problem itself names the failing criterion, for every client.
        expect(refused.body).toMatchObject({
          rule: 'patient-not-eligible',
          errors: [{ path: 'outcome' }],
          criterion: 'sex',
          sex: 'M',
          requiredSex: 'F',
        });
        expect(refused.body.detail).toMatch(/^Critère de sexe non rempli/);
        expect(refused.body.messages.en).toMatch(/^Sex criterion not met/);
        await command(
          `${base}/${id}/protocol-applications`,
          coord,
          application({ outcome: 'orientation-medecin', mtInformedAt: undefined }),
        );
      });

      it('each protocol rule', async () => {
        const id = await openPathway('autre');
        await expectRule(
          `${base}/${id}/protocol-applications`,
          application({ protocolCode: 'inconnu' }),
          'unknown-protocol',
          'protocolCode',
        );
        await expectRule(
          `${base}/${id}/protocol-applications`,
          application({ protocolVersion: 1 }),
          'protocol-version-not-in-force',
          'protocolVersion',
        );
        await expectRule(
          `${base}/${id}/protocol-applications`,
          application({ byMemberId: members.kine }),
          'profession-not-allowed',
          'byMemberId',
        );
        await expectRule(
          `${base}/${id}/protocol-applications`,
          application({ byMemberId: members.nurse }),
          'not-an-adherent',
          'byMemberId',
        );
        await expectRule(
          `${base}/${id}/protocol-applications`,
          application({ mtInformedAt: undefined }),
          'mt-information-required',
          'mtInformedAt',
        );
      });
    });

    it('a member who left cannot be referenced after leaving', async () => {
      const leaving = await join('Dr Départ', 'medecin-generaliste');
      await command(`${api.url}/api/v1/cpts/${CPTS}/members/${leaving}/departure`, coord, {
        leftOn: '2026-03-05',
      });
      const id = await openPathway();
      await expectRule(
        `${base}/${id}/follow-ups`,
        { byMemberId: leaving, at: '2026-03-09T15:00:00+01:00', kind: 'appel' },
        'member-has-left',
        'byMemberId',
      );
    });

    it('a professional the patient blocked can record nothing for that patient, nor read the pathway', async () => {
      const id = await openPathway();
      // In the patient's care circle: only the block keeps the nurse out.
      await command(`${api.url}/api/v1/cpts/${CPTS}/patients/${patientId}/care-team`, coord, {
        memberId: members.nurse,
        role: 'soins-infirmiers',
        from: '2026-03-01',
      });
      await command(`${api.url}/api/v1/cpts/${CPTS}/patients/${patientId}/blocks`, coord, {
        memberId: members.nurse,
        on: '2026-03-03',
      });
      const nurse = await token(api.url, CPTS, 'professional', members.nurse);
      const response = await call(`${base}/${id}/follow-ups`, {
        token: nurse,
        body: { byMemberId: members.nurse, at: '2026-03-09T15:00:00+01:00', kind: 'appel' },
      });
      expect([response.status, response.body.rule]).toEqual([422, 'professional-blocked']);
      expect((await read(api.url, `${base}/${id}`, nurse)).status).toBe(403);
      await command(`${api.url}/api/v1/cpts/${CPTS}/patients/${patientId}/unblocks`, coord, {
        memberId: members.nurse,
        on: '2026-03-04',
      });
      expect((await read(api.url, `${base}/${id}`, nurse)).status).toBe(200);
      // Outside the circle and the pathway, the pathway is not there.
      const kine = await token(api.url, CPTS, 'professional', members.kine);
      expect((await read(api.url, `${base}/${id}`, kine)).status).toBe(404);
    });

    it('corrections and voidings: unknown entries, locked fields, invalid corrected entries', async () => {
      const id = await openPathway();
      const followUp = await command(`${base}/${id}/follow-ups`, coord, {
        byMemberId: members.gp,
        at: '2026-03-09T15:00:00+01:00',
        kind: 'appel',
      });
      const view = await read(api.url, `${base}/${id}`, coord);
      const [opening, entry] = view.body.timeline.map((e: { eventId: string }) => e.eventId);
      await expectRule(
        `${base}/${id}/corrections`,
        { targetEventId: '0193a0e0-0000-7000-8000-000000000003', reason: 'x', correction: { kind: 'appel' } },
        'unknown-entry',
        'targetEventId',
      );
      await expectRule(
        `${base}/${id}/corrections`,
        { targetEventId: entry, reason: 'x', correction: { kind: 'telepathie' } },
        'correction-invalid',
        'correction.kind',
      );
      await expectRule(
        `${base}/${id}/corrections`,
        { targetEventId: opening, reason: 'x', correction: { patientId: malePatientId } },
        'correction-field-not-allowed',
        'correction.patientId',
      );
      await expectRule(
        `${base}/${id}/voidings`,
        { targetEventId: opening, reason: 'x' },
        'entry-not-voidable',
        'targetEventId',
      );
      await command(`${base}/${id}/voidings`, coord, { targetEventId: entry, reason: 'Saisi par erreur' });
      await expectRule(
        `${base}/${id}/voidings`,
        { targetEventId: entry, reason: 'x' },
        'entry-voided',
        'targetEventId',
      );
      const after = await read(api.url, `${base}/${id}`, coord);
      expect(after.body.timeline.find((e: { eventId: string }) => e.eventId === entry).voided).toBe(true);
      expect(followUp.revision).toBe(1);
    });
  });

  it('answers 404 for an unknown pathway, 400 for a malformed body, 403 for roles that may not write', async () => {
    expect(
      (
        await call(`${base}/0193a0e0-0000-7000-8000-000000000004/closure`, {
          token: coord,
          body: { closedAt: '2026-04-01T10:00:00+02:00', outcome: 'termine' },
        })
      ).status,
    ).toBe(404);
    const bad = await call(base, {
      token: coord,
      body: { patientId: 'nope', kind: 'sortie', openedAt: '2 mars' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'kind',
      'openedAt',
      'patientId',
    ]);
    for (const role of ['auditor', 'analyst']) {
      const response = await call(base, {
        token: await token(api.url, CPTS, role),
        body: { patientId, kind: 'bpco', openedAt: '2026-03-02T09:00:00+01:00' },
      });
      expect([role, response.status]).toEqual([role, 403]);
    }
    expect((await call(base + '/x', { token: await token(api.url, CPTS, 'analyst') })).status).toBe(403);
  });

  it('If-Match: the ETag of a read makes the next command conditional (412 once stale)', async () => {
    const id = await openPathway();
    const etag = (await read(api.url, `${base}/${id}`, coord)).headers.get('etag')!;
    const first = await call(`${base}/${id}/follow-ups`, {
      token: coord,
      headers: { 'if-match': etag },
      body: { byMemberId: members.gp, at: '2026-03-09T15:00:00+01:00', kind: 'appel' },
    });
    expect(first.status).toBe(201);
    const stale = await call(`${base}/${id}/follow-ups`, {
      token: coord,
      headers: { 'if-match': etag },
      body: { byMemberId: members.gp, at: '2026-03-10T15:00:00+01:00', kind: 'appel' },
    });
    expect(stale.status).toBe(412);
    expect((await read(api.url, `${base}/${id}`, coord)).body.revision).toBe(1);
  });

  it('50 parallel commands on one pathway: each applied once, none lost, none duplicated', async () => {
    const id = await openPathway();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(`${base}/${id}/follow-ups`, {
          token: coord,
          body: {
            byMemberId: members.gp,
            at: `2026-03-09T15:${String(i).padStart(2, '0')}:00+01:00`,
            kind: 'appel',
          },
        }),
      ),
    );
    // Commands on one pathway take turns in the API process: every one is applied, once.
    expect(responses.map((r) => r.status)).toEqual(Array.from({ length: 50 }, () => 201));
    const applied = responses;
    expect(new Set(applied.map((r) => r.body.revision)).size).toBe(applied.length);
    const view = await read(api.url, `${base}/${id}`, coord);
    const followUps = view.body.timeline.filter((e: { type: string }) => e.type === 'FollowUpCompleted');
    expect(followUps).toHaveLength(applied.length);
    expect(new Set(followUps.map((e: { data: { at: string } }) => e.data.at)).size).toBe(applied.length);
    expect(view.body.revision).toBe(50);
  });

  it('tenants are apart: a pathway of another CPTS is not reachable', async () => {
    const id = await openPathway();
    const admin = await token(api.url, null, 'platform-admin');
    await command(`${api.url}/api/v1/cpts`, admin, {
      id: 'cpts-voisine',
      name: 'CPTS voisine',
      population: 30000,
    });
    const other = await token(api.url, 'cpts-voisine', 'coordinator');
    expect((await call(`${api.url}/api/v1/cpts/cpts-voisine/pathways/${id}`, { token: other })).status).toBe(
      404,
    );
    expect((await read(api.url, `${base}/${id}`, other)).status).toBe(404);
    const crossPatient = await call(`${api.url}/api/v1/cpts/cpts-voisine/pathways`, {
      token: other,
      body: { patientId, kind: 'bpco', openedAt: '2026-03-02T09:00:00+01:00' },
    });
    expect([crossPatient.status, crossPatient.body.rule]).toEqual([422, 'unknown-patient']);
  });
});
