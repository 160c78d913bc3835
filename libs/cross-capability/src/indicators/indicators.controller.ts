import { Controller, Get, Header, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@parcours/auth';
import { requireCpts } from '@parcours/domain';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { InputRefused, LocalizedProblemError } from '@parcours/platform';
import type { Response } from 'express';
import { externalFigures } from './external-figures';
import { indicatorByCode } from './indicator-catalogue';
import { indicatorsCsv } from './indicators.csv';
import { indicatorsExcelCsv, lastDay } from '../reports/french-exports';
import { protocolLabels } from '../reports/protocol-labels';
import { ReadStore } from '@parcours/projections';
import {
  CSV_MAX_MONTHS,
  IndicatorEventsQueryDto,
  IndicatorsCsvQueryDto,
  IndicatorSeriesQueryDto,
  IndicatorsQueryDto,
} from './indicators.dto';
import { indicatorParams, IndicatorsReader, type IndicatorEvent } from './indicators.reader';
import { monthsOf } from '@parcours/domain';

/** Who reads indicators (api.md): not professionals, whose role is the care of their own patients. */
const DEFAULT_PAGE = 1000;

/**
 * The indicators of `indicators.md`, computed from the facts read model: the figures of a period, the
 * monthly series (as JSON, and as CSV), and the events behind one figure.
 */
@ApiTags('indicators')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId')
export class IndicatorsController {
  constructor(
    private readonly reader: IndicatorsReader,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readStore: ReadStore,
  ) {}

  @Get('indicators')
  @ApiOkResponse({
    description:
      '`{ cptsId, from, to, asOf?, position, indicators: [{ code, mission, value, numerator?, denominator?, breakdown? }], ' +
      'external: [{ code, mission, period, from, to, value, unit, direction, label, source, external: true, eventId }] }` — ' +
      'external: the CPAM’s yearly figures whose year overlaps the period',
  })
  async indicators(@Param('cptsId') cptsId: string, @Query() query: IndicatorsQueryDto) {
    await this.requireCpts(cptsId);
    const { from, to, asOf } = query;
    return {
      cptsId,
      from,
      to,
      ...(asOf === undefined ? {} : { asOf }),
      position: this.reader.position(),
      indicators: this.reader.all({ cptsId, from, to, asOf }),
      external: await externalFigures(this.store, cptsId, { from, to, asOf }),
    };
  }

  @Get('indicators/series')
  @ApiOkResponse({
    description:
      'The figures of `GET …/indicators` for each Paris calendar month of the period (the first and ' +
      'last months may be partial; at most 120 months): `{ cptsId, from, to, asOf?, position, months: ' +
      '[{ from, to, indicators: [{ code, mission, value, numerator?, denominator?, breakdown? }] }] }`',
  })
  async series(@Param('cptsId') cptsId: string, @Query() query: IndicatorSeriesQueryDto) {
    const { from, to, asOf } = query;
    const months = this.monthsWithin(from, to);
    await this.requireCpts(cptsId);
    return {
      cptsId,
      from,
      to,
      ...(asOf === undefined ? {} : { asOf }),
      position: this.reader.position(),
      months: months.map((month) => ({ ...month, indicators: this.reader.all({ cptsId, ...month, asOf }) })),
    };
  }

  @Get('indicators/:code/events')
  @ApiOkResponse({
    description:
      'The figure and the events behind it, in business-time order: `{ …figure, from, to, asOf?, total, limit, offset, events: [{ eventId, type, streamId?, at, recordedAt, correctedBy?, inNumerator?, evidenceEventId?, category?, amount? }] }`',
  })
  async events(
    @Param('cptsId') cptsId: string,
    @Param('code') code: string,
    @Query() query: IndicatorEventsQueryDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    const definition = indicatorByCode(code);
    if (!definition) {
      throw new LocalizedProblemError(404, 'not-found', {
        fr: `Il n’y a pas d’indicateur ${code}.`,
        en: `There is no indicator ${code}.`,
      });
    }
    await this.requireCpts(cptsId);
    const { from, to, asOf } = query;
    const limit = query.limit ?? DEFAULT_PAGE;
    const offset = query.offset ?? 0;
    const params = indicatorParams({ cptsId, from, to, asOf });
    const figure = this.reader.figure(definition, params);
    const total = this.reader.count(definition, params);
    // An analyst never sees a patient id: a patient stream's name holds one.
    const seesPatients = principal.roles.some((role) => role === 'coordinator' || role === 'auditor');
    const events = this.reader
      .events(definition, params, { limit, offset })
      .map((event): IndicatorEvent | Omit<IndicatorEvent, 'streamId'> => {
        if (seesPatients || !event.streamId.startsWith('patient-')) return event;
        const { streamId: _hidden, ...rest } = event;
        return rest;
      });
    return {
      cptsId,
      ...figure,
      from,
      to,
      ...(asOf === undefined ? {} : { asOf }),
      position: this.reader.position(),
      total,
      limit,
      offset,
      events,
    };
  }

  @Get('exports/indicators.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description:
      'By default (`dialect=rfc4180`) RFC 4180 CSV with a header `from,to,code,mission,value,numerator,denominator,breakdown` and one record per month × indicator (breakdown as JSON), then one per CPAM figure whose year overlaps the period (from/to its year, breakdown `{"external":true,"source":…}`). ' +
      'With `dialect=excel-fr`, the same figures for a French spreadsheet: `;`, decimal comma, UTF-8 BOM, dates dd/mm/yyyy, labels next to codes, one breakdown part per row. The file is named by the period’s last day.',
  })
  async csv(
    @Param('cptsId') cptsId: string,
    @Query() query: IndicatorsCsvQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    const { from, to, asOf } = query;
    const months = this.monthsWithin(from, to);
    await this.requireCpts(cptsId);
    // Named by the period's last day (`to` is the day after it).
    const last = lastDay(to);
    const series = months.map((month) => ({
      ...month,
      figures: this.reader.all({ cptsId, ...month, asOf }),
    }));
    const external = await externalFigures(this.store, cptsId, { from, to, asOf });
    if (query.dialect === 'excel-fr') {
      response.setHeader(
        'Content-Disposition',
        `attachment; filename="indicateurs-${cptsId}-${from}-au-${last}.csv"`,
      );
      return indicatorsExcelCsv(series, external, protocolLabels(this.readStore, cptsId));
    }
    response.setHeader(
      'Content-Disposition',
      `attachment; filename="indicators-${cptsId}-${from}-${last}.csv"`,
    );
    return indicatorsCsv(series, external);
  }

  /** The months of `[from, to)` (the series and the CSV); a 400 on `to` past the maximum. */
  private monthsWithin(from: string, to: string): Array<{ from: string; to: string }> {
    const months = monthsOf(from, to);
    if (months.length > CSV_MAX_MONTHS) {
      const message = `the period may span at most ${CSV_MAX_MONTHS} months`;
      throw new InputRefused([{ path: 'to', constraint: 'maxMonths', message }]);
    }
    return months;
  }

  /** 404 for a CPTS never registered; the event store is asked only when the read model does not know it yet. */
  private async requireCpts(cptsId: string): Promise<void> {
    if (this.reader.cptsExists(cptsId)) return;
    await requireCpts(this.store, cptsId);
  }
}
