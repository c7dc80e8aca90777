import type { Server } from 'bun';
import { SSE_STREAM_PATH } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import type { SocketData } from '../realtime/socket-data';
import { EventStoreUnavailableError } from '../storage/event-writer';
import { CORS_HEADERS, HttpError, json, refuseDeclaredOversize } from './http-util';
import { isDocumentRequest, serveStatic } from './static-files';

/** A route that answers some paths and returns null for the rest. */
type Route = (req: Request, url: URL) => Response | Promise<Response> | null;

/**
 * What answers the server's requests, in the order they are tried.
 *
 * @example
 * ```ts
 * const fetch = createFetchHandler({ countRequest, websocket, sse, chaos: null, http, staticDir: null });
 * ```
 */
export interface FetchRoutes {
  /** Counts a request by its path before anything can refuse it (chaos counters). */
  countRequest(pathname: string): void;
  /** `GET /ws/events`: undefined once upgraded. */
  websocket(req: Request, url: URL, server: Server<SocketData>): Response | undefined;
  /** `GET /events/stream`: the streaming answer, or a refusal. */
  sse(req: Request, url: URL, server: Server<SocketData>): Response;
  /** The `/__chaos/*` routes, or null without `--chaos` (then they are 404s like any unknown path). */
  chaos: Route | null;
  /** The REST API. */
  http: Route;
  /** The built demo, served on the same origin. */
  staticDir: string | null;
}

/**
 * The server's one `fetch` handler: preflights, the realtime streams, the routes, static files, and every
 * error as JSON (an {@link HttpError} with its status, anything unexpected as a 500).
 *
 * @example
 * ```ts
 * Bun.serve({ fetch: createFetchHandler(routes), websocket });
 * ```
 */
export function createFetchHandler(routes: FetchRoutes): (req: Request, server: Server<SocketData>) => Promise<Response | undefined> {
  return async (req, server) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return json({ error: 'Bad request URL' }, 400);
    }
    try {
      if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS_HEADERS });
      routes.countRequest(url.pathname);
      if (url.pathname === '/ws/events') return routes.websocket(req, url, server);
      if (url.pathname === SSE_STREAM_PATH) return routes.sse(req, url, server);
      refuseDeclaredOversize(req);
      // A reload of an app route that is also an API path (/keys, /health) must get the app, not JSON.
      if (routes.staticDir && isDocumentRequest(req)) {
        const page = serveStatic(routes.staticDir, req.method, url.pathname, true);
        if (page) return page;
      }
      const response =
        routes.chaos?.(req, url) ??
        routes.http(req, url) ??
        (routes.staticDir ? serveStatic(routes.staticDir, req.method, url.pathname) : null);
      return (await response) ?? json({ error: 'Not found' }, 404);
    } catch (error) {
      if (error instanceof HttpError) return json({ error: error.message, ...error.fields }, error.status, error.headers);
      if (error instanceof EventStoreUnavailableError) return json({ error: error.message }, 503);
      console.error('mock-server: unexpected error', error);
      return json({ error: 'Internal server error' }, 500);
    }
  };
}
