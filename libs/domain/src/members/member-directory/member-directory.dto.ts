import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ConsistentReadQueryDto } from '../../shared/http/read-queries.dto';
import { OneOf } from '../../shared/http/validators';
import { PROFESSIONS } from '../member.events';

export class MemberDirectoryQueryDto extends ConsistentReadQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'true: members joined and not left today; false: the others',
  })
  @IsOptional()
  @IsIn(['true', 'false'], { message: '$property must be true or false' })
  active?: 'true' | 'false';

  @OneOf(PROFESSIONS, { optional: true })
  profession?: string;
}
