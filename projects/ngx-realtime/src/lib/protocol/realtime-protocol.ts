import type { DisconnectReason } from '../stream/connection-state';
import type { TransportKind } from '../transport/transport-kind';
import type { ProtocolRooms } from './protocol-rooms';

/**
 * An event as the SDK hands it to subscribers, whatever wire it came from: a `type` naming it, a
 * `seq` when the protocol numbers its events (then delivery is exactly once and in order), and the
 * event's own fields.
 *
 * @example
 * ```ts
 * interface OrderShipped extends RealtimeEvent { type: 'order_shipped'; orderId: string }
 * realtime.on<OrderShipped>('order_shipped').subscribe((e) => console.log(e.orderId));
 * ```
 */
export interface RealtimeEvent {
  readonly type: string;
  readonly seq?: number;
}

/**
 * Where a stream stands, so a new connection can resume after the last event delivered. Only the
 * protocol that made a position reads it; sessions, transports and tabs pass it along unread (it
 * is structured-cloneable, so it crosses tabs). Protocols without replay never make one.
 *
 * @example
 * ```ts
 * const request = protocol.connect({ ...context, position: host.position() });
 * ```
 */
export interface StreamPosition {
  /** The newest seq delivered, or the server's position before any. */
  readonly seq: number | null;
  /** The name of the history `seq` belongs to, when the server names one. */
  readonly epoch: string | null;
}

/**
 * What a protocol can do. The session, the transport switch, token rotation and tab sharing act on
 * these, never on a protocol's name.
 *
 * @example
 * ```ts
 * if (!protocol.capabilities.replay) realtime.resync$.subscribe(() => reload());
 * ```
 */
export interface ProtocolCapabilities {
  /** A new connection resumes from a {@link StreamPosition}: events arrive exactly once, in order. */
  readonly replay: boolean;
  /** The server sends heartbeats, so silence longer than the timeout means a dead link. */
  readonly serverHeartbeat: boolean;
  /** A fresh token can be sent on the open connection; otherwise the SDK reconnects with it. */
  readonly rotation: boolean;
  /** The server can pack several events into one frame. */
  readonly batching: boolean;
  /** The server has rooms the client joins and leaves (`join()`/`leave()`); the protocol then has `rooms`. */
  readonly rooms: boolean;
  /** The transports this protocol runs on, in the order they are tried. */
  readonly transports: readonly TransportKind[];
  /**
   * The server expects the client to send a heartbeat (`protocol.heartbeatFrame()`) at least this
   * often, or it closes idle connections (Ignis: every 90 s). The transport sends one every
   * `intervalMs` once the connection is ready, from a timer and also from the message handler when one
   * is due, since a background tab's timers may run only once a minute while its network events do
   * not wait. Without it the client sends nothing unasked.
   */
  readonly clientHeartbeat?: { readonly intervalMs: number };
}

/**
 * The connection is usable: what the server said when it accepted it.
 *
 * @example
 * ```ts
 * ready: (r: ProtocolReady) => rotation.schedule(r.tokenExpiresAt, r.serverTime)
 * ```
 */
export interface ProtocolReady {
  /** The server's position, for protocols with replay. */
  readonly position: StreamPosition | null;
  readonly tokenExpiresAt?: number;
  /** The server's clock when it said so (token lifetimes are measured on it). */
  readonly serverTime?: number;
  /** Silence after which the link is dead, when the server drives a heartbeat. */
  readonly heartbeatTimeoutMs?: number;
  /** Anything else the server said (the raw welcome), for apps that want it. */
  readonly detail?: unknown;
}

/**
 * A gap the app must recover from: events were missed and will not come (history expired, another
 * epoch, a reconnect without replay, a server that skipped events for a slow reader).
 *
 * @example
 * ```ts
 * gap: (g: ProtocolGap) => console.warn(g.reason, g.skipped)
 * ```
 */
export interface ProtocolGap {
  readonly reason: string;
  /** Where the stream continues, for protocols with positions. */
  readonly position: StreamPosition | null;
  /** How many events were skipped, when the server says. */
  readonly skipped?: number;
}

/**
 * Where a protocol puts what it read from one frame: the small set every protocol maps its wire to.
 * Transports call it from their message handlers, so it must be cheap: a protocol calls one method
 * per frame and allocates nothing it does not have to.
 *
 * @example
 * ```ts
 * protocol.read(message.data, sink);
 * ```
 */
export interface ProtocolSink {
  ready(ready: ProtocolReady): void;
  /** One durable event. */
  event(event: RealtimeEvent): void;
  /** Several durable events that arrived together, already validated. */
  events(events: readonly RealtimeEvent[]): void;
  /** An event that is not kept or replayed (a stats push): delivered, never sequenced. */
  volatile(event: RealtimeEvent): void;
  /** The server's heartbeat; `answer` is what to send back at once, if anything. */
  heartbeat(serverTime: number | undefined, rttMs: number | undefined, answer: string | null): void;
  /** The answer to a ping of ours. */
  pong(id: string): void;
  gap(gap: ProtocolGap): void;
  /** The transport has covered everything up to this position (a replay finished). */
  advance(position: StreamPosition): void;
  /** The server took a token sent on the open connection. */
  tokenAccepted(tokenExpiresAt: number | undefined, serverTime: number | undefined): void;
  /** The server refused a token sent on the open connection. */
  tokenRefused(message: string, detail: unknown): void;
  /** The server ends the connection in-band (streams have no close code): treated as a close with `code`. */
  closing(code: number, reason: string): void;
  /** The server reported a problem (a value for `errors$`). */
  error(code: string, message: string, detail?: unknown): void;
  /** A frame that breaks the protocol: reported, never delivered. */
  invalid(code: string, message: string, raw: unknown): void;
}

