import { randomBytes } from 'node:crypto';
import type { RecordedEvent } from '@parcours/event-store';
import { feedLine, Pseudonymiser } from './event-feed';
import { FEED_CLASSIFICATION, isClassified } from './feed-classification';

const CPTS = 'cpts-feed';
const PATIENT = '0193a0e0-1111-7000-8000-000000000001';
const MEMBER = '0193a0e0-2222-7000-8000-000000000002';

/** The event types of the catalogue (`events.md`), every stream's. */
const CATALOGUE = [
  'CptsRegistered',
  'CptsPopulationUpdated',
  'AciContractSigned',
  'MissionStarted',
  'AchievementRecorded',
  'CrisisDeclared',
  'CrisisPlanDrafted',
  'CrisisPlanUpdated',
  'MemberJoined',
  'MemberLeft',
  'ParticipationRecorded',
  'InternHosted',
  'PatientRegistered',
  'MedecinTraitantSearchRegistered',
  'MedecinTraitantAssigned',
  'ConsentRecorded',
  'ProfessionalAccessBlocked',
  'ProfessionalAccessUnblocked',
  'PharmacienCorrespondantDesignated',
  'PatientIdentityCorrected',
  'PatientStatusUpdated',
  'MedecinTraitantSearchClosed',
  'PatientIdentityErased',
  'CareTeamMemberAdded',
  'CareTeamMemberRemoved',
  'PathwayOpened',
  'PatientReferred',
  'ReferralAccepted',
  'ReferralDeclined',
  'ReferralCompleted',
  'DischargeNotified',
  'MedicationReconciliationSent',
  'FollowUpCompleted',
  'ProtocolApplied',
  'PathwayClosed',
  'PathwayReopened',
  'EntryCorrected',
  'EntryVoided',
  'RcpHeld',
  'ProtocolPublished',
  'ProtocolAdherentRegistered',
  'ProtocolRetired',
  'UnscheduledCareRequested',
  'UnscheduledCareOriented',
  'UnscheduledCareClosed',
  'PreventionActionHeld',
  'TrainingHeld',
  'WorkItemAssigned',
];

let position = 0n;
function recorded(streamId: string, type: string, data: Record<string, unknown>): RecordedEvent {
  position += 1n;
  return {
    streamId,
    revision: 3,
    position,
    type,
    data,
    metadata: {
      eventId: '0193a0e0-3333-7000-8000-000000000003',
      cptsId: CPTS,
      actor: { id: 'marie.durand@example.org', role: 'coordinator' },
      recordedAt: '2026-03-06T16:30:00.000Z',
      correlationId: 'request-42',
      causationId: 'command-42',
      source: 'api',
      schemaVersion: 1,
      prevHash: 'a'.repeat(64),
      hash: 'b'.repeat(64),
    },
  };
}

const pathway = `pathway-${CPTS}.0193a0e0-4444-7000-8000-000000000004`;
const patientStream = `patient-${CPTS}.${PATIENT}`;

describe('the feed’s classification', () => {
  it('classifies every event type of the catalogue, and nothing else', () => {
    expect(CATALOGUE.filter((type) => !isClassified(type))).toEqual([]);
    expect(Object.keys(FEED_CLASSIFICATION).filter((type) => !CATALOGUE.includes(type))).toEqual([]);
  });

  it('lists no field that holds an identity, a name or free text', () => {
    const forbidden = new Set([
      'identity',
      'familyName',
      'givenName',
      'birthDate',
      'ins',
      'displayName',
      'rpps',
      'name',
      'reason',
      'motive',
      'theme',
      'title',
      'decisions',
      'answers',
      'label',
      'commune',
      'ward',
      'structure',
    ]);
    // Fields of those names that hold neither: a closed list of codes, an object reduced to its kind.
    const allowed = new Set(['MedecinTraitantSearchClosed.reason', 'MemberJoined.structure']);
    const listed: string[] = [];
    const walk = (shape: object, path: string) => {
      for (const [field, rule] of Object.entries(shape)) {
        if (forbidden.has(field)) listed.push(`${path}.${field}`);
        if (typeof rule === 'object') walk('fields' in rule ? rule.fields : rule.each, `${path}.${field}`);
      }
    };
    for (const [type, shape] of Object.entries(FEED_CLASSIFICATION)) walk(shape, type);
    expect(listed.filter((path) => !allowed.has(path))).toEqual([]);
  });
});

