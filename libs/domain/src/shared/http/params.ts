import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { InputRefused } from '@parcours/platform';
import { validate as isUuid } from 'uuid';

/** A path id must be a UUID: anything else is a 400 naming the parameter (never a store lookup). */
@Injectable()
export class UuidParam implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (isUuid(value)) return value.toLowerCase();
    const path = metadata.data ?? 'id';
    throw new InputRefused([{ path, constraint: 'isUuid', message: `${path} must be a UUID` }]);
  }
}

/** What every command answers (api.md), for the OpenAPI document. */
export class CommandResponseDto {
  @ApiProperty({ description: 'Id of what the command created, or of the record it changed' })
  id!: string;
  @ApiProperty({ example: 'pathway-cpts-demo.0193…' })
  streamId!: string;
  @ApiProperty({ description: 'Revision of the stream after the change (use it in If-Match)' })
  revision!: number;
  @ApiProperty({
    description: 'Global position of the last event, as a decimal string (use it in consistentWith)',
  })
  position!: string;
}
