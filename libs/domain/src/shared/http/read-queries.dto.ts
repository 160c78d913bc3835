import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsCalendarDate } from './validators';
import { IsOptional, Matches, ValidateBy } from 'class-validator';

/** A query-string whole number (`?limit=20`) as a number; anything else is left for the validators to refuse. */
export const wholeNumber = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value;

/**
 * Query strings of the read routes. The API's validation pipe refuses unknown parameters, so each DTO
 * declares `consistentWith` (handled by the global interceptor) to let it through.
 */
export class ConsistentReadQueryDto {
  @ApiPropertyOptional({
    description: 'Wait (up to 5 s) until the read models include this position (as commands return it)',
  })
  @IsOptional()
  @Matches(/^\d{1,40}$/, { message: '$property must be a position (a decimal string)' })
  consistentWith?: string;
}

/** A period of Paris calendar dates, `[from, to)` as for indicators. */
export class PeriodQueryDto extends ConsistentReadQueryDto {
  @ApiPropertyOptional({ example: '2026-01-01', description: 'First day (inclusive), Paris date' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ example: '2027-01-01', description: 'Day after the last (exclusive), Paris date' })
  @IsOptional()
  @IsCalendarDate()
  @ValidateBy({
    name: 'afterFrom',
    validator: {
      validate: (to: unknown, args) => {
        const { from } = args?.object as PeriodQueryDto;
        return typeof from !== 'string' || typeof to !== 'string' || to > from;
      },
      defaultMessage: () => 'to must be after from (the period is [from, to))',
    },
  })
  to?: string;
}
