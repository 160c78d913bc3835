import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PROFESSIONS, type Profession } from '../members/member.events';
import { IsCalendarDate, OneOf, Text } from '../shared/http/validators';
import {
  PROTOCOL_CODE_MAX_LENGTH,
  PROTOCOL_CODE_PATTERN,
  PROTOCOL_KINDS,
  PROTOCOL_SEXES,
  type ProtocolKind,
} from './protocol.events';

const SLUG_MESSAGE = '$property must be a lower-case slug (a-z, 0-9 and single dashes)';
/** 150 years, in months: an age bound beyond is a typo. */
const MAX_AGE_MONTHS = 1800;

export class ExclusionDto {
  @ApiProperty({ example: 'grossesse' })
  @IsString()
  @MaxLength(PROTOCOL_CODE_MAX_LENGTH)
  @Matches(PROTOCOL_CODE_PATTERN, { message: SLUG_MESSAGE })
  code!: string;

  @Text(300, 'e.g. "Grossesse connue ou possible"')
  label!: string;
}

export class EligibilityDto {
  @OneOf(PROTOCOL_SEXES, { optional: true })
  sex?: (typeof PROTOCOL_SEXES)[number];

  @ApiPropertyOptional({ minimum: 0, description: 'Inclusive, whole months (16 years = 192)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_AGE_MONTHS)
  minAgeMonths?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'Inclusive, whole months (up to 25 years = 311)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_AGE_MONTHS)
  maxAgeMonths?: number;

  @ApiProperty({ type: [ExclusionDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique((exclusion: ExclusionDto) => exclusion?.code, {
    message: '$property must not list an exclusion code twice',
  })
  @ValidateNested({ each: true })
  @Type(() => ExclusionDto)
  exclusions!: ExclusionDto[];
}

export class PublishProtocolDto {
  @ApiProperty({ example: 'odynophagie', maxLength: PROTOCOL_CODE_MAX_LENGTH })
  @IsString()
  @MaxLength(PROTOCOL_CODE_MAX_LENGTH)
  @Matches(PROTOCOL_CODE_PATTERN, { message: SLUG_MESSAGE })
  code!: string;

  @ApiProperty({ minimum: 1, description: 'Strictly increasing per code' })
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  version!: number;

  @Text(300)
  title!: string;

  @OneOf(PROTOCOL_KINDS)
  kind!: ProtocolKind;

  @ApiProperty({ type: EligibilityDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => EligibilityDto)
  eligibility!: EligibilityDto;

  @ApiProperty({ type: [String], example: ['trod-angine'] })
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(PROTOCOL_CODE_MAX_LENGTH, { each: true })
  @Matches(PROTOCOL_CODE_PATTERN, { each: true, message: SLUG_MESSAGE })
  tests!: string[];

  @ApiProperty({ enum: PROFESSIONS, isArray: true, description: 'Who may apply it' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(PROFESSIONS, {
    each: true,
    message: `each of $property must be one of: ${PROFESSIONS.join(', ')}`,
  })
  professions!: Profession[];

  @ApiProperty()
  @IsBoolean()
  requiresMtInformation!: boolean;

  @ApiProperty({ example: '2020-03-06' })
  @IsCalendarDate()
  effectiveFrom!: string;
}

export class RegisterAdherentDto {
  @ApiProperty({ description: 'The member who applies the protocol (a pharmacien, an infirmier…)' })
  @IsUUID('all')
  memberId!: string;

  @ApiProperty({ description: 'The delegating doctor (medecin-generaliste or medecin-specialiste)' })
  @IsUUID('all')
  delegatingDoctorMemberId!: string;

  @ApiProperty({ example: '2025-09-10' })
  @IsCalendarDate()
  trainedOn!: string;

  @ApiProperty({ example: '2025-09-15' })
  @IsCalendarDate()
  signedOn!: string;
}

export class RetireProtocolDto {
  @ApiProperty({ example: '2026-12-31', description: 'The last day the protocol is in force' })
  @IsCalendarDate()
  effectiveTo!: string;
}
