import { Injectable, NgZone, inject } from '@angular/core';
import { Observable } from 'rxjs';
import { HTTP_ERRORS, type PollResponse } from '../protocol/protocol';

/**
 * How a socket ended, as the backend observed it.
 *
 * @example
 * ```ts
 * listener.close({ code: 1006, reason: '' });
 * ```
 */
export interface SocketCloseInfo {
  code: number;
  reason: string;
  /**
   * The socket never opened although the server answers plain HTTP at the same address: something
   * (the server, a proxy, a firewall) refuses the upgrade, so retrying the WebSocket is pointless.
   */
  upgradeRefused?: boolean;
}

/**
 * Callbacks a backend calls for one socket. Called at most once each for `open`/`close`, never after `close`.
 *
 * @example
 * ```ts
 * backend.openWebSocket(url, { open: onOpen, message: (data) => handle(data), close: (info) => onClose(info.code) });
 * ```
 */
export interface SocketListener {
  open(): void;
  message(data: unknown): void;
  close(info: SocketCloseInfo): void;
}

/**
 * One WebSocket as the SDK sees it.
 *
 * @example
 * ```ts
 * const socket: RealtimeSocket = backend.openWebSocket(url, listener);
 * socket.send(JSON.stringify({ type: 'ping', id: 'p1' }));
 * socket.close(1000);
 * ```
 */
export interface RealtimeSocket {
  send(text: string): void;
  /** Closes the socket; the backend must not call the listener afterwards. */
  close(code?: number, reason?: string): void;
}

/**
 * One long-poll request.
 *
 * @example
 * ```ts
 * backend.poll({ url: 'https://api.example.com/events/poll', token, since: 41, waitMs: 25_000, params: {} });
 * ```
 */
export interface PollRequest {
  /** The poll endpoint, without query parameters for `since`/`wait`/token. */
  url: string;
  token: string;
  /** Last seq already seen; `null` means "from now" (the SDK has never seen a seq). */
  since: number | null;
  /** The epoch `since` belongs to (sent as `?epoch=` with `since`); absent before the first answer. */
  epoch?: string | null;
  waitMs: number;
  /** Filters as query parameters (`topics`, `cf`, `keyPrefix`). */
  params: Record<string, string>;
}

/**
 * One streaming HTTP request (Server-Sent Events over `fetch`).
 *
 * @example
 * ```ts
 * backend.openStream({ url: 'https://h/events/stream?batch=1', headers: { Authorization: 'Bearer t' } }, listener);
 * ```
 */
export interface StreamRequest {
  /** The full URL, query included. */
  url: string;
  headers: Readonly<Record<string, string>>;
}

/**
 * How a stream ended, as the backend observed it.
 *
 * @example
 * ```ts
 * listener.close({ status: 401, error: 'Token expired' });
 * ```
 */
export interface StreamCloseInfo {
  /**
   * The HTTP status when the server refused the stream (not 2xx, or not `text/event-stream`);
   * `null` when the request failed on the network or an open stream ended.
   */
  status: number | null;
  /** The `error` field of a refusal's JSON body, when there was one. */
  error?: string | null;
}

/**
 * Callbacks a backend calls for one stream: `open` at most once, then `chunk` per piece of body,
 * `close` at most once and nothing after it.
 *
 * @example
 * ```ts
 * backend.openStream(request, { open: () => ready(), chunk: (bytes) => parser.feed(bytes), close: (info) => ended(info) });
 * ```
 */
export interface StreamListener {
  open(): void;
  chunk(data: Uint8Array | string): void;
  close(info: StreamCloseInfo): void;
}

/**
 * One open stream: closing it aborts the request, and the backend calls its listener no more.
 *
 * @example
 * ```ts
 * const stream: RealtimeStream = backend.openStream(request, listener);
 * stream.close();
 * ```
 */
export interface RealtimeStream {
  close(): void;
}

/**
 * A poll that failed with an HTTP status (`status` 0: network error, no answer).
 *
 * @example
 * ```ts
 * if (error instanceof RealtimePollError && error.status === 401) ...
 * ```
 */
export class RealtimePollError extends Error {
  constructor(
    readonly status: number,
    /** The `error` field of the body, when there was one. */
    readonly serverMessage: string | null = null,
  ) {
    super(status === 0 ? 'poll failed: network error' : `poll failed: HTTP ${status}${serverMessage ? ` (${serverMessage})` : ''}`);
    this.name = 'RealtimePollError';
  }

  /** The token expired: refresh it and retry. */
  get tokenExpired(): boolean {
    return this.status === 401 && this.serverMessage === HTTP_ERRORS.tokenExpired;
  }
}

/**
 * The transports' I/O, and nothing else: the seam that tests replace (see `provideRealtimeTesting()`),
 * like Angular's `HttpBackend`. Every reconnection, sequencing and fallback rule runs above it.
 *
 * @example
 * ```ts
 * providers: [{ provide: RealtimeBackend, useClass: MyNativeBridgeBackend }]
 * ```
 */
@Injectable({ providedIn: 'root', useFactory: () => new BrowserRealtimeBackend() })
export abstract class RealtimeBackend {
  /** Opens a WebSocket to `url` (which already carries its query). */
  abstract openWebSocket(url: string, listener: SocketListener): RealtimeSocket;
  /** Makes one long-poll request; unsubscribing aborts it. Errors are {@link RealtimePollError}. */
  abstract poll(request: PollRequest): Observable<PollResponse>;
  /** Opens a streaming HTTP request whose body arrives in chunks (Server-Sent Events). */
  abstract openStream(request: StreamRequest, listener: StreamListener): RealtimeStream;
}

