import { EventLog, projectionSpec } from '@parcours/projections';
import type { PathwayEvent } from '../../pathways/pathway.events';
import type { CorrectionEvent } from '../../shared/corrections';
import { NotFoundError } from '../../shared/errors';
import type { CptsEvent } from '../cpts.events';
import { assertCptsKnown, cptsHistoryProjection, readCptsHistory } from './cpts-history.projection';

const CPTS = 'cpts-hist';

describe('CPTS history read model', () => {
  const log = new EventLog();
  const registered = log.event<CptsEvent>(`cpts-${CPTS}`, 'CptsRegistered', {
    name: 'CPTS',
    population: 60000,
    communes: ['69264'],
  });
  const population = log.event<CptsEvent>(
    `cpts-${CPTS}`,
    'CptsPopulationUpdated',
    { population: 62000, effectiveOn: '2026-01-01' },
    { recordedAt: '2026-02-01T10:00:00Z' },
  );
  const corrected = log.event<CorrectionEvent>(
    `cpts-${CPTS}`,
    'EntryCorrected',
    { targetEventId: population.metadata.eventId, reason: 'Recensement', correction: { population: 61000 } },
    { recordedAt: '2026-03-01T10:00:00Z' },
  );
  // A pathway's correction has nothing to do with the CPTS's history.
  const elsewhere = log.event<PathwayEvent | CorrectionEvent>(`pathway-${CPTS}.p-1`, 'EntryCorrected', {
    targetEventId: 'x',
    reason: 'x',
    correction: {},
  });

  it('keeps the CPTS stream’s events in order, with what a correction says, as known at a time', () => {
    projectionSpec(cptsHistoryProjection)
      .given(registered, population)
      .when(corrected, elsewhere)
      .then((read) => {
        expect(readCptsHistory(read, CPTS).map((e) => [e.revision, e.type, e.data])).toEqual([
          [0, 'CptsRegistered', { name: 'CPTS', population: 60000, communes: ['69264'] }],
          [1, 'CptsPopulationUpdated', { population: 62000, effectiveOn: '2026-01-01' }],
          [
            2,
            'EntryCorrected',
            {
              targetEventId: population.metadata.eventId,
              reason: 'Recensement',
              correction: { population: 61000 },
            },
          ],
        ]);
        expect(readCptsHistory(read, CPTS, '2026-02-15T00:00:00Z').map((e) => e.type)).toEqual([
          'CptsRegistered',
          'CptsPopulationUpdated',
        ]);
        expect(readCptsHistory(read, 'cpts-other')).toEqual([]);
      });
  });

  it('says which CPTS exist, for every capability’s reads', () => {
    projectionSpec(cptsHistoryProjection)
      .given(registered)
      .then((read) => {
        expect(() => assertCptsKnown(read, CPTS)).not.toThrow();
        expect(() => assertCptsKnown(read, 'cpts-ghost')).toThrow(NotFoundError);
      });
  });
});
