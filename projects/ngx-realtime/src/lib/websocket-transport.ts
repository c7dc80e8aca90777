import { RealtimeClock, schedule } from './clock';
import { parseServerFrame } from './frame-validation';
import { PROTOCOL_DEFAULTS, type ClientFrame, type ServerFrame, type WelcomeFrame } from './protocol';
import type { RealtimeBackend, RealtimeSocket, SocketCloseInfo } from './realtime-backend';
import type { HeartbeatOptions } from './realtime-config';

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
 * const handlers: WebSocketTransportHandlers = { welcome, frame, invalid, latency, closed };
 * ```
 */
export interface WebSocketTransportHandlers {
  welcome(frame: WelcomeFrame): void;
  /** Any valid frame after `welcome` other than `pong`. */
  frame(frame: ServerFrame): void;
  invalid(code: string, message: string, raw: unknown): void;
  latency(ms: number): void;
  closed(info: TransportClosed): void;
}

/**
 * Options of one {@link WebSocketTransport}.
 *
 * @example
 * ```ts
 * new WebSocketTransport({ backend, clock, url, authToken: null, heartbeat: { intervalMs: 10_000 }, handlers });
 * ```
 */
export interface WebSocketTransportOptions {
  backend: RealtimeBackend;
  clock: RealtimeClock;
  url: string;
  /** Sent as the first frame when set (auth mode `frame`). */
  authToken: string | null;
  /** App overrides; missing figures come from `welcome`, then protocol defaults. */
  heartbeat: HeartbeatOptions;
  /** How long the attempt may take to reach `welcome`. */
  connectTimeoutMs: number;
  handlers: WebSocketTransportHandlers;
}

/**
 * One WebSocket connection attempt and its heartbeat. It knows nothing about retries or sequence
 * numbers; it reports what happened and its owner decides.
 *
 * @example
 * ```ts
 * const transport = new WebSocketTransport({ backend, clock, url, authToken: null, heartbeat: {}, handlers });
 * transport.close(); // client-initiated: no `closed` callback
 * ```
 */
export class WebSocketTransport {
  private readonly socket: RealtimeSocket;
  private done = false;
  private welcomed = false;
  private intervalMs: number;
  private timeoutMs: number;
  private cancelPing: () => void = () => undefined;
  private cancelDeadline: () => void = () => undefined;
  private readonly pings = new Map<string, number>();
  private pingCounter = 0;

  constructor(private readonly options: WebSocketTransportOptions) {
    this.intervalMs = options.heartbeat.intervalMs ?? PROTOCOL_DEFAULTS.heartbeatIntervalMs;
    this.timeoutMs = options.heartbeat.timeoutMs ?? PROTOCOL_DEFAULTS.heartbeatTimeoutMs;
    this.socket = options.backend.openWebSocket(options.url, {
      open: () => this.onOpen(),
      message: (data) => this.onMessage(data),
      close: (info) => this.finish({ ...info, reachedWelcome: this.welcomed, heartbeatTimeout: false }),
    });
    // A connect that hangs (blackholed host) is as dead as a silent socket.
    if (!this.done) this.armDeadline();
  }

  /** Whether `welcome` arrived. */
  get reachedWelcome(): boolean {
    return this.welcomed;
  }

  /** Sends a client frame if the socket is still in use. */
  send(frame: ClientFrame): void {
    if (!this.done) this.socket.send(JSON.stringify(frame));
  }

  /** Closes from the client side. The owner gets no `closed` callback: it already knows. */
  close(code = 1000, reason = ''): void {
    if (this.done) return;
    this.done = true;
    this.stopTimers();
    this.socket.close(code, reason);
  }

  private onOpen(): void {
    if (this.done) return;
    if (this.options.authToken !== null) this.send({ type: 'auth', token: this.options.authToken });
    // A half-open link can also hang before `welcome`; the deadline covers both phases.
    this.armDeadline();
  }

  private onMessage(data: unknown): void {
    if (this.done) return;
    this.armDeadline();
    const result = parseServerFrame(data);
    if (!result.ok) {
      this.options.handlers.invalid(result.code, result.message, data);
      return;
    }
    const frame = result.frame;
    if (frame.type === 'welcome') {
      if (this.welcomed) return;
      this.welcomed = true;
      this.intervalMs = this.options.heartbeat.intervalMs ?? frame.heartbeat.intervalMs;
      this.timeoutMs = this.options.heartbeat.timeoutMs ?? frame.heartbeat.timeoutMs;
      this.armDeadline();
      this.schedulePing();
      this.options.handlers.welcome(frame);
      return;
    }
    if (frame.type === 'pong') {
      const sentAt = this.pings.get(frame.id);
      if (sentAt !== undefined) {
        this.pings.delete(frame.id);
        this.options.handlers.latency(Math.max(0, this.options.clock.now() - sentAt));
      }
      return;
    }
    this.options.handlers.frame(frame);
  }

  private schedulePing(): void {
    this.cancelPing();
    this.cancelPing = schedule(
      this.options.clock,
      () => {
        if (this.done) return;
        const id = `p${++this.pingCounter}`;
        // Only the newest ping matters for latency; unanswered ones must not pile up.
        this.pings.clear();
        this.pings.set(id, this.options.clock.now());
        this.send({ type: 'ping', id });
        this.schedulePing();
      },
      this.intervalMs,
    );
  }

  private armDeadline(): void {
    this.cancelDeadline();
    this.cancelDeadline = schedule(
      this.options.clock,
      () => {
        if (this.done) return;
        const reason = this.welcomed ? 'heartbeat timeout' : 'connect timeout';
        // Half-open: the close handshake would never complete, so do not wait for it.
        this.socket.close(4000, reason);
        this.finish({ code: 4000, reason, reachedWelcome: this.welcomed, heartbeatTimeout: this.welcomed, connectTimeout: !this.welcomed });
      },
      // Until welcome the attempt is still connecting; after it, silence means a dead link.
      this.welcomed ? this.timeoutMs : this.options.connectTimeoutMs,
    );
  }

  private stopTimers(): void {
    this.cancelPing();
    this.cancelDeadline();
    this.pings.clear();
  }

  private finish(info: TransportClosed): void {
    if (this.done) return;
    this.done = true;
    this.stopTimers();
    this.options.handlers.closed(info);
  }
}
