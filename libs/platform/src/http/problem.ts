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
