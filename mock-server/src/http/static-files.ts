import { existsSync, statSync } from 'node:fs';
import { join, normalize, resolve, sep } from 'node:path';
import { CORS_HEADERS } from './http-util';

/** Path roots that belong to the API (the root itself and everything under it) and never fall back to index.html. */
export const API_ROOTS = ['/ws', '/events', '/auth', '/keys', '/stats', '/admin', '/health', '/ingest', '/__chaos'];

const isApiPath = (pathname: string) => API_ROOTS.some((root) => pathname === root || pathname.startsWith(`${root}/`));

/**
 * Whether a request is a browser navigation (a page load or reload), which wants the app even on
 * paths the app shares with the API, such as `/keys` and `/health`. API clients never send this.
 */
export function isDocumentRequest(req: Request): boolean {
  return req.method === 'GET' && (req.headers.get('sec-fetch-dest') === 'document' || (req.headers.get('accept') ?? '').startsWith('text/html'));
}

/**
 * Serves the built demo from `dir`: the file when it exists, otherwise index.html for any GET that
 * is not an API path (client-side routes) or that is a page navigation, otherwise null.
 *
 * @example
 * ```ts
 * return serveStatic('dist/demo/browser', req.method, url.pathname) ?? notFound();
 * ```
 */
export function serveStatic(dir: string, method: string, pathname: string, navigation = false): Response | null {
  if ((method !== 'GET' && method !== 'HEAD') || (isApiPath(pathname) && !navigation)) return null;
  const root = resolve(dir);
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  const candidate = normalize(join(root, decoded));
  if (candidate !== root && !candidate.startsWith(root + sep)) return null;
  const file = existsSync(candidate) && statSync(candidate).isFile() ? candidate : join(root, 'index.html');
  if (!existsSync(file)) return null;
  return new Response(Bun.file(file), { headers: CORS_HEADERS });
}
