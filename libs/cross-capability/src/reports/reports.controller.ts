import { Controller, Get, Header, Headers, Inject, Param, Query, Res, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { readCptsHistory } from '@parcours/domain';
import { EVENT_STORE, type EventStore } from '@parcours/event-store';
import { ReadStore } from '@parcours/projections';
import type { Response } from 'express';
import { ACI_AMOUNT_TABLES } from '../financing/aci-amounts';
import { computeFinancing } from '../financing/financing';
import { FinancingQueryDto } from '../financing/financing.controller';
import { INDICATORS } from '../indicators/indicator-catalogue';
import { indicatorParams, IndicatorsReader } from '../indicators/indicators.reader';
import { annexCsv, financingCsv, lastDay } from './french-exports';
import { protocolLabels } from './protocol-labels';
import { yearlyPack, type YearlyPack } from './yearly-pack';
import { renderYearlyPackPdf } from './yearly-pack.pdf';

const CSV = 'text/csv; charset=utf-8';
const PDF = 'application/pdf';

/**
 * The yearly review pack of a contract year (dialogue de gestion with the ARS and the CPAM) as JSON or PDF,
 * its annex (the events behind each figure), and the financing as a French spreadsheet.
 */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId')
export class ReportsController {
  constructor(
    private readonly readStore: ReadStore,
    private readonly reader: IndicatorsReader,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('reports/yearly')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('application/json', PDF)
  @ApiOkResponse({
    description:
      'The pack as JSON: `{ cptsId, name, contractYear, period: { from, to, lastDay }, previousPeriod, asOf?, knownOn, position, ' +
      'missions: [{ mission, label, inContract, startedOn?, achievementRate, indicators: [{ code, label, unit, value, numerator?, denominator?, previous }], external }], ' +
      'financing, crises, crisisPlan }`; with `Accept: application/pdf`, the same pack as a PDF (as `…/reports/yearly.pdf`)',
  })
  @ApiUnprocessableEntityResponse({
    description: 'rule no-contract, or no-aci-amounts (see `GET …/financing`)',
  })
  @ApiNotFoundResponse({ description: 'the CPTS does not exist' })
  async yearly(
    @Param('cptsId') cptsId: string,
    @Query() query: FinancingQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<YearlyPack | StreamableFile> {
    const pack = await this.pack(cptsId, query);
    if (prefersPdf(accept)) return this.pdf(pack, response);
    return pack;
  }

  @Get('reports/yearly.pdf')
  @Header('Cache-Control', 'no-store')
  @ApiProduces(PDF)
  @ApiOkResponse({
    description:
      'The pack as a PDF (A4, French), "tel que connu le …" on every page, for the ARS and the CPAM',
  })
  @ApiUnprocessableEntityResponse({ description: 'rule no-contract, or no-aci-amounts' })
  @ApiNotFoundResponse({ description: 'the CPTS does not exist' })
  async yearlyPdf(
    @Param('cptsId') cptsId: string,
    @Query() query: FinancingQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    return this.pdf(await this.pack(cptsId, query), response);
  }

  @Get('reports/yearly/annex.csv')
  @Header('Content-Type', CSV)
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description:
      'French-Excel CSV (`;`, decimal comma, UTF-8 BOM): every event behind every indicator of the contract year, one per row — ' +
      '`du;au;indicateur;libellé de l’indicateur;mission;libellé de la mission;événement;type;libellé du type;date;enregistré le;compté au numérateur;catégorie;libellé de la catégorie;montant;corrigé` — no stream or patient id',
  })
  annex(
    @Param('cptsId') cptsId: string,
    @Query() query: FinancingQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): string {
    const { financing } = this.financing(cptsId, query);
    const { from, to } = financing.period;
    const params = indicatorParams({ cptsId, from, to, asOf: query.asOf });
    const figures = INDICATORS.map((definition) => ({
      code: definition.code,
      mission: definition.mission,
      events: this.reader.events(definition, params, {
        limit: Math.max(1, this.reader.count(definition, params)),
        offset: 0,
      }),
    }));
    attachment(response, `annexe-${cptsId}-annee-${query.contractYear}-${from}-au-${lastDay(to)}.csv`);
    return annexCsv(financing.period, figures, protocolLabels(this.readStore, cptsId));
  }

  @Get('exports/financing.csv')
  @Header('Content-Type', CSV)
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description:
      'The financing of the contract year for a French spreadsheet (`;`, decimal comma, UTF-8 BOM): ' +
      '`année de contrat;du;au;taille;mission;libellé de la mission;part;libellé de la part;montant (€);base de calcul`, ' +
      'one row per line, then `total`, `advance` and `balance`',
  })
  @ApiUnprocessableEntityResponse({ description: 'rule no-contract, or no-aci-amounts' })
  financingCsv(
    @Param('cptsId') cptsId: string,
    @Query() query: FinancingQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): string {
    const { financing } = this.financing(cptsId, query);
    const { from, to } = financing.period;
    attachment(response, `financement-${cptsId}-annee-${query.contractYear}-${from}-au-${lastDay(to)}.csv`);
    return financingCsv(financing);
  }

  private financing(cptsId: string, query: FinancingQueryDto) {
    const history = readCptsHistory(this.readStore, cptsId, query.asOf);
    return {
      financing: computeFinancing(history, query.contractYear, ACI_AMOUNT_TABLES, { asOf: query.asOf }),
    };
  }

  private pack(cptsId: string, query: FinancingQueryDto): Promise<YearlyPack> {
    return yearlyPack(
      { readStore: this.readStore, reader: this.reader, store: this.store },
      cptsId,
      query.contractYear,
      {
        asOf: query.asOf,
      },
    );
  }

  private async pdf(pack: YearlyPack, response: Response): Promise<StreamableFile> {
    const bytes = await renderYearlyPackPdf(pack);
    response.setHeader('Content-Type', PDF);
    attachment(
      response,
      `dialogue-de-gestion-${pack.cptsId}-annee-${pack.contractYear}-${pack.period.from}-au-${pack.period.lastDay}.pdf`,
    );
    return new StreamableFile(bytes);
  }
}

function attachment(response: Response, name: string): void {
  response.setHeader('Content-Disposition', `attachment; filename="${name}"`);
}

/** `Accept: application/pdf` (ranked above JSON, if both are named). */
export function prefersPdf(accept: string | undefined): boolean {
  const ranked = (accept ?? '')
    .split(',')
    .map((part) => {
      const [type, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())).find(Boolean);
      return { type: type.trim(), q: q ? Number(q[1]) : 1 };
    })
    .filter((entry) => entry.type === PDF || entry.type === 'application/json')
    .sort((a, b) => b.q - a.q);
  return ranked[0]?.type === PDF;
}
