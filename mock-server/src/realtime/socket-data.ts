import type { ServerWebSocket } from 'bun';
import type { EventFilter, Topic } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import { newConnectionState, type ConnectionState } from './connection-state';

/**
 * Per-connection state, kept in `ws.data` so one static handler object serves every socket. Only
 * what belongs to this one connection: the server's parts reach the handler when it is built.
 * Beside what every connection holds, a socket has what a two-way link needs: the upgrade's
 * token and resume point, the rate limit, the auth and heartbeat clocks, the round trip.
 *
 * @example
 * ```ts
 * if (ws.data.user === null) sendError(ws, 'not_authenticated', 'send an auth frame first');
 * ```
 */
export interface SocketData extends ConnectionState {
  /** Token from `?token=` or `Authorization: Bearer`, checked in `open`. */
  readonly upgradeToken: string | null;
  /** `?lastSeq=` to replay from right after `welcome`. */
  readonly upgradeLastSeq: number | null;
  /** `?epoch=`: the history `upgradeLastSeq` belongs to. */
  readonly upgradeEpoch: string | null;
  /** Arrival times of recent client frames, for the sliding-window rate limit. */
  frameTimes: number[];
  authTimer: ReturnType<typeof setTimeout> | null;
  heartbeatTimer: ReturnType<typeof setTimeout> | null;
  /** The ping waiting for its pong, with when it left (`performance.now()`). */
  pendingPing: { id: string; sentAt: number } | null;
  /** Round trip of the last answered ping, sent in the next one. */
  rttMs: number | null;
  /** Client frames that arrived during a stall, processed when it ends. */
  heldInbound: Array<string | Buffer>;
  /** Whether the socket currently gets events through Bun topics (`server.publish`). */
  published: boolean;
}

/**
 * A server-side WebSocket carrying {@link SocketData}.
 *
 * @example
 * ```ts
 * function sendError(ws: Socket, code: ProtocolErrorCode, message: string): void { ... }
 * ```
 */
export type Socket = ServerWebSocket<SocketData>;

/**
 * Builds the initial `ws.data` for an upgrade.
 *
 * @example
 * ```ts
 * server.upgrade(req, { data: newSocketData({ token, lastSeq: null, epoch: null, topics: null, filter: {}, batch: false }) });
 * ```
 */
export function newSocketData(
  init: { token: string | null; lastSeq: number | null; epoch: string | null; topics: Topic[] | null; filter: EventFilter; batch: boolean },
): SocketData {
  return {
    ...newConnectionState(init),
    upgradeToken: init.token,
    upgradeLastSeq: init.lastSeq,
    upgradeEpoch: init.epoch,
    frameTimes: [],
    authTimer: null,
    heartbeatTimer: null,
    pendingPing: null,
    rttMs: null,
    heldInbound: [],
    published: false,
  };
}
