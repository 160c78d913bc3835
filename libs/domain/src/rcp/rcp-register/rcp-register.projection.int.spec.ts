import { NotFoundError } from '../../shared/errors';
import { v7 as uuidv7 } from 'uuid';
import {
  protocolCatalogueProjection,
  readProtocolCatalogue,
} from '../../protocols/protocol-catalogue/protocol-catalogue.projection';
import { rcpRegisterProjection, readRcpRegister } from './rcp-register.projection';
import { EventLog, serve } from '@parcours/projections';
import {
  readUnscheduledCareLog,
  unscheduledCareLogProjection,
} from '../../unscheduled-care/unscheduled-care-log/unscheduled-care-log.projection';

const CPTS = 'cpts-reg';
const OTHER = 'cpts-reg-other';

const registered = (log: EventLog, cptsId: string) =>
  log.event(`cpts-${cptsId}`, 'CptsRegistered', { name: cptsId, population: 1000, communes: [] });

describe('RCP register projection', () => {
  it('lists RCPs newest first with their professions and cases, filtered on Paris dates', () => {
    const log = new EventLog();
    const served = serve(rcpRegisterProjection);
    const doctor = uuidv7();
    const nurse = uuidv7();
    const pathwayId = uuidv7();
    const rcp = (cptsId: string, heldAt: string, extra: Record<string, unknown> = {}) =>
      log.event(`rcp-${cptsId}.${uuidv7()}`, 'RcpHeld', {
        convenedBy: doctor,
        heldAt,
        durationMinutes: 90,
        complex: true,
        format: 'mixte',
        participants: [
          { memberId: doctor },
          { memberId: nurse },
          { name: 'Mme D', profession: 'psychologue' },
        ],
        patientPresent: false,
        familyPresent: true,
        cases: [{ pathwayId, decisions: ['Passage infirmier'], reviewOn: '2025-10-15' }],
        ...extra,
      });
    const member = (id: string, profession: string) =>
      log.event(`member-${CPTS}.${id}`, 'MemberJoined', {
        displayName: 'x',
        profession,
        mode: 'liberal',
        joinedOn: '2024-01-01',
        sasParticipant: false,
      });
    served.apply(
      registered(log, CPTS),
      registered(log, OTHER),
      member(doctor, 'medecin-generaliste'),
      member(nurse, 'infirmier'),
    );
    const september = rcp(CPTS, '2025-09-15T17:30:00+02:00');
    const december = rcp(CPTS, '2025-11-30T23:30:00Z', {
      complex: false,
      format: 'visio',
      durationMinutes: 45,
      participants: [{ memberId: doctor }, { name: 'M. K', profession: 'masseur-kinesitherapeute' }],
      cases: [{ pathwayId, decisions: ['Fin'] }],
    });
    served.apply(september, december, rcp(OTHER, '2025-10-01T10:00:00+02:00'));

    const all = readRcpRegister(served.readStore, CPTS, {});
    expect(all).toEqual({
      count: 2,
      items: [
        {
          id: december.streamId.split('.')[1],
          heldAt: '2025-11-30T23:30:00Z',
          convenedBy: doctor,
          format: 'visio',
          complex: false,
          durationMinutes: 45,
          participantCount: 2,
          professions: ['masseur-kinesitherapeute', 'medecin-generaliste'],
          cases: [{ pathwayId }],
        },
        {
          id: september.streamId.split('.')[1],
          heldAt: '2025-09-15T17:30:00+02:00',
          convenedBy: doctor,
          format: 'mixte',
          complex: true,
          durationMinutes: 90,
          participantCount: 3,
          professions: ['infirmier', 'medecin-generaliste', 'psychologue'],
          cases: [{ pathwayId, reviewOn: '2025-10-15' }],
        },
      ],
    });
    // 23:30 UTC on 30 November is 1 December in Paris.
    const ids = (period: { from?: string; to?: string }) =>
      readRcpRegister(served.readStore, CPTS, period).items.map((item) => item.heldAt);
    expect(ids({ from: '2025-12-01', to: '2026-01-01' })).toEqual(['2025-11-30T23:30:00Z']);
    expect(ids({ to: '2025-12-01' })).toEqual(['2025-09-15T17:30:00+02:00']);
    expect(ids({ from: '2025-09-16', to: '2025-12-01' })).toEqual([]);
    expect(readRcpRegister(served.readStore, OTHER, {}).count).toBe(1);
    expect(() => readRcpRegister(served.readStore, 'cpts-ghost', {})).toThrow(NotFoundError);

    const [live, rebuilt] = served.checksums(log.events);
    expect(rebuilt).toBe(live);
    served.readStore.close();
  });
});

