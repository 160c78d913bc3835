import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { PROFESSIONS } from '../members/member.events';
import { IsFiness, IsTimestamp, OneOf, OptionalText, Text } from '../shared/http/validators';
import type { PathwayEventType } from './pathway.events';
import {
  APPLICATION_OUTCOMES,
  CHANNELS,
  CLOSURE_OUTCOMES,
  FOLLOW_UP_KINDS,
  PATHWAY_KINDS,
  TEST_RESULTS,
  URGENCIES,
} from './pathway.events';

/** Request bodies of the pathway routes: each is its event's data without the ids the server assigns. */

const MemberId = (description: string) => (target: object, key: string) => {
  ApiProperty({ format: 'uuid', description })(target, key);
  IsUUID('all', { message: `${key} must be a member id (UUID)` })(target, key);
};
const OptionalMemberId = (description: string) => (target: object, key: string) => {
  ApiPropertyOptional({ format: 'uuid', description })(target, key);
  IsOptional()(target, key);
  IsUUID('all', { message: `${key} must be a member id (UUID)` })(target, key);
};
const Timestamp = (example: string, description?: string) => (target: object, key: string) => {
  ApiProperty({ example, description })(target, key);
  IsTimestamp()(target, key);
};
const OptionalTimestamp = (example: string, description?: string) => (target: object, key: string) => {
  ApiPropertyOptional({ example, description })(target, key);
  IsOptional()(target, key);
  IsTimestamp()(target, key);
};

export class OpenPathwayDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'patientId must be a patient id (UUID)' })
  patientId!: string;

  @OneOf(PATHWAY_KINDS)
  kind!: (typeof PATHWAY_KINDS)[number];

  @Timestamp('2026-03-02T09:00:00+01:00')
  openedAt!: string;

  @OptionalText(1000)
  reason?: string;
}

export class RecipientDto {
  @OptionalMemberId('A member of the CPTS')
  memberId?: string;

  @OneOf(PROFESSIONS, { optional: true, description: 'A profession, when no member is named' })
  profession?: string;

  @OptionalText(200, 'A structure (service, établissement), when no member is named')
  structure?: string;
}

export class ReferPatientDto {
  @MemberId('The member who refers')
  fromMemberId!: string;

  @ApiProperty({ type: RecipientDto, description: 'At least one of memberId, profession, structure' })
  @ValidateNested()
  @Type(() => RecipientDto)
  to!: RecipientDto;

  @Text(1000)
  reason!: string;

  @OneOf(URGENCIES)
  urgency!: (typeof URGENCIES)[number];

  @Timestamp('2026-03-03T10:00:00+01:00')
  referredAt!: string;

  @OneOf(CHANNELS, { optional: true })
  channel?: (typeof CHANNELS)[number];
}

export class AcceptReferralDto {
  @Timestamp('2026-03-04T10:00:00+01:00')
  acceptedAt!: string;

  @OptionalTimestamp('2026-03-12T14:30:00+01:00', 'The appointment given, if any (may be in the future)')
  appointmentAt?: string;
}

export class DeclineReferralDto {
  @Timestamp('2026-03-04T10:00:00+01:00')
  declinedAt!: string;

  @Text(1000)
  reason!: string;
}

export class CompleteReferralDto {
  @Timestamp('2026-03-12T15:00:00+01:00')
  completedAt!: string;
}

export class HospitalDto {
  @Text(200)
  name!: string;

  @ApiPropertyOptional({ example: '690000880' })
  @IsOptional()
  @IsFiness()
  finess?: string;
}

export class DischargeDto {
  @ApiProperty({ type: HospitalDto })
  @ValidateNested()
  @Type(() => HospitalDto)
  hospital!: HospitalDto;

  @OptionalText(200)
  ward?: string;

  @OptionalTimestamp('2026-02-27T08:00:00+01:00')
  admittedAt?: string;

  @Timestamp('2026-03-06T17:30:00+01:00', 'When the patient leaves (may be ahead of the notification)')
  dischargeAt!: string;

  @Timestamp('2026-03-05T11:00:00+01:00', 'When the CPTS was told')
  notifiedAt!: string;

  @ApiProperty()
  @IsBoolean()
  treatmentChanged!: boolean;

  @ApiProperty()
  @IsBoolean()
  complex!: boolean;

  @ApiProperty({
    type: [String],
    example: ['infirmier', 'kine'],
    description: 'e.g. infirmier, kine, aide-domicile, materiel-medical, portage-repas',
  })
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(/^[a-z0-9-]{1,50}$/, { each: true, message: 'each of needs must be a short code (a-z, 0-9, -)' })
  needs!: string[];

