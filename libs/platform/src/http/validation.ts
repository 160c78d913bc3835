import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { problem } from './problem';

/** Flattens class-validator's tree into `{ path, message }` pairs, `path` dotted as a client writes it. */
export function flattenValidationErrors(
  errors: ValidationError[],
  parent = '',
): Array<{ path: string; message: string }> {
  return errors.flatMap((error) => {
    const path =
      parent === ''
        ? error.property
        : /^\d+$/.test(error.property)
          ? `${parent}[${error.property}]`
          : `${parent}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}

/**
 * The one validation pipe of the API: unknown fields are refused (not silently dropped: a client that
 * misspells a field must hear about it), and every problem is named by its path.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const flat = flattenValidationErrors(errors);
      return new BadRequestException(
        problem(400, 'invalid-input', flat.map((e) => `${e.path}: ${e.message}`).join('; '), {
          errors: flat,
        }),
      );
    },
  });
}
