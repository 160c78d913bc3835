import { EventLog, projectionSpec } from '@parcours/projections';
import { v7 as uuidv7 } from 'uuid';
import { cptsHistoryProjection } from '../../cpts/cpts-history/cpts-history.projection';
import type { CorrectionEvent } from '../../shared/corrections';
import { NotFoundError } from '../../shared/errors';
import type { RcpEvent, RcpHeld } from '../rcp.events';
import { rcpRegisterProjection, readRcpRegister } from './rcp-register.projection';

const CPTS = 'cpts-reg';
const OTHER = 'cpts-reg-other';

function fixture() {
  const log = new EventLog();
  const doctor = uuidv7();
  const nurse = uuidv7();
  const pathwayId = uuidv7();
  const rcp = (cptsId: string, heldAt: string, extra: Partial<RcpHeld> = {}) =>
    log.event<RcpEvent>(`rcp-${cptsId}.${uuidv7()}`, 'RcpHeld', {
      convenedBy: doctor,
      heldAt,
      durationMinutes: 90,
      complex: true,
      format: 'mixte',
      participants: [{ memberId: doctor }, { memberId: nurse }, { name: 'Mme D', profession: 'psychologue' }],
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
  const setUp = [
    log.event(`cpts-${CPTS}`, 'CptsRegistered', { name: CPTS, population: 1000, communes: [] }),
    log.event(`cpts-${OTHER}`, 'CptsRegistered', { name: OTHER, population: 1000, communes: [] }),
    member(doctor, 'medecin-generaliste'),
    member(nurse, 'infirmier'),
  ];
  return { log, doctor, pathwayId, rcp, setUp };
}

const spec = projectionSpec(rcpRegisterProjection, cptsHistoryProjection);

describe('RCP register read model', () => {
  it('lists RCPs newest first with their professions and cases, filtered on Paris dates', () => {
    const { doctor, pathwayId, rcp, setUp } = fixture();
    const september = rcp(CPTS, '2025-09-15T17:30:00+02:00');
    const december = rcp(CPTS, '2025-11-30T23:30:00Z', {
      complex: false,
      format: 'visio',
      durationMinutes: 45,
      participants: [{ memberId: doctor }, { name: 'M. K', profession: 'masseur-kinesitherapeute' }],
      cases: [{ pathwayId, decisions: ['Fin'] }],
    });
    spec
      .given(...setUp)
      .when(september, december, rcp(OTHER, '2025-10-01T10:00:00+02:00'))
      .then((read) => {
        expect(readRcpRegister(read, CPTS, {})).toEqual({
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
        const heldAt = (period: { from?: string; to?: string }) =>
          readRcpRegister(read, CPTS, period).items.map((item) => item.heldAt);
        expect(heldAt({ from: '2025-12-01', to: '2026-01-01' })).toEqual(['2025-11-30T23:30:00Z']);
        expect(heldAt({ to: '2025-12-01' })).toEqual(['2025-09-15T17:30:00+02:00']);
        expect(heldAt({ from: '2025-09-16', to: '2025-12-01' })).toEqual([]);
        expect(readRcpRegister(read, OTHER, {}).count).toBe(1);
      });
  });

  it('shows an RCP as its stream now stands: corrected, or gone once voided', () => {
    const { log, rcp, setUp } = fixture();
    const held = rcp(CPTS, '2025-09-15T17:30:00+02:00');
    const corrected = log.event<CorrectionEvent>(held.streamId, 'EntryCorrected', {
      targetEventId: held.metadata.eventId,
      reason: 'Durée',
      correction: { durationMinutes: 120 },
    });
    const voided = log.event<CorrectionEvent>(held.streamId, 'EntryVoided', {
      targetEventId: held.metadata.eventId,
      reason: 'Doublon',
    });
    spec
      .given(...setUp, held)
      .when(corrected)
      .then((read) => expect(readRcpRegister(read, CPTS, {}).items[0].durationMinutes).toBe(120));
    spec
      .given(...setUp, held)
      .when(corrected, voided)
      .then((read) => expect(readRcpRegister(read, CPTS, {})).toEqual({ count: 0, items: [] }));
  });

  it('answers 404 for a CPTS never registered', () => {
    const { setUp } = fixture();
    spec.given(...setUp).then((read) => {
      expect(() => readRcpRegister(read, 'cpts-ghost', {})).toThrow(NotFoundError);
    });
  });
});