  @OptionalMemberId('The patient’s pharmacist, a pharmacien member')
  pharmacistMemberId?: string;

  @OptionalMemberId('The patient’s GP, a medecin-generaliste member')
  gpMemberId?: string;
}

export class MedicationReconciliationDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  dischargeId!: string;

  @MemberId('The pharmacist it was sent to')
  toMemberId!: string;

  @Timestamp('2026-03-07T09:00:00+01:00')
  sentAt!: string;
}

export class FollowUpDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The discharge this follows up, if any' })
  @IsOptional()
  @IsUUID('all')
  dischargeId?: string;

  @MemberId('Who did it')
  byMemberId!: string;

  @Timestamp('2026-03-09T15:00:00+01:00')
  at!: string;

  @OneOf(FOLLOW_UP_KINDS)
  kind!: (typeof FOLLOW_UP_KINDS)[number];
}

/** Eligibility answers: question code → a plain value (no nesting: they are answers, not documents). */
const IsAnswers = () =>
  ValidateBy({
    name: 'isAnswers',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.keys(value).length <= 50 &&
        Object.entries(value).every(
          ([key, answer]) =>
            /^[a-z0-9-]{1,60}$/.test(key) &&
            (typeof answer === 'boolean' ||
              typeof answer === 'number' ||
              (typeof answer === 'string' && answer.length <= 200)),
        ),
      defaultMessage: () =>
        'answers must map question codes (a-z, 0-9, -) to booleans, numbers or short texts (50 at most)',
    },
  });

/** The eligibility questions as answered when the protocol was applied (not the protocol's criteria). */
export class EligibilityAnswersDto {
  @ApiProperty({ description: 'The applier’s conclusion after the questions' })
  @IsBoolean()
  eligible!: boolean;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { fievre: false, grossesse: false } })
  @IsAnswers()
  answers!: Record<string, unknown>;
}

export class TestDto {
  @ApiProperty({ example: 'bandelette-urinaire' })
  @Matches(/^[a-z0-9-]{1,60}$/, { message: 'kind must be a test code (a-z, 0-9, -)' })
  kind!: string;

  @OneOf(TEST_RESULTS)
  result!: (typeof TEST_RESULTS)[number];
}

export class ProtocolApplicationDto {
  @ApiProperty({ example: 'pollakiurie-brulure-mictionnelle' })
  @Matches(/^[a-z0-9-]{3,80}$/, { message: 'protocolCode must be a protocol code' })
  protocolCode!: string;

  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(1000)
  protocolVersion!: number;

  @MemberId('The pharmacist or nurse applying it')
  byMemberId!: string;

  @Timestamp('2026-03-10T10:00:00+01:00')
  appliedAt!: string;

  @ApiProperty({ type: EligibilityAnswersDto })
  @ValidateNested()
  @Type(() => EligibilityAnswersDto)
  eligibility!: EligibilityAnswersDto;

  @ApiPropertyOptional({ type: TestDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => TestDto)
  test?: TestDto;

  @OneOf(APPLICATION_OUTCOMES)
  outcome!: (typeof APPLICATION_OUTCOMES)[number];

  @OptionalTimestamp('2026-03-10T10:30:00+01:00', 'When the médecin traitant was informed')
  mtInformedAt?: string;
}

export class ClosePathwayDto {
  @Timestamp('2026-04-01T10:00:00+02:00')
  closedAt!: string;

  @OneOf(CLOSURE_OUTCOMES)
  outcome!: (typeof CLOSURE_OUTCOMES)[number];
}

export class ReopenPathwayDto {
  @Timestamp('2026-04-05T10:00:00+02:00')
  reopenedAt!: string;

  @Text(1000)
  reason!: string;
}

/** Which DTO a corrected entry of each type must still satisfy (ids assigned by the server left out). */
export const ENTRY_DTO: Partial<Record<PathwayEventType, new () => object>> = {
  PathwayOpened: OpenPathwayDto,
  PatientReferred: ReferPatientDto,
  ReferralAccepted: AcceptReferralDto,
  ReferralDeclined: DeclineReferralDto,
  ReferralCompleted: CompleteReferralDto,
  DischargeNotified: DischargeDto,
  MedicationReconciliationSent: MedicationReconciliationDto,
  FollowUpCompleted: FollowUpDto,
  ProtocolApplied: ProtocolApplicationDto,
};
