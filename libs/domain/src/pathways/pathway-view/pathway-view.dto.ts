import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Max, Min, ValidateBy } from 'class-validator';
import { ConsistentReadQueryDto } from '../../shared/http/read-queries.dto';
import { IsTimestamp, OneOf } from '../../shared/http/validators';
import { PATHWAY_KINDS } from '../pathway.events';
import { decodeCursor, DEFAULT_PAGE, MAX_PAGE } from './pathway-view.queries';

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value);

export class PathwayListQueryDto extends ConsistentReadQueryDto {
  @OneOf(['open', 'closed'], { optional: true })
  status?: 'open' | 'closed';

  @OneOf(PATHWAY_KINDS, { optional: true })
  kind?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: '$property must be a UUID' })
  @Transform(lower)
  patientId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value,
  )
  @IsInt({ message: `$property must be an integer from 1 to ${MAX_PAGE}` })
  @Min(1, { message: `$property must be an integer from 1 to ${MAX_PAGE}` })
  @Max(MAX_PAGE, { message: `$property must be an integer from 1 to ${MAX_PAGE}` })
  limit?: number;

  @ApiPropertyOptional({ description: 'The `nextAfter` of the previous page' })
  @IsOptional()
  @ValidateBy({
    name: 'isCursor',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && decodeCursor(value) !== null,
      defaultMessage: () => 'after must be the nextAfter of a previous page',
    },
  })
  after?: string;
}

export class PathwayViewQueryDto extends ConsistentReadQueryDto {
  @ApiPropertyOptional({
    description:
      'Coordinators and auditors: the pathway as known at that time (events recorded at or before it), replayed from the store',
    example: '2026-03-06T17:30:00+01:00',
  })
  @IsOptional()
  @IsTimestamp()
  asOf?: string;
}
