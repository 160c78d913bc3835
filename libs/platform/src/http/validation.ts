import { HttpException, HttpStatus, ValidationPipe, type ValidationError } from '@nestjs/common';
import { problem, type Problem } from './problem';
import { translateValidationMessage, type Language } from './validation-messages';

/** One refused input: where (`path`, dotted as a client writes it), which constraint, and why (English). */
export interface ValidationIssue {
  path: string;
  /** class-validator's constraint name (`isInt`, `isFiness`, `whitelistValidation`…): stable, for clients. */
  constraint: string;
  message: string;
}

/** Flattens class-validator's tree into one issue per broken constraint. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): ValidationIssue[] {
  return errors.flatMap((error) => {
    const path =
      parent === ''
        ? error.property
        : /^\d+$/.test(error.property)
          ? `${parent}[${error.property}]`
          : `${parent}.${error.property}`;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({
      path,
      constraint,
      message,
    }));
    return [...own, ...flattenValidationErrors(error.children ?? [], path)];
  });
}

/**
 * A 400 from the validation pipe. It is rendered when the response is written, in the language the
 * client asked for (the pipe itself does not see the request).
 */
export class InputRefused extends HttpException {
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map((issue) => `${issue.path}: ${issue.message}`).join('; '), HttpStatus.BAD_REQUEST);
  }

  toProblem(language: Language): Problem {
    const errors = this.issues.map((issue) => ({
      path: issue.path,
      constraint: issue.constraint,
      message: translateValidationMessage(issue.message, language),
    }));
    const separator = language === 'fr' ? ' : ' : ': ';
    return problem(400, 'invalid-input', errors.map((e) => `${e.path}${separator}${e.message}`).join('; '), {
      errors,
    });
  }
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
    exceptionFactory: (errors) => new InputRefused(flattenValidationErrors(errors)),
  });
}
