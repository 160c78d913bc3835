import { applyDecorators, Controller, Headers, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentPrincipal, type Principal } from '@parcours/auth';
import { invalidInput, preferredLanguage } from '@parcours/platform';
import type { EventSource } from '@parcours/event-store';
import type { Request, Response } from 'express';
import { importContext, rawBody } from '../shared/http';
import type { ImportContext } from '../shared/importer';
import type { CsvImportOptions, CsvImportReport } from './csv-import';
import { CSV_MAX_BYTES, type CsvEncoding, type CsvSeparator } from './csv-input';
import { CpamIndicatorsImport } from './indicators.import';
import { MtListImport } from './mt-list.import';

const ENCODINGS: Record<string, CsvEncoding> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  latin1: 'latin1',
  'iso-8859-1': 'latin1',
  'windows-1252': 'latin1',
};
const SEPARATORS: Record<string, CsvSeparator> = { ';': ';', ',': ',' };

/** `?encoding=` and `?separator=`, when the file's own are not to be guessed. */
function csvOptions(
  query: { encoding?: string; separator?: string },
  acceptLanguage?: string,
): CsvImportOptions {
  const encoding = query.encoding === undefined ? undefined : ENCODINGS[query.encoding.toLowerCase()];
  if (query.encoding !== undefined && encoding === undefined) {
    throw invalidInput('encoding', {
      fr: 'encoding doit valoir utf-8 ou latin1',
      en: 'encoding must be utf-8 or latin1',
    });
  }
  const separator = query.separator === undefined ? undefined : SEPARATORS[query.separator];
  if (query.separator !== undefined && separator === undefined) {
    throw invalidInput('separator', { fr: 'separator doit valoir ; ou ,', en: 'separator must be ; or ,' });
  }
  return {
    ...(encoding === undefined ? {} : { encoding }),
    ...(separator === undefined ? {} : { separator }),
    language: preferredLanguage(acceptLanguage),
  };
}

const FILE_BODY = {
  description: 'The CSV file as sent by the CPAM (UTF-8 or Latin-1, `;` or `,` between fields)',
  schema: { type: 'string', format: 'binary' },
};
const CSV_QUERY = [
  {
    name: 'encoding',
    required: false,
    enum: ['utf-8', 'latin1'],
    description: 'Default: UTF-8 when valid, else Latin-1',
  },
  { name: 'separator', required: false, enum: [';', ','], description: 'Default: the one the header uses' },
];

/** What both uploads take: the CPTS, the caller, the request (its body is the file) and its options. */
interface Upload {
  cptsId: string;
  principal: Principal;
  request: Request;
  response: Response;
  query: { encoding?: string; separator?: string };
  language?: string;
}

/** The decorators both uploads share: a CSV body, its optional encoding and separator, a report. */
const CsvUpload = (summary: string) =>
  applyDecorators(
    ApiOperation({ summary }),
    ApiConsumes('text/csv'),
    ApiBody(FILE_BODY),
    ApiQuery(CSV_QUERY[0]),
    ApiQuery(CSV_QUERY[1]),
    ApiOkResponse({ description: 'The report: rows, recorded, unchanged, rejected, counts' }),
  );

/**
 * The CPAM's files, uploaded by a coordinator (the UI's patients page; `npm run cli -- import-mt-list`
 * does the same from a shell). `201` with the report when something was recorded, `200` when the file
 * held nothing new, `422` with the report's rejected rows (nothing recorded), `400` for a file that is
 * not the expected CSV.
 */
@ApiTags('imports')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/imports')
export class CpamImportsController {
  constructor(
    private readonly mtList: MtListImport,
    private readonly indicators: CpamIndicatorsImport,
  ) {}

  private async upload(
    { cptsId, principal, request, response, query, language }: Upload,
    source: EventSource,
    run: (context: ImportContext, bytes: Buffer, options: CsvImportOptions) => Promise<CsvImportReport>,
  ): Promise<CsvImportReport> {
    const options = csvOptions(query, language);
    const bytes = await rawBody(request, CSV_MAX_BYTES);
    const report = await run(importContext(request, principal, cptsId, source), bytes, options);
    response.status(report.recorded > 0 ? 201 : 200);
    return report;
  }

  @Post('cpam-mt-list')
  @CsvUpload(
    'The CPAM’s list of patients without a médecin traitant: patients found by INS or registered, and a médecin-traitant search each (all rows or none)',
  )
  importMtList(
    @Param('cptsId') cptsId: string,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query() query: { encoding?: string; separator?: string },
    @Headers('accept-language') language?: string,
  ): Promise<CsvImportReport> {
    return this.upload(
      { cptsId, principal, request, response, query, language },
      'import:cpam-mt',
      (...args) => this.mtList.import(...args),
    );
  }

  @Post('cpam-indicators')
  @CsvUpload(
    'The CPAM’s yearly figures (accès aux soins): ExternalIndicatorRecorded for each row (all rows or none)',
  )
  importIndicators(
    @Param('cptsId') cptsId: string,
    @CurrentPrincipal() principal: Principal,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query() query: { encoding?: string; separator?: string },
    @Headers('accept-language') language?: string,
  ): Promise<CsvImportReport> {
    return this.upload(
      { cptsId, principal, request, response, query, language },
      'import:cpam-indicators',
      (...args) => this.indicators.import(...args),
    );
  }
}
