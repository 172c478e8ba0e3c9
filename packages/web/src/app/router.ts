/**
 * Hash routes (`#/block/12`), so every view has a link that survives a reload and the node serves one page for all.
 * A route is its path segments after `#/`, decoded.
 */
import { useEffect, useState } from 'preact/hooks';

export type Route = readonly string[];

export function currentRoute(): Route {
  const path = location.hash.replace(/^#\/?/, '');
  return path === '' ? [] : path.split('/').map((s) => decodeURIComponent(s));
}

/** The link to a route, for `href`. */
export function href(...segments: readonly (string | bigint | number)[]): string {
  return `#/${segments.map((s) => encodeURIComponent(String(s))).join('/')}`;
}

export function navigate(...segments: readonly (string | bigint | number)[]): void {
  location.hash = href(...segments);
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
