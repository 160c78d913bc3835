import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate, IsIns, IsInseeCode, OneOf, Text } from '../shared/http/validators';
import { BREAK_GLASS_PURPOSES } from './care-access';
import {
  CARE_TEAM_ROLES,
  CONSENT_DECISIONS,
  CONSENT_SCOPES,
  MEDECIN_TRAITANT_SEARCH_CLOSURE_REASONS,
  MEDECIN_TRAITANT_SEARCH_PRIORITIES,
  PATIENT_SEXES,
} from './patient.events';

const lowerCase = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.toLowerCase() : value;

/** A member id in a body: a UUID, compared in lower case as the server issues them. */
function MemberIdField(description: string): PropertyDecorator {
  return (target, key) => {
    ApiProperty({ format: 'uuid', description })(target, key);
    IsUUID('all', { message: '$property must be a UUID' })(target, key);
    Transform(lowerCase)(target, key);
  };
}

export class PatientIdentityDto {
  @Text(100, 'Nom de naissance / family name')
  familyName!: string;

  @Text(100, 'Premier prénom / given name')
  givenName!: string;

  @ApiProperty({ example: '1948-03-02' })
  @IsCalendarDate()
  birthDate!: string;

  @ApiPropertyOptional({ example: '248037512345678', description: 'INS (13 or 15 characters)' })
  @IsOptional()
  @IsIns()
  ins?: string;
}

export class RegisterPatientDto {
  @ApiProperty({
    type: PatientIdentityDto,
    description: 'Personal data: sealed with the patient’s own key before it is stored',
  })
  @IsDefined()
  @ValidateNested()
  @Type(() => PatientIdentityDto)
  identity!: PatientIdentityDto;

  @OneOf(PATIENT_SEXES)
  sex!: (typeof PATIENT_SEXES)[number];

  @ApiProperty({ example: 1948, description: 'Must be the year of identity.birthDate' })
  @IsInt()
  @Min(1900)
  @Max(2200)
  birthYear!: number;

  @ApiPropertyOptional({ example: '69123', description: 'INSEE code of the commune of residence' })
  @IsOptional()
  @IsInseeCode()
  commune?: string;

  @ApiProperty({ description: 'Affection de longue durée' })
  @IsBoolean()
  ald!: boolean;

  @ApiProperty({ description: 'CSS or AME beneficiary' })
  @IsBoolean()
  precarious!: boolean;

  @ApiProperty()
  @IsBoolean()
  hasMedecinTraitant!: boolean;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description:
      'The patients a `possible-duplicate` refusal named, confirmed by the user to be other people: ' +
      'the registration goes ahead unless another patient matches too',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true, message: '$property must be patient ids (UUID)' })
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value)
      ? (value as unknown[]).map((item) => (typeof item === 'string' ? item.toLowerCase() : item))
      : value,
  )
  notDuplicateOf?: string[];
}

export class PatientSearchDto {
  @ApiPropertyOptional({
    example: 'Hélène Dupont',
    description: 'Words of the family and given names, any order',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/[\p{L}\p{N}]/u, { message: '$property must contain a letter or a digit' })
  name?: string;

  @ApiPropertyOptional({ example: '1948-03-02' })
  @IsOptional()
  @IsCalendarDate()
  birthDate?: string;

  @ApiPropertyOptional({ example: '248037512345678' })
  @IsOptional()
  @IsIns()
  ins?: string;
}

export class MedecinTraitantSearchDto {
  @ApiProperty({ example: '2026-02-01' })
  @IsCalendarDate()
  registeredOn!: string;

  @ApiProperty({ description: 'The memberId of who asked, or "patient"', example: 'patient' })
  @Transform(lowerCase)
  @Matches(/^(?:patient|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/, {
    message: '$property must be a member id (UUID) or "patient"',
  })
  requestedBy!: string;

  @OneOf(MEDECIN_TRAITANT_SEARCH_PRIORITIES)
  priority!: (typeof MEDECIN_TRAITANT_SEARCH_PRIORITIES)[number];
}

export class AssignMedecinTraitantDto {
  @MemberIdField('A medecin-generaliste member who has not left')
  memberId!: string;

