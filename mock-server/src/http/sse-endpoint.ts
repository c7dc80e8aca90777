import type { Server } from 'bun';
import { HTTP_ERRORS, SSE_CONTENT_TYPE } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import { authErrorMessage, hasPermission } from '../domain/auth';
import type { ConnectionHub } from '../realtime/connection-hub';
import type { SocketData } from '../realtime/socket-data';
import { SseStream } from '../realtime/sse-stream';
import type { StreamSessions } from '../realtime/stream-sessions';
import { CORS_HEADERS, HttpError, json } from './http-util';
import { bearerToken, type TokenChecker } from './request-auth';
import { streamQuery } from './stream-query';

/**
 * The error of `/events/stream` answers while the chaos switch `block-sse` is on.
 *
 * @example
 * ```ts
 * if (res.status === 503 && (await res.json()).error === SSE_BLOCKED_ERROR) fallBackToPolling();
 * ```
 */
export const SSE_BLOCKED_ERROR = 'Server-Sent Events are blocked';

const SSE_HEADERS: Record<string, string> = {
  ...CORS_HEADERS,
  'Content-Type': SSE_CONTENT_TYPE,
  // A proxy that buffers or rewrites the body would hold events back or break the framing.
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
};

/**
 * What the SSE endpoint is built from: the hub its streams join, the token check, and what an
 * authenticated connection lives through.
 *
 * @example
 * ```ts
 * openEventStream({ hub, auth, sessions }, { blocked: chaos.blockSse }, req, url, server);
 * ```
 */
export interface EventStreamParts {
  hub: ConnectionHub;
  auth: TokenChecker;
  sessions: StreamSessions;
}

/**
 * `GET /events/stream`: the native protocol as Server-Sent Events. Everything that can be refused
 * is refused before the stream starts, as a plain JSON answer a `fetch()` can read: 503 while
 * blocked, 400 for bad parameters (checked as on the WebSocket), 401 with the HTTP API's messages,
 * 403 without `Read`. Then `welcome`, the replay or resync asked for, and live frames, until the
 * server ends it (a `closing` frame), cuts it, or the client goes away (which releases it at once).
 *
 * @example
 * ```ts
 * if (url.pathname === SSE_STREAM_PATH) return openEventStream(parts, { blocked: chaos.blockSse }, req, url, server);
 * ```
 */
export function openEventStream(
  parts: EventStreamParts,
  state: { blocked: boolean },
  req: Request,
  url: URL,
  server: Server<SocketData>,
): Response {
  if (req.method !== 'GET') return json({ error: 'Method not allowed' }, 405);
  if (state.blocked) return json({ error: SSE_BLOCKED_ERROR }, 503);
  const { lastSeq, epoch, batch, topics, filter } = streamQuery(url);
  const token = url.searchParams.get('token') ?? bearerToken(req);
  if (token === null) throw new HttpError(401, HTTP_ERRORS.missingAuth);
  const check = parts.auth.check(token);
  if (!check.ok) throw new HttpError(401, authErrorMessage(check.reason));
  if (!hasPermission(check.user, 'Read')) throw new HttpError(403, HTTP_ERRORS.forbidden);

  const { hub, sessions } = parts;
  const stream = new SseStream({ topics, filter, batch }, (gone) => {
    sessions.end(gone);
    hub.remove(gone);
  });
  // Quiet stretches (a long heartbeat interval, a chaos stall) must not end the response: the
  // stream ends when the server or the client says so.
  server.timeout(req, 0);
  sessions.begin(stream, check, lastSeq === null ? null : { lastSeq, epoch });
  return new Response(stream.body, { headers: SSE_HEADERS });
}
