import {
  EnvironmentProviders,
  Provider,
  inject,
  makeEnvironmentProviders,
  provideEnvironmentInitializer,
} from '@angular/core';
import type { Observable } from 'rxjs';
import {
  DEFAULT_POLLING_FALLBACK_OPTIONS,
  DEFAULT_RECONNECT_OPTIONS,
  DEFAULT_TOKEN_WAIT_MS,
  REALTIME_AUTH_SOURCE,
  type AuthOptions,
  REALTIME_CONFIG,
  type HeartbeatOptions,
  type PollingFallbackOptions,
  type RealtimeConfig,
  type ReconnectOptions,
  type ResolvedRealtimeConfig,
} from './realtime-config';
import { nativeProtocol } from '../protocol/native-protocol';
import type { RealtimeProtocol } from '../protocol/realtime-protocol';
import type { TransportKind } from '../transport/transport-kind';
import { checkConfig, checkResolved } from './realtime-config-checks';
import type { RealtimeFeature, RealtimeFeatureKind } from './realtime-feature';
import { REALTIME_SHARED_SOURCE, tabShareFactory } from '../tab-sharing/tab-share';
import { BrowserTabSharingPlatform, TabSharingPlatform } from '../platform/tab-sharing-platform';
import { WebSocketService } from '../service/websocket.service';

function feature<K extends RealtimeFeatureKind>(
  kind: K,
  call: string,
  apply: (config: ResolvedRealtimeConfig) => void,
  providers: (Provider | EnvironmentProviders)[] = [],
): RealtimeFeature<K> {
  return { kind, ɵapply: apply, ɵproviders: providers, ɵcall: call };
}

/**
 * Configures reconnection: exponential backoff with full jitter. Reconnection is on by default with
 * these defaults: `initialDelayMs: 500, factor: 2, maxDelayMs: 30000, maxAttempts: Infinity,
 * stableAfterMs: 10000, connectTimeoutMs: 10000`.
 *
 * @example
 * ```ts
 * provideRealtime({ url: '/ws/events' }, withReconnect({ maxAttempts: 20 }))
 * ```
 */
export function withReconnect(options: Partial<ReconnectOptions> = {}): RealtimeFeature<'reconnect'> {
  return feature('reconnect', 'withReconnect()', (config) => {
    config.reconnect = { ...DEFAULT_RECONNECT_OPTIONS, ...definedOnly(options) };
  });
}

/**
 * Overrides the heartbeat timeout. The heartbeat is always on and driven by the server: it pings
 * every `heartbeat.intervalMs` of its `welcome` (15 s with the default server) and the SDK answers
 * from its message handler, so background tabs with throttled timers stay connected. A socket with
 * no frame at all for `timeoutMs` (default: `welcome`'s, 45 s) is declared dead and resumed.
 *
 * @example
 * ```ts
 * provideRealtime({ url: '/ws/events' }, withHeartbeat({ timeoutMs: 20_000 }))
 * ```
 */
export function withHeartbeat(options: HeartbeatOptions = {}): RealtimeFeature<'heartbeat'> {
  return feature('heartbeat', 'withHeartbeat()', (config) => {
    config.heartbeat = definedOnly(options);
  });
}

/**
 * Tunes the HTTP long-polling fallback for networks that block WebSockets. The fallback is on by
 * default with `afterFailedAttempts: 3, probeIntervalMs: 30000, waitMs: 25000`: after that many
 * WebSocket attempts that never reached `welcome` (or at once when the upgrade is refused) the
 * service long-polls `pollUrl`, and tries the WebSocket again every `probeIntervalMs`.
 *
 * @example
 * ```ts
 * provideRealtime({ url: '/ws/events', pollUrl: '/events/poll' }, withPollingFallback({ probeIntervalMs: 10_000 }))
 * ```
 */
export function withPollingFallback(options: Partial<PollingFallbackOptions> = {}): RealtimeFeature<'pollingFallback'> {
  return feature('pollingFallback', 'withPollingFallback()', (config) => {
    config.polling = { ...DEFAULT_POLLING_FALLBACK_OPTIONS, ...definedOnly(options) };
  });
}

/**
 * Turns the fallbacks off (Server-Sent Events and long polling), for servers with neither endpoint:
 * the service then only ever retries the WebSocket (the first of `withTransports()`).
 *
 * @example
 * ```ts
 * provideRealtime({ url: 'wss://events.example.com/ws' }, withNoPollingFallback())
 * ```
 */
export function withNoPollingFallback(): RealtimeFeature<'noPollingFallback'> {
  return feature('noPollingFallback', 'withNoPollingFallback()', (config) => {
    config.polling = null;
  });
}

/**
 * Whether the client asks the server for `batch` frames: several events in one WebSocket message
 * when more than one is waiting (a burst, a replay after a reconnect). Browsers pay mostly per
 * message, so a page then keeps up with far more events per second. On by default; a lone event is
 * never delayed to fill a batch. Each event still reaches subscribers on its own, validated and in
 * order. `withBatching(false)` opts out (the server then sends one frame per event).
 *
 * @example
 * ```ts
 * provideRealtime({ url: '/ws/events' }, withBatching(false))
 * ```
 */
export function withBatching(enabled = true): RealtimeFeature<'batching'> {
  return feature('batching', `withBatching(${enabled})`, (config) => {
    config.batching = enabled;
  });
}

/**
 * Speaks another server's wire protocol instead of the native one: the connection machinery
 * (backoff, heartbeat, token refresh, fallbacks, tab sharing) stays the same and acts on what the
 * protocol says it can do (`protocol.capabilities`).
 *
 * @example
 * ```ts
 * provideRealtime({ url: 'https://store.example.com' }, withProtocol(myServerProtocol))
 * ```
 */
