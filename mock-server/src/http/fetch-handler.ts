import type { Server } from 'bun';
import { SSE_STREAM_PATH } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import type { AnySocketData } from '../compat/websocket-dispatch';
import { EventStoreUnavailableError } from '../storage/event-writer';
import { CDC_SSE_PATH } from './cdc-endpoints';
import { CORS_HEADERS, HttpError, json, refuseDeclaredOversize } from './http-util';
import { isDocumentRequest, serveStatic } from './static-files';

/** A route that answers some paths and returns null for the rest. */
type Route = (req: Request, url: URL) => Response | Promise<Response> | null;

/**
 * What answers the server's requests, in the order they are tried.
 *
 * @example
 * ```ts
 * const fetch = createFetchHandler({ countRequest, websocket, sse, cdcEvents: null, chaos: null, ingest: null, http, staticDir: null });
 * ```
 */
export interface FetchRoutes {
  /** Counts a request by its path before anything can refuse it (chaos counters). */
  countRequest(pathname: string): void;
  /** `GET /ws/events` (native, or ApexStore's with `--compat apexstore-2.2`): undefined once upgraded. */
  websocket(req: Request, url: URL, server: Server<AnySocketData>): Response | undefined;
  /** `GET /events/stream`: the streaming answer, or a refusal. */
  sse(req: Request, url: URL, server: Server<AnySocketData>): Response;
  /** `GET /events`: ApexStore 2.2's Server-Sent Events with `--compat apexstore-2.2`, else null (a 404 like any unknown path). */
  cdcEvents: ((req: Request, url: URL, server: Server<AnySocketData>) => Response) | null;
  /** The `/__chaos/*` routes, or null without `--chaos` (then they are 404s like any unknown path). */
  chaos: Route | null;
  /** `POST /ingest/apexstore`, the gateway, or null without `--ingest-auth` (then a 404 like any unknown path). */
  ingest: Route | null;
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
export function createFetchHandler(routes: FetchRoutes): (req: Request, server: Server<AnySocketData>) => Promise<Response | undefined> {
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
      if (routes.cdcEvents && url.pathname === CDC_SSE_PATH) return routes.cdcEvents(req, url, server);
      refuseDeclaredOversize(req);
      // A reload of an app route that is also an API path (/keys, /health) must get the app, not JSON.
      if (routes.staticDir && isDocumentRequest(req)) {
        const page = serveStatic(routes.staticDir, req.method, url.pathname, true);
        if (page) return page;
      }
      const response =
        routes.chaos?.(req, url) ??
        routes.ingest?.(req, url) ??
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
