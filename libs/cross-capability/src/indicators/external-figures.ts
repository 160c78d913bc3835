import {
  type CorrectionEvent,
  cptsEvolver,
  type CptsEvent,
  externalIndicator,
  stateOf,
  streamId,
  toStored,
} from '@parcours/domain';
import type { EventStore } from '@parcours/event-store';

/** A yearly figure of the CPAM, shown beside the figures Parcours computes (`external: true`). */
export interface ExternalFigure {
  code: string;
  mission: 'acces-soins';
  /** The calendar year it covers, and that year as a period `[from, to)`. */
  period: string;
  from: string;
  to: string;
  value: number;
  unit: 'share' | 'per-1000';
  direction: 'increasing' | 'decreasing';
  label: { fr: string; en: string };
  source: string;
  external: true;
  /** The entry on the CPTS stream, for a correction. */
  eventId: string;
}

/**
 * The CPAM's figures whose year overlaps `[from, to)`, as the CPTS's stream holds them (corrections
 * merged, voided ones out) — as known at `asOf` when given. Read from the event store: a handful of
 * entries a year on a stream that is small, where a read model would only copy them.
 */
export async function externalFigures(
  store: EventStore,
  cptsId: string,
  period: { from: string; to: string; asOf?: string },
): Promise<ExternalFigure[]> {
  const horizon = period.asOf === undefined ? Infinity : Date.parse(period.asOf);
  const events = (await store.readStream(streamId('cpts', cptsId))).filter(
    (event) => Date.parse(event.metadata.recordedAt) <= horizon,
  );
  const state = stateOf(
    cptsEvolver,
    events.map((event) => toStored<CptsEvent | CorrectionEvent>(event)),
  );
  if (!state.exists) return [];
  return Object.entries(state.externalIndicators)
    .map(([eventId, figure]) => ({ eventId, figure, indicator: externalIndicator(figure.code) }))
    .filter(
      ({ figure }) =>
        `${figure.period}-01-01` < period.to && `${Number(figure.period) + 1}-01-01` > period.from,
    )
    .flatMap(({ eventId, figure, indicator }) =>
      indicator === undefined
        ? []
        : [
            {
              code: figure.code,
              mission: 'acces-soins' as const,
              period: figure.period,
              from: `${figure.period}-01-01`,
              to: `${Number(figure.period) + 1}-01-01`,
              value: figure.value,
              unit: indicator.unit,
              direction: indicator.direction,
              label: { ...indicator.label },
              source: figure.source,
              external: true as const,
              eventId,
            },
          ],
    )
    .sort((a, b) => a.period.localeCompare(b.period) || a.code.localeCompare(b.code));
}
