import type { AuthUser, EventFilter, Topic } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';

/**
 * What every realtime connection holds once it is open, whichever transport carries it (a
 * WebSocket's `ws.data`, a Server-Sent Events stream's `data`): its subscription, its token, its
 * clocks, and what a chaos stall holds back.
 *
 * @example
 * ```ts
 * if (conn.data.heldOutbound !== null) conn.data.heldOutbound.push(wire); // stalled: later, in order
 * ```
 */
export interface ConnectionState {
  readonly connectionId: string;
  topics: Topic[] | null;
  filter: EventFilter;
  /** The client takes `batch` frames (`?batch=1`, or `batch: true` in its auth frame). */
  batch: boolean;
  user: AuthUser | null;
  tokenHash: string | null;
  tokenExpiresAt: number;
  expiryTimer: ReturnType<typeof setTimeout> | null;
  /** The server's heartbeat: a `ping` every `heartbeatIntervalMs` after `welcome`. */
  pingTimer: ReturnType<typeof setInterval> | null;
  pingCounter: number;
  /** Non-null while a chaos stall freezes this connection: what waits to go out, as it will be written. */
  heldOutbound: string[] | null;
  /** A close requested during a stall, carried out when it ends. */
  pendingClose: { code: number; reason: string } | null;
  closed: boolean;
}

/**
 * The state of a connection that has just opened: not yet authenticated, nothing held.
 *
 * @example
 * ```ts
 * const data = newConnectionState({ topics: ['key_change'], filter: { cf: 'default' }, batch: true });
 * ```
 */
export function newConnectionState(init: { topics: Topic[] | null; filter: EventFilter; batch: boolean }): ConnectionState {
  return {
    connectionId: crypto.randomUUID(),
    topics: init.topics,
    filter: init.filter,
    batch: init.batch,
    user: null,
    tokenHash: null,
    tokenExpiresAt: 0,
    expiryTimer: null,
    pingTimer: null,
    pingCounter: 0,
    heldOutbound: null,
    pendingClose: null,
    closed: false,
  };
}
