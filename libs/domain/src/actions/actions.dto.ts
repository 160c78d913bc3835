import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsUUID, Max, Min } from 'class-validator';
import { IsCalendarDate, Text } from '../shared/http/validators';

/** Ids name streams, which are case-sensitive: UUIDs are kept in lower case whatever the client sent. */
const lowerCaseAll = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value)
    ? value.map((item: unknown) => (typeof item === 'string' ? item.toLowerCase() : item))
    : value;

/** More members than a CPTS has is a mistake (and a bounded list keeps the request bounded). */
const MAX_MEMBERS = 1000;

export class HoldPreventionActionDto {
  @Text(200, 'e.g. "Dépistage du cancer colorectal"')
  theme!: string;

  @ApiProperty({ example: '2026-03-06' })
  @IsCalendarDate()
  heldOn!: string;

  @ApiProperty({ minimum: 0, maximum: 10_000_000, description: 'People reached' })
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  participants!: number;

  @ApiProperty({ type: [String], format: 'uuid', description: 'Members of this CPTS who ran the action' })
  @IsArray()
  @ArrayMaxSize(MAX_MEMBERS)
  @Transform(lowerCaseAll)
  @IsUUID('all', { each: true, message: 'each of $property must be a UUID' })
  memberIds!: string[];
}

export class HoldTrainingDto {
  @Text(200, 'e.g. "Gestes et soins d’urgence"')
  theme!: string;

  @ApiProperty({ example: '2026-03-06' })
  @IsCalendarDate()
  heldOn!: string;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Members of this CPTS who attended (at least one)',
  })
  @IsArray()
  @ArrayMaxSize(MAX_MEMBERS)
  @Transform(lowerCaseAll)
  @IsUUID('all', { each: true, message: 'each of $property must be a UUID' })
  attendeeMemberIds!: string[];
}
