import { schedule } from '../platform/clock';
import { DEFAULT_HEARTBEAT_TIMEOUT_MS } from '../protocol/protocol';
import type { ProtocolReady, ProtocolSink } from '../protocol/realtime-protocol';
import type { TransportKind } from './transport-kind';
import { LivenessWatch } from './liveness-watch';
import type { Transport, TransportClosed, TransportOptions } from './transport';

const LATENCY_PING_ID = 'latency';

/**
 * What every transport does between its I/O and its owner, whatever carries the frames: reads each
 * frame with the protocol (handing it the connection's `request.state`), answers heartbeats from the
 * message handler, sends the client heartbeat of protocols that need one, measures latency, watches
 * for silence, and turns a server's in-band `closing` into an end with its code. Whatever the
 * protocol reports after the connection ended (an asynchronous decryption that finished late) is
 * dropped here. Subclasses open the connection, call {@link opened} once it is open and its first
 * frames are sent, {@link receive} per frame and {@link finish} once when it ends.
 *
 * @example
 * ```ts
 * class MyTransport extends ProtocolLink { readonly kind = 'websocket'; ... }
 * ```
 */
export abstract class ProtocolLink implements Transport {
  abstract readonly kind: TransportKind;
  abstract readonly canSend: boolean;
  /** Set once the transport is closed or ended: every late callback is ignored. */
  protected done = false;
  #ready = false;
  readonly #watch: LivenessWatch;
  #latencySentAt: number | null = null;
  /**
   * When the next client heartbeat is due (`Infinity`: the protocol has none, or the connection is
   * not ready): compared per frame, so only protocols with a client heartbeat read the clock per frame.
   */
  #heartbeatDueAt = Infinity;
  #cancelHeartbeat: () => void = noop;
  /**
   * The sink the protocol writes to: the owner's handlers with ready, heartbeat, pong and closing seen
   * here first. Once the connection ended, every method is replaced by a no-op ({@link #silence}), so
   * what a protocol reports late (an asynchronous decryption) goes nowhere, at no cost per frame.
   */
  private readonly sink: ProtocolSink;

  constructor(protected readonly options: TransportOptions) {
    const handlers = options.handlers;
    this.#watch = new LivenessWatch(options.clock, (reason) => this.#declareDead(reason));
    this.sink = {
      ...handlers,
      ready: (ready) => this.#onReady(ready),
      heartbeat: (serverTime, rttMs, answer) => {
        // Answered here, from the message handler, never from a timer: a background tab's timers
        // may run once a minute, its network events do not wait.
        if (answer !== null && this.canSend) this.send(answer);
        if (rttMs !== undefined) handlers.latency(rttMs);
        handlers.heartbeat(serverTime, rttMs, answer);
      },
      pong: (id) => {
        if (id === LATENCY_PING_ID && this.#latencySentAt !== null) {
          handlers.latency(Math.max(0, options.clock.now() - this.#latencySentAt));
          this.#latencySentAt = null;
        }
      },
      closing: (code, reason) => {
        this.abort();
        this.finish({ code, reason, reachedReady: this.#ready, heartbeatTimeout: false });
      },
    };
  }

  get reachedReady(): boolean {
    return this.#ready;
  }

  abstract send(text: string): void;

  /** Closes from the client side. The owner gets no `closed` callback: it already knows. */
  close(code = 1000, reason = ''): void {
    if (this.done) return;
    this.done = true;
    this.#silence();
    this.#watch.stop();
    this.#stopHeartbeat();
    this.abort(code, reason);
  }

  /** Releases the connection's I/O without waiting for the other side. */
  protected abstract abort(code?: number, reason?: string): void;

  /**
   * The connection is open at the I/O level and its first frames are sent: the server has until the
   * deadline to say it is ready, and a protocol whose server says nothing on connect may say so now.
   */
  protected opened(): void {
    if (this.done) return;
    this.#watch.deadline(this.options.connectTimeoutMs);
    this.options.protocol.opened?.(this.sink, this.options.request.state);
  }

  /** One frame's data. */
  protected receive(data: unknown): void {
    if (this.done) return;
    this.#watch.heard = true;
    // Network events are not throttled in a background tab, timers are: a heartbeat that its timer
    // has not sent yet goes out with the next frame that arrives after it was due.
    if (this.#heartbeatDueAt !== Infinity && this.options.clock.now() >= this.#heartbeatDueAt) this.#sendHeartbeat();
    this.options.protocol.read(data, this.sink, this.options.request.state);
  }

  /** Any sign of life that is not a frame (a stream's comment). */
  protected alive(): void {
    this.#watch.heard = true;
  }

  protected finish(info: TransportClosed): void {
    if (this.done) return;
    this.done = true;
    this.#silence();
    this.#watch.stop();
    this.#stopHeartbeat();
    this.options.handlers.closed(info);
  }

  /** The connection ended: nothing the protocol reports from now on reaches the owner. */
  #silence(): void {
    Object.assign(this.sink, SILENT_SINK);
  }

  /** Arms the connect deadline; a subclass calls it once its I/O exists. */
  protected start(): void {
    if (!this.done) this.#watch.deadline(this.options.connectTimeoutMs);
  }

  #onReady(ready: ProtocolReady): void {
    if (this.#ready) return;
    this.#ready = true;
    const protocol = this.options.protocol;
    const timeoutMs =
      this.options.heartbeatTimeoutMs ??
      ready.heartbeatTimeoutMs ??
      (protocol.capabilities.serverHeartbeat ? DEFAULT_HEARTBEAT_TIMEOUT_MS : Infinity);
    this.#watch.watch(timeoutMs);
    if (protocol.capabilities.clientHeartbeat && protocol.heartbeatFrame && this.canSend) this.#scheduleHeartbeat();
    // One ping of our own gives a latency figure at once; later ones come with the server's pings.
    const ping = this.canSend ? protocol.ping(LATENCY_PING_ID) : null;
    if (ping !== null) {
      this.#latencySentAt = this.options.clock.now();
      this.send(ping);
    }
    this.options.handlers.ready(ready);
  }

  /** Sends the client heartbeat and plans the next one a whole interval later, whoever sent this one. */
  #sendHeartbeat(): void {
    if (this.done) return;
    this.send(this.options.protocol.heartbeatFrame!());
    this.#scheduleHeartbeat();
  }

  #scheduleHeartbeat(): void {
    const intervalMs = this.options.protocol.capabilities.clientHeartbeat!.intervalMs;
    this.#cancelHeartbeat();
    this.#heartbeatDueAt = this.options.clock.now() + intervalMs;
    this.#cancelHeartbeat = schedule(this.options.clock, () => this.#sendHeartbeat(), intervalMs);
  }

  #stopHeartbeat(): void {
    this.#cancelHeartbeat();
    this.#cancelHeartbeat = noop;
    this.#heartbeatDueAt = Infinity;
  }

  #declareDead(reason: 'heartbeat timeout' | 'connect timeout'): void {
    if (this.done) return;
    // Half-open: a close handshake would never complete, so do not wait for it.
    this.abort(4000, reason);
    this.finish({ code: 4000, reason, reachedReady: this.#ready, heartbeatTimeout: this.#ready, connectTimeout: !this.#ready });
  }
}

function noop(): void {}

const SILENT_SINK: ProtocolSink = {
  ready: noop,
  event: noop,
  events: noop,
  volatile: noop,
  heartbeat: noop,
  pong: noop,
  gap: noop,
  advance: noop,
  tokenAccepted: noop,
  tokenRefused: noop,
  closing: noop,
  error: noop,
  invalid: noop,
};
