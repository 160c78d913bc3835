import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CPTS_ID_PATTERN } from '@parcours/auth';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { IsCalendarDate, IsFiness, IsInseeCode, OneOf, Text } from '../shared/http/validators';
import { CONTRACT_YEARS, MISSIONS, type Mission } from './cpts.events';
import { EXTERNAL_INDICATOR_CODES, MAX_PER_1000 } from './external-indicators';

/** Far above any territory (the largest CPTS cover a few hundred thousand people): catches typos. */
const MAX_POPULATION = 10_000_000;

export class RegisterCptsDto {
  @ApiProperty({ pattern: CPTS_ID_PATTERN.source, example: 'cpts-lyon-8', description: 'The tenant id' })
  @IsString()
  @Matches(CPTS_ID_PATTERN, { message: '$property must be 3 to 40 of a-z, 0-9 and -' })
  id!: string;

  @Text(200, 'e.g. "CPTS Lyon 8e"')
  name!: string;

  @ApiProperty({ minimum: 1, description: 'Inhabitants covered' })
  @IsInt()
  @Min(1)
  @Max(MAX_POPULATION)
  population!: number;

  @ApiPropertyOptional({ type: [String], example: ['69388'], description: 'INSEE codes of the communes' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(2000)
  @ArrayUnique()
  @IsInseeCode({ each: true })
  communes?: string[];

  @ApiPropertyOptional({ example: '690012345' })
  @IsOptional()
  @IsFiness()
  finess?: string;
}

export class UpdatePopulationDto {
  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_POPULATION)
  population!: number;

  @ApiProperty({ example: '2026-01-01' })
  @IsCalendarDate()
  effectiveOn!: string;
}

export class SignContractDto {
  @ApiProperty({ example: '2023-04-01' })
  @IsCalendarDate()
  signedOn!: string;

  @ApiProperty({ enum: MISSIONS, isArray: true, description: 'Must include the four socle missions' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MISSIONS.length)
  @ArrayUnique({ message: '$property must not list a mission twice' })
  @IsIn(MISSIONS, {
    each: true,
    message: `each of $property must be one of: ${MISSIONS.join(', ')}`,
  })
  missions!: Mission[];

  @ApiPropertyOptional({
    description: 'Joined the ACI before 30 Sep 2022 (year-1 top-up); by default, signedOn < 2022-09-30',
  })
  @IsOptional()
  @IsBoolean()
  joinedBefore20220930?: boolean;
}

export class StartMissionDto {
  @ApiProperty({ example: '2023-06-01' })
  @IsCalendarDate()
  startedOn!: string;
}

export class AchievementDto {
  @ApiProperty({ minimum: 1, maximum: CONTRACT_YEARS })
  @IsInt()
  @Min(1)
  @Max(CONTRACT_YEARS)
  contractYear!: number;

  @OneOf(MISSIONS)
  mission!: Mission;

  @ApiProperty({ minimum: 0, maximum: 1, example: 0.8 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  rate!: number;
}

export class CrisisDto {
  @ApiProperty({ example: '2025-07-15' })
  @IsCalendarDate()
  declaredOn!: string;

  @Text(200, 'What the ARS characterised, e.g. "canicule", "épidémie de bronchiolite"')
  kind!: string;

  @ApiPropertyOptional({ example: '2025-08-31' })
  @IsOptional()
  @IsCalendarDate()
  endedOn?: string;
}

export const CRISIS_PLAN_KINDS = ['drafted', 'updated'] as const;

export class CrisisPlanDto {
  @ApiProperty({ example: '2024-03-01' })
  @IsCalendarDate()
  on!: string;

  @OneOf(CRISIS_PLAN_KINDS, { description: 'drafted → CrisisPlanDrafted, updated → CrisisPlanUpdated' })
  kind!: (typeof CRISIS_PLAN_KINDS)[number];
}

/** A yearly figure of the CPAM: `ExternalIndicatorRecorded`. */
export class ExternalIndicatorDto {
  @OneOf(EXTERNAL_INDICATOR_CODES)
  code!: string;

  @ApiProperty({ example: '2025', description: 'The calendar year the figure covers' })
  @IsString()
  @Matches(/^\d{4}$/, { message: '$property must be a calendar year YYYY' })
  period!: string;

  @ApiProperty({
    minimum: 0,
    maximum: MAX_PER_1000,
    example: 0.87,
    description: 'A share from 0 to 1, or a rate per 1 000 inhabitants (see the code)',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_PER_1000)
  value!: number;

  @Text(200, 'Who computed it, e.g. "CPAM du Rhône, dialogue de gestion 2025"')
  source!: string;
}

/** The data of a crisis-plan step as a correction may change it. */
export class OnDto {
  @ApiProperty({ example: '2024-03-01' })
  @IsCalendarDate()
  on!: string;
}
