import { InjectionToken } from '@angular/core';
import type { Observable } from 'rxjs';
import type { EventFilter, Topic } from '../protocol/protocol';
import type { RealtimeProtocol } from '../protocol/realtime-protocol';
import type { TokenProvider } from '../session/token-provider';
import type { TransportKind } from '../transport/transport-kind';

/**
 * Where and how to connect. Only `url` is required.
 *
 * @example
 * ```ts
 * provideRealtime({ url: '/ws/events', topics: ['key_change'], filter: { keyPrefix: 'user:' } })
 * ```
 */
export interface RealtimeConfig {
  /**
   * WebSocket endpoint; relative URLs resolve against the document, `http(s)` becomes `ws(s)`.
   * A function is asked before each attempt, e.g. to fail over between server instances
   * (`() => instances[attempt++ % instances.length]`); resume works across them when they share
   * one event stream (same epoch).
   */
  url: string | (() => string);
  /** Long-polling endpoint; defaults to `/events/poll` on the origin of the WebSocket URL last used. */
  pollUrl?: string | (() => string);
  /**
   * Server-Sent Events endpoint (read with `fetch`, the token in an `Authorization` header);
   * defaults to the protocol's path (`/events/stream` for the native protocol) on the origin of the
   * WebSocket URL last used.
   */
  sseUrl?: string | (() => string);
  /** `query` (default) sends the token as `?token=`; `frame` sends an `auth` frame first, keeping it out of URLs and logs. */
  authMode?: 'query' | 'frame';
  /** Topics (event types) to receive; all when omitted. */
  topics?: Topic[];
  /** Server-side filter on `cf` / `keyPrefix`. */
  filter?: EventFilter;
}

/**
 * Options of {@link withReconnect}.
 *
 * @example
 * ```ts
 * withReconnect({ initialDelayMs: 1000, maxAttempts: 10 })
 * ```
 */
export interface ReconnectOptions {
  /** Upper bound of the first retry's delay (full jitter: the actual delay is random below it). */
  initialDelayMs: number;
  /** Growth of the bound per consecutive failure. */
  factor: number;
  /** Cap of the bound. */
  maxDelayMs: number;
  /** Retries before giving up (status `disconnected`); `Infinity` never gives up. */
  maxAttempts: number;
  /** A connection must stay up this long before the retry count starts over. */
  stableAfterMs: number;
  /**
   * An attempt that has not reached `welcome` within this long is abandoned (a blackholed host or a
   * proxy that swallows the upgrade would otherwise hang it for as long as the OS lets it).
   */
  connectTimeoutMs: number;
}

/**
 * Options of {@link withHeartbeat}. The server drives the heartbeat (it pings every
 * `heartbeat.intervalMs` of its `welcome`, the SDK answers), so the only client-side figure is how
 * long a silent socket may live. Unset, it comes from `welcome`.
 *
 * @example
 * ```ts
 * withHeartbeat({ timeoutMs: 25_000 })
 * ```
 */
export interface HeartbeatOptions {
  /**
   * A socket on which no frame at all arrived for this long is treated as dead (half-open link).
   * Keep it well above the server's ping interval (about 3x).
   */
  timeoutMs?: number;
}

/**
 * Options of {@link withAuth}.
 *
 * @example
 * ```ts
 * withAuth(() => inject(AuthService).token$, {
 *   refresh: () => inject(AuthService).refresh().pipe(map((s) => s.token)),
 * })
 * ```
 */
export interface AuthOptions {
  /**
   * Asked for a fresh token when the one in use is about to expire (or expired) and the source has
   * not emitted a newer one. Runs in the injection context of the app, so it may `inject()`.
   */
  refresh?: TokenProvider;
  /**
   * After an expiry that `refresh` could not cover, how long to wait for the source to emit a
   * fresh token before giving up with `unauthorized`. Default 15000.
   */
  tokenWaitMs?: number;
}

/**
 * Options of {@link withPollingFallback}.
 *
 * @example
 * ```ts
 * withPollingFallback({ afterFailedAttempts: 2, probeIntervalMs: 60_000 })
 * ```
 */
export interface PollingFallbackOptions {
  /** Consecutive WebSocket attempts that never reached `welcome` before falling back. */
  afterFailedAttempts: number;
  /** How often to try the WebSocket again while polling. */
  probeIntervalMs: number;
  /** `wait` of each long poll. */
  waitMs: number;
}

/**
 * Defaults of {@link withReconnect}.
 *
 * @example
 * ```ts
 * withReconnect({ maxDelayMs: DEFAULT_RECONNECT_OPTIONS.maxDelayMs * 2 })
 * ```
 */
export const DEFAULT_RECONNECT_OPTIONS: Readonly<ReconnectOptions> = Object.freeze({
  initialDelayMs: 500,
  factor: 2,
  maxDelayMs: 30_000,
  maxAttempts: Infinity,
  stableAfterMs: 10_000,
  connectTimeoutMs: 10_000,
});

/**
 * Default of {@link AuthOptions.tokenWaitMs}.
 *
 * @example
 * ```ts
 * withAuth(tokens$, { tokenWaitMs: DEFAULT_TOKEN_WAIT_MS * 2 })
 * ```
 */
export const DEFAULT_TOKEN_WAIT_MS = 15_000;