/**
 * Default backend: the browser's `WebSocket` and `fetch`. With zone.js they are started outside the
 * Angular zone, so an open socket or a pending long poll never keeps the app from becoming stable,
 * and what they deliver is handed over inside it, so zone-based apps see the change.
 *
 * @example
 * ```ts
 * providers: [{ provide: RealtimeBackend, useClass: BrowserRealtimeBackend }]
 * ```
 */
export class BrowserRealtimeBackend extends RealtimeBackend {
  readonly #zone = inject(NgZone, { optional: true });

  #outside<T>(fn: () => T): T {
    return this.#zone ? this.#zone.runOutsideAngular(fn) : fn();
  }

  #inside(fn: () => void): void {
    if (this.#zone) this.#zone.run(fn);
    else fn();
  }

  openWebSocket(url: string, listener: SocketListener): RealtimeSocket {
    return this.#outside(() => {
      const ws = new WebSocket(url);
      let done = false;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        if (!done) this.#inside(() => listener.open());
      };
      ws.onmessage = (e: MessageEvent) => {
        if (!done) this.#inside(() => listener.message(e.data));
      };
      ws.onclose = (e: CloseEvent) => {
        if (done) return;
        if (opened || e.code !== 1006) {
          done = true;
          this.#inside(() => listener.close({ code: e.code, reason: e.reason }));
          return;
        }
        // A browser reports a refused upgrade (HTTP 503, a proxy's 403) exactly like an unreachable
        // server. One plain request tells them apart: any HTTP answer means the server is up.
        void answersHttp(url).then((refused) => {
          if (done) return;
          done = true;
          this.#inside(() => listener.close({ code: e.code, reason: e.reason, upgradeRefused: refused }));
        });
      };
      return {
        send: (text: string) => {
          if (ws.readyState === WebSocket.OPEN) ws.send(text);
        },
        close: (code?: number, reason?: string) => {
          done = true;
          ws.onopen = ws.onmessage = ws.onclose = null;
          try {
            ws.close(code, reason);
          } catch {
            ws.close();
          }
        },
      };
    });
  }

  poll(request: PollRequest): Observable<PollResponse> {
    return new Observable<PollResponse>((subscriber) => {
      const controller = new AbortController();
      const url = new URL(request.url);
      if (request.since !== null) url.searchParams.set('since', String(request.since));
      if (request.since !== null && request.epoch) url.searchParams.set('epoch', request.epoch);
      url.searchParams.set('wait', String(request.waitMs));
      for (const [k, v] of Object.entries(request.params)) url.searchParams.set(k, v);
      this.#outside(() =>
        fetch(url.toString(), {
          headers: { Authorization: `Bearer ${request.token}` },
          signal: controller.signal,
          cache: 'no-store',
        })
          .then(async (response) => {
            const body: unknown = await response.json().catch(() => null);
            if (!response.ok) {
              const message = body && typeof (body as { error?: unknown }).error === 'string' ? (body as { error: string }).error : null;
              throw new RealtimePollError(response.status, message);
            }
            this.#inside(() => {
              subscriber.next(body as PollResponse);
              subscriber.complete();
            });
          })
          .catch((error: unknown) => {
            if (controller.signal.aborted) return;
            this.#inside(() => subscriber.error(error instanceof RealtimePollError ? error : new RealtimePollError(0)));
          }),
      );
      return () => controller.abort();
    });
  }

  openStream(request: StreamRequest, listener: StreamListener): RealtimeStream {
    const controller = new AbortController();
    let done = false;
    const finish = (info: StreamCloseInfo) => {
      if (done) return;
      done = true;
      this.#inside(() => listener.close(info));
    };
    this.#outside(() => {
      fetch(request.url, { headers: request.headers, signal: controller.signal, cache: 'no-store' })
        .then(async (response) => {
          const type = response.headers.get('content-type') ?? '';
          if (!response.ok || !type.startsWith('text/event-stream') || !response.body) {
            const body: unknown = await response.json().catch(() => null);
            const error = body && typeof (body as { error?: unknown }).error === 'string' ? (body as { error: string }).error : null;
            // A 200 that is not an event stream (a proxy's page, an SPA fallback) refuses the transport all the same.
            finish({ status: response.ok ? 415 : response.status, error });
            return;
          }
          if (done) return;
          this.#inside(() => listener.open());
          const reader = response.body.getReader();
          for (;;) {
            const { value, done: ended } = await reader.read();
            if (done) return;
            if (ended) break;
            this.#inside(() => listener.chunk(value));
          }
          finish({ status: null });
        })
        .catch(() => {
          if (!controller.signal.aborted) finish({ status: null });
        });
    });
    return {
      close: () => {
        done = true;
        controller.abort();
      },
    };
  }
}

const UPGRADE_CHECK_TIMEOUT_MS = 5_000;

/**
 * Whether the WebSocket's address answers a plain HTTP GET at all. The token is left out of the
 * request, and `no-cors` lets a cross-origin server answer without CORS headers.
 */
async function answersHttp(socketUrl: string): Promise<boolean> {
  try {
    const url = new URL(socketUrl);
    url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
    url.search = '';
    await fetch(url.toString(), { mode: 'no-cors', cache: 'no-store', signal: AbortSignal.timeout(UPGRADE_CHECK_TIMEOUT_MS) });
    return true;
  } catch {
    return false;
  }
}
