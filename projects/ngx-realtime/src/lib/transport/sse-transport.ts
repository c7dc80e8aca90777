import type { RealtimeStream, StreamCloseInfo } from './realtime-backend';
import { ProtocolLink } from './protocol-link';
import { SseParser } from './sse-parser';
import type { TransportOptions } from './transport';

/**
 * One Server-Sent Events stream read with `fetch`, so the token travels in an `Authorization`
 * header (neither `WebSocket` nor `EventSource` can send one) and the stream passes proxies that
 * break WebSocket upgrades. Each event's `data` is one frame for the protocol; comments count as
 * signs of life. It is one-way: nothing is sent on it.
 *
 * An HTTP refusal becomes the close code a socket would have given, so the session's rules apply
 * unchanged: 401 -> 4003 (4004 when the body says the token expired), 403 -> 4003, any other
 * refusal -> "this transport cannot work here" (like a refused upgrade), a stream that ends -> 1006.
 *
 * @example
 * ```ts
 * const stream = new SseTransport({ backend, clock, protocol, request, heartbeatTimeoutMs: null, connectTimeoutMs: 10_000, handlers });
 * stream.close(); // aborts the request
 * ```
 */
export class SseTransport extends ProtocolLink {
  readonly kind = 'sse' as const;
  readonly canSend = false;
  readonly #stream: RealtimeStream;
  /** The server's `retry:`: how long it wants clients to wait before reconnecting. */
  #retryMs: number | undefined;
  readonly #parser = new SseParser({
    event: (message) => this.receive(message.data),
    comment: () => this.alive(),
    retry: (ms) => (this.#retryMs = ms),
  });

  constructor(options: TransportOptions) {
    super(options);
    this.#stream = options.backend.openStream(
      { url: options.request.url, headers: options.request.headers ?? {} },
      {
        open: () => this.opened(),
        chunk: (data) => {
          if (!this.done) this.#parser.feed(data);
        },
        close: (info) => this.#onClose(info),
      },
    );
    this.start();
  }

  /** A stream is one-way: frames for the server have no way to go. */
  send(): void {}

  protected abort(): void {
    this.#stream.close();
  }

  #onClose(info: StreamCloseInfo): void {
    if (this.done) return;
    const reachedReady = this.reachedReady;
    const base = this.#retryMs === undefined ? { reachedReady, heartbeatTimeout: false } : { reachedReady, heartbeatTimeout: false, retryAfterMs: this.#retryMs };
    const status = info.status;
    if (status === null) {
      this.finish({ ...base, code: 1006, reason: 'stream ended' });
    } else if (status === 401 || status === 403) {
      const expired = status === 401 && this.options.protocol.tokenExpired?.(status, info.error ?? null) === true;
      this.finish({ ...base, code: expired ? 4004 : 4003, reason: info.error ?? `HTTP ${status}` });
    } else if (status >= 500 && status !== 503) {
      this.finish({ ...base, code: 1011, reason: info.error ?? `HTTP ${status}` });
    } else {
      // 404, 405, 415, 503...: this server (or a proxy) does not serve the stream here.
      this.finish({ ...base, code: 1006, reason: info.error ?? `HTTP ${status}`, upgradeRefused: true });
    }
  }
}
