import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';
import { DEFAULT_PAGE, MAX_PAGE } from '../../pathways/pathway-view/pathway-view.queries';
import { ConsistentReadQueryDto, wholeNumber } from '../../shared/http/read-queries.dto';
import { decodePatientCursor } from './patient-summary.queries';

/** `GET …/patients`: the pseudonymous list, filtered on what needs no identity. */
export class PatientListQueryDto extends ConsistentReadQueryDto {
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
