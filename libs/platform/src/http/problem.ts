import { HttpException } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';

/** An RFC 9457 problem document, as `api.md` fixes it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** Which input was wrong: one entry per field, `path` in dotted form (`to.memberId`, `participants[1]`). */
  errors?: Array<{ path: string; message: string; constraint?: string }>;
  /** The broken domain rule, on a 422. */
  rule?: string;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TYPE_BASE = 'https://parcours.example/problems/';

export function problem(
  status: number,
  slug: string,
  detail?: string,
  extra: Partial<Problem> = {},
): Problem {
  return {
    type: `${TYPE_BASE}${slug}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    ...(detail === undefined ? {} : { detail }),
    ...extra,
  };
}

/**
 * An error that already knows its problem document. Domain and application code throw these (or
 * subclasses) so the HTTP layer never has to guess a status.
 */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ProblemError';
  }
}

/** Words for the user, in the two languages the API answers in. */
export interface Texts {
  fr: string;
  en: string;
}

/**
 * A problem built by hand — a header, a path or query parameter, a token, a file — whose words are given
 * in French and English and rendered in the client's language (`Accept-Language`, French by default), as
 * the validation messages are. What clients act on stays the same in both: the `type` (its slug), the
 * `errors[].path`, and the extension members (`reason`…). An HttpException, so that Nest answers with its
 * status (the English problem) even where the problem filter is not installed.
 */
export class LocalizedProblemError extends HttpException {
  constructor(
    status: number,
    readonly slug: string,
    readonly detail: Texts,
    readonly errors: ReadonlyArray<{ path: string; message: Texts }> = [],
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(localized(status, slug, detail, errors, extensions, 'en'), status);
    this.name = 'LocalizedProblemError';
  }

  toProblem(language: 'fr' | 'en'): Problem {
    return localized(this.getStatus(), this.slug, this.detail, this.errors, this.extensions, language);
  }
}

function localized(
  status: number,
  slug: string,
  detail: Texts,
  errors: ReadonlyArray<{ path: string; message: Texts }>,
  extensions: Record<string, unknown>,
  language: 'fr' | 'en',
): Problem {
  return problem(status, slug, detail[language], {
    ...(errors.length === 0
      ? {}
      : { errors: errors.map(({ path, message }) => ({ path, message: message[language] })) }),
    ...extensions,
  });
}

/** A 400 about one input, named by its path: the detail is that input's message. */
export function invalidInput(path: string, message: Texts, slug = 'invalid-input'): LocalizedProblemError {
  return new LocalizedProblemError(400, slug, message, [{ path, message }]);
}
