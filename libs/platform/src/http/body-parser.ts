import { json, type ErrorRequestHandler, type RequestHandler } from 'express';
import { LocalizedProblemError, type Texts } from './problem';

/** The largest body the API reads (api.md): beyond it, a 413 and nothing read further. */
export const BODY_LIMIT = '1mb';

/**
 * The deepest nesting of objects and arrays a body may have. Every real request is far shallower (a FHIR
 * bundle needs about 12); a limit checked on the raw bytes, before anything walks the parsed value
 * recursively, means no deep body can exhaust the stack later.
 */
export const MAX_JSON_DEPTH = 64;

/** body-parser marks its errors with `type`; each is the client's doing, never a 500. */
const PARSER_PROBLEMS: Record<string, [number, string, Texts]> = {
  'entity.too.large': [
    413,
    'body-too-large',
    { fr: 'Le corps de la requête dépasse 1 Mio.', en: 'The request body is larger than 1 MiB.' },
  ],
  'entity.parse.failed': [
    400,
    'malformed-json',
    { fr: 'Le corps de la requête n’est pas du JSON valide', en: 'The request body is not valid JSON' },
  ],
  'entity.verify.failed': [
    400,
    'malformed-json',
    { fr: 'Le corps de la requête n’est pas du JSON valide', en: 'The request body is not valid JSON' },
  ],
  'encoding.unsupported': [
    415,
    'unsupported-encoding',
    {
      fr: 'L’encodage du corps de la requête n’est pas pris en charge.',
      en: 'The request body encoding is not supported.',
    },
  ],
  'charset.unsupported': [
    415,
    'unsupported-charset',
    {
      fr: 'Le jeu de caractères du corps de la requête n’est pas pris en charge.',
      en: 'The request body charset is not supported.',
    },
  ],
  'request.aborted': [
    400,
    'request-aborted',
    { fr: 'Le client a interrompu la requête.', en: 'The request was aborted by the client.' },
  ],
  'request.size.invalid': [
    400,
    'bad-content-length',
    {
      fr: 'La taille de la requête ne correspond pas à son Content-Length.',
      en: 'The request size does not match its Content-Length.',
    },
  ],
  'entity.too.deep': [
    400,
    'body-too-deep',
    {
      fr: `Le corps de la requête imbrique plus de ${MAX_JSON_DEPTH} niveaux.`,
      en: `The request body nests deeper than ${MAX_JSON_DEPTH} levels.`,
    },
  ],
  'entity.invalid.utf8': [
    400,
    'invalid-utf8',
    { fr: 'Le corps de la requête n’est pas de l’UTF-8 valide.', en: 'The request body is not valid UTF-8.' },
  ],
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Thrown from body-parser's `verify` step; its `type` says which problem to answer with. */
class BodyRejected extends Error {
  constructor(readonly type: string) {
    super(type);
  }
}

/**
 * Checks the raw body before it is parsed: valid UTF-8 (JSON is UTF-8, RFC 8259 §8.1, and a lone byte
 * would otherwise become U+FFFD silently), and no nesting deeper than `MAX_JSON_DEPTH`. One pass over the
 * bytes, without recursion; brackets inside strings do not count.
 */
export function verifyJsonBody(body: Buffer): void {
  try {
    utf8.decode(body);
  } catch {
    throw new BodyRejected('entity.invalid.utf8');
  }
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // a backslash escapes the next character, a quote included
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) throw new BodyRejected('entity.too.deep');
    } else if (byte === 0x7d || byte === 0x5d) {
      depth--;
    }
  }
}

/**
 * JSON the API parses: `application/json` and `application/*+json` — but not FHIR's, nor anything sent to a
 * FHIR route (`…/fhir`): those read their own body, to answer every problem as a FHIR OperationOutcome.
 */
function isApiJson(request: {
  url?: string;
  headers: Record<string, string | string[] | undefined>;
}): boolean {
  if (/\/fhir(?:[?#]|$)/.test(request.url ?? '')) return false;
  const type = String(request.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  return (
    (type === 'application/json' || /^application\/[\w.-]+\+json$/.test(type)) &&
    type !== 'application/fhir+json'
  );
}

/**
 * Parses JSON bodies (`application/json` and `application/*+json`, FHIR's aside) up to `BODY_LIMIT`,
 * refusing invalid UTF-8 and deep nesting before parsing (`verifyJsonBody`).
 */
export function jsonBodyParser(): RequestHandler {
  return json({
    limit: BODY_LIMIT,
    type: isApiJson,
    verify: (_request, _response, body) => verifyJsonBody(body),
  });
}

/**
 * Placed right after the parser: turns its errors into problem documents before Nest sees them (Nest
 * would keep only the message of a JSON syntax error, and answer the others with a 500).
 */
export const bodyParserErrors: ErrorRequestHandler = (error: unknown, _request, _response, next) => {
  const type = (error as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !(type in PARSER_PROBLEMS)) return next(error);
  const [status, slug, detail] = PARSER_PROBLEMS[type];
  // The parser's own words (where the syntax breaks) are JSON's, the same in both languages.
  const reason = type === 'entity.parse.failed' ? ` : ${(error as Error).message}` : '';
  next(
    new LocalizedProblemError(status, slug, {
      fr: `${detail.fr}${reason}`,
      en: `${detail.en}${reason.slice(1)}`,
    }),
  );
};
