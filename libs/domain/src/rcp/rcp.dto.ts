import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PROFESSIONS, type Profession } from '../members/member.events';
import { IsCalendarDate, IsTimestamp, OneOf } from '../shared/http/validators';
import { RCP_FORMATS, type RcpFormat } from './rcp.events';
import { RCP_MAX_MINUTES } from './rcp.decider';

/** Ids name streams, which are case-sensitive: a UUID is kept in lower case whatever the client sent. */
const lowerCase = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.toLowerCase() : value;

const isExternal = (participant: ParticipantDto) =>
  participant.name !== undefined || participant.profession !== undefined;

/** `{ memberId }` for a member of this CPTS, or `{ name, profession }` for a professional from outside. */
export class ParticipantDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A member of this CPTS (give this, or name and profession)',
  })
  @ValidateIf((p: ParticipantDto) => p.memberId !== undefined || !isExternal(p))
  @Transform(lowerCase)
  @IsUUID('all', { message: '$property must be a UUID' })
  @ValidateBy({
    name: 'memberOrExternal',
    validator: {
      validate: (_: unknown, args) => !isExternal(args?.object as ParticipantDto),
      defaultMessage: () =>
        'a participant is either a member { memberId } or an external professional { name, profession }, not both',
    },
  })
  memberId?: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'An external professional’s name' })
  @ValidateIf((p: ParticipantDto) => p.memberId === undefined)
  @IsString()
  @Matches(/\S/, { message: '$property must not be blank' })
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: PROFESSIONS, description: 'An external professional’s profession' })
  @ValidateIf((p: ParticipantDto) => p.memberId === undefined)
  @IsIn(PROFESSIONS, { message: `$property must be one of: ${PROFESSIONS.join(', ')}` })
  profession?: Profession;
}

export class RcpCaseDto {
  @ApiProperty({ format: 'uuid', description: 'The pathway of the patient whose case was discussed' })
  @Transform(lowerCase)
  @IsUUID('all', { message: '$property must be a UUID' })
  pathwayId!: string;

  @ApiProperty({ type: [String], minItems: 1, maxItems: 50, description: 'What was decided, one line each' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(/\S/, { each: true, message: 'each of $property must not be blank' })
  @MaxLength(2000, { each: true })
  decisions!: string[];

  @ApiPropertyOptional({ example: '2026-06-15', description: 'When the case is to be discussed again' })
  @IsOptional()
  @IsCalendarDate()
  reviewOn?: string;
}

export class HoldRcpDto {
  @ApiProperty({ format: 'uuid', description: 'The member who convened the RCP' })
  @Transform(lowerCase)
  @IsUUID('all', { message: '$property must be a UUID' })
  convenedBy!: string;

  @ApiProperty({ example: '2026-03-06T17:30:00+01:00' })
  @IsTimestamp()
  heldAt!: string;

  // The range is a rule of the decider (rcp-duration-out-of-range, a 422), so imports get it too.
  @ApiProperty({ minimum: 1, maximum: RCP_MAX_MINUTES })
  @IsInt()
  durationMinutes!: number;

  @ApiProperty({ description: 'A complex case (cas complexe) was discussed' })
  @IsBoolean()
  complex!: boolean;

  @OneOf(RCP_FORMATS)
  format!: RcpFormat;

  @ApiProperty({
    type: [ParticipantDto],
    maxItems: 100,
    description: 'At least two participants of two different professions',
  })
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => ParticipantDto)
  participants!: ParticipantDto[];

  @ApiProperty()
  @IsBoolean()
  patientPresent!: boolean;

  @ApiProperty()
  @IsBoolean()
  familyPresent!: boolean;

  @ApiProperty({ type: [RcpCaseDto], maxItems: 50, description: 'At least one case' })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => RcpCaseDto)
  cases!: RcpCaseDto[];
}
