import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsTimestamp, OneOf } from '../../shared/http/validators';
import { PATHWAY_KINDS } from '../pathway.events';
import { PROFESSIONS } from '../../members/member.events';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min, ValidateBy } from 'class-validator';
import { decodeCursor, decodePatientCursor, DEFAULT_PAGE, MAX_PAGE } from './pathway-view.queries';

/** Every read accepts `consistentWith` (the interceptor checks and honours it; the DTO must let it through). */
class ConsistentReadQuery {
  @ApiPropertyOptional({
    description: 'A position a command returned: answer once the read models include it (503 after 5 s)',
  })
  @IsOptional()
  @Matches(/^\d{1,40}$/, { message: '$property must be a position (a decimal string)' })
  consistentWith?: string;
}

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value);

export class PathwayListQueryDto extends ConsistentReadQuery {
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

export class PathwayViewQueryDto extends ConsistentReadQuery {
  @ApiPropertyOptional({
    description:
      'Coordinators and auditors: the pathway as known at that time (events recorded at or before it), replayed from the store',
    example: '2026-03-06T17:30:00+01:00',
  })
  @IsOptional()
  @IsTimestamp()
  asOf?: string;
}

export class ConsistentReadQueryDto extends ConsistentReadQuery {}

export class MemberDirectoryQueryDto extends ConsistentReadQuery {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: members joined and not left today; false: the others',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: '$property must be true or false' })
  active?: 'true' | 'false';

  @OneOf(PROFESSIONS, { optional: true })
  profession?: string;
}

const wholeNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value;

/** `GET …/patients`: the pseudonymous list, filtered on what needs no identity. */
export class PatientListQueryDto extends ConsistentReadQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE })
  @IsOptional()
  @Transform(wholeNumber)
  @IsInt({ message: `$property must be an integer from 1 to ${MAX_PAGE}` })
  @Min(1, { message: `$property must be an integer from 1 to ${MAX_PAGE}` })
  @Max(MAX_PAGE, { message: `$property must be an integer from 1 to ${MAX_PAGE}` })
  limit?: number;

  @ApiPropertyOptional({ description: 'The `nextAfter` of the previous page' })
  @IsOptional()
  @ValidateBy({
    name: 'isPatientCursor',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && decodePatientCursor(value) !== null,
      defaultMessage: () => 'after must be the nextAfter of a previous page',
    },
  })
  after?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only patients with (or without) one' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: '$property must be true or false' })
  hasMedecinTraitant?: 'true' | 'false';

  @ApiPropertyOptional({ minimum: 1900, maximum: 2200, example: 1948 })
  @IsOptional()
  @Transform(wholeNumber)
  @IsInt({ message: '$property must be a year from 1900 to 2200' })
  @Min(1900, { message: '$property must be a year from 1900 to 2200' })
  @Max(2200, { message: '$property must be a year from 1900 to 2200' })
  birthYear?: number;
}
