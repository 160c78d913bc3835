/**
 * Domain errors. Each knows the problem document it becomes (`toProblem`), so the HTTP layer maps them
 * without the domain importing anything from it.
 */

export type Language = 'fr' | 'en';

export interface ProblemShape {
  type: string;
  title: string;
  status: number;
  detail: string;
  rule?: string;
  errors?: Array<{ path: string; message: string }>;
  [extension: string]: unknown;
}

const TYPE_BASE = 'https://parcours.example/problems/';

/** A rule of `events.md` that the command breaks: a 422 naming the rule, in French and English. */
export class RuleViolation extends Error {
  constructor(
    readonly rule: string,
    readonly messages: { fr: string; en: string },
    /** The request field the rule is about, when there is one (the UI shows the message next to it). */
    readonly path?: string,
    /** More of what broke, for clients to act on (e.g. which eligibility `criterion`): extra problem members. */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(`${rule}: ${messages.en}`);
    this.name = 'RuleViolation';
  }

  toProblem(language: Language): ProblemShape {
    const detail = this.messages[language];
    return {
      type: `${TYPE_BASE}rule/${this.rule}`,
      title: 'Unprocessable Content',
      status: 422,
      detail,
      rule: this.rule,
      messages: this.messages,
      ...(this.path === undefined ? {} : { errors: [{ path: this.path, message: detail }] }),
      ...this.extensions,
    };
  }
}

export const broken = (rule: string, fr: string, en: string, path?: string): RuleViolation =>
  new RuleViolation(rule, { fr, en }, path);

/**
 * The record would duplicate one the CPTS has (a 409 rather than a 422: the request is well formed and
 * breaks no rule of the record itself, it collides with another). Names the records it collides with.
 */
export class DuplicateRecordError extends RuleViolation {
  constructor(
    rule: string,
    messages: { fr: string; en: string },
    path: string,
    readonly existing: string[],
  ) {
    super(rule, messages, path);
    this.name = 'DuplicateRecordError';
  }

  override toProblem(language: Language): ProblemShape {
    return { ...super.toProblem(language), title: 'Conflict', status: 409, existing: this.existing };
  }
}

/** The command addresses something that does not exist in this CPTS. */
export class NotFoundError extends Error {
  constructor(readonly what: { fr: string; en: string }) {
    super(what.en);
    this.name = 'NotFoundError';
  }

  toProblem(language: Language): ProblemShape {
    return { type: `${TYPE_BASE}not-found`, title: 'Not Found', status: 404, detail: this.what[language] };
  }
}

/** `If-Match` named a revision the stream is no longer at. */
export class PreconditionFailedError extends Error {
  constructor(
    readonly expected: number,
    readonly actual: number | 'no_stream',
  ) {
    super(`expected revision ${expected}, the record is at ${String(actual)}`);
    this.name = 'PreconditionFailedError';
  }

  toProblem(language: Language): ProblemShape {
    return {
      type: `${TYPE_BASE}precondition-failed`,
      title: 'Precondition Failed',
      status: 412,
      detail:
        language === 'fr'
          ? `Le dossier a changé depuis votre lecture (révision ${String(this.actual)}, attendue ${this.expected}) : rechargez-le.`
          : `The record changed since you read it (revision ${String(this.actual)}, expected ${this.expected}): reload it.`,
      currentRevision: this.actual,
    };
  }
}

/** Concurrent changes kept winning over this command: it was not applied. */
export class ContentionError extends Error {
  constructor(readonly streamId: string) {
    super(`too many concurrent changes on ${streamId}`);
    this.name = 'ContentionError';
  }

  toProblem(language: Language): ProblemShape {
    return {
      type: `${TYPE_BASE}concurrency-conflict`,
      title: 'Conflict',
      status: 409,
      detail:
        language === 'fr'
          ? 'Trop de modifications simultanées de ce dossier ; rien n’a été enregistré, réessayez.'
          : 'Too many simultaneous changes to this record; nothing was recorded, try again.',
    };
  }
}

/** A professional this patient blocked asks for the patient's record. */
export class PatientAccessBlockedError extends Error {
  constructor() {
    super('this patient has blocked this professional');
    this.name = 'PatientAccessBlockedError';
  }

  toProblem(language: Language): ProblemShape {
    return {
      type: 'https://parcours.example/problems/patient-blocked-professional',
      title: 'Forbidden',
      status: 403,
      detail:
        language === 'fr'
          ? 'Ce patient a refusé que vous accédiez à son dossier.'
          : 'This patient has refused you access to their record.',
    };
  }
}
