import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PeriodQueryDto } from '../../shared/http/read-queries.dto';
import type { UnscheduledCareStatus } from '../unscheduled-care.decider';
import { UNSCHEDULED_CARE_STATUSES } from './unscheduled-care-log.projection';

export class UnscheduledCareLogQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({ enum: UNSCHEDULED_CARE_STATUSES })
  @IsOptional()
  @IsIn(UNSCHEDULED_CARE_STATUSES, {
    message: `$property must be one of: ${UNSCHEDULED_CARE_STATUSES.join(', ')}`,
  })
  status?: UnscheduledCareStatus;
}
