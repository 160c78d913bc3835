/**
 * FHIR R4 over real HTTP against the built service: imports of hand-made French bundles (INS, RPPS,
 * FINESS), of malformed and hostile ones, and of every official HL7 R4 example of the resource types
 * Parcours reads; the export, its validation against the official schema, and the round trip.
 */
import { FhirBundle } from '@parcours/domain';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, ROOT, startApi, type RunningApi } from '../../../../../test/support/api-process';
import {
  bundle,
  dischargeBundle,
  ins,
  OID,
  patient,
  referralBundle,
} from '../../../../../test/support/fhir-bundles';
import { command, read, token } from '../../../../../test/support/tenant';

const A = 'cpts-fhir-a';
const B = 'cpts-fhir-b';
const RPPS = {
  gp: '10000000001',
  cardio: '10000000002',
  pharmacist: '10000000003',
  nurse: '10000000004',
  referrer: '10000000005',
};
const INS = { odette: ins('2410569123045'), marcel: ins('1380769388012'), louise: ins('2520175056123') };
const FHIR = 'application/fhir+json';

type Json = Record<string, any>;

describe('FHIR R4 import and export', () => {
  let api: RunningApi;
  const tokens: Record<string, string> = {};
  const members: Record<string, Record<string, string>> = { [A]: {}, [B]: {} };

  const post = (cptsId: string, body: unknown, headers: Record<string, string> = {}) =>
    call(`${api.url}/api/v1/cpts/${cptsId}/fhir`, {
      token: tokens[`coordinator@${cptsId}`],
      rawBody: typeof body === 'string' ? body : JSON.stringify(body),
      headers: { 'content-type': FHIR, ...headers },
    });
  const position = async () => (await call(`${api.url}/health`)).body.store.position as string;
  const view = async (cptsId: string, pathwayId: string) =>
    (
      await read(
        api.url,
        `${api.url}/api/v1/cpts/${cptsId}/pathways/${pathwayId}`,
        tokens[`coordinator@${cptsId}`],
      )
    ).body as Json;
  const recorded = (outcome: Json, event: string): string[] =>
    (outcome.issue as Json[])
      .filter((issue) => issue.details?.coding?.[0]?.code === event)
      .map((issue) => (issue.details.text as string).split('.').slice(1).join('.'));
  const streamOf = async (cptsId: string, stream: string) =>
    (
      await call(`${api.url}/api/v1/cpts/${cptsId}/audit/streams/${stream}`, {
        token: tokens[`auditor@${cptsId}`],
      })
    ).body as Json;

  beforeAll(async () => {
    // The schema is compiled here first (a couple of seconds): not between two requests to the API.
    FhirBundle.of(dischargeBundle({ patient: { ins: INS.odette }, gpRpps: RPPS.gp }));
    api = await startApi();
    const admin = await token(api.url, null, 'platform-admin');
    for (const cptsId of [A, B]) {
      await command(`${api.url}/api/v1/cpts`, admin, { id: cptsId, name: cptsId, population: 50_000 });
      for (const role of ['coordinator', 'auditor', 'analyst', 'professional'])
        tokens[`${role}@${cptsId}`] = await token(api.url, cptsId, role, `${role}-1`);
      const join = async (name: string, profession: string, rpps: string) => {
        const { id } = await command(
          `${api.url}/api/v1/cpts/${cptsId}/members`,
          tokens[`coordinator@${cptsId}`],
          {
            displayName: `Dr ${name}`,
            profession,
            rpps,
            mode: 'liberal',
            joinedOn: '2020-01-06',
            sasParticipant: false,
          },
        );
        members[cptsId][rpps] = id;
      };
      await join('Bernard', 'medecin-generaliste', RPPS.gp);
      await join('Petit', 'medecin-specialiste', RPPS.cardio);
      await join('Moreau', 'pharmacien', RPPS.pharmacist);
      await join('Roux', 'infirmier', RPPS.nurse);
      await join('Durand', 'medecin-generaliste', RPPS.referrer);
    }
  }, 60_000);
  afterAll(() => api?.dispose());

  describe('a hospital discharge', () => {
    it('registers the patient, opens the sortie-hospitalisation pathway and records the discharge (source fhir)', async () => {
      const response = await post(A, dischargeBundle({ patient: { ins: INS.odette }, gpRpps: RPPS.gp }));
      expect(response.status).toBe(201);
      expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      expect(response.body.resourceType).toBe('OperationOutcome');
      const [patientStream] = recorded(response.body, 'PatientRegistered');
      const [pathwayId] = recorded(response.body, 'PathwayOpened');
      expect(recorded(response.body, 'DischargeNotified')).toEqual([pathwayId]);
      const pathway = await view(A, pathwayId);
      expect(pathway).toMatchObject({
        kind: 'sortie-hospitalisation',
        status: 'open',
        openedAt: '2026-03-05T11:00:00+01:00',
      });
      const discharge = pathway.timeline.find((entry: Json) => entry.type === 'DischargeNotified');
      expect(discharge.data).toMatchObject({
        hospital: { name: 'Hôpital de la Croix-Rousse', finess: '690000880' },
        ward: 'Cardiologie',
        admittedAt: '2026-02-27T08:00:00+01:00',
        dischargeAt: '2026-03-04T17:30:00+01:00',
        notifiedAt: '2026-03-05T11:00:00+01:00',
        gpMemberId: members[A][RPPS.gp],
      });
      const stored = await streamOf(A, `pathway-${A}.${pathwayId}`);
      expect(stored.events.map((event: Json) => event.metadata.source)).toEqual(['fhir', 'fhir']);
      const patientId = patientStream;
      const record = await call(`${api.url}/api/v1/cpts/${A}/patients/${patientId}`, {
        token: tokens[`coordinator@${A}`],
      });
      expect(record.body.identity).toEqual({
        familyName: 'Martin-Lefèvre',
        givenName: 'Odette',
        birthDate: '1941-05-12',
        ins: INS.odette,
      });
    });

    it('appends nothing when the same bundle is sent again', async () => {
      const before = await position();
      const response = await post(A, dischargeBundle({ patient: { ins: INS.odette }, gpRpps: RPPS.gp }));
      expect(response.status).toBe(200);
      expect(await position()).toBe(before);
    });

    it('finds the patient by qualified INS for another stay; never by name when the INS is not qualified', async () => {
      const again = await post(
        A,
        dischargeBundle({ patient: { ins: INS.odette, family: 'Autre' }, encounterId: 'SEJ-2' }),
      );
      expect(again.status).toBe(201);
      expect(recorded(again.body, 'PatientRegistered')).toEqual([]);
      const before = await position();
      const sameName = await post(
        A,
        dischargeBundle({
          patient: { ins: INS.marcel, qualified: false, ipp: 'IPP-77' },
          encounterId: 'SEJ-3',
        }),
      );
      // Same name and birth date as Odette, an INS that is not qualified (so none is recorded): not linked
      // to Odette by name, and not registered as a second Odette without a word either — refused, for a
      // person to decide, and nothing recorded.
      expect(sameName.status).toBe(422);
      expect(JSON.stringify(sameName.body)).toContain('possible-duplicate');
      expect(await position()).toBe(before);
    });

    it('reads the INS of each of its four systems (NIR, NIA, test, démonstration)', async () => {
      const systems = [OID.nir, OID.nia, OID.test, OID.demo];
      for (const [index, system] of systems.entries()) {
        const value = ins(`1${String(60 + index)}0175123${String(100 + index)}`);
        const response = await post(
          A,
          dischargeBundle({
            patient: { ins: value, insSystem: system, family: `Système-${index}` },
            encounterId: `SEJ-OID-${index}`,
          }),
        );
        expect(response.status).toBe(201);
        const [patientId] = recorded(response.body, 'PatientRegistered');
        const record = await call(`${api.url}/api/v1/cpts/${A}/patients/${patientId}`, {
          token: tokens[`coordinator@${A}`],
        });
        expect(record.body.identity).toMatchObject({ familyName: `Système-${index}`, ins: value });
      }
    });

    it('matches a patient registered by hand, by INS', async () => {
      const { id } = await command(`${api.url}/api/v1/cpts/${A}/patients`, tokens[`coordinator@${A}`], {
        identity: { familyName: 'Girard', givenName: 'Louise', birthDate: '1952-01-30', ins: INS.louise },
        sex: 'F',
        birthYear: 1952,
        ald: false,
        precarious: false,
        hasMedecinTraitant: true,
      });
      const response = await post(
        A,
        dischargeBundle({
          patient: { ins: INS.louise, family: 'Girard', given: 'Louise', birthDate: '1952-01-30' },
          encounterId: 'SEJ-4',
        }),
      );
      expect(response.status).toBe(201);
      expect(recorded(response.body, 'PatientRegistered')).toEqual([]);
      const [pathwayId] = recorded(response.body, 'PathwayOpened');
      expect((await view(A, pathwayId)).patientId).toBe(id);
    });

    it('refuses a broken rule with a 422 naming it, and records nothing of the bundle', async () => {
      const before = await position();
      const response = await post(
        A,
        dischargeBundle({
          patient: { ins: ins('1500569123001') },
          encounterId: 'SEJ-5',
          start: '2026-03-06T08:00:00+01:00',
        }),
      );
      expect(response.status).toBe(422);
      expect(response.body.resourceType).toBe('OperationOutcome');
      expect(response.body.issue[0]).toMatchObject({
        severity: 'error',
        code: 'business-rule',
        details: { coding: [{ code: 'period-reversed' }] },
        expression: [expect.stringContaining('Bundle.entry[0].resource')],
      });
      // The patient was decided (registered) before the discharge broke the rule: nothing of it is stored.
      expect(await position()).toBe(before);
    });
  });

  describe('a referral', () => {
    let pathwayId: string;

    it('records the referral and its acceptance from a ServiceRequest and its Task', async () => {
      const response = await post(
        A,
        referralBundle({
          patient: { ins: INS.odette },
          requesterRpps: RPPS.referrer,
          performerRpps: RPPS.cardio,
          taskStatus: 'accepted',
          taskStart: '2026-03-05T14:00:00+01:00',
        }),
      );
      expect(response.status).toBe(201);
      [pathwayId] = recorded(response.body, 'PathwayOpened');
      expect(recorded(response.body, 'ReferralAccepted')).toEqual([pathwayId]);
      const pathway = await view(A, pathwayId);
      expect(pathway.kind).toBe('autre');
      const referral = pathway.timeline.find((entry: Json) => entry.type === 'PatientReferred');
      expect(referral.data).toMatchObject({
        fromMemberId: members[A][RPPS.referrer],
        to: { memberId: members[A][RPPS.cardio] },
        reason: 'Dyspnée d’effort, avis cardiologique',
        urgency: '24h',
        referredAt: '2026-03-05T09:00:00+01:00',
      });
    });

    it('records a later Task status change (completed) on the same referral, from the Task alone', async () => {
      const response = await post(
        A,
        referralBundle({
          patient: { ins: INS.odette },
          requesterRpps: RPPS.referrer,
          withRequest: false,
          taskStatus: 'completed',
          taskStart: '2026-03-05T14:00:00+01:00',
          taskEnd: '2026-03-12T10:00:00+01:00',
        }),
      );
      expect(response.status).toBe(201);
      expect(recorded(response.body, 'ReferralCompleted')).toEqual([pathwayId]);
      expect(recorded(response.body, 'ReferralAccepted')).toEqual([]);
      expect((await view(A, pathwayId)).timeline.map((entry: Json) => entry.type)).toEqual([
        'PathwayOpened',
        'PatientReferred',
        'ReferralAccepted',
        'ReferralCompleted',
      ]);
    });

    it('refuses a requester who is not a member (422), and a Task about an unknown referral', async () => {
      const unknown = await post(
        A,
        referralBundle({ patient: { ins: INS.odette }, requestId: 'ADR-9', requesterRpps: '19999999999' }),
      );
      expect(unknown.status).toBe(422);
      expect(unknown.body.issue[0].details.coding[0].code).toBe('requester-not-a-member');
      expect(unknown.body.issue[0].expression).toEqual(['Bundle.entry[0].resource.requester']);
      const orphan = await post(
        A,
        referralBundle({
          patient: {},
          requestId: 'ADR-404',
          requesterRpps: RPPS.referrer,
          withRequest: false,
          taskStatus: 'accepted',
        }),
      );
      expect(orphan.status).toBe(422);
      expect(orphan.body.issue[0].details.coding[0].code).toBe('unknown-referral');
    });
  });

  describe('malformed and hostile bundles: a 400 OperationOutcome naming each problem, never a 500', () => {
    it('names every element of the wrong type or value, with its path', async () => {
      const bad = dischargeBundle({ patient: { ins: INS.odette } });
      bad.entry[0].resource.status = 'bogus';
      bad.entry[0].resource.period = 5;
      bad.entry[1].resource.birthDate = 19410512;
      bad.entry[2].resource.unknownElement = true;
      const response = await post(A, bad);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      const where = (response.body.issue as Json[]).map((issue) => issue.expression[0]);
      expect(where).toEqual(
        expect.arrayContaining([
          'Bundle.entry[0].resource.status',
          'Bundle.entry[0].resource.period',
          'Bundle.entry[1].resource.birthDate',
          'Bundle.entry[2].resource.unknownElement',
        ]),
      );
      expect(
        response.body.issue.every((issue: Json) => issue.severity === 'error' && issue.code === 'invalid'),
      ).toBe(true);
    });

    it('refuses an unknown resource type, a reference to nothing, a wrong INS key and foreign codes', async () => {
      const unknownType = await post(A, bundle([{ resourceType: 'Foo', id: 'x' }]));
      expect(unknownType.status).toBe(400);
      expect(unknownType.body.issue[0].expression).toEqual(['Bundle.entry[0].resource.resourceType']);

      const dangling = dischargeBundle({ patient: { ins: INS.odette } });
      dangling.entry[0].resource.serviceProvider = { reference: 'Organization/nowhere' };
      const nothing = await post(A, dangling);
      expect(nothing.status).toBe(400);
      expect(nothing.body.issue[0].expression).toEqual([
        'Bundle.entry[0].resource.serviceProvider.reference',
      ]);

      const wrongKey = await post(A, dischargeBundle({ patient: { ins: `${INS.odette.slice(0, 13)}00` } }));
      expect(wrongKey.status).toBe(400);
      expect(wrongKey.body.issue[0].expression).toEqual(['Bundle.entry[1].resource.identifier[0].value']);

      const code = dischargeBundle({ patient: { ins: INS.odette } });
      code.entry[0].resource.hospitalization.dischargeDisposition.coding[0].code = 'maison';
      const codeResponse = await post(A, code);
      expect(codeResponse.status).toBe(400);
      expect(codeResponse.body.issue[0].expression[0]).toMatch(/dischargeDisposition\.coding\[0\]\.code$/);
    });

    it('refuses a 10 MB bundle (413), deep nesting, what is not JSON, and what is not a Bundle', async () => {
      const huge = dischargeBundle({ patient: { ins: INS.odette } });
      huge.entry[0].resource.text = {
        status: 'generated',
        div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(10 * 1024 * 1024)}</div>`,
      };
      const tooLarge = await post(A, huge);
      expect(tooLarge.status).toBe(413);
      expect(tooLarge.body.resourceType).toBe('OperationOutcome');

      const deep = `{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"Basic","code":{"text":"x"},"extension":${'['.repeat(200)}${']'.repeat(200)}}}]}`;
      const tooDeep = await post(A, deep);
      expect(tooDeep.status).toBe(400);
      expect(tooDeep.body.issue[0].diagnostics).toContain('nests deeper than 64 levels');

      const notJson = await post(A, '{"resourceType": "Bundle",');
      expect(notJson.status).toBe(400);
      const notBundle = await post(A, patient({ ins: INS.odette }));
      expect(notBundle.status).toBe(400);
      expect(notBundle.body.issue[0].diagnostics).toContain('a Bundle is expected');
    });

    it('answers a refusal of the route itself as an OperationOutcome too (an analyst: 403)', async () => {
      const response = await call(`${api.url}/api/v1/cpts/${A}/fhir`, {
        token: tokens[`analyst@${A}`],
        rawBody: JSON.stringify(bundle([])),
        headers: { 'content-type': FHIR },
      });
      expect(response.status).toBe(403);
      expect(response.body.resourceType).toBe('OperationOutcome');
    });
  });

  it('imports or refuses every official HL7 R4 example of the types Parcours reads, never with a 500', async () => {
    const dir = join(ROOT, 'node_modules/hl7.fhir.r4.examples');
    const files = readdirSync(dir).filter((name) =>
      /^(Patient|Encounter|Organization|Practitioner|ServiceRequest|Task)-.*\.json$/.test(name),
    );
    expect(files.length).toBeGreaterThan(80);
    const statuses: Record<string, number> = {};
    for (const file of files) {
      const resource = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Json;
      const response = await post(A, bundle([resource]));
      statuses[file] = response.status;
      expect([`${file}: ${response.status}`, response.body?.resourceType]).toEqual([
        `${file}: ${[200, 201, 400, 422].includes(response.status) ? response.status : 'unexpected'}`,
        'OperationOutcome',
      ]);
      expect((response.body.issue as Json[]).length).toBeGreaterThan(0);
    }
    // Alone, a Patient or an Organization is nothing Parcours records (422); an Encounter naming a
    // hospital outside the bundle refers to nothing (400).
    expect(statuses['Patient-example.json']).toBe(422);
    expect(statuses['Encounter-f001.json']).toBe(400);
  });

  describe('the export', () => {
    let pathwayId: string;
    const exportOf = (cptsId: string, id: string, role = 'coordinator', query = '') =>
      call(`${api.url}/api/v1/cpts/${cptsId}/pathways/${id}/fhir${query}`, {
        token: tokens[`${role}@${cptsId}`],
      });

    beforeAll(async () => {
      // A pathway with most of what a pathway holds, each entry at its own time.
      const coordinator = tokens[`coordinator@${A}`];
      const base = `${api.url}/api/v1/cpts/${A}`;
      const m = members[A];
      const { id: patientId } = await command(`${base}/patients`, coordinator, {
        identity: {
          familyName: 'Faure',
          givenName: 'Jeanne',
          birthDate: '1938-11-02',
          ins: ins('2381169123077'),
        },
        sex: 'F',
        birthYear: 1938,
        commune: '69123',
        ald: true,
        precarious: false,
        hasMedecinTraitant: true,
      });
      // The patient's care circle: the médecin traitant, a nurse who left it, a pharmacist in it.
      await command(`${base}/patients/${patientId}/medecin-traitant`, coordinator, {
        memberId: m[RPPS.gp],
        assignedOn: '2026-01-05',
      });
      await command(`${base}/patients/${patientId}/care-team`, coordinator, {
        memberId: m[RPPS.nurse],
        role: 'soins-infirmiers',
        from: '2026-01-10',
      });
      await command(`${base}/patients/${patientId}/care-team/removals`, coordinator, {
        memberId: m[RPPS.nurse],
        to: '2026-01-31',
        reason: 'Fin des soins',
      });
      await command(`${base}/patients/${patientId}/care-team`, coordinator, {
        memberId: m[RPPS.pharmacist],
        role: 'dispensation',
        from: '2026-01-12',
      });
      ({ id: pathwayId } = await command(`${base}/pathways`, coordinator, {
        patientId,
        kind: 'insuffisance-cardiaque',
        openedAt: '2026-02-01T09:00:00+01:00',
        reason: 'Décompensation cardiaque',
      }));
      const p = `${base}/pathways/${pathwayId}`;
      const { id: dischargeId } = await command(`${p}/discharges`, coordinator, {
        hospital: { name: 'Hôpital Nord', finess: '690781810' },
        ward: 'Cardiologie',
        admittedAt: '2026-02-02T08:00:00+01:00',
        dischargeAt: '2026-02-09T16:00:00+01:00',
        notifiedAt: '2026-02-08T10:00:00+01:00',
        treatmentChanged: true,
        complex: true,
        needs: ['infirmier', 'portage-repas'],
        pharmacistMemberId: m[RPPS.pharmacist],
        gpMemberId: m[RPPS.gp],
      });
      await command(`${p}/medication-reconciliations`, coordinator, {
        dischargeId,
        toMemberId: m[RPPS.pharmacist],
        sentAt: '2026-02-10T09:00:00+01:00',
      });
      await command(`${p}/follow-ups`, coordinator, {
        dischargeId,
        byMemberId: m[RPPS.nurse],
        at: '2026-02-12T15:00:00+01:00',
        kind: 'visite-domicile',
      });
      const { id: toCardio } = await command(`${p}/referrals`, coordinator, {
        fromMemberId: m[RPPS.gp],
        to: { memberId: m[RPPS.cardio] },
        reason: 'Avis cardiologique',
        urgency: '24h',
        referredAt: '2026-02-13T10:00:00+01:00',
        channel: 'messagerie-securisee',
      });
      await command(`${p}/referrals/${toCardio}/acceptance`, coordinator, {
        acceptedAt: '2026-02-13T16:00:00+01:00',
        appointmentAt: '2026-02-20T09:30:00+01:00',
      });
      await command(`${p}/referrals/${toCardio}/completion`, coordinator, {
        completedAt: '2026-02-20T10:30:00+01:00',
      });
      const { id: toKine } = await command(`${p}/referrals`, coordinator, {
        fromMemberId: m[RPPS.gp],
        to: { profession: 'masseur-kinesitherapeute' },
        reason: 'Réadaptation à l’effort',
        urgency: 'programmee',
        referredAt: '2026-02-14T10:00:00+01:00',
      });
      await command(`${p}/referrals/${toKine}/decline`, coordinator, {
        declinedAt: '2026-02-15T10:00:00+01:00',
        reason: 'Pas de place',
      });
      const { id: toHospital } = await command(`${p}/referrals`, coordinator, {
        fromMemberId: m[RPPS.gp],
        to: { structure: 'Service de réadaptation cardiaque' },
        reason: 'Réadaptation',
        urgency: 'programmee',
        referredAt: '2026-02-16T10:00:00+01:00',
      });
      // A referral corrected (its reason), and one voided: the export gives the pathway as it now stands.
      const cardioEvent = (await streamOf(A, `pathway-${A}.${pathwayId}`)).events.find(
        (e: Json) => e.type === 'PatientReferred' && e.data.referralId === toHospital,
      );
      await command(`${p}/corrections`, coordinator, {
        targetEventId: cardioEvent.metadata.eventId,
        reason: 'Précision',
        correction: { reason: 'Réadaptation cardiaque en hôpital de jour' },
      });
      const { id: voided } = await command(`${p}/referrals`, coordinator, {
        fromMemberId: m[RPPS.gp],
        to: { profession: 'dieteticien' },
        reason: 'Saisi par erreur',
        urgency: 'programmee',
        referredAt: '2026-02-17T10:00:00+01:00',
      });
      const voidedEvent = (await streamOf(A, `pathway-${A}.${pathwayId}`)).events.find(
        (e: Json) => e.type === 'PatientReferred' && e.data.referralId === voided,
      );
      await command(`${p}/voidings`, coordinator, {
        targetEventId: voidedEvent.metadata.eventId,
        reason: 'Erreur',
      });
      await command(`${p}/closure`, coordinator, {
        closedAt: '2026-03-01T12:00:00+01:00',
        outcome: 'termine',
      });
    }, 60_000);

    it('gives a Bundle that validates against the official FHIR R4 schema, with the identity, logged', async () => {
      const response = await exportOf(A, pathwayId);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      expect(() => FhirBundle.of(response.body)).not.toThrow();
      const types = (response.body.entry as Json[]).map((entry) => entry.resource.resourceType);
      expect(new Set(types)).toEqual(
        new Set([
          'Patient',
          'Practitioner',
          'Organization',
          'Encounter',
          'ServiceRequest',
          'Task',
          'CarePlan',
          'CareTeam',
          'Provenance',
        ]),
      );
      expect(types.filter((type) => type === 'ServiceRequest')).toHaveLength(3);
      const circle = response.body.entry.find(
        (e: Json) => e.resource.resourceType === 'CareTeam' && e.resource.name === 'Cercle de soins',
      ).resource;
      const m = members[A];
      const roleOf = (code: string) => [
        { coding: [{ system: 'https://parcours.example/fhir/CodeSystem/care-team-role', code }] },
      ];
      expect(circle.participant).toEqual([
        {
          role: roleOf('medecin-traitant'),
          member: expect.objectContaining({ reference: `urn:uuid:${m[RPPS.gp]}` }),
          period: { start: '2026-01-05' },
        },
        {
          role: roleOf('dispensation'),
          member: expect.objectContaining({ reference: `urn:uuid:${m[RPPS.pharmacist]}` }),
          period: { start: '2026-01-12' },
        },
        {
          role: roleOf('soins-infirmiers'),
          member: expect.objectContaining({ reference: `urn:uuid:${m[RPPS.nurse]}` }),
          period: { start: '2026-01-10', end: '2026-01-31' },
        },
      ]);
      const carePlan = response.body.entry.find((e: Json) => e.resource.resourceType === 'CarePlan').resource;
      expect(carePlan.careTeam).toContainEqual({ reference: `urn:uuid:${circle.id}` });
      const patientResource = response.body.entry.find(
        (e: Json) => e.resource.resourceType === 'Patient',
      ).resource;
      expect(patientResource.name).toEqual([{ use: 'official', family: 'Faure', given: ['Jeanne'] }]);
      expect(patientResource.identifier).toContainEqual({
        use: 'official',
        system: OID.nir,
        value: ins('2381169123077'),
      });
      const log = await call(`${api.url}/api/v1/cpts/${A}/audit/access-log`, {
        token: tokens[`auditor@${A}`],
      });
      expect(log.body.entries[0]).toMatchObject({
        actorId: 'coordinator-1',
        role: 'coordinator',
        purpose: 'export-fhir',
      });
    });

    it('leaves the identity out on request (birth year only), and logs nothing then', async () => {
      const before = (
        await call(`${api.url}/api/v1/cpts/${A}/audit/access-log`, { token: tokens[`auditor@${A}`] })
      ).body.entries.length;
      const response = await exportOf(A, pathwayId, 'auditor', '?identity=false');
      expect(response.status).toBe(200);
      const patientResource = response.body.entry.find(
        (e: Json) => e.resource.resourceType === 'Patient',
      ).resource;
      expect(patientResource.name).toBeUndefined();
      expect(patientResource.birthDate).toBe('1938');
      expect(JSON.stringify(response.body)).not.toContain('Faure');
      const after = (
        await call(`${api.url}/api/v1/cpts/${A}/audit/access-log`, { token: tokens[`auditor@${A}`] })
      ).body.entries.length;
      expect(after).toBe(before);
    });

    it('is refused to analysts, and answers an unknown pathway with a 404 OperationOutcome', async () => {
      expect((await exportOf(A, pathwayId, 'analyst')).status).toBe(403);
      const missing = await exportOf(A, '0193a0e0-0000-7000-8000-000000000000');
      expect(missing.status).toBe(404);
      expect(missing.body.resourceType).toBe('OperationOutcome');
    });

    it('round trip: exported from one CPTS and imported into another, it gives the same pathway view', async () => {
      const exported = (await exportOf(A, pathwayId)).body;
      const imported = await post(B, exported);
      expect(imported.status).toBe(201);
      const [copyId] = recorded(imported.body, 'PathwayOpened');
      // Imported again: nothing more.
      expect((await post(B, exported)).status).toBe(200);
      // Into the CPTS it comes from: it is there already.
      const home = await post(A, exported);
      expect(home.status).toBe(422);
      expect(home.body.issue[0].details.coding[0].code).toBe('pathway-in-this-cpts');

      const rppsOf = (cptsId: string) =>
        new Map(Object.entries(members[cptsId]).map(([rpps, id]) => [id, rpps]));
      const normalize = (cptsId: string, v: Json) => {
        const names = rppsOf(cptsId);
        const ids = new Map<string, string>();
        const rename = (value: unknown): unknown => {
          if (typeof value === 'string') {
            if (names.has(value)) return `member:${names.get(value)}`;
            if (/^[0-9a-f]{8}-[0-9a-f]{4}-/.test(value)) {
              if (!ids.has(value)) ids.set(value, `id:${ids.size}`);
              return ids.get(value);
            }
            return value;
          }
          if (Array.isArray(value)) return value.map(rename);
          if (value && typeof value === 'object')
            return Object.fromEntries(Object.entries(value).map(([k, val]) => [k, rename(val)]));
          return value;
        };
        return rename({
          kind: v.kind,
          status: v.status,
          openedAt: v.openedAt,
          closedAt: v.closedAt,
          pending: v.pending.map(({ overdue: _o, ...step }: Json) => step),
          timeline: v.timeline
            .filter(
              (entry: Json) =>
                !entry.voided && entry.type !== 'EntryCorrected' && entry.type !== 'EntryVoided',
            )
            .map((entry: Json) => ({ type: entry.type, at: entry.at, data: entry.data })),
        });
      };
      const original = normalize(A, await view(A, pathwayId));
      const copy = normalize(B, await view(B, copyId));
      expect(copy).toEqual(original);
      expect((original as Json).timeline.length).toBe(11);
    });
  });
});
