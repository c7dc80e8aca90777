import type { Server } from 'bun';
import { CdcEventStream } from '../compat/cdc-event-stream';
import { cdcFilterFromQuery } from '../compat/cdc-filter';
import type { CdcHub } from '../compat/cdc-hub';
import { newCdcSocketData, type CdcSocketData } from '../compat/cdc-socket';
import { CORS_HEADERS, json } from './http-util';
import { requireSession, type TokenChecker } from './request-auth';
import { SSE_BLOCKED_ERROR } from './sse-endpoint';

/**
 * The path of ApexStore 2.2's Server-Sent Events change stream (`--compat apexstore-2.2`).
 *
 * @example
 * ```ts
 * if (url.pathname === CDC_SSE_PATH) return routes.cdcEvents(req, url, server);
 * ```
 */
export const CDC_SSE_PATH = '/events';

// ApexStore's own header: no charset, no cache or proxy hints.
const CDC_SSE_HEADERS: Record<string, string> = { ...CORS_HEADERS, 'Content-Type': 'text/event-stream' };

/**
 * What ApexStore's change-stream endpoints are built from: the token check and the hub their
 * clients join.
 *
 * @example
 * ```ts
 * upgradeCdcWebsocket({ auth, hub: cdcHub }, { blocked: chaos.blockWebsocket }, req, url, server);
 * ```
 */
export interface CdcEndpointParts {
  auth: TokenChecker;
  hub: CdcHub;
}

/**
 * `GET /ws/events` as ApexStore 2.2 answers it: the bearer header is checked before the upgrade
 * (ApexStore's auth middleware runs before any handler), so a missing, bad or expired token is a
 * 401 and a token without Read a 403, as JSON with the HTTP API's messages. There is no `?token=`
 * and no first-frame auth. Returns undefined once upgraded.
 *
 * @example
 * ```ts
 * if (url.pathname === '/ws/events') return upgradeCdcWebsocket(parts, { blocked: chaos.blockWebsocket }, req, url, server);
 * ```
 */
export function upgradeCdcWebsocket(
  parts: Pick<CdcEndpointParts, 'auth'>,
  state: { blocked: boolean },
  req: Request,
  url: URL,
  server: Server<CdcSocketData>,
): Response | undefined {
  if (state.blocked) return json({ error: 'WebSocket upgrades are blocked' }, 503);
  // The token is checked here only: ApexStore never looks at it again, so expiry and logout leave
  // an open stream alone.
  requireSession(parts.auth, req, 'Read');
  if (server.upgrade(req, { data: newCdcSocketData(cdcFilterFromQuery(url)) })) return undefined;
  return json({ error: 'Expected a WebSocket upgrade' }, 400);
}

/**
 * `GET /events` as ApexStore 2.2 answers it: the bearer header checked first (401/403 as JSON), then
 * a `text/event-stream` of `data: <json>\n\n` blocks, `connected` first, then key changes, until the
 * client goes away. Nothing is sent while idle.
 *
 * @example
 * ```ts
 * if (url.pathname === CDC_SSE_PATH) return openCdcEventStream(parts, { blocked: chaos.blockSse }, req, url, server);
 * ```
 */
export function openCdcEventStream(
  parts: CdcEndpointParts,
  state: { blocked: boolean },
  req: Request,
  url: URL,
  server: Pick<Server<unknown>, 'timeout'>,
): Response {
  if (req.method !== 'GET') return json({ error: 'Method not allowed' }, 405);
  if (state.blocked) return json({ error: SSE_BLOCKED_ERROR }, 503);
  requireSession(parts.auth, req, 'Read');
  const { hub } = parts;
  const stream = new CdcEventStream(cdcFilterFromQuery(url), (gone) => hub.remove(gone));
  hub.add(stream);
  // A quiet store sends nothing for as long as it is quiet: the response must outlive any idle timeout.
  server.timeout(req, 0);
  return new Response(stream.body, { headers: CDC_SSE_HEADERS });
}
