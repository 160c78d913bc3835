import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** At most this many lines in one response (a client pages with `after`). */
export const FEED_MAX_LIMIT = 10_000_000;

/** `GET …/exports/events.ndjson`: where to resume, and how many lines at most. */
export class EventFeedQueryDto {
  @ApiPropertyOptional({
    example: '4096',
    description:
      'Exclusive: only events after this log position (the `position` of the last line received, or the ' +
      '`Parcours-Next-Position` trailer of the previous response). Default: from the start of the log.',
  })
  @IsOptional()
  @Matches(/^\d{1,40}$/, { message: '$property must be a log position (a decimal string)' })
  after?: string;

  @ApiPropertyOptional({
    maximum: FEED_MAX_LIMIT,
    description: 'At most this many lines. Default: every event up to the end of the log.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer' })
  @Min(1)
  @Max(FEED_MAX_LIMIT)
  limit?: number;
}
