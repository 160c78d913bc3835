import { ApiPropertyOptional } from '@nestjs/swagger';
import { ConsistentReadQueryDto } from '@parcours/domain';
import { Transform } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { WORKLIST_KINDS, type WorklistKind } from './worklist';

export const WORKLIST_MAX_LIMIT = 500;
export const WORKLIST_DEFAULT_LIMIT = 100;

/** `kind=a,b` or `kind=a&kind=b`. */
const list = ({ value }: { value: unknown }): unknown => {
  if (typeof value === 'string') return value.split(',').map((part) => part.trim());
  if (Array.isArray(value)) return value.flatMap((part) => list({ value: part }) as unknown[]);
  return value;
};

const integer = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;

export class WorklistQueryDto extends ConsistentReadQueryDto {
  @ApiPropertyOptional({
    enum: WORKLIST_KINDS,
    isArray: true,
    description: 'Only these kinds (comma-separated, or the parameter repeated)',
  })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @IsIn(WORKLIST_KINDS, { each: true, message: `$property must be among: ${WORKLIST_KINDS.join(', ')}` })
  kind?: WorklistKind[];

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: only overdue items; false: only items not overdue yet',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: '$property must be true or false' })
  overdue?: 'true' | 'false';

  @ApiPropertyOptional({ minimum: 1, maximum: WORKLIST_MAX_LIMIT, default: WORKLIST_DEFAULT_LIMIT })
  @IsOptional()
  @Transform(integer)
  @IsInt({ message: '$property must be a whole number' })
  @Min(1)
  @Max(WORKLIST_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the items of this pathway' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsUUID('all', { message: '$property must be a UUID' })
  pathwayId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the items about this patient' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsUUID('all', { message: '$property must be a UUID' })
  patientId?: string;
}
