import type { RealtimeClock } from '../platform/clock';
import type { ConnectRequest, ProtocolSink, RealtimeProtocol } from '../protocol/realtime-protocol';
import type { RealtimeBackend, SocketCloseInfo } from './realtime-backend';
import type { TransportKind } from './transport-kind';

/**
 * How a transport ended, in WebSocket close codes whatever the transport (a stream's HTTP refusal
 * maps to the code a socket would have closed with), so one set of rules decides what comes next.
 *
 * @example
 * ```ts
 * closed: (info: TransportClosed) => (info.reachedReady ? retry() : countFailure())
 * ```
 */
export interface TransportClosed extends SocketCloseInfo {
  /** The server accepted the connection (its `ready`) before it ended. */
  reachedReady: boolean;
  /** The SDK declared the link dead: no frame within the heartbeat timeout. */
  heartbeatTimeout: boolean;
  /** The SDK gave up on the attempt: not ready within the connect timeout. */
  connectTimeout?: boolean;
  /** The server asked to wait at least this long before reconnecting (an event stream's `retry:`). */
  retryAfterMs?: number;
}

/**
 * What a transport reports: everything its protocol read, its latency, and its end.
 *
 * @example
 * ```ts
 * const handlers: TransportHandlers = { ...sink, latency: (ms) => show(ms), closed: (info) => decide(info) };
 * ```
 */
export interface TransportHandlers extends ProtocolSink {
  /** A round trip was measured (our ping's pong, or the server's figure). */
  latency(ms: number): void;
  closed(info: TransportClosed): void;
}

/**
 * One connection attempt on one transport, as the session sees it. It knows nothing of retries or
 * positions: it reports, its owner decides.
 *
 * @example
 * ```ts
 * if (transport.reachedReady && transport.canSend) transport.send(protocol.rotate(token)!);
 * transport.close(); // client-initiated: no `closed` callback
 * ```
 */
export interface Transport {
  readonly kind: TransportKind;
  readonly reachedReady: boolean;
  /** Whether frames can go to the server on this connection (a stream is one-way). */
  readonly canSend: boolean;
  send(text: string): void;
  /** Closes from the client side; the owner gets no `closed` callback. */
  close(code?: number, reason?: string): void;
}

/**
 * What a transport is made with.
 *
 * @example
 * ```ts
 * new WebSocketTransport({ backend, clock, protocol, request, heartbeatTimeoutMs: null, connectTimeoutMs: 10_000, handlers });
 * ```
 */
export interface TransportOptions {
  readonly backend: RealtimeBackend;
  readonly clock: RealtimeClock;
  readonly protocol: RealtimeProtocol;
  readonly request: ConnectRequest;
  /** The app's silence timeout (`withHeartbeat`), else the server's, else the protocol default. */
  readonly heartbeatTimeoutMs: number | null;
  /** How long the attempt may take to be ready. */
  readonly connectTimeoutMs: number;
  readonly handlers: TransportHandlers;
}
