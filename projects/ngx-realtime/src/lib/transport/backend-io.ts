import type { Observable } from 'rxjs';
import type { PollResponse } from '../protocol/protocol';

/*
 * The shapes of the transports' I/O: what a backend opens and what it reports. Apart from
 * `RealtimeBackend` itself so the transports that load on first need (Server-Sent Events, long
 * polling) can name them without reaching the backend, whose browser implementation loads them.
 */

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
 * What the transports ask of a backend: a socket, a long poll, a stream. `RealtimeBackend` is the
 * injectable form of it.
 *
 * @example
 * ```ts
 * const socket = (io satisfies RealtimeIo).openWebSocket(url, listener);
 * ```
 */
export interface RealtimeIo {
  /** Opens a WebSocket to `url` (which already carries its query). */
  openWebSocket(url: string, listener: SocketListener): RealtimeSocket;
  /** Makes one long-poll request; unsubscribing aborts it. Errors are `RealtimePollError`s. */
  poll(request: PollRequest): Observable<PollResponse>;
  /** Opens a streaming HTTP request whose body arrives in chunks (Server-Sent Events). */
  openStream(request: StreamRequest, listener: StreamListener): RealtimeStream;
}
