import { ApiProperty } from '@nestjs/swagger';
import { flattenValidationErrors } from '@parcours/platform';
import { plainToInstance } from 'class-transformer';
import { IsObject, IsUUID, validateSync } from 'class-validator';
import type { DomainEvent, StoredEvent } from '../decider';
import { RuleViolation } from '../errors';
import { Text } from './validators';

/** `POST …/corrections` on any stream: `EntryCorrected`. */
export class CorrectionDto {
  @ApiProperty({ format: 'uuid', description: 'The eventId of the entry to correct' })
  @IsUUID('all')
  targetEventId!: string;

  @Text(1000)
  reason!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The fields that replace the entry’s. The entry so corrected is decided again as if it were new: ' +
      'every rule of the entry, at its own business time, and every later entry of the stream.',
    example: { rate: 0.8 },
  })
  @IsObject()
  correction!: Record<string, unknown>;
}

/** `POST …/voidings` on any stream: `EntryVoided`. */
export class VoidDto {
  @ApiProperty({
    format: 'uuid',
    description: 'The eventId of the entry to void (refused where the rest of the stream relies on it)',
  })
  @IsUUID('all')
  targetEventId!: string;

  @Text(1000)
  reason!: string;
}

/**
 * A corrected entry must still be a well-formed entry of its type: the request body's own validation (its
 * DTO, the ids the server assigns left out) checks it again, as a 422 `correction-invalid` naming the field.
 */
export function entryShape<E extends DomainEvent>(
  dtos: Partial<Record<E['type'], new () => object>>,
): (entry: StoredEvent<E>) => void {
  return (entry) => {
    const dto = dtos[entry.type as E['type']];
    if (!dto) return;
    const errors = validateSync(plainToInstance(dto, { ...entry.data }), {
      whitelist: true,
      forbidUnknownValues: true,
    });
    if (errors.length === 0) return;
    const [first] = flattenValidationErrors(errors);
    throw new RuleViolation(
      'correction-invalid',
      {
        fr: `La correction rend l’entrée invalide : ${first.message}`,
        en: `The correction makes the entry invalid: ${first.message}`,
      },
      `correction.${first.path}`,
    );
  };
}
