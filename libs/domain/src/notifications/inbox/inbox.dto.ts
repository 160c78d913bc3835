import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ConsistentReadQueryDto, wholeNumber } from '../../shared/http/read-queries.dto';

/** `GET …/inbox`: the newest notifications; `limit=0` answers the unread count alone (the menu's badge). */
export class InboxQueryDto extends ConsistentReadQueryDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 100, default: 100 })
  @IsOptional()
  @Transform(wholeNumber)
  @IsInt({ message: '$property must be an integer from 0 to 100' })
  @Min(0, { message: '$property must be an integer from 0 to 100' })
  @Max(100, { message: '$property must be an integer from 0 to 100' })
  limit?: number;
}
