import { EventLog, projectionSpec } from '@parcours/projections';
import { v7 as uuidv7 } from 'uuid';
import { cptsHistoryProjection } from '../../cpts/cpts-history/cpts-history.projection';
import type { PathwayEvent } from '../../pathways/pathway.events';
import type { CorrectionEvent } from '../../shared/corrections';
import { NotFoundError } from '../../shared/errors';
import type { ProtocolEvent, ProtocolPublished } from '../protocol.events';
import { protocolCatalogueProjection, readProtocolCatalogue } from './protocol-catalogue.projection';

const CPTS = 'cpts-reg';
const OTHER = 'cpts-reg-other';

const published = (
  code: string,
  version: number,
  effectiveFrom: string,
  title = `Protocole ${code}`,
): ProtocolPublished => ({
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

describe('protocol catalogue read model', () => {
  const log = new EventLog();
  const plaie = `protocol-${CPTS}.plaie`;
  const pathway = `pathway-${CPTS}.${uuidv7()}`;
  const nurse = uuidv7();
  const applied = (version: number, outcome: 'conseil' | 'dispensation') =>
    log.event<PathwayEvent>(pathway, 'ProtocolApplied', {
      applicationId: uuidv7(),
      protocolCode: 'plaie',
      protocolVersion: version,
      byMemberId: nurse,
      appliedAt: '2025-03-01T10:00:00+01:00',
      eligibility: { eligible: true, answers: {} },
      outcome,
    });
  const adherent = (signedOn: string) =>
    log.event<ProtocolEvent>(plaie, 'ProtocolAdherentRegistered', {
      memberId: nurse,
      delegatingDoctorMemberId: uuidv7(),
      trainedOn: '2024-02-01',
      signedOn,
    });
  const catalogue = [
    log.event(`cpts-${CPTS}`, 'CptsRegistered', { name: CPTS, population: 1000, communes: [] }),
    log.event(`cpts-${OTHER}`, 'CptsRegistered', { name: OTHER, population: 1000, communes: [] }),
    log.event<ProtocolEvent>(plaie, 'ProtocolPublished', published('plaie', 1, '2024-01-01')),
    log.event<ProtocolEvent>(
      plaie,
      'ProtocolPublished',
      published('plaie', 2, '2025-01-01', 'Plaies simples'),
    ),
    adherent('2024-02-02'),
    adherent('2024-02-03'), // the same professional, delegated by another doctor
    log.event<ProtocolEvent>(
      `protocol-${CPTS}.futur`,
      'ProtocolPublished',
      published('futur', 1, '2999-01-01'),
    ),
    log.event<ProtocolEvent>(
      `protocol-${OTHER}.plaie`,
      'ProtocolPublished',
      published('plaie', 1, '2024-01-01'),
    ),
  ];
  const [a1, a2, a3, a4] = [
    applied(1, 'conseil'),
    applied(1, 'dispensation'),
    applied(2, 'conseil'),
    applied(2, 'conseil'),
  ];
  const changes = [
    log.event<CorrectionEvent>(pathway, 'EntryVoided', {
      targetEventId: a2.metadata.eventId,
      reason: 'erreur',
    }),
    log.event<CorrectionEvent>(pathway, 'EntryCorrected', {
      targetEventId: a4.metadata.eventId,
      reason: 'issue',
      correction: { outcome: 'orientation-medecin' },
    }),
    // A correction of something else in the pathway changes nothing here.
    log.event<CorrectionEvent>(pathway, 'EntryCorrected', {
      targetEventId: uuidv7(),
      reason: 'x',
      correction: { outcome: 'dispensation' },
    }),
  ];
  const retired = log.event<ProtocolEvent>(plaie, 'ProtocolRetired', { effectiveTo: '2025-06-30' });
  const now = new Date('2026-01-01T12:00:00Z');
  const spec = projectionSpec(protocolCatalogueProjection, cptsHistoryProjection).given(...catalogue);
  const noUse = { conseil: 0, dispensation: 0, 'orientation-medecin': 0, 'orientation-urgences': 0 };

  it('lists versions, the version in force now, distinct adherents and per-version usage, voided applications out', () => {
    spec.when(a1, a2, a3, a4, ...changes).then((read) => {
      const { items } = readProtocolCatalogue(read, CPTS, now);
      expect(items.map((item) => item.code)).toEqual(['futur', 'plaie']);
      const [futur, plaieItem] = items;
      expect(futur).toMatchObject({ inForce: null, adherents: 0, revision: 0 });
      expect(futur.usage).toEqual([{ version: 1, applications: 0, byOutcome: noUse }]);
      expect(plaieItem).toEqual({
        code: 'plaie',
        title: 'Plaies simples',
        kind: 'pluriprofessionnel-local',
        versions: [
          published('plaie', 1, '2024-01-01'),
          published('plaie', 2, '2025-01-01', 'Plaies simples'),
        ],
        inForce: published('plaie', 2, '2025-01-01', 'Plaies simples'),
        adherents: 1,
        usage: [
          { version: 1, applications: 1, byOutcome: { ...noUse, conseil: 1 } },
          { version: 2, applications: 2, byOutcome: { ...noUse, conseil: 1, 'orientation-medecin': 1 } },
        ],
        revision: 3,
      });
      expect(
        readProtocolCatalogue(read, CPTS, new Date('2024-06-01T12:00:00Z')).items[1].inForce,
      ).toMatchObject({
        version: 1,
      });
      expect(readProtocolCatalogue(read, OTHER, now).items[0].usage[0].applications).toBe(0);
    });
  });

  it('a corrected version moves the application to that version', () => {
    spec
      .when(
        a1,
        log.event<CorrectionEvent>(pathway, 'EntryCorrected', {
          targetEventId: a1.metadata.eventId,
          reason: 'version',
          correction: { protocolVersion: 2 },
        }),
      )
      .then((read) => {
        const usage = readProtocolCatalogue(read, CPTS, now).items[1].usage;
        expect(usage.map((u) => [u.version, u.applications])).toEqual([
          [1, 0],
          [2, 1],
        ]);
      });
  });

  it('a retired protocol is in force no more', () => {
    spec.when(retired).then((read) => {
      expect(readProtocolCatalogue(read, CPTS, now).items[1]).toMatchObject({
        retiredOn: '2025-06-30',
        inForce: null,
        revision: 4,
      });
    });
  });

  it('answers 404 for a CPTS never registered', () => {
    spec.then((read) => expect(() => readProtocolCatalogue(read, 'cpts-ghost', now)).toThrow(NotFoundError));
  });
});