  @ApiProperty({ example: '2026-02-15' })
  @IsCalendarDate()
  assignedOn!: string;
}

export class ConsentDto {
  @OneOf(CONSENT_SCOPES)
  scope!: (typeof CONSENT_SCOPES)[number];

  @OneOf(CONSENT_DECISIONS)
  decision!: (typeof CONSENT_DECISIONS)[number];

  @ApiProperty({ example: '2026-02-01' })
  @IsCalendarDate()
  on!: string;
}

export class MemberOnDto {
  @MemberIdField('A member of this CPTS')
  memberId!: string;

  @ApiProperty({ example: '2026-02-01' })
  @IsCalendarDate()
  on!: string;
}

export class CareTeamMemberDto {
  @MemberIdField('A member of this CPTS, active on `from`')
  memberId!: string;

  @OneOf(CARE_TEAM_ROLES, { description: 'What the member does for the patient' })
  role!: (typeof CARE_TEAM_ROLES)[number];

  @ApiProperty({ example: '2026-03-01', description: 'The first day in the care circle' })
  @IsCalendarDate()
  from!: string;
}

export class CareTeamRemovalDto {
  @MemberIdField('A member in the patient’s care circle')
  memberId!: string;

  @ApiProperty({ example: '2026-04-30', description: 'The last day in the care circle' })
  @IsCalendarDate()
  to!: string;

  @Text(500, 'Why (e.g. "fin des soins à domicile"); stored in clear: no personal data here')
  reason!: string;
}

export class BreakGlassDto {
  @OneOf(BREAK_GLASS_PURPOSES, { description: 'Why the record must be opened now (a code: no free text)' })
  purpose!: (typeof BREAK_GLASS_PURPOSES)[number];
}

export class BreakGlassReportQueryDto {
  @ApiPropertyOptional({ example: '2026-03-01', description: 'From this day (UTC) on' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class ErasureDto {
  @ApiProperty({ example: '2026-05-01' })
  @IsCalendarDate()
  on!: string;

  @Text(500, 'Why (e.g. "demande du patient, art. 17 RGPD"); stored in clear: no personal data here')
  reason!: string;
}

export class MedecinTraitantSearchClosureDto {
  @ApiProperty({ example: '2026-03-10' })
  @IsCalendarDate()
  closedOn!: string;

  @OneOf(MEDECIN_TRAITANT_SEARCH_CLOSURE_REASONS, {
    description: 'Why the search ends without an assignment',
  })
  reason!: (typeof MEDECIN_TRAITANT_SEARCH_CLOSURE_REASONS)[number];
}

/** At least one of `ald` and `precarious`: a status update says what changes. */
const SaysWhatChanges = () =>
  ValidateBy({
    name: 'saysWhatChanges',
    validator: {
      validate: (_: unknown, args) => {
        const body = args?.object as { ald?: unknown; precarious?: unknown };
        return body.ald !== undefined || body.precarious !== undefined;
      },
      defaultMessage: () => 'give ald, precarious, or both: what changes from effectiveOn',
    },
  });

export class PatientStatusDto {
  @ApiProperty({ example: '2026-03-15', description: 'From when the new situation holds' })
  @IsCalendarDate()
  @SaysWhatChanges()
  effectiveOn!: string;

  @ApiPropertyOptional({ description: 'Affection de longue durée recognised (true) or ended (false)' })
  @IsOptional()
  @IsBoolean()
  ald?: boolean;

  @ApiPropertyOptional({ description: 'CSS or AME gained (true) or lost (false)' })
  @IsOptional()
  @IsBoolean()
  precarious?: boolean;
}

export class IdentityCorrectionDto {
  @ApiProperty({
    type: PatientIdentityDto,
    description:
      'The whole identity as it should read, sealed with the patient’s own key like the original; ' +
      'the birth year in clear follows its birth date',
  })
  @IsDefined()
  @ValidateNested()
  @Type(() => PatientIdentityDto)
  identity!: PatientIdentityDto;

  @Text(500, 'Why (e.g. "faute de frappe", "INS qualifié"); stored in clear: no personal data here')
  reason!: string;
}
