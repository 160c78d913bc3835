import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsTimestamp } from '@parcours/domain';
import { Transform, Type } from 'class-transformer';
import { IsDefined, IsIn, IsOptional, IsUUID, Matches, ValidateIf, ValidateNested } from 'class-validator';
import { WORKLIST_KINDS, type WorklistKind } from '../worklist';

const lowerCase = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.toLowerCase() : value;

/** Exactly one of the two; `assignee: null` gives the item back to the team. */
export class AssigneeDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'A member of the CPTS' })
  @ValidateIf((assignee: AssigneeDto) => assignee.coordinatorId === undefined)
  @Transform(lowerCase)
  @IsUUID('all', { message: '$property must be a member id (UUID), or give coordinatorId' })
  memberId?: string;

  @ApiPropertyOptional({ description: 'A coordinator, by their user id (the `sub` of their token)' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, { message: '$property must be a user id' })
  coordinatorId?: string;
}

export class AssignWorkItemDto {
  @ApiProperty({ enum: WORKLIST_KINDS })
  @IsIn(WORKLIST_KINDS, { message: `$property must be among: ${WORKLIST_KINDS.join(', ')}` })
  kind!: WorklistKind;

  @ApiProperty({ format: 'uuid', description: 'The `openedBy` of the worklist item' })
  @Transform(lowerCase)
  @IsUUID('all', { message: '$property must be the item’s openedBy (an event id)' })
  openedBy!: string;

  @ApiProperty({ type: AssigneeDto, nullable: true, description: '`null`: given back to the team' })
  @ValidateIf((body: AssignWorkItemDto) => body.assignee !== null)
  @IsDefined({ message: '$property is required: a member, a coordinator, or null' })
  @ValidateNested()
  @Type(() => AssigneeDto)
  assignee!: AssigneeDto | null;

  @ApiProperty({ example: '2026-03-05T11:00:00+01:00' })
  @IsTimestamp()
  assignedAt!: string;
}
