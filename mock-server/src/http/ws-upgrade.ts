import type { Server } from 'bun';
import { newSocketData, type SocketData } from '../realtime/socket-data';
import { json } from './http-util';
import { bearerToken } from './request-auth';
import { streamQuery } from './stream-query';

/**
 * `GET /ws/events`: checks the query and hands the request to Bun's upgrade with the socket's
 * initial state. Bad parameters are a 400 before the upgrade; the token is checked once the socket
 * is open (a browser could not read a 401). Returns undefined once upgraded.
 *
 * @example
 * ```ts
 * if (url.pathname === '/ws/events') return upgradeWebsocket({ blocked: chaos.blockWebsocket }, req, url, server);
 * ```
 */
export function upgradeWebsocket(
  state: { blocked: boolean },
  req: Request,
  url: URL,
  server: Server<SocketData>,
): Response | undefined {
  if (state.blocked) return json({ error: 'WebSocket upgrades are blocked' }, 503);
  const { lastSeq, epoch, batch, topics, filter } = streamQuery(url);
  const token = url.searchParams.get('token') ?? bearerToken(req);
  const data = newSocketData({ token, lastSeq, epoch, topics, filter, batch });
  if (server.upgrade(req, { data })) return undefined;
  return json({ error: 'Expected a WebSocket upgrade' }, 400);
}
