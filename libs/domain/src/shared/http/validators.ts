import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  buildMessage,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';

/**
 * The formats of `events.md` as class-validator decorators, each with its OpenAPI description, so a DTO
 * reads as the catalogue does and a bad value is named in the 400.
 */

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function realDate(value: string): boolean {
  const [y, m, d] = value.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return (
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === m - 1 &&
    date.getUTCDate() === d &&
    y >= 1900 &&
    y <= 2200
  );
}

/** A timestamp with its offset, `2026-03-06T17:30:00+01:00` (business time keeps the local offset). */
export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    ValidateBy(
      {
        name: 'isTimestamp',
        validator: {
          validate: (value: unknown) =>
            typeof value === 'string' &&
            ISO_DATE_TIME.test(value) &&
            realDate(value) &&
            !Number.isNaN(Date.parse(value)),
          defaultMessage: (args) =>
            `${args?.property} must be an ISO 8601 timestamp with an offset, e.g. 2026-03-06T17:30:00+01:00`,
        },
      },
      options,
    ),
  );
}

/** A calendar date `YYYY-MM-DD`. */
export function IsCalendarDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && ISO_DATE.test(value) && realDate(value),
        defaultMessage: (args) => `${args?.property} must be a date YYYY-MM-DD`,
      },
    },
    options,
  );
}

/** A format checked by a regular expression, under a constraint name of its own (`isFiness`, not `matches`). */
function formatted(name: string, pattern: RegExp, message: string) {
  return (options?: ValidationOptions): PropertyDecorator =>
    ValidateBy(
      {
        name,
        validator: {
          validate: (value: unknown) => typeof value === 'string' && pattern.test(value),
          defaultMessage: buildMessage((each) => `${each}$property must be ${message}`, options),
        },
      },
      options,
    );
}

export const IsRpps = formatted('isRpps', /^\d{11}$/, 'an RPPS number (11 digits)');

/** FINESS: 9 characters, the department first (2A/2B for Corsica). */
export const IsFiness = formatted('isFiness', /^(?:\d{2}|2[AB])\d{7}$/, 'a FINESS number (9 characters)');

/** INSEE commune code: 5 characters (2A/2B for Corsica). */
export const IsInseeCode = formatted(
  'isInseeCode',
  /^(?:\d{2}|2[AB])\d{3}$/,
  'an INSEE commune code (5 characters)',
);

/** INS (NIR-based national health identifier): 13 characters, optionally with its 2-digit key. */
export const IsIns = formatted(
  'isIns',
  /^[1-478]\d{4}(?:\d|2[AB]|[AB])\d{6,7}(?:\d{2})?$/,
  'an INS (13 or 15 characters)',
);

/** A required free-text field of bounded length. */
export function Text(max: number, description?: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ maxLength: max, description }),
    IsString(),
    Matches(/\S/, { message: '$property must not be blank' }),
    MaxLength(max),
  );
}

/** An optional free-text field of bounded length. */
export function OptionalText(max: number, description?: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ maxLength: max, description }),
    IsOptional(),
    IsString(),
    MaxLength(max),
  );
}

/** One of a closed list, documented as an enum. */
export function OneOf(
  values: readonly string[],
  options: { optional?: boolean; description?: string } = {},
): PropertyDecorator {
  const doc = options.optional
    ? ApiPropertyOptional({ enum: values, description: options.description })
    : ApiProperty({ enum: values, description: options.description });
  return applyDecorators(
    doc,
    ...(options.optional ? [IsOptional()] : []),
    IsIn(values as string[], { message: `$property must be one of: ${values.join(', ')}` }),
  );
}
