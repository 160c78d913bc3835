import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsOptional, IsUrl, IsUUID, MaxLength } from 'class-validator';
import { Text } from '../../shared/http/validators';

export class SubscribeWebhookDto {
  @ApiProperty({ example: 'https://logiciel.cabinet.example/parcours/notifications' })
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2000)
  url!: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'Whose notifications it carries (member ids); absent: every member’s',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  memberIds?: string[];
}

export class RemoveWebhookDto {
  @Text(1000)
  reason!: string;
}
