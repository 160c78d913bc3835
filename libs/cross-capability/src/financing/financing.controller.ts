import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';

import { CONTRACT_YEARS, IsTimestamp, readCptsHistory } from '@parcours/domain';
import { ReadStore } from '@parcours/projections';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { ACI_AMOUNT_TABLES } from './aci-amounts';
import { computeFinancing, type Financing } from './financing';

export class FinancingQueryDto {
  @ApiProperty({ minimum: 1, maximum: CONTRACT_YEARS, description: 'Contract year N of the ACI contract' })
  // Only plain digits become a number: "1.5", "" or "un" stay strings and fail as not an integer.
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : value,
  )
  @IsInt({ message: `$property must be an integer from 1 to ${CONTRACT_YEARS}` })
  @Min(1, { message: `$property must be an integer from 1 to ${CONTRACT_YEARS}` })
  @Max(CONTRACT_YEARS, { message: `$property must be an integer from 1 to ${CONTRACT_YEARS}` })
  contractYear!: number;

  @ApiPropertyOptional({
    example: '2026-03-06T17:30:00+01:00',
    description: 'Only events recorded at or before this instant: the financing as it was known then',
  })
  @IsOptional()
  @IsTimestamp()
  asOf?: string;

  @ApiPropertyOptional({ description: 'Wait until the read models include this position (api.md)' })
  @IsOptional()
  @Matches(/^\d{1,40}$/)
  consistentWith?: string;
}

/** `GET …/financing?contractYear=&asOf=` (`indicators.md`, Financing). */
@ApiTags('financing')
@ApiBearerAuth()
@Controller('api/v1/cpts/:cptsId/financing')
export class FinancingController {
  constructor(private readonly readStore: ReadStore) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({
    description:
      '{ contractYear, period: { from, to } (to excluded), sizeClass, lines: [{ mission?, part, amount, basis }], ' +
      'total, advance, balance, amounts } — euros rounded half-up to the cent',
  })
  @ApiUnprocessableEntityResponse({
    description:
      'rule no-contract: no ACI contract signed (as of asOf); rule no-aci-amounts: the contract year starts ' +
      'before the earliest table of ACI amounts (avenant 2: contract years from 2022-01-01)',
  })
  @ApiNotFoundResponse({ description: 'the CPTS does not exist' })
  get(@Param('cptsId') cptsId: string, @Query() query: FinancingQueryDto): Financing {
    const history = readCptsHistory(this.readStore, cptsId, query.asOf);
    return computeFinancing(history, query.contractYear, ACI_AMOUNT_TABLES, { asOf: query.asOf });
  }
}
