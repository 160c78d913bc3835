/**
 * The UI's only way to the server: the public HTTP API, with the signed-in user's bearer token, like any
 * other client. Errors come back as `ApiError` carrying the problem+json document, whose `errors[].path`
 * the forms show next to their fields.
 *
 * Read-your-writes: each command answers with its global `position`; later reads carry
 * `consistentWith=<position>` so a page never shows a read model older than what the user just recorded.
 */
import type { Lang } from './i18n';
import type { Session } from './session';

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  rule?: string;
  errors?: Array<{ path: string; message: string }>;
}

export interface CommandResult {
  id: string;
  streamId: string;
  revision: number;
  position: string;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiError';
  }

  get status(): number {
    return this.problem.status;
  }
}

interface ApiContext {
  session: () => Session | null;
  lang: () => Lang;
  /** A 401: the token expired or was refused; the app signs out. */
  onUnauthorized: () => void;
}

let context: ApiContext = { session: () => null, lang: () => 'fr', onUnauthorized: () => undefined };
let lastPosition: bigint | null = null;

export function configureApi(next: ApiContext): void {
  context = next;
}

/** `/api/v1/cpts/{cpts}` + path, for the signed-in user's CPTS. */
export function tenant(path: string): string {
  const cpts = context.session()?.cpts ?? '';
  return `/api/v1/cpts/${encodeURIComponent(cpts)}${path}`;
}

/** A query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

function rememberPosition(position: string | undefined): void {
  if (!position || !/^\d+$/.test(position)) return;
  const value = BigInt(position);
  if (lastPosition === null || value > lastPosition) lastPosition = value;
}

async function request<T>(
  method: string,
  path: string,
  init: { body?: unknown; file?: Blob; headers?: Record<string, string>; token?: string },
) {
  const session = context.session();
  const token = init.token ?? session?.token;
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': context.lang(),
    ...init.headers,
  };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  if (init.file !== undefined) headers['Content-Type'] ??= init.file.type || 'application/octet-stream';
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: init.file ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError({
      status: 0,
      detail:
        context.lang() === 'fr'
          ? 'Le serveur ne répond pas. Vérifiez la connexion et réessayez : rien n’a été perdu.'
          : 'The server does not answer. Check the connection and try again: nothing was lost.',
    });
  }
  const type = response.headers.get('content-type') ?? '';
  const payload: unknown = type.includes('json')
    ? await response.json().catch(() => null)
    : await response.text();
  if (!response.ok) {
    const problem =
      payload && typeof payload === 'object'
        ? (payload as Problem)
        : { status: response.status, detail: String(payload) };
    if (response.status === 401 && session) context.onUnauthorized();
    throw new ApiError({ ...problem, status: response.status });
  }
  return { payload: payload as T, response };
}

/**
 * A read; waits for the read models to include the user's own last command. `token` reads with another
 * token than the session's (the sign-in page checks a new token before keeping it); `headers` adds
 * request headers (e.g. `X-Purpose` on an identity read).
 */
export async function get<T>(
  path: string,
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<T> {
  let url = path;
  if (lastPosition !== null && path.startsWith('/api/v1/cpts/')) {
    url += `${path.includes('?') ? '&' : '?'}consistentWith=${lastPosition.toString()}`;
  }
  const { payload } = await request<T>('GET', url, { token: options.token, headers: options.headers });
  return payload;
}

export interface CommandOptions {
  /** One key per form instance: a retry of the same submission appends nothing twice. */
  idempotencyKey?: string;
  /** The revision the user saw (`If-Match`): a 412 if someone changed the record since. */
  ifMatch?: number;
  /** More request headers (e.g. `X-Purpose` on a search that returns identities). */
  headers?: Record<string, string>;
}

/** A command (POST); remembers its position for the next reads. */
export async function post<T = CommandResult>(
  path: string,
  body: unknown,
  options: CommandOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
  if (options.ifMatch !== undefined) headers['If-Match'] = `"${options.ifMatch}"`;
  const { payload } = await request<T>('POST', path, { body, headers });
  if (payload && typeof payload === 'object' && 'position' in payload) {
    rememberPosition(String((payload as { position: unknown }).position));
  }
  return payload;
}

/** A file sent as it is (a CSV in Latin-1 stays bytes); remembers the position of what it recorded. */
export async function upload<T>(path: string, file: Blob, contentType: string): Promise<T> {
  const { payload } = await request<T>('POST', path, { file, headers: { 'Content-Type': contentType } });
  if (payload && typeof payload === 'object' && 'position' in payload) {
    rememberPosition(String((payload as { position: unknown }).position));
  }
  return payload;
}

/** 128 random bits (getRandomValues works outside secure contexts too, unlike randomUUID). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `ui-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * A file the API makes (a PDF, a CSV), as bytes — `text()` would drop a CSV's byte-order mark, which
 * French Excel needs — with the name the server gives it (`Content-Disposition`).
 */
export async function getFile(path: string): Promise<{ blob: Blob; name: string | null }> {
  const session = context.session();
  const headers: Record<string, string> = { 'Accept-Language': context.lang() };
  if (session?.token) headers.Authorization = `Bearer ${session.token}`;
  let url = path;
  if (lastPosition !== null && path.startsWith('/api/v1/cpts/')) {
    url += `${path.includes('?') ? '&' : '?'}consistentWith=${lastPosition.toString()}`;
  }
  let response: Response;
  try {
    response = await fetch(url, { headers, credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new ApiError({
      status: 0,
      detail:
        context.lang() === 'fr'
          ? 'Le serveur ne répond pas. Vérifiez la connexion et réessayez.'
          : 'The server does not answer. Check the connection and try again.',
    });
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as Partial<Problem>;
    if (response.status === 401 && session) context.onUnauthorized();
    throw new ApiError({ ...problem, status: response.status });
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? null;
  return { blob: await response.blob(), name };
}