describe('a feed line', () => {
  const pseudonymiser = new Pseudonymiser(randomBytes(32));

  it('keeps of the envelope the position, ids, times, source and role — not who acted nor the chain', () => {
    const line = feedLine(
      recorded(pathway, 'PathwayClosed', { closedAt: '2026-03-06T17:30:00+01:00', outcome: 'termine' }),
      pseudonymiser,
    );
    expect(line).toEqual({
      position: expect.stringMatching(/^\d+$/),
      eventId: '0193a0e0-3333-7000-8000-000000000003',
      type: 'PathwayClosed',
      category: 'pathway',
      entity: '0193a0e0-4444-7000-8000-000000000004',
      revision: 3,
      recordedAt: '2026-03-06T16:30:00.000Z',
      source: 'api',
      schemaVersion: 1,
      actorRole: 'coordinator',
      data: { closedAt: '2026-03-06T17:30:00+01:00', outcome: 'termine' },
    });
    expect(JSON.stringify(line)).not.toMatch(/marie|request-42|command-42|aaaa|bbbb/);
  });

  it('drops the identity and the commune of a registration, keeps what is counted', () => {
    const line = feedLine(
      recorded(patientStream, 'PatientRegistered', {
        identity: { alg: 'A256GCM', iv: 'aXY=', ciphertext: 'Y2lwaGVy', tag: 'dGFn' },
        sex: 'F',
        birthYear: 1948,
        commune: '69123',
        ald: true,
        precarious: false,
        hasMedecinTraitant: false,
      }),
      pseudonymiser,
    );
    expect(line.data).toEqual({
      sex: 'F',
      birthYear: 1948,
      ald: true,
      precarious: false,
      hasMedecinTraitant: false,
    });
  });

  it('replaces a patient id by the same keyed pseudonym wherever it appears, and never shows the id', () => {
    const registered = feedLine(
      recorded(patientStream, 'ConsentRecorded', {
        scope: 'dossier-partage',
        decision: 'accord',
        on: '2026-01-02',
      }),
      pseudonymiser,
    );
    const opened = feedLine(
      recorded(pathway, 'PathwayOpened', {
        patientId: PATIENT,
        kind: 'bpco',
        openedAt: '2026-01-02T10:00:00+01:00',
        reason: 'Mme Dupont, essoufflée',
      }),
      pseudonymiser,
    );
    const request = feedLine(
      recorded(`snp-${CPTS}.0193a0e0-5555-7000-8000-000000000005`, 'UnscheduledCareRequested', {
        receivedAt: '2026-01-02T10:00:00+01:00',
        channel: 'telephone',
        motive: 'M. Martin, fièvre',
        patientId: PATIENT,
        viaSas: true,
      }),
      pseudonymiser,
    );
    const pseudonym = registered.entity;
    expect(pseudonym).toMatch(/^[0-9a-f]{32}$/);
    expect(opened.data).toEqual({
      patientId: pseudonym,
      kind: 'bpco',
      openedAt: '2026-01-02T10:00:00+01:00',
    });
    expect(request.data).toEqual({
      receivedAt: '2026-01-02T10:00:00+01:00',
      channel: 'telephone',
      patientId: pseudonym,
      viaSas: true,
    });
    for (const line of [registered, opened, request]) expect(JSON.stringify(line)).not.toContain(PATIENT);
  });

  it('gives another pseudonym under another key (another CPTS), and the same under the same key', () => {
    const key = randomBytes(32);
    expect(new Pseudonymiser(key).patient(PATIENT)).toBe(
      new Pseudonymiser(Buffer.from(key)).patient(PATIENT),
    );
    expect(new Pseudonymiser(randomBytes(32)).patient(PATIENT)).not.toBe(
      new Pseudonymiser(key).patient(PATIENT),
    );
    expect(() => new Pseudonymiser(randomBytes(16))).toThrow(/256 bits/);
  });

  it('keeps nothing of an event type nobody classified but its envelope', () => {
    const line = feedLine(
      recorded(patientStream, 'PatientNicknameRecorded', { nickname: 'Mémé Jeanne', on: '2026-01-02' }),
      pseudonymiser,
    );
    expect(line.type).toBe('PatientNicknameRecorded');
    expect(line.data).toEqual({});
    expect(line.entity).toBe(pseudonymiser.patient(PATIENT));
  });

  it('drops a field nobody classified, and an object or array standing where a value is expected', () => {
    const line = feedLine(
      recorded(pathway, 'PathwayClosed', {
        closedAt: '2026-03-06T17:30:00+01:00',
        outcome: { familyName: 'Dupont' },
        comment: 'Mme Dupont est décédée',
      }),
      pseudonymiser,
    );
    expect(line.data).toEqual({ closedAt: '2026-03-06T17:30:00+01:00' });
  });

  it('reduces nested objects and lists to their classified fields', () => {
    const referral = feedLine(
      recorded(pathway, 'PatientReferred', {
        referralId: 'r1',
        fromMemberId: MEMBER,
        to: { memberId: MEMBER, profession: 'infirmier', structure: 'Cabinet de Mme Roux' },
        reason: 'Pansements de M. Martin',
        urgency: '24h',
        referredAt: '2026-01-02T10:00:00+01:00',
      }),
      pseudonymiser,
    );
    expect(referral.data).toEqual({
      referralId: 'r1',
      fromMemberId: MEMBER,
      to: { memberId: MEMBER, profession: 'infirmier' },
      urgency: '24h',
      referredAt: '2026-01-02T10:00:00+01:00',
    });
    const rcp = feedLine(
      recorded(`rcp-${CPTS}.r`, 'RcpHeld', {
        convenedBy: MEMBER,
        heldAt: '2026-01-02T18:00:00+01:00',
        durationMinutes: 60,
        complex: true,
        format: 'visio',
        participants: [{ memberId: MEMBER }, { name: 'Dr Jean Roux', profession: 'medecin-specialiste' }],
        patientPresent: false,
        familyPresent: true,
        cases: [{ pathwayId: 'p1', decisions: ['Hospitaliser Mme Dupont'], reviewOn: '2026-02-01' }],
      }),
      pseudonymiser,
    );
    expect(rcp.data).toEqual({
      convenedBy: MEMBER,
      heldAt: '2026-01-02T18:00:00+01:00',
      durationMinutes: 60,
      complex: true,
      format: 'visio',
      participants: [{ memberId: MEMBER }, { profession: 'medecin-specialiste' }],
      patientPresent: false,
      familyPresent: true,
      cases: [{ pathwayId: 'p1', reviewOn: '2026-02-01' }],
    });
    const member = feedLine(
      recorded(`member-${CPTS}.${MEMBER}`, 'MemberJoined', {
        displayName: 'Dr Claire Petit',
        profession: 'medecin-generaliste',
        rpps: '10001234567',
        structure: { kind: 'msp', name: 'MSP des Pentes', finess: '690000001' },
        mode: 'liberal',
        joinedOn: '2025-01-01',
        sasParticipant: true,
      }),
      pseudonymiser,
    );
    expect(member.data).toEqual({
      profession: 'medecin-generaliste',
      structure: { kind: 'msp' },
      mode: 'liberal',
      joinedOn: '2025-01-01',
      sasParticipant: true,
    });
  });

  it('keeps of a correction only what its target’s type allows, and nothing when the target is unknown', () => {
    const correction = {
      targetEventId: '0193a0e0-6666-7000-8000-000000000006',
      reason: 'Mauvaise date, dit Mme Dupont',
      correction: { openedAt: '2026-01-03T10:00:00+01:00', patientId: PATIENT, reason: 'Mme Dupont' },
    };
    const known = feedLine(recorded(pathway, 'EntryCorrected', correction), pseudonymiser, 'PathwayOpened');
    expect(known.data).toEqual({
      targetEventId: '0193a0e0-6666-7000-8000-000000000006',
      correction: { openedAt: '2026-01-03T10:00:00+01:00', patientId: pseudonymiser.patient(PATIENT) },
    });
    const unknown = feedLine(recorded(pathway, 'EntryCorrected', correction), pseudonymiser);
    expect(unknown.data).toEqual({ targetEventId: '0193a0e0-6666-7000-8000-000000000006', correction: {} });
    const voided = feedLine(
      recorded(pathway, 'EntryVoided', { targetEventId: 'x', reason: 'Doublon de Mme Dupont' }),
      pseudonymiser,
    );
    expect(voided.data).toEqual({ targetEventId: 'x' });
  });

  it('drops the new identity of an identity correction and the reasons of an erasure', () => {
    const corrected = feedLine(
      recorded(patientStream, 'PatientIdentityCorrected', {
        identity: { alg: 'A256GCM' },
        reason: 'Nom mal orthographié',
      }),
      pseudonymiser,
    );
    expect(corrected.data).toEqual({});
    const erased = feedLine(
      recorded(patientStream, 'PatientIdentityErased', { on: '2026-01-02', reason: 'Demande de Mme Dupont' }),
      pseudonymiser,
    );
    expect(erased.data).toEqual({ on: '2026-01-02' });
  });

  it('keeps who works a worklist item as a member id, a coordinator as a pseudonym, a giving back as null', () => {
    const stream = `worklist-${CPTS}.0193a0e0-7777-7000-8000-000000000007`;
    const assignment = (assignee: unknown) =>
      feedLine(
        recorded(stream, 'WorkItemAssigned', {
          kind: 'sortie.suivi',
          openedBy: '0193a0e0-8888-7000-8000-000000000008',
          assignee,
          assignedAt: '2026-03-06T17:30:00+01:00',
          note: 'Rappeler Mme Dupont',
        }),
        pseudonymiser,
      );
    const toMember = assignment({ memberId: MEMBER });
    expect(toMember.category).toBe('worklist');
    expect(toMember.entity).toBe('0193a0e0-7777-7000-8000-000000000007');
    expect(toMember.data).toEqual({
      kind: 'sortie.suivi',
      openedBy: '0193a0e0-8888-7000-8000-000000000008',
      assignee: { memberId: MEMBER },
      assignedAt: '2026-03-06T17:30:00+01:00',
    });
    const toCoordinator = assignment({ coordinatorId: 'marie.durand@example.org' });
    expect(toCoordinator.data.assignee).toEqual({
      coordinatorId: pseudonymiser.user('marie.durand@example.org'),
    });
    expect(pseudonymiser.user('marie.durand@example.org')).toMatch(/^[0-9a-f]{32}$/);
    expect(pseudonymiser.user('marie.durand@example.org')).not.toBe(
      pseudonymiser.patient('marie.durand@example.org'),
    );
    expect(JSON.stringify(toCoordinator)).not.toMatch(/marie|Dupont/);
    const givenBack = assignment(null);
    expect(givenBack.data).toEqual({
      kind: 'sortie.suivi',
      openedBy: '0193a0e0-8888-7000-8000-000000000008',
      assignee: null,
      assignedAt: '2026-03-06T17:30:00+01:00',
    });
    // A correction that gives the item back carries the null too, so that the dataset applies it.
    const correction = feedLine(
      recorded(stream, 'EntryCorrected', {
        targetEventId: 'x',
        reason: 'Mme Dupont a changé d’avis',
        correction: { assignee: null },
      }),
      pseudonymiser,
      'WorkItemAssigned',
    );
    expect(correction.data).toEqual({ targetEventId: 'x', correction: { assignee: null } });
  });
});
