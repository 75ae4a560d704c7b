/**
 * The path and query of an HTTP request as Ferry's servers read them. The request target is a path
 * (origin-form, RFC 9112 §3.2.1), so it is appended to a fixed origin as text, never resolved as a
 * URL reference: `//host/x` stays the path `//host/x` instead of naming another host (which `new URL`
 * reads it as, or refuses with a TypeError for `//`). A target that is no path (`*`, an absolute URL)
 * is null: the server answers 400.
 */
export function requestTarget(target: string | undefined): URL | null {
  const path = target ?? '/';
  if (!path.startsWith('/')) return null;
  return URL.parse(`http://ferry.invalid${path}`);
}
