import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min, ValidateBy } from 'class-validator';
import { IsCalendarDate, IsTimestamp } from '@parcours/domain';

/** `GET …/indicators`: the period `[from, to)` in Europe/Paris dates, and optionally `asOf`. */
export class IndicatorsQueryDto {
  @ApiProperty({ example: '2026-01-01', description: 'First day of the period (Europe/Paris, inclusive)' })
  @IsCalendarDate()
  from!: string;

  @ApiProperty({ example: '2027-01-01', description: 'Day after the last day of the period (exclusive)' })
  @IsCalendarDate()
  @ValidateBy({
    name: 'afterFrom',
    validator: {
      validate: (to: unknown, args) => {
        const { from } = args?.object as IndicatorsQueryDto;
        return typeof from !== 'string' || typeof to !== 'string' || to > from;
      },
      defaultMessage: () => 'to must be after from (the period is [from, to))',
    },
  })
  to!: string;

  @ApiPropertyOptional({
    example: '2026-06-30T18:00:00+02:00',
    description: 'Only events recorded at or before this instant count: the figures as they were known then',
  })
  @IsOptional()
  @IsTimestamp()
  asOf?: string;

  @ApiPropertyOptional({ description: 'Wait until the read models include this log position (api.md)' })
  @IsOptional()
  @Matches(/^\d{1,40}$/, { message: '$property must be a position (a decimal string)' })
  consistentWith?: string;
}

export const DRILL_DOWN_MAX = 10_000;

/** `GET …/indicators/{code}/events`: the same period, and a page of the events. */
export class IndicatorEventsQueryDto extends IndicatorsQueryDto {
  @ApiPropertyOptional({ default: 1000, maximum: DRILL_DOWN_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer' })
  @Min(1)
  @Max(DRILL_DOWN_MAX)
  limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer' })
  @Min(0)
  offset?: number;
}

export const CSV_DIALECTS = ['rfc4180', 'excel-fr'] as const;
export type CsvDialect = (typeof CSV_DIALECTS)[number];

/** At most ten years of months in one export or series. */
export const CSV_MAX_MONTHS = 120;

/** `GET …/exports/indicators.csv`: the period cut by month. */
export class IndicatorsCsvQueryDto extends IndicatorsQueryDto {
  @ApiPropertyOptional({ enum: ['month'], default: 'month' })
  @IsOptional()
  @IsIn(['month'], { message: '$property must be month' })
  granularity?: 'month';

  @ApiPropertyOptional({
    enum: CSV_DIALECTS,
    default: 'rfc4180',
    description:
      '`rfc4180` (comma, decimal point, codes, the breakdown as JSON: for scripts) or `excel-fr` (for a French ' +
      'spreadsheet: `;`, decimal comma, UTF-8 BOM, labels next to codes, one value per cell)',
  })
  @IsOptional()
  @IsIn(CSV_DIALECTS, { message: `$property must be one of: ${CSV_DIALECTS.join(', ')}` })
  dialect?: CsvDialect;
}

/** `GET …/indicators/series`: the period cut by month, as JSON (the same months as the CSV). */
export class IndicatorSeriesQueryDto extends IndicatorsQueryDto {}
