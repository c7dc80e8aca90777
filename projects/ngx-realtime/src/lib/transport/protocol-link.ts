import { DEFAULT_HEARTBEAT_TIMEOUT_MS } from '../protocol/protocol';
import type { ProtocolReady, ProtocolSink } from '../protocol/realtime-protocol';
import type { TransportKind } from './transport-kind';
import { LivenessWatch } from './liveness-watch';
import type { Transport, TransportClosed, TransportOptions } from './transport';

const LATENCY_PING_ID = 'latency';

/**
 * What every transport does between its I/O and its owner, whatever carries the frames: reads each
 * frame with the protocol, answers heartbeats from the message handler, measures latency, watches
 * for silence, and turns a server's in-band `closing` into an end with its code. Subclasses open
 * the connection, call {@link receive} per frame and {@link finish} once when it ends.
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
  /** The sink the protocol writes to: the owner's handlers with ready, heartbeat, pong and closing seen here first. */
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
    this.#watch.stop();
    this.abort(code, reason);
  }

  /** Releases the connection's I/O without waiting for the other side. */
  protected abstract abort(code?: number, reason?: string): void;

  /** The connection is open at the I/O level: the server has until the deadline to say it is ready. */
  protected opened(): void {
    this.#watch.deadline(this.options.connectTimeoutMs);
  }

  /** One frame's data. */
  protected receive(data: unknown): void {
    if (this.done) return;
    this.#watch.heard = true;
    this.options.protocol.read(data, this.sink);
  }

  /** Any sign of life that is not a frame (a stream's comment). */
  protected alive(): void {
    this.#watch.heard = true;
  }

  protected finish(info: TransportClosed): void {
    if (this.done) return;
    this.done = true;
    this.#watch.stop();
    this.options.handlers.closed(info);
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
    // One ping of our own gives a latency figure at once; later ones come with the server's pings.
    const ping = this.canSend ? protocol.ping(LATENCY_PING_ID) : null;
    if (ping !== null) {
      this.#latencySentAt = this.options.clock.now();
      this.send(ping);
    }
    this.options.handlers.ready(ready);
  }

  #declareDead(reason: 'heartbeat timeout' | 'connect timeout'): void {
    if (this.done) return;
    // Half-open: a close handshake would never complete, so do not wait for it.
    this.abort(4000, reason);
    this.finish({ code: 4000, reason, reachedReady: this.#ready, heartbeatTimeout: this.#ready, connectTimeout: !this.#ready });
  }
}
