import { flattenValidationErrors } from '@parcours/platform';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { type Language, NotFoundError, type ProblemShape, RuleViolation } from '../../shared/errors';

/** One thing wrong with an import's input, where it is (a FHIR path, a CSV line and column). */
export interface ImportIssue {
  at: string;
  message: string;
}

/**
 * The input is not what the format says (the FHIR schema, a code system Parcours relies on, a CSV without
 * its columns): a 400 naming every problem. Nothing was recorded.
 */
export class ImportInputError extends Error {
  constructor(readonly issues: ImportIssue[]) {
    super(issues.map((issue) => `${issue.at}: ${issue.message}`).join('; '));
    this.name = 'ImportInputError';
  }

  toProblem(language: Language): ProblemShape {
    return {
      type: 'https://parcours.example/problems/import-invalid',
      title: 'Bad Request',
      status: 400,
      detail:
        language === 'fr'
          ? 'Le fichier importé n’est pas valide : rien n’a été enregistré.'
          : 'The imported file is not valid: nothing was recorded.',
      errors: this.issues.map(({ at, message }) => ({ path: at, message })),
    };
  }
}

/**
 * Something imported breaks a rule of Parcours (the same rules as the API's), or cannot be turned into
 * what Parcours records: a 422 naming the rule and where it comes from. Nothing was recorded.
 */
export class ImportRefused extends Error {
  constructor(
    /** Where in the input: a FHIR path, a CSV line. */
    readonly at: string,
    readonly rule: string,
    readonly messages: { fr: string; en: string },
    /** The field of the command the rule is about, when there is one. */
    readonly path?: string,
  ) {
    super(`${at}: ${rule}: ${messages.en}`);
    this.name = 'ImportRefused';
  }

  static of(at: string, error: RuleViolation | NotFoundError): ImportRefused {
    if (error instanceof RuleViolation) return new ImportRefused(at, error.rule, error.messages, error.path);
    return new ImportRefused(at, 'not-found', error.what);
  }

  toProblem(language: Language): ProblemShape {
    const detail = `${this.at}: ${this.messages[language]}`;
    return {
      type: `https://parcours.example/problems/rule/${this.rule}`,
      title: 'Unprocessable Content',
      status: 422,
      detail,
      rule: this.rule,
      messages: this.messages,
      errors: [{ path: this.at, message: this.messages[language] }],
      ...(this.path === undefined ? {} : { field: this.path }),
    };
  }
}

export const refused = (at: string, rule: string, fr: string, en: string, path?: string): ImportRefused =>
  new ImportRefused(at, rule, { fr, en }, path);

/** A domain refusal of a staged command, located in the input; anything else is not the input's doing. */
export function located(at: string, error: unknown): unknown {
  if (error instanceof RuleViolation || error instanceof NotFoundError) return ImportRefused.of(at, error);
  return error;
}

/**
 * A command built from imported data is checked by the request body's own validation (the DTO of the
 * route that records the same thing), as if it came through the API: a field it cannot fill properly is
 * a 422 `import-field-invalid` naming the field and where it comes from in the input.
 */
export function checkShape(
  dto: new () => object,
  data: object,
  at: string,
  sources: Record<string, string> = {},
): void {
  const errors = validateSync(plainToInstance(dto, { ...data }), {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  if (errors.length === 0) return;
  const [first] = flattenValidationErrors(errors);
  const field = first.path.split(/[.[]/)[0];
  const from = sources[field] === undefined ? at : `${at}.${sources[field]}`;
  throw new ImportRefused(
    from,
    'import-field-invalid',
    {
      fr: `Ce qui est importé ne fait pas une donnée valide de Parcours : ${first.message}`,
      en: `What is imported does not make valid Parcours data: ${first.message}`,
    },
    first.path,
  );
}
