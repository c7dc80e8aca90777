import { RealtimeClock, schedule } from '../platform/clock';
import { FrameRejection, readServerFrame } from '../protocol/frame-validation';
import { PROTOCOL_DEFAULTS, type ClientFrame, type ServerFrame, type WelcomeFrame } from '../protocol/protocol';
import type { RealtimeBackend, RealtimeSocket, SocketCloseInfo } from './realtime-backend';
import type { HeartbeatOptions } from '../config/realtime-config';

/**
 * How a {@link WebSocketTransport} ended.
 *
 * @example
 * ```ts
 * closed: (info: TransportClosed) => (info.reachedWelcome ? retry() : countFailure())
 * ```
 */
export interface TransportClosed extends SocketCloseInfo {
  /** The server sent `welcome` on this socket. */
  reachedWelcome: boolean;
  /** The SDK declared the socket dead: no frame within the heartbeat timeout. */
  heartbeatTimeout: boolean;
  /** The SDK gave up on the attempt: no `welcome` within the connect timeout. */
  connectTimeout?: boolean;
}

/**
 * What a {@link WebSocketTransport} reports to its owner.
 *
 * @example
 * ```ts
 * const handlers: WebSocketTransportHandlers = { welcome, frame, invalid, latency, heartbeat, closed };
 * ```
 */
export interface WebSocketTransportHandlers {
  welcome(frame: WelcomeFrame): void;
  /** Any valid frame after `welcome` other than the heartbeat (`ping` from the server, `pong` to ours). */
  frame(frame: ServerFrame): void;
  invalid(code: string, message: string, raw: unknown): void;
  /** A round trip was measured (by our ping after `welcome`, or by the server and reported in its ping). */
  latency(ms: number): void;
  /** The server's heartbeat arrived (already answered); `serverTime` is its clock. */
  heartbeat(serverTime: number): void;
  closed(info: TransportClosed): void;
}

/**
 * Options of one {@link WebSocketTransport}.
 *
 * @example
 * ```ts
 * new WebSocketTransport({ backend, clock, url, authToken: null, heartbeat: { timeoutMs: 30_000 }, connectTimeoutMs: 10_000, handlers });
 * ```
 */
export interface WebSocketTransportOptions {
  backend: RealtimeBackend;
  clock: RealtimeClock;
  url: string;
  /** Sent as the first frame when set (auth mode `frame`). */
  authToken: string | null;
  /** Announce `batch` frames in the `auth` frame too (the URL carries `batch=1` already). */
  batching?: boolean;
  /** App override of the silence timeout; otherwise `welcome`'s, then the protocol default. */
  heartbeat: HeartbeatOptions;
  /** How long the attempt may take to reach `welcome`. */
  connectTimeoutMs: number;
  handlers: WebSocketTransportHandlers;
}

const LIVENESS_CHECKS_PER_TIMEOUT = 4;

/**
 * One WebSocket connection attempt and its heartbeat. It knows nothing about retries or sequence
 * numbers; it reports what happened and its owner decides. The server drives the heartbeat: this
 * side answers each `ping` and declares the link dead after `timeoutMs` without any frame. No timer
 * is created or cancelled per frame.
 *
 * @example
 * ```ts
 * const transport = new WebSocketTransport({ backend, clock, url, authToken: null, heartbeat: {}, handlers });
 * transport.close(); // client-initiated: no `closed` callback
 * ```
 */
export class WebSocketTransport {
  readonly #socket: RealtimeSocket;
  private done = false;
  #welcomed = false;
  #timeoutMs: number;
  /**
   * A frame arrived since the last liveness check: the only per-frame bookkeeping the heartbeat
   * needs (reading a clock per frame costs more in Chromium than the rest of the dispatch).
   */
  private heard = false;
  /** The time of the last check that found frames (or of `welcome`): the last frame came no later. */
  #heardBy: number;
  #cancelDeadline: () => void = () => undefined;
  #latencyPing: { id: string; sentAt: number } | null = null;
  private readonly frameHandler: (frame: ServerFrame) => void;

  readonly #options: WebSocketTransportOptions;

