import type { TransportKind } from '../transport/transport-kind';

export type { TransportKind } from '../transport/transport-kind';
/**
 * The connection's observable state, and the one reducer every change goes through, so the
 * state a UI shows can never contradict what the SDK is doing.
 */

/**
 * Coarse status for UIs. `reconnecting` means the SDK is working on it (connecting, waiting for a
 * retry, or waiting for the network to come back); `disconnected` means it will not try again by
 * itself (see {@link ConnectionState.reason}).
 *
 * @example
 * ```ts
 * realtime.connectionStatus$.subscribe((s: ConnectionStatus) => (banner.hidden = s === 'connected'));
 * ```
 */
export type ConnectionStatus = 'connected' | 'disconnected' | 'reconnecting';

/**
 * A tab's part in sharing one connection (`withTabSharing()`): the `leader` holds the connection,
 * a `follower` gets the leader's events and state over a BroadcastChannel, and a tab that connects
 * on its own (no sharing, or no Web Locks) is `alone`.
 *
 * @example
 * ```ts
 * const isLeader = computed(() => realtime.connectionState().role === 'leader');
 * ```
 */
export type TabRole = 'leader' | 'follower' | 'alone';

/**
 * Why the connection is (or was last) down.
 * - `client`: the app called `disconnect()` (or `withAuth` saw `null`).
 * - `unauthorized`: the token was rejected (close 4003, or an expired token for which no fresh one
 *   came). **Sign in again.**
 * - `session_revoked`: the session was logged out elsewhere (close 4005). **Sign in again.**
 * - `token_expired`: the token expired before it could be rotated (a laptop slept past it); the SDK
 *   is getting a fresh one and reconnecting. Never a reason to send the user to login: if no fresh
 *   token comes, the state moves on to `unauthorized`.
 * - `offline`: the browser reports no network; the SDK waits for `online`.
 * - `server_shutdown`: the server restarted (close 1001).
 * - `network`: the connection failed or was cut (1006 and unknown codes).
 * - `heartbeat_timeout`: no frame arrived in time (half-open link), or the server said so (4002).
 * - `rate_limited`: the server closed with 1008.
 * - `protocol`: the server rejected what it received (1003, 1009, 4001).
 *
 * @example
 * ```ts
 * if (realtime.connectionState().reason === 'unauthorized') router.navigate(['/login']);
 * ```
 */
export type DisconnectReason =
  | 'client'
  | 'unauthorized'
  | 'session_revoked'
  | 'token_expired'
  | 'offline'
  | 'server_shutdown'
  | 'network'
  | 'heartbeat_timeout'
  | 'connect_timeout'
  | 'rate_limited'
  | 'protocol';

/**
 * Everything a UI may want to show about the connection.
 *
 * @example
 * ```ts
 * const state = inject(WebSocketService).connectionState;
 * const banner = computed(() => state().status === 'reconnecting' && state().nextRetryAt !== null);
 * ```
 */
export interface ConnectionState {
  status: ConnectionStatus;
  /** The transport in use while `connected`, otherwise `null`. */
  transport: TransportKind | null;
  /** Retries since the last connection that stayed up long enough to count as stable. */
  attempt: number;
  /** When the next retry starts (ms since epoch), if one is scheduled. */
  nextRetryAt: number | null;
  /** Close code of the last WebSocket that closed, if any. */
  lastCloseCode: number | null;
  /** Why the connection is down, or was last down; `null` before any trouble and while healthy. */
  reason: DisconnectReason | null;
  /**
   * Heartbeat round trip in whole ms, `null` until measured (and while polling). Updated only when
   * it moves by 20% or 5 ms, whichever is more, so a heartbeat does not re-render every screen.
   */
  latencyMs: number | null;
  /** This tab's part in a shared connection; `alone` without `withTabSharing()`. */
  role: TabRole;
}

/**
 * State before `connect()`.
 *
 * @example
 * ```ts
 * expect(service.connectionState()).toEqual(INITIAL_CONNECTION_STATE);
 * ```
 */
export const INITIAL_CONNECTION_STATE: ConnectionState = Object.freeze({
  status: 'disconnected',
  transport: null,
  attempt: 0,
  nextRetryAt: null,
  lastCloseCode: null,
  reason: null,
  latencyMs: null,
  role: 'alone',
});

