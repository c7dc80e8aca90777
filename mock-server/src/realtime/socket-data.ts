import type { ServerWebSocket } from 'bun';
import type { AuthUser, EventFilter, Topic } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';

/**
 * Per-connection state, kept in `ws.data` so one static handler object serves every socket. Only
 * what belongs to this one connection: the server's parts reach the handler when it is built.
 *
 * @example
 * ```ts
 * if (ws.data.user === null) sendError(ws, 'not_authenticated', 'send an auth frame first');
 * ```
 */
export interface SocketData {
  readonly connectionId: string;
  /** Token from `?token=` or `Authorization: Bearer`, checked in `open`. */
  readonly upgradeToken: string | null;
  /** `?lastSeq=` to replay from right after `welcome`. */
  readonly upgradeLastSeq: number | null;
  /** `?epoch=`: the history `upgradeLastSeq` belongs to. */
  readonly upgradeEpoch: string | null;
  topics: Topic[] | null;
  filter: EventFilter;
  /** The client takes `batch` frames (`?batch=1`, or `batch: true` in its auth frame). */
  batch: boolean;
  user: AuthUser | null;
  tokenHash: string | null;
  tokenExpiresAt: number;
  /** Arrival times of recent client frames, for the sliding-window rate limit. */
  frameTimes: number[];
  authTimer: ReturnType<typeof setTimeout> | null;
  heartbeatTimer: ReturnType<typeof setTimeout> | null;
  expiryTimer: ReturnType<typeof setTimeout> | null;
  /** The server's heartbeat: a `ping` every `heartbeatIntervalMs` after `welcome`. */
  pingTimer: ReturnType<typeof setInterval> | null;
  pingCounter: number;
  /** The ping waiting for its pong, with when it left (`performance.now()`). */
  pendingPing: { id: string; sentAt: number } | null;
  /** Round trip of the last answered ping, sent in the next one. */
  rttMs: number | null;
  /** Non-null while a chaos stall freezes this socket: frames waiting to go out. */
  heldOutbound: string[] | null;
  /** Client frames that arrived during a stall, processed when it ends. */
  heldInbound: Array<string | Buffer>;
  /** A close requested during a stall, carried out when it ends. */
  pendingClose: { code: number; reason: string } | null;
  /** Whether the socket currently gets events through Bun topics (`server.publish`). */
  published: boolean;
  closed: boolean;
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
    connectionId: crypto.randomUUID(),
    upgradeToken: init.token,
    upgradeLastSeq: init.lastSeq,
    upgradeEpoch: init.epoch,
    topics: init.topics,
    filter: init.filter,
    batch: init.batch,
    user: null,
    tokenHash: null,
    tokenExpiresAt: 0,
    frameTimes: [],
    authTimer: null,
    heartbeatTimer: null,
    expiryTimer: null,
    pingTimer: null,
    pingCounter: 0,
    pendingPing: null,
    rttMs: null,
    heldOutbound: null,
    heldInbound: [],
    pendingClose: null,
    published: false,
    closed: false,
  };
}
