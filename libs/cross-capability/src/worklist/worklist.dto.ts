import { ApiPropertyOptional } from '@nestjs/swagger';
import { ConsistentReadQueryDto } from '@parcours/domain';
import { Transform } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { PATHWAY_KINDS } from '@parcours/domain';
import { WORKLIST_SORTS, type WorklistSort } from './worklist.queries';
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

  @ApiPropertyOptional({
    enum: WORKLIST_SORTS,
    default: 'priority',
    description:
      'priority: what came in today (newest first), then overdue, then the rest; oldest: oldest due first',
  })
  @IsOptional()
  @IsIn(WORKLIST_SORTS, { message: `$property must be among: ${WORKLIST_SORTS.join(', ')}` })
  sort?: WorklistSort;

  @ApiPropertyOptional({ minimum: 0, default: 0, description: 'Skip this many items of the order (paging)' })
  @IsOptional()
  @Transform(integer)
  @IsInt({ message: '$property must be a whole number' })
  @Min(0)
  @Max(100_000)
  offset?: number;

  @ApiPropertyOptional({
    enum: PATHWAY_KINDS,
    isArray: true,
    description: 'Only the items of pathways of these kinds (comma-separated, or repeated)',
  })
  @IsOptional()
  @Transform(list)
  @IsArray()
  @IsIn(PATHWAY_KINDS, { each: true, message: `$property must be among: ${PATHWAY_KINDS.join(', ')}` })
  pathwayKind?: string[];

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description:
      'true: each item names its patient (family and given names), read once for the page and written to the access log with X-Purpose',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: '$property must be true or false' })
  names?: 'true' | 'false';

  @ApiPropertyOptional({
    description:
      '`me`: the items assigned to the caller (a professional as their member id, others as their user id); `none`: assigned to nobody; a member id: assigned to that member',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @Matches(/^(?:me|none|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, {
    message: '$property must be me, none or a member id (UUID)',
  })
  assigned?: string;

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
