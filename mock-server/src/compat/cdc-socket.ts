import type { ServerWebSocket, WebSocketHandler } from 'bun';
import type { CdcConnection, CdcHub } from './cdc-hub';
import type { CdcFilter } from './cdc-filter';
import { CDC_CONNECTED_TEXT } from './cdc-message';
import { CDC_IN_FLIGHT_BYTES, CdcSubscriber } from './cdc-subscriber';

/**
 * Marks `ws.data` of an ApexStore change-stream socket, so the server's one handler can tell it from a native one.
 *
 * @example
 * ```ts
 * if (ws.data.protocol === CDC_SOCKET) return; // not a native socket
 * ```
 */
export const CDC_SOCKET = 'apexstore-2.2';

/**
 * `ws.data` of an ApexStore 2.2 change-stream socket: the filter of its upgrade, and once open, its
 * place in the stream.
 *
 * @example
 * ```ts
 * server.upgrade(req, { data: newCdcSocketData(cdcFilterFromQuery(url)) });
 * ```
 */
export interface CdcSocketData {
  readonly protocol: typeof CDC_SOCKET;
  readonly filter: CdcFilter;
  connection: CdcConnection | null;
}

/**
 * A server-side WebSocket of an ApexStore change-stream client.
 *
 * @example
 * ```ts
 * function open(ws: CdcSocket): void { ws.send(CDC_CONNECTED_TEXT); }
 * ```
 */
export type CdcSocket = ServerWebSocket<CdcSocketData>;

/**
 * The initial `ws.data` of an ApexStore change-stream upgrade.
 *
 * @example
 * ```ts
 * server.upgrade(req, { data: newCdcSocketData({ prefix: 'user:', operation: null }) });
 * ```
 */
export function newCdcSocketData(filter: CdcFilter): CdcSocketData {
  return { protocol: CDC_SOCKET, filter, connection: null };
}

/**
 * Whether a socket's data is an ApexStore change-stream socket's.
 *
 * @example
 * ```ts
 * if (isCdcSocketData(ws.data)) cdc.handler.open?.(ws as CdcSocket);
 * ```
 */
export function isCdcSocketData(data: unknown): data is CdcSocketData {
  return (data as { protocol?: unknown }).protocol === CDC_SOCKET;
}

/**
 * Bun's handler for ApexStore 2.2 change-stream sockets (`GET /ws/events` with `--compat
 * apexstore-2.2`): `connected` on open, then the key changes the client's filter passes, as fast as
 * the client takes them (see {@link CdcSubscriber} for the lag). Client messages are ignored, as
 * ApexStore ignores them; Bun answers protocol pings by itself, and nothing else is ever sent.
 *
 * @example
 * ```ts
 * const cdcSockets = createCdcWebsocketHandler(cdcHub);
 * cdcSockets.open?.(ws); // {"type":"connected",...}
 * ```
 */
export function createCdcWebsocketHandler(hub: CdcHub): WebSocketHandler<CdcSocketData> {
  return {
    open(ws) {
      const subscriber = new CdcSubscriber(ws.data.filter, {
        ready: () => ws.getBufferedAmount() < CDC_IN_FLIGHT_BYTES,
        write: (text) => {
          ws.send(text);
        },
      });
      const connection: CdcConnection = {
        subscriber,
        terminate: () => ws.terminate(),
        end: () => ws.close(1001, 'Server shutting down'),
      };
      ws.data.connection = connection;
      ws.send(CDC_CONNECTED_TEXT);
      hub.add(connection);
    },
    message() {
      // ApexStore reads client messages only to answer pings (which Bun does) and to see a close.
    },
    drain(ws) {
      ws.data.connection?.subscriber.flush();
    },
    close(ws) {
      if (ws.data.connection) hub.remove(ws.data.connection);
    },
  };
}
