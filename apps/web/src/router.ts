/**
 * Hash routes (`#/pathways/…?action=…`): the server serves one page at `/`, and a reload or a shared
 * link lands on the same screen. `useRoute` re-renders on every change of the hash.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  /** `/pathways/abc` */
  path: string;
  /** The path's segments: `['pathways', 'abc']`. */
  segments: string[];
  params: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path = '/', search = ''] = hash.split('?');
  return {
    path,
    segments: path.split('/').filter(Boolean).map(decodeURIComponent),
    params: new URLSearchParams(search),
  };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const onChange = () => setRoute(currentRoute());
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

/** `href('/pathways', { kind: 'bpco' })` → `#/pathways?kind=bpco` */
export function href(path: string, params: Record<string, string | undefined | null> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

export function navigate(to: string): void {
  location.hash = to.startsWith('#') ? to.slice(1) : to;
}
