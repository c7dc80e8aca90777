import type { ServerWebSocket, WebSocketHandler } from 'bun';
import type { SocketData } from '../realtime/socket-data';
import { isCdcSocketData, type CdcSocketData } from './cdc-socket';

/**
 * The data of any socket of a server that speaks both protocols.
 *
 * @example
 * ```ts
 * Bun.serve<AnySocketData>({ fetch, websocket: dispatchWebsockets(native, cdc) });
 * ```
 */
export type AnySocketData = SocketData | CdcSocketData;

/**
 * One Bun WebSocket handler for a server with two kinds of sockets (Bun takes one per server):
 * native sockets go to the native handler, ApexStore change-stream sockets to theirs. The native
 * handler's settings (no idle timeout, no Bun pings, its backpressure limit) apply to both, which
 * is what ApexStore does too: it never pings and never times a quiet socket out.
 *
 * @example
 * ```ts
 * Bun.serve({ fetch, websocket: { ...dispatchWebsockets(ws.handler, createCdcWebsocketHandler(cdcHub)), maxPayloadLength: 4096 } });
 * ```
 */
export function dispatchWebsockets(
  native: WebSocketHandler<SocketData>,
  cdc: WebSocketHandler<CdcSocketData>,
): WebSocketHandler<AnySocketData> {
  // Each socket's data says which handler it belongs to; the casts only restate that.
  const asNative = (ws: ServerWebSocket<AnySocketData>) => ws as ServerWebSocket<SocketData>;
  const asCdc = (ws: ServerWebSocket<AnySocketData>) => ws as ServerWebSocket<CdcSocketData>;
  return {
    idleTimeout: native.idleTimeout,
    sendPings: native.sendPings,
    backpressureLimit: native.backpressureLimit,
    closeOnBackpressureLimit: native.closeOnBackpressureLimit,
    open(ws) {
      return isCdcSocketData(ws.data) ? cdc.open?.(asCdc(ws)) : native.open?.(asNative(ws));
    },
    message(ws, message) {
      return isCdcSocketData(ws.data) ? cdc.message?.(asCdc(ws), message) : native.message?.(asNative(ws), message);
    },
    drain(ws) {
      return isCdcSocketData(ws.data) ? cdc.drain?.(asCdc(ws)) : native.drain?.(asNative(ws));
    },
    close(ws, code, reason) {
      return isCdcSocketData(ws.data) ? cdc.close?.(asCdc(ws), code, reason) : native.close?.(asNative(ws), code, reason);
    },
  };
}