describe('protocol catalogue projection', () => {
  const published = (code: string, version: number, effectiveFrom: string, title = `Protocole ${code}`) => ({
    code,
    version,
    title,
    kind: 'pluriprofessionnel-local',
    eligibility: { minAgeMonths: 72, exclusions: [] },
    tests: [],
    professions: ['infirmier'],
    requiresMtInformation: false,
    effectiveFrom,
  });

  it('lists versions, the version in force now, adherents and per-version usage without voided applications', () => {
    const log = new EventLog();
    const served = serve(protocolCatalogueProjection);
    const plaie = `protocol-${CPTS}.plaie`;
    const pathway = `pathway-${CPTS}.${uuidv7()}`;
    const nurse = uuidv7();
    const applied = (version: number, outcome: string) =>
      log.event(pathway, 'ProtocolApplied', {
        applicationId: uuidv7(),
        protocolCode: 'plaie',
        protocolVersion: version,
        byMemberId: nurse,
        appliedAt: '2025-03-01T10:00:00+01:00',
        eligibility: { eligible: true, answers: {} },
        outcome,
      });
    served.apply(
      registered(log, CPTS),
      registered(log, OTHER),
      log.event(plaie, 'ProtocolPublished', published('plaie', 1, '2024-01-01')),
      log.event(plaie, 'ProtocolPublished', published('plaie', 2, '2025-01-01', 'Plaies simples')),
      log.event(plaie, 'ProtocolAdherentRegistered', {
        memberId: nurse,
        delegatingDoctorMemberId: uuidv7(),
        trainedOn: '2024-02-01',
        signedOn: '2024-02-02',
      }),
      log.event(plaie, 'ProtocolAdherentRegistered', {
        memberId: nurse,
        delegatingDoctorMemberId: uuidv7(),
        trainedOn: '2024-02-01',
        signedOn: '2024-02-03',
      }),
      log.event(`protocol-${CPTS}.futur`, 'ProtocolPublished', published('futur', 1, '2999-01-01')),
      log.event(`protocol-${OTHER}.plaie`, 'ProtocolPublished', published('plaie', 1, '2024-01-01')),
    );
    const a1 = applied(1, 'conseil');
    const a2 = applied(1, 'dispensation');
    const a3 = applied(2, 'conseil');
    const a4 = applied(2, 'conseil');
    served.apply(
      a1,
      a2,
      a3,
      a4,
      log.event(pathway, 'EntryVoided', { targetEventId: a2.metadata.eventId, reason: 'erreur' }),
      log.event(pathway, 'EntryCorrected', {
        targetEventId: a4.metadata.eventId,
        reason: 'issue',
        correction: { outcome: 'orientation-medecin' },
      }),
      // A correction of something else in the pathway changes nothing here.
      log.event(pathway, 'EntryCorrected', {
        targetEventId: uuidv7(),
        reason: 'x',
        correction: { outcome: 'dispensation' },
      }),
    );
    const now = new Date('2026-01-01T12:00:00Z');
    const { items } = readProtocolCatalogue(served.readStore, CPTS, now);
    expect(items.map((item) => item.code)).toEqual(['futur', 'plaie']);
    const [futur, plaieItem] = items;
    expect(futur).toMatchObject({ inForce: null, adherents: 0, revision: 0 });
    expect(futur.usage).toEqual([
      {
        version: 1,
        applications: 0,
        byOutcome: { conseil: 0, dispensation: 0, 'orientation-medecin': 0, 'orientation-urgences': 0 },
      },
    ]);
    expect(plaieItem).toEqual({
      code: 'plaie',
      title: 'Plaies simples',
      kind: 'pluriprofessionnel-local',
      versions: [published('plaie', 1, '2024-01-01'), published('plaie', 2, '2025-01-01', 'Plaies simples')],
      inForce: published('plaie', 2, '2025-01-01', 'Plaies simples'),
      adherents: 1,
      usage: [
        {
          version: 1,
          applications: 1,
          byOutcome: { conseil: 1, dispensation: 0, 'orientation-medecin': 0, 'orientation-urgences': 0 },
        },
        {
          version: 2,
          applications: 2,
          byOutcome: { conseil: 1, dispensation: 0, 'orientation-medecin': 1, 'orientation-urgences': 0 },
        },
      ],
      revision: 3,
    });
    expect(
      readProtocolCatalogue(served.readStore, CPTS, new Date('2024-06-01T12:00:00Z')).items[1].inForce,
    ).toMatchObject({ version: 1 });

    served.apply(log.event(plaie, 'ProtocolRetired', { effectiveTo: '2025-06-30' }));
    expect(readProtocolCatalogue(served.readStore, CPTS, now).items[1]).toMatchObject({
      retiredOn: '2025-06-30',
      inForce: null,
      revision: 4,
    });
    expect(readProtocolCatalogue(served.readStore, OTHER, now).items[0].usage[0].applications).toBe(0);
    expect(() => readProtocolCatalogue(served.readStore, 'cpts-ghost', now)).toThrow(NotFoundError);
    const [live, rebuilt] = served.checksums(log.events);
    expect(rebuilt).toBe(live);
    served.readStore.close();
  });
});