/**
 * What a protocol is told when a connection is about to open.
 *
 * @example
 * ```ts
 * protocol.connect({ url: 'wss://h/ws/events', transport: 'websocket', token: 't', position: null, batching: true, params: {} });
 * ```
 */
export interface ConnectContext {
  /** The endpoint the app configured, resolved to an absolute URL for this transport. */
  readonly url: string;
  readonly transport: TransportKind;
  readonly token: string | null;
  /** Where to resume from (protocols with replay); `null` before any event. */
  readonly position: StreamPosition | null;
  /** The app asked for batch frames (`withBatching()`). */
  readonly batching: boolean;
  /** How the app wants its token sent on a WebSocket: `'query'` or `'frame'`. */
  readonly authMode: 'query' | 'frame';
  /** Server-side filters the app configured, as query parameters. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * How to open a connection, as a protocol wants it.
 *
 * @example
 * ```ts
 * const { url, headers, firstFrames } = protocol.connect(context);
 * ```
 */
export interface ConnectRequest {
  readonly url: string;
  /** Request headers (streams over `fetch` only: a browser's WebSocket cannot send headers). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Frames to send as soon as a WebSocket opens (authentication, joining rooms). A promise when they
   * take asynchronous work (a key pair from WebCrypto, an asynchronous credentials function): the
   * transport sends them once the socket is open and the promise resolved, unless the connection
   * ended meanwhile. A rejected promise ends the attempt (close code 4000, reported on `errors$` as
   * `first_frames_failed`), and the session retries as after any failed attempt.
   */
  readonly firstFrames?: readonly string[] | PromiseLike<readonly string[]>;
  /**
   * The protocol's own state for this one connection (a key pair, a decryption queue), handed back
   * unread as the last argument of {@link RealtimeProtocol.read} and {@link RealtimeProtocol.opened}
   * for every frame of this connection, and dropped with it. Protocols without per-connection state
   * leave it out.
   */
  readonly state?: unknown;
}

/**
 * A wire protocol: how a server's frames become the SDK's events and state, and what the SDK sends.
 * The default is the native protocol; others are given with `withProtocol()`.
 *
 * @example
 * ```ts
 * provideRealtime({ url: 'https://store.example.com/events' }, withProtocol(myProtocol));
 * ```
 */
export interface RealtimeProtocol {
  /** A short name for messages and devtools (`'native'`, `'apexstore-cdc'`). */
  readonly name: string;
  readonly capabilities: ProtocolCapabilities;
  /**
   * Where the stream and polling endpoints are when the app gives no `sseUrl`/`pollUrl`: paths on
   * the origin of the configured `url`.
   */
  readonly paths?: { readonly sse?: string; readonly poll?: string };
  /** The request that opens a connection on `context.transport`. */
  connect(context: ConnectContext): ConnectRequest;
  /**
   * Reads one frame (a message's data, or an SSE event's data) into `sink`. `state` is the
   * connection's {@link ConnectRequest.state}. A protocol may call `sink` later, asynchronously (a
   * frame that must be decrypted first), as long as it keeps the frames' order; calls that come after
   * the connection ended are dropped by the transport.
   */
  read(data: unknown, sink: ProtocolSink, state?: unknown): void;
  /**
   * The connection is open at the I/O level and its first frames are sent. A protocol whose server
   * says nothing when it accepts a connection (a plain JSON socket) calls `sink.ready()` here; the
   * others leave it out and call it when the server's welcome arrives.
   */
  opened?(sink: ProtocolSink, state?: unknown): void;
  /** The client heartbeat to send, for protocols with `capabilities.clientHeartbeat`. */
  heartbeatFrame?(): string;
  /** The frame that moves the open connection to `token`; `null` when the protocol cannot (then it reconnects). */
  rotate(token: string): string | null;
  /** A ping of ours whose `pong` measures the round trip; `null` when the protocol has none. */
  ping(id: string): string | null;
  /**
   * The rooms, for protocols with `capabilities.rooms`: made by `protocolRooms()` from the frames
   * that join and leave them. The bookkeeping comes with the protocol, so an app whose protocol has
   * no rooms bundles none of it.
   */
  readonly rooms?: ProtocolRooms;
  /**
   * Whether the server's position `ready` leaves a gap behind `known` that the server will not
   * report itself (it lost its history): the session then emits a resync.
   */
  lostHistory?(known: StreamPosition | null, ready: ProtocolReady): boolean;
  /**
   * What a close code means (`unauthorized` and `session_revoked` end the session, `token_expired`
   * refreshes the token, anything else retries). Without it, the native protocol's codes apply
   * (`reasonForCloseCode`).
   */
  closeReason?(code: number): DisconnectReason;
  /**
   * Whether a close with this code ends the session, whatever its reason: the server would refuse
   * every retry the same way (a frame it will always find too large, a handshake it will always
   * refuse). The state then ends `disconnected` with the reason `closeReason(code)` gives. Without
   * it, only `unauthorized` and `session_revoked` end a session.
   */
  closeIsFinal?(code: number): boolean;
  /** Whether a message from another tab is an event this protocol delivers (checked like a frame). */
  checkEvent?(value: unknown): value is RealtimeEvent;
  /** Whether an HTTP refusal of a stream or poll says the token expired (refresh it) rather than that it is bad. */
  tokenExpired?(status: number, error: string | null): boolean;
}
