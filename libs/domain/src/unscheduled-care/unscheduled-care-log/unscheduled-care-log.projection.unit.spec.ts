import { EventLog, projectionSpec } from '@parcours/projections';
import { v7 as uuidv7 } from 'uuid';
import { cptsHistoryProjection } from '../../cpts/cpts-history/cpts-history.projection';
import type { CorrectionEvent } from '../../shared/corrections';
import { NotFoundError } from '../../shared/errors';
import type { UnscheduledCareEvent, UnscheduledCareRequested } from '../unscheduled-care.events';
import { readUnscheduledCareLog, unscheduledCareLogProjection } from './unscheduled-care-log.projection';

const CPTS = 'cpts-reg';
const OTHER = 'cpts-reg-other';

describe('unscheduled-care log read model', () => {
  const log = new EventLog();
  const patientId = uuidv7();
  const doctor = uuidv7();
  const request = (cptsId: string, receivedAt: string, extra: Partial<UnscheduledCareRequested> = {}) =>
    log.event<UnscheduledCareEvent>(`snp-${cptsId}.${uuidv7()}`, 'UnscheduledCareRequested', {
      receivedAt,
      channel: 'telephone',
      motive: 'Fièvre',
      viaSas: false,
      ...extra,
    });
  const registered = [
    log.event(`cpts-${CPTS}`, 'CptsRegistered', { name: CPTS, population: 1000, communes: [] }),
    log.event(`cpts-${OTHER}`, 'CptsRegistered', { name: OTHER, population: 1000, communes: [] }),
  ];
  const oriented = request(CPTS, '2026-03-06T14:30:00+01:00', { patientId, channel: 'sas', viaSas: true });
  const closed = request(CPTS, '2026-03-07T08:00:00+01:00');
  const waiting = request(CPTS, '2026-03-07T23:30:00Z');
  const elsewhere = request(OTHER, '2026-03-07T08:00:00+01:00');
  const orientation = log.event<UnscheduledCareEvent>(oriented.streamId, 'UnscheduledCareOriented', {
    toMemberId: doctor,
    appointmentAt: '2026-03-07T09:00:00+01:00',
  });
  const closure = log.event<UnscheduledCareEvent>(closed.streamId, 'UnscheduledCareClosed', {
    closedAt: '2026-03-07T09:00:00+01:00',
    reason: 'Conseil téléphonique',
  });
  const id = (event: { streamId: string }) => event.streamId.split('.')[1];
  const spec = projectionSpec(unscheduledCareLogProjection, cptsHistoryProjection).given(
    ...registered,
    oriented,
    closed,
    waiting,
    elsewhere,
  );

  it('lists requests newest first with their status and answer, by Paris date and status', () => {
    spec.when(orientation, closure).then((read) => {
      const all = readUnscheduledCareLog(read, CPTS, {});
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
        readUnscheduledCareLog(read, CPTS, query).items.map((item) => item.id);
      // 23:30 UTC on 7 March is 8 March in Paris.
      expect(ids({ from: '2026-03-07', to: '2026-03-08' })).toEqual([id(closed)]);
      expect(ids({ from: '2026-03-08' })).toEqual([id(waiting)]);
      expect(ids({ status: 'oriented' })).toEqual([id(oriented)]);
      expect(ids({ status: 'requested', to: '2026-03-08' })).toEqual([]);
      expect(() => readUnscheduledCareLog(read, 'cpts-ghost', {})).toThrow(NotFoundError);
    });
  });

  it('keeps when orienting is due for the worklist, until the request is answered', () => {
    spec.when(orientation).then((read) => {
      const rows = read.db
        .prepare(
          `SELECT request_id, status, orientation_due_at FROM "${read.tables('unscheduled-care-log')('requests')}" WHERE cpts_id = ? ORDER BY request_id`,
        )
        .all(CPTS) as Array<{ request_id: string; status: string; orientation_due_at: string }>;
      expect(rows.find((r) => r.request_id === id(waiting))).toMatchObject({
        status: 'requested',
        orientation_due_at: '2026-03-09T00:30:00+01:00',
      });
      expect(rows.find((r) => r.request_id === id(oriented))?.status).toBe('oriented');
    });
  });

  it('a voided orientation makes the request one to orient again; a voided request leaves the log', () => {
    spec
      .when(
        orientation,
        closure,
        log.event<CorrectionEvent>(oriented.streamId, 'EntryVoided', {
          targetEventId: orientation.metadata.eventId,
          reason: 'Erreur',
        }),
        log.event<CorrectionEvent>(waiting.streamId, 'EntryVoided', {
          targetEventId: waiting.metadata.eventId,
          reason: 'Doublon',
        }),
      )
      .then((read) => {
        const items = readUnscheduledCareLog(read, CPTS, {}).items;
        expect(items.map((item) => [item.id, item.status])).toEqual([
          [id(closed), 'closed'],
          [id(oriented), 'requested'],
        ]);
        expect(items[1]).not.toHaveProperty('orientedTo');
      });
  });
});
