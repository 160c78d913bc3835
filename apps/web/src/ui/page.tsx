/** What every page uses: loading a resource, showing its failure, and the page's heading. */
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get } from '../api';
import { useText } from '../i18n';

export interface Query<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload: () => void;
}

/** GETs `path` (null: nothing to load yet), again when it changes or on `reload()`. */
export function useQuery<T>(path: string | null, options?: { headers?: Record<string, string> }): Query<T> {
  // Headers are part of what is read (e.g. `X-Purpose`), but not a reason to read again by themselves.
  const headers = options?.headers;
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({
    loading: path !== null,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === null) {
      setState({ loading: false });
      return;
    }
    let live = true;
    setState((previous) => ({ data: previous.data, loading: true }));
    get<T>(path, headers ? { headers } : {}).then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) =>
        live &&
        setState({
          loading: false,
          error: error instanceof ApiError ? error : new ApiError({ status: 0, detail: String(error) }),
        }),
    );
    return () => {
      live = false;
    };
  }, [path, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

const TEXT = {
  fr: {
    loading: 'Chargement…',
    forbidden: 'Votre rôle ne permet pas de voir cette page.',
    notFound: 'Introuvable.',
    error: 'Erreur',
  },
  en: {
    loading: 'Loading…',
    forbidden: 'Your role does not allow you to see this page.',
    notFound: 'Not found.',
    error: 'Error',
  },
};

export function Loading() {
  const text = useText(TEXT);
  return (
    <p class="muted" role="status">
      {text.loading}
    </p>
  );
}

/** A failed read or command, as the API explained it (problem+json `detail`). */
export function ErrorMessage({ error }: { error: ApiError }) {
  const text = useText(TEXT);
  const message =
    error.status === 403
      ? text.forbidden
      : error.status === 404
        ? (error.problem.detail ?? text.notFound)
        : error.message;
  return (
    <div class="alert error" role="alert">
      <strong>{text.error}</strong> {message}
    </div>
  );
}

/** Renders `children(data)` once loaded; the loading or error state otherwise. */
export function Loaded<T>({
  query,
  children,
}: {
  query: Query<T>;
  children: (data: T) => ComponentChildren;
}) {
  if (query.error) return <ErrorMessage error={query.error} />;
  if (query.data === undefined) return <Loading />;
  // While a newer answer loads, the previous one stays on screen, marked busy for assistive technology.
  return <div aria-busy={query.loading ? 'true' : undefined}>{children(query.data)}</div>;
}

/** The page's `h1`, also the document title; focused on arrival so screen readers announce the page. */
export function PageTitle({ children, title }: { children: ComponentChildren; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — Parcours`;
    ref.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}
