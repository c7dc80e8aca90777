import type { RealtimeSocket } from './realtime-backend';
import { ProtocolLink } from './protocol-link';
import type { TransportOptions } from './transport';

/**
 * One WebSocket connection attempt. It sends the protocol's first frames when the socket opens (or,
 * when they come as a promise, once the socket is open and the promise resolved, unless the attempt
 * ended meanwhile) and hands every message to the protocol; heartbeats, latency and silence are its
 * {@link ProtocolLink}'s.
 *
 * @example
 * ```ts
 * const transport = new WebSocketTransport({ backend, clock, protocol, request, heartbeatTimeoutMs: null, connectTimeoutMs: 10_000, handlers });
 * transport.close(); // client-initiated: no `closed` callback
 * ```
 */
export class WebSocketTransport extends ProtocolLink {
  readonly kind = 'websocket' as const;
  readonly canSend = true;
  readonly #socket: RealtimeSocket;
  /** The first frames once known (at once, or when their promise resolved); `null` while pending. */
  #firstFrames: readonly string[] | null = null;
  #socketOpen = false;
  #firstSent = false;

  constructor(options: TransportOptions) {
    super(options);
    const first = options.request.firstFrames;
    if (first === undefined || isFrameList(first)) this.#firstFrames = first ?? [];
    else {
      first.then(
        (frames) => {
          this.#firstFrames = frames;
          this.#sendFirstFrames();
        },
        (error: unknown) => this.#firstFramesFailed(error),
      );
    }
    this.#socket = options.backend.openWebSocket(options.request.url, {
      open: () => this.#onOpen(),
      message: (data) => this.receive(data),
      close: (info) => this.finish({ ...info, reachedReady: this.reachedReady, heartbeatTimeout: false }),
    });
    // A connect that hangs (blackholed host) is as dead as a silent socket.
    this.start();
  }

  send(text: string): void {
    if (!this.done) this.#socket.send(text);
  }

  protected abort(code = 1000, reason = ''): void {
    this.#socket.close(code, reason);
  }

  #onOpen(): void {
    if (this.done) return;
    this.#socketOpen = true;
    this.#sendFirstFrames();
  }

  /** Sends the first frames once both the socket is open and they are known. */
  #sendFirstFrames(): void {
    const frames = this.#firstFrames;
    if (this.done || !this.#socketOpen || frames === null || this.#firstSent) return;
    this.#firstSent = true;
    for (const frame of frames) this.#socket.send(frame);
    // A half-open link can also hang before the server is ready; the deadline covers both phases.
    this.opened();
  }

  #firstFramesFailed(error: unknown): void {
    if (this.done) return;
    const why = error instanceof Error ? error.message : String(error);
    this.options.handlers.error('first_frames_failed', `the ${this.options.protocol.name} protocol could not make its first frames: ${why}`, error);
    this.abort(1000, 'first frames failed');
    this.finish({ code: 4000, reason: 'first frames failed', reachedReady: false, heartbeatTimeout: false });
  }
}

function isFrameList(frames: readonly string[] | PromiseLike<readonly string[]>): frames is readonly string[] {
  return Array.isArray(frames);
}
