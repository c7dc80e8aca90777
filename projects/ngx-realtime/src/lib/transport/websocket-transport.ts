import type { RealtimeSocket } from './realtime-backend';
import { ProtocolLink } from './protocol-link';
import type { TransportOptions } from './transport';

/**
 * One WebSocket connection attempt. It sends the protocol's first frames when the socket opens and
 * hands every message to the protocol; heartbeats, latency and silence are its {@link ProtocolLink}'s.
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

  constructor(options: TransportOptions) {
    super(options);
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
    for (const frame of this.options.request.firstFrames ?? []) this.#socket.send(frame);
    // A half-open link can also hang before the server is ready; the deadline covers both phases.
    this.opened();
  }
}
