import type { Socket } from './socket-data';
import { SseStream } from './sse-stream';

/**
 * A realtime connection, whichever transport carries it: a WebSocket, or a Server-Sent Events
 * stream. Both hold a {@link ConnectionState} in `data`; the hub writes to each its own way.
 *
 * @example
 * ```ts
 * for (const conn of hub.all) if (conn.data.tokenHash === hash) hub.close(conn, 4005, 'Session revoked');
 * ```
 */
export type Connection = Socket | SseStream;

/**
 * Whether a connection is a WebSocket (two-way: Bun topics, close codes, client frames).
 *
 * @example
 * ```ts
 * if (isSocket(conn)) conn.send(text); else conn.write(sseEvent(text, seq));
 * ```
 */
export function isSocket(conn: Connection): conn is Socket {
  return !(conn instanceof SseStream);
}