/**
 * Defaults of {@link withPollingFallback}.
 *
 * @example
 * ```ts
 * withPollingFallback({ probeIntervalMs: DEFAULT_POLLING_FALLBACK_OPTIONS.probeIntervalMs / 2 })
 * ```
 */
export const DEFAULT_POLLING_FALLBACK_OPTIONS: Readonly<PollingFallbackOptions> = Object.freeze({
  afterFailedAttempts: 3,
  probeIntervalMs: 30_000,
  waitMs: 25_000,
});

/**
 * The configuration the service runs with: the app's config plus every feature, defaults filled in.
 * Produced by `provideRealtime()`; apps rarely need it.
 *
 * @example
 * ```ts
 * const config = inject(REALTIME_CONFIG, { optional: true });
 * ```
 */
export interface ResolvedRealtimeConfig {
  url: string | (() => string);
  pollUrl: string | (() => string) | null;
  sseUrl: string | (() => string) | null;
  authMode: 'query' | 'frame';
  /** The wire protocol (`withProtocol()`); the native protocol by default. */
  protocol: RealtimeProtocol;
  /** The transports to use, best first (`withTransports()`); `null`: the protocol's own list. */
  transports: TransportKind[] | null;
  topics: Topic[] | null;
  filter: EventFilter;
  reconnect: ReconnectOptions;
  heartbeat: HeartbeatOptions;
  /** `withTabSharing()`: tabs of one origin share one connection; `null` when every tab connects alone. */
  tabSharing: { name: string } | null;
  /** Whether the client announces `batch` frames (`withBatching()`, on by default). */
  batching: boolean;
  /** What `withAuth()` was given besides its source. */
  auth: { refresh: TokenProvider | null; tokenWaitMs: number };
  /** `null` when the fallback was turned off with `withNoPollingFallback()`. */
  polling: PollingFallbackOptions | null;
}

/**
 * Holds the resolved configuration; provided by `provideRealtime()`.
 *
 * @example
 * ```ts
 * const pollingEnabled = inject(REALTIME_CONFIG, { optional: true })?.polling !== null;
 * ```
 */
export const REALTIME_CONFIG = new InjectionToken<ResolvedRealtimeConfig>((typeof ngDevMode === 'undefined' || !!ngDevMode) ? 'ngx-realtime REALTIME_CONFIG' : '');

/**
 * Holds the token stream given to `withAuth()`.
 *
 * @example
 * ```ts
 * const tokens$ = inject(REALTIME_AUTH_SOURCE, { optional: true });
 * ```
 */
export const REALTIME_AUTH_SOURCE = new InjectionToken<Observable<string | null>>((typeof ngDevMode === 'undefined' || !!ngDevMode) ? 'ngx-realtime REALTIME_AUTH_SOURCE' : '');

/**
 * Resolves a possibly relative WebSocket URL against `base` and maps `http(s)` to `ws(s)`.
 *
 * @example
 * ```ts
 * resolveSocketUrl('/ws/events', 'https://app.example.com/'); // 'wss://app.example.com/ws/events'
 * ```
 */
export function resolveSocketUrl(url: string, base: string): string {
  const resolved = new URL(url, base);
  if (resolved.protocol === 'http:') resolved.protocol = 'ws:';
  else if (resolved.protocol === 'https:') resolved.protocol = 'wss:';
  return resolved.toString();
}

/**
 * Resolves the long-polling URL: `pollUrl` against `base`, or `/events/poll` on the WebSocket's origin.
 *
 * @example
 * ```ts
 * resolvePollUrl(null, 'wss://api.example.com/ws/events', 'https://app.example.com/');
 * // 'https://api.example.com/events/poll'
 * ```
 */
export function resolvePollUrl(pollUrl: string | null, socketUrl: string, base: string, path = '/events/poll'): string {
  return resolveHttpUrl(pollUrl, socketUrl, base, path);
}

/**
 * Resolves the Server-Sent Events URL: `sseUrl` against `base`, or `path` on the WebSocket's origin.
 *
 * @example
 * ```ts
 * resolveSseUrl(null, 'wss://h/ws/events', 'https://h/', '/events/stream'); // 'https://h/events/stream'
 * ```
 */
export function resolveSseUrl(sseUrl: string | null, socketUrl: string, base: string, path: string): string {
  return resolveHttpUrl(sseUrl, socketUrl, base, path);
}

function resolveHttpUrl(url: string | null, socketUrl: string, base: string, path: string): string {
  if (url) return new URL(url, base).toString();
  const origin = new URL(socketUrl);
  origin.protocol = origin.protocol === 'wss:' ? 'https:' : 'http:';
  return new URL(path, origin).toString();
}

/**
 * The server-side filter of a config, as the query parameters of the socket and of each poll.
 *
 * @example
 * ```ts
 * filterParams(config); // { topics: 'key_change', keyPrefix: 'user:' }
 * ```
 */
export function filterParams(config: ResolvedRealtimeConfig): Record<string, string> {
  const params: Record<string, string> = {};
  if (config.topics) params['topics'] = config.topics.join(',');
  if (config.filter.cf !== undefined) params['cf'] = config.filter.cf;
  if (config.filter.keyPrefix !== undefined) params['keyPrefix'] = config.filter.keyPrefix;
  return params;
}