export function withProtocol(protocol: RealtimeProtocol): RealtimeFeature<'protocol'> {
  return feature('protocol', `withProtocol(${protocol?.name ?? ''})`, (config) => {
    config.protocol = protocol;
  });
}

/**
 * Which transports to use, best first; each is tried only when the one before cannot work, and
 * the better ones are probed again while a fallback runs. By default the protocol's own list (the
 * native protocol: `'websocket', 'sse', 'polling'`).
 *
 * @example
 * ```ts
 * provideRealtime({ url: '/ws/events' }, withTransports('sse', 'polling')) // a proxy that never passes WebSockets
 * ```
 */
export function withTransports(...transports: TransportKind[]): RealtimeFeature<'transports'> {
  return feature('transports', `withTransports(${transports.map((t) => `'${t}'`).join(', ')})`, (config) => {
    config.transports = [...transports];
  });
}

/**
 * Tabs of one origin with the same `url` (and `name`) share one connection: they elect a leader
 * with Web Locks, only the leader opens the WebSocket (or long-polls), and it hands every event, its
 * state and its position to the other tabs over a BroadcastChannel. Followers deliver them through
 * the same sequencing, so each event still arrives exactly once and in order, and their
 * `connectionState` mirrors the leader's with `role: 'follower'`. Only a tab with credentials takes
 * part; `disconnect()` steps down. When the leader's tab closes, another tab takes over and resumes
 * from the newest seq it has seen. Without Web Locks or BroadcastChannel every tab connects alone.
 *
 * @example
 * ```ts
 * provideRealtime({ url: '/ws/events' }, withAuth(() => inject(AuthService).token$), withTabSharing())
 * ```
 */
export function withTabSharing(options: { name?: string } = {}): RealtimeFeature<'tabSharing'> {
  const name = options.name ?? 'default';
  return feature(
    'tabSharing',
    'withTabSharing()',
    (config) => {
      config.tabSharing = { name };
    },
    [
      { provide: TabSharingPlatform, useFactory: () => new BrowserTabSharingPlatform() },
      { provide: REALTIME_SHARED_SOURCE, useFactory: () => tabShareFactory(inject(TabSharingPlatform), name) },
    ],
  );
}

/**
 * Connects and disconnects with the app's auth state: the first token connects, `null` disconnects,
 * and every later token is handed to the open connection at once (an `auth` frame: no reconnect).
 * The service starts with the app. Pass the token stream, or a factory that runs in an injection
 * context, for a stream that lives in a service.
 *
 * Before the token in use expires (at 80% of its life, or 30 s before the end if that is earlier),
 * the SDK rotates it: to the newest token the source emitted, else to what `options.refresh` gives.
 * If it expires anyway (a laptop slept through it), the state is `reconnecting` with reason
 * `token_expired` while the SDK gets a fresh token the same way, waiting up to `tokenWaitMs` for the
 * source; only when none comes does it end `disconnected` / `unauthorized`.
 *
 * @example
 * ```ts
 * provideRealtime({ url: '/ws/events' }, withAuth(() => inject(AuthService).token$))
 * // with a refresh the SDK may call itself:
 * provideRealtime({ url: '/ws/events' }, withAuth(() => inject(AuthService).token$, {
 *   refresh: () => inject(AuthService).refresh().pipe(map((session) => session.token)),
 * }))
 * ```
 */
export function withAuth(
  source: Observable<string | null> | (() => Observable<string | null>),
  options: AuthOptions = {},
): RealtimeFeature<'auth'> {
  return feature('auth', 'withAuth()', (config) => {
    config.auth = { refresh: options.refresh ?? null, tokenWaitMs: options.tokenWaitMs ?? DEFAULT_TOKEN_WAIT_MS };
  }, [
    typeof source === 'function'
      ? { provide: REALTIME_AUTH_SOURCE, useFactory: source }
      : { provide: REALTIME_AUTH_SOURCE, useValue: source },
    provideEnvironmentInitializer(() => {
      inject(WebSocketService);
    }),
  ]);
}

/**
 * Sets up ngx-realtime for an application: the endpoint and the optional features. Nothing connects
 * until `WebSocketService.connect()` is called, or `withAuth()` supplies a token.
 *
 * @example
 * ```ts
 * bootstrapApplication(App, {
 *   providers: [
 *     provideRealtime({ url: '/ws/events' }, withPollingFallback(), withAuth(tokens$)),
 *   ],
 * });
 * ```
 */
export function provideRealtime(config: RealtimeConfig, ...features: RealtimeFeature[]): EnvironmentProviders {
  // Dev builds only: an app's production build drops the checks and their messages.
  if (typeof ngDevMode === 'undefined' || ngDevMode) checkConfig(config, features);
  const resolved: ResolvedRealtimeConfig = {
    url: config.url,
    pollUrl: config.pollUrl ?? null,
    sseUrl: config.sseUrl ?? null,
    authMode: config.authMode ?? 'query',
    protocol: nativeProtocol(),
    transports: null,
    topics: config.topics ? [...config.topics] : null,
    filter: { ...config.filter },
    reconnect: { ...DEFAULT_RECONNECT_OPTIONS },
    heartbeat: {},
    tabSharing: null,
    batching: true,
    auth: { refresh: null, tokenWaitMs: DEFAULT_TOKEN_WAIT_MS },
    polling: { ...DEFAULT_POLLING_FALLBACK_OPTIONS },
  };
  for (const f of features) f.ɵapply(resolved);
  if (typeof ngDevMode === 'undefined' || ngDevMode) checkResolved(resolved, features.some((f) => f.kind === 'pollingFallback'));
  return makeEnvironmentProviders([
    { provide: REALTIME_CONFIG, useValue: resolved },
    ...features.flatMap((f) => f.ɵproviders),
  ]);
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
