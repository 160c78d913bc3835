import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { IsTimestamp, OneOf, Text } from '../shared/http/validators';
import { UNSCHEDULED_CARE_CHANNELS, type UnscheduledCareChannel } from './unscheduled-care.events';

/** Ids name streams, which are case-sensitive: a UUID is kept in lower case whatever the client sent. */
const lowerCase = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.toLowerCase() : value;

export class RequestUnscheduledCareDto {
  @ApiProperty({ example: '2026-03-06T08:10:00+01:00', description: 'When the request was received' })
  @IsTimestamp()
  receivedAt!: string;

  @OneOf(UNSCHEDULED_CARE_CHANNELS)
  channel!: UnscheduledCareChannel;

  @Text(1000, 'Why care is needed, in the requester’s words (free text: health data)')
  motive!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'A patient registered in this CPTS, when known' })
  @IsOptional()
  @Transform(lowerCase)
  @IsUUID('all', { message: '$property must be a UUID' })
  patientId?: string;

  @ApiProperty({ description: 'Came through the Service d’accès aux soins (SAS)' })
  @IsBoolean()
  viaSas!: boolean;
}

export class OrientUnscheduledCareDto {
  @ApiProperty({ format: 'uuid', description: 'The member who sees the patient' })
  @Transform(lowerCase)
  @IsUUID('all', { message: '$property must be a UUID' })
  toMemberId!: string;

  @ApiProperty({
    example: '2026-03-06T14:30:00+01:00',
    description: 'The appointment: planned, so it may lie in the future (within 30 days of the request)',
  })
  @IsTimestamp()
  appointmentAt!: string;
}

export class CloseUnscheduledCareDto {
  @ApiProperty({ example: '2026-03-06T09:00:00+01:00' })
  @IsTimestamp()
  closedAt!: string;

  @Text(500, 'Why the request ends without an appointment')
  reason!: string;
}