/**
 * Everything that can happen to the connection.
 * - `connecting`: an attempt starts (a probe while polling does not count).
 * - `connected`: a transport delivers events.
 * - `stable`: the connection stayed up long enough; the retry count starts over.
 * - `retry_scheduled`: the connection is down and a retry is planned after backoff.
 * - `waiting_offline`: the connection is down and the browser is offline.
 * - `stopped`: the connection is down for good, until the app calls `connect()`.
 * - `token_expired`: the token expired; the SDK is getting a fresh one before it reconnects.
 * - `role`: the tab became leader or follower of a shared connection, or left it.
 * - `mirror`: a follower takes the leader's state as its own.
 * - `latency`: a heartbeat round trip was measured (ignored when it barely differs from the shown one).
 *
 * @example
 * ```ts
 * state = connectionReducer(state, { type: 'latency', latencyMs: 42 });
 * ```
 */
export type ConnectionAction =
  | { type: 'connecting' }
  | { type: 'connected'; transport: TransportKind }
  | { type: 'stable' }
  | { type: 'retry_scheduled'; attempt: number; nextRetryAt: number; closeCode: number | null; reason: DisconnectReason }
  | { type: 'waiting_offline'; closeCode: number | null }
  | { type: 'stopped'; reason: DisconnectReason; closeCode: number | null }
  | { type: 'token_expired'; closeCode: number | null }
  | { type: 'role'; role: TabRole }
  | { type: 'mirror'; state: ConnectionState }
  | { type: 'latency'; latencyMs: number };

const LATENCY_MIN_CHANGE_MS = 5;
const LATENCY_MIN_CHANGE_RATIO = 0.2;

/**
 * The single place connection state changes. Pure: same input, same output.
 *
 * @example
 * ```ts
 * const next = connectionReducer(INITIAL_CONNECTION_STATE, { type: 'connecting' });
 * next.status; // 'reconnecting'
 * ```
 */
export function connectionReducer(state: ConnectionState, action: ConnectionAction): ConnectionState {
  switch (action.type) {
    case 'connecting':
      return { ...state, status: 'reconnecting', transport: null, nextRetryAt: null, latencyMs: null };
    case 'connected':
      return { ...state, status: 'connected', transport: action.transport, nextRetryAt: null, reason: null };
    case 'stable':
      return state.attempt === 0 ? state : { ...state, attempt: 0 };
    case 'retry_scheduled':
      return { ...down(state, 'reconnecting', action.reason, action.closeCode), attempt: action.attempt, nextRetryAt: action.nextRetryAt };
    case 'waiting_offline':
      return down(state, 'reconnecting', 'offline', action.closeCode);
    case 'token_expired':
      return down(state, 'reconnecting', 'token_expired', action.closeCode);
    case 'stopped':
      return down(state, 'disconnected', action.reason, action.closeCode);
    case 'role':
      return state.role === action.role ? state : { ...state, role: action.role };
    case 'mirror':
      return { ...action.state, role: 'follower' };
    case 'latency': {
      const latencyMs = Math.round(action.latencyMs);
      const shown = state.latencyMs;
      // Jitter is not news: a UI re-renders only when the figure moved by 20% (at least 5 ms).
      if (shown !== null && Math.abs(latencyMs - shown) < Math.max(LATENCY_MIN_CHANGE_MS, shown * LATENCY_MIN_CHANGE_RATIO)) {
        return state;
      }
      return { ...state, latencyMs };
    }
  }
}

/** The connection is down: no transport, no retry time, no latency; the close code kept if none is new. */
function down(state: ConnectionState, status: ConnectionStatus, reason: DisconnectReason, closeCode: number | null): ConnectionState {
  return { ...state, status, transport: null, nextRetryAt: null, lastCloseCode: closeCode ?? state.lastCloseCode, reason, latencyMs: null };
}

/**
 * Maps a WebSocket close code to the reason the SDK reports for it.
 *
 * @example
 * ```ts
 * reasonForCloseCode(1001); // 'server_shutdown'
 * ```
 */
export function reasonForCloseCode(code: number): DisconnectReason {
  return CLOSE_REASONS[code] ?? 'network';
}

/** The close codes with a reason of their own; every other code is `network`. */
const CLOSE_REASONS: Readonly<Record<number, DisconnectReason>> = {
  1000: 'server_shutdown',
  1001: 'server_shutdown',
  1008: 'rate_limited',
  1003: 'protocol',
  1009: 'protocol',
  4001: 'protocol',
  4002: 'heartbeat_timeout',
  4003: 'unauthorized',
  4004: 'token_expired',
  4005: 'session_revoked',
};