describe('unscheduled-care log projection', () => {
  it('lists requests newest first with their status and answer, by Paris date and status', () => {
    const log = new EventLog();
    const served = serve(unscheduledCareLogProjection);
    const patientId = uuidv7();
    const doctor = uuidv7();
    const request = (cptsId: string, receivedAt: string, extra: Record<string, unknown> = {}) =>
      log.event(`snp-${cptsId}.${uuidv7()}`, 'UnscheduledCareRequested', {
        receivedAt,
        channel: 'telephone',
        motive: 'Fièvre',
        viaSas: false,
        ...extra,
      });
    served.apply(registered(log, CPTS), registered(log, OTHER));
    const oriented = request(CPTS, '2026-03-06T14:30:00+01:00', { patientId, channel: 'sas', viaSas: true });
    const closed = request(CPTS, '2026-03-07T08:00:00+01:00');
    const waiting = request(CPTS, '2026-03-07T23:30:00Z');
    served.apply(
      oriented,
      closed,
      waiting,
      request(OTHER, '2026-03-07T08:00:00+01:00'),
      log.event(oriented.streamId, 'UnscheduledCareOriented', {
        toMemberId: doctor,
        appointmentAt: '2026-03-07T09:00:00+01:00',
      }),
      log.event(closed.streamId, 'UnscheduledCareClosed', {
        closedAt: '2026-03-07T09:00:00+01:00',
        reason: 'Conseil téléphonique',
      }),
    );
    const id = (event: { streamId: string }) => event.streamId.split('.')[1];
    const all = readUnscheduledCareLog(served.readStore, CPTS, {});
    expect(all.count).toBe(3);
    expect(all.items).toEqual([
      {
        id: id(waiting),
        receivedAt: '2026-03-07T23:30:00Z',
        channel: 'telephone',
        viaSas: false,
        motive: 'Fièvre',
        status: 'requested',
      },
      {
        id: id(closed),
        receivedAt: '2026-03-07T08:00:00+01:00',
        channel: 'telephone',
        viaSas: false,
        motive: 'Fièvre',
        status: 'closed',
        closedAt: '2026-03-07T09:00:00+01:00',
      },
      {
        id: id(oriented),
        receivedAt: '2026-03-06T14:30:00+01:00',
        channel: 'sas',
        viaSas: true,
        motive: 'Fièvre',
        patientId,
        status: 'oriented',
        orientedTo: doctor,
        appointmentAt: '2026-03-07T09:00:00+01:00',
      },
    ]);
    const ids = (query: Parameters<typeof readUnscheduledCareLog>[2]) =>
      readUnscheduledCareLog(served.readStore, CPTS, query).items.map((item) => item.id);
    // 23:30 UTC on 7 March is 8 March in Paris.
    expect(ids({ from: '2026-03-07', to: '2026-03-08' })).toEqual([id(closed)]);
    expect(ids({ from: '2026-03-08' })).toEqual([id(waiting)]);
    expect(ids({ status: 'oriented' })).toEqual([id(oriented)]);
    expect(ids({ status: 'requested', to: '2026-03-08' })).toEqual([]);
    expect(() => readUnscheduledCareLog(served.readStore, 'cpts-ghost', {})).toThrow(NotFoundError);
    const [live, rebuilt] = served.checksums(log.events);
    expect(rebuilt).toBe(live);
    served.readStore.close();
  });
});
