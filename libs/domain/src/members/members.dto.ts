import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsNumber,
  IsOptional,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsCalendarDate, IsFiness, IsRpps, OneOf, Text } from '../shared/http/validators';
import { ACTIVITIES, PRACTICE_MODES, PROFESSIONS, STRUCTURE_KINDS } from './member.events';

export class StructureDto {
  @OneOf(STRUCTURE_KINDS)
  kind!: (typeof STRUCTURE_KINDS)[number];

  @Text(200)
  name!: string;

  @ApiPropertyOptional({ example: '750712184' })
  @IsOptional()
  @IsFiness()
  finess?: string;
}

export class JoinMemberDto {
  @Text(200, 'Name as shown to colleagues, e.g. "Dr Claire Martin"')
  displayName!: string;

  @OneOf(PROFESSIONS)
  profession!: (typeof PROFESSIONS)[number];

  @ApiPropertyOptional({ example: '10001234567' })
  @IsOptional()
  @IsRpps()
  rpps?: string;

  @ApiPropertyOptional({ type: StructureDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => StructureDto)
  structure?: StructureDto;

  @OneOf(PRACTICE_MODES)
  mode!: (typeof PRACTICE_MODES)[number];

  @ApiProperty({ example: '2025-01-10' })
  @IsCalendarDate()
  joinedOn!: string;

  @ApiProperty()
  @IsBoolean()
  sasParticipant!: boolean;
}

export class LeaveDto {
  @ApiProperty({ example: '2026-03-31' })
  @IsCalendarDate()
  leftOn!: string;
}

export class ParticipationDto {
  @OneOf(ACTIVITIES)
  activity!: (typeof ACTIVITIES)[number];

  @ApiProperty({ example: '2026-02-03' })
  @IsCalendarDate()
  on!: string;

  @ApiProperty({ minimum: 0.25, maximum: 24 })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.25)
  @Max(24)
  hours!: number;
}

export class InternDto {
  @OneOf(PROFESSIONS)
  profession!: (typeof PROFESSIONS)[number];

  @ApiProperty({ example: '2026-01-05' })
  @IsCalendarDate()
  from!: string;

  @ApiProperty({ example: '2026-04-30' })
  @IsCalendarDate()
  to!: string;
}

export class MemberEmailDto {
  @ApiProperty({ example: 'claire.martin@cabinet.example', description: 'Where notifications are e-mailed' })
  @IsEmail({ allow_display_name: false, allow_ip_domain: false })
  @MaxLength(254)
  email!: string;
}

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

export class QuietHoursDto {
  @ApiProperty({ example: '20:00', description: 'Paris local time' })
  @Matches(TIME_OF_DAY, { message: '$property must be a time of day HH:MM' })
  from!: string;

  @ApiProperty({ example: '08:00', description: 'Paris local time; earlier than `from`: across midnight' })
  @Matches(TIME_OF_DAY, { message: '$property must be a time of day HH:MM' })
  to!: string;
}

export class NotificationPreferencesDto {
  @ApiProperty({ description: 'Told by e-mail (the inbox is always on)' })
  @IsBoolean()
  email!: boolean;

  @ApiProperty({ description: 'Carried by the CPTS’s webhooks' })
  @IsBoolean()
  webhook!: boolean;

  @ApiPropertyOptional({ type: QuietHoursDto, description: 'E-mails wait until the window ends' })
  @IsOptional()
  @ValidateNested()
  @Type(() => QuietHoursDto)
  quietHours?: QuietHoursDto;
}