  constructor(options: WebSocketTransportOptions) {
    this.#options = options;
    this.#timeoutMs = options.heartbeat.timeoutMs ?? PROTOCOL_DEFAULTS.heartbeatTimeoutMs;
    this.frameHandler = options.handlers.frame;
    this.#heardBy = options.clock.now();
    this.#socket = options.backend.openWebSocket(options.url, {
      open: () => this.#onOpen(),
      message: (data) => this.onMessage(data),
      close: (info) => this.#finish({ ...info, reachedWelcome: this.#welcomed, heartbeatTimeout: false }),
    });
    // A connect that hangs (blackholed host) is as dead as a silent socket.
    if (!this.done) this.#armConnectDeadline();
  }

  /** Whether `welcome` arrived. */
  get reachedWelcome(): boolean {
    return this.#welcomed;
  }

  /** Sends a client frame if the socket is still in use. */
  send(frame: ClientFrame): void {
    if (!this.done) this.#socket.send(JSON.stringify(frame));
  }

  /** Closes from the client side. The owner gets no `closed` callback: it already knows. */
  close(code = 1000, reason = ''): void {
    if (this.done) return;
    this.done = true;
    this.#cancelDeadline();
    this.#socket.close(code, reason);
  }

  #onOpen(): void {
    if (this.done) return;
    if (this.#options.authToken !== null) {
      this.send(this.#options.batching ? { type: 'auth', token: this.#options.authToken, batch: true } : { type: 'auth', token: this.#options.authToken });
    }
    // A half-open link can also hang before `welcome`; the deadline covers both phases.
    this.#armConnectDeadline();
  }

  private onMessage(data: unknown): void {
    if (this.done) return;
    this.heard = true;
    const frame = readServerFrame(data);
    if (frame instanceof FrameRejection) {
      this.#options.handlers.invalid(frame.code, frame.message, data);
      return;
    }
    const type = frame.type;
    if (type !== 'ping' && type !== 'pong' && type !== 'welcome') {
      this.frameHandler(frame);
      return;
    }
    switch (type) {
      case 'ping':
        // Answered here, from the message handler, never from a timer: a background tab's timers
        // may run once a minute, its network events do not wait.
        this.#socket.send(`{"type":"pong","id":${JSON.stringify(frame.id)}}`);
        if (frame.rttMs !== undefined) this.#options.handlers.latency(frame.rttMs);
        this.#options.handlers.heartbeat(frame.serverTime);
        return;
      case 'pong':
        if (this.#latencyPing?.id === frame.id) {
          this.#options.handlers.latency(Math.max(0, this.#options.clock.now() - this.#latencyPing.sentAt));
          this.#latencyPing = null;
        }
        return;
      case 'welcome':
        if (this.#welcomed) return;
        this.#welcomed = true;
        this.#timeoutMs = this.#options.heartbeat.timeoutMs ?? frame.heartbeat.timeoutMs;
        this.#heardBy = this.#options.clock.now();
        this.heard = false;
        this.#armLivenessCheck();
        // One ping of our own gives a latency figure at once; later ones come with the server's pings.
        this.#latencyPing = { id: 'latency', sentAt: this.#heardBy };
        this.send({ type: 'ping', id: 'latency' });
        this.#options.handlers.welcome(frame);
        return;
    }
  }

  #armConnectDeadline(): void {
    this.#cancelDeadline();
    this.#cancelDeadline = schedule(
      this.#options.clock,
      () => this.#declareDead('connect timeout'),
      this.#options.connectTimeoutMs,
    );
  }

  /**
   * Checks four times per timeout whether frames arrived, and judges silence from the last check
   * that found some (the last frame came no later), never from when the timer fires: a timer a
   * background tab runs a minute late finds recent frames and simply checks again. A dead link is
   * declared between `timeoutMs` and `1.25 x timeoutMs` after its last frame, never earlier.
   */
  #armLivenessCheck(): void {
    this.#cancelDeadline();
    const checkMs = this.#timeoutMs / LIVENESS_CHECKS_PER_TIMEOUT;
    this.#cancelDeadline = schedule(
      this.#options.clock,
      () => {
        if (this.done) return;
        const now = this.#options.clock.now();
        if (this.heard) {
          this.heard = false;
          this.#heardBy = now;
        } else if (now - this.#heardBy >= this.#timeoutMs) {
          this.#declareDead('heartbeat timeout');
          return;
        }
        this.#armLivenessCheck();
      },
      checkMs,
    );
  }

  #declareDead(reason: 'heartbeat timeout' | 'connect timeout'): void {
    if (this.done) return;
    // Half-open: the close handshake would never complete, so do not wait for it.
    this.#socket.close(4000, reason);
    this.#finish({ code: 4000, reason, reachedWelcome: this.#welcomed, heartbeatTimeout: this.#welcomed, connectTimeout: !this.#welcomed });
  }

  #finish(info: TransportClosed): void {
    if (this.done) return;
    this.done = true;
    this.#cancelDeadline();
    this.#options.handlers.closed(info);
  }
}
