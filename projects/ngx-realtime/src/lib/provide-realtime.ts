import {
  EnvironmentProviders,
  Provider,
  inject,
  isDevMode,
  makeEnvironmentProviders,
  provideEnvironmentInitializer,
} from '@angular/core';
import type { Observable } from 'rxjs';
import {
  DEFAULT_POLLING_FALLBACK_OPTIONS,
  DEFAULT_RECONNECT_OPTIONS,
  REALTIME_AUTH_SOURCE,
  REALTIME_CONFIG,
  type HeartbeatOptions,
  type PollingFallbackOptions,
  type RealtimeConfig,
  type ReconnectOptions,
  type ResolvedRealtimeConfig,
} from './realtime-config';
import { WebSocketService } from './websocket.service';

/**
 * Kinds of {@link RealtimeFeature}.
 *
 * @example
 * ```ts
 * const kinds = features.map((f) => f.kind); // e.g. ['reconnect', 'auth']
 * ```
 */
export type RealtimeFeatureKind = 'reconnect' | 'heartbeat' | 'pollingFallback' | 'noPollingFallback' | 'auth';

/**
 * A feature for {@link provideRealtime}, made by `withReconnect()`, `withHeartbeat()`,
 * `withPollingFallback()`, `withNoPollingFallback()` or `withAuth()`.
 *
 * @example
 * ```ts
 * const features: RealtimeFeature[] = [withReconnect(), withHeartbeat()];
 * provideRealtime({ url: '/ws/events' }, ...features);
 * ```
 */
export interface RealtimeFeature<K extends RealtimeFeatureKind = RealtimeFeatureKind> {
  readonly kind: K;
  /** @internal */
  readonly ɵapply: (config: ResolvedRealtimeConfig) => void;
  /** @internal */
  readonly ɵproviders: (Provider | EnvironmentProviders)[];
  /** @internal what the app wrote, for error messages */
  readonly ɵcall: string;
}

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
 * Overrides the heartbeat figures. The heartbeat is always on; by default it uses the figures the
 * server announces in `welcome` (15 s ping, 45 s timeout with the default server).
 *
 * @example
 * ```ts
 * provideRealtime({ url: '/ws/events' }, withHeartbeat({ intervalMs: 5000, timeoutMs: 12000 }))
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
 * Turns the long-polling fallback off, for servers without a poll endpoint: the service then only
 * ever retries the WebSocket.
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
 * Connects and disconnects with the app's auth state: each token connects (later tokens are used
 * for later connections), `null` disconnects. The service starts with the app. Pass the token stream,
 * or a factory that runs in an injection context, for a stream that lives in a service.
 *
 * @example
 * ```ts
 * provideRealtime({ url: '/ws/events' }, withAuth(() => inject(AuthService).token$))
 * // or, with a stream that exists outside DI:
 * provideRealtime({ url: '/ws/events' }, withAuth(authTokens$))
 * ```
 */
export function withAuth(
  source: Observable<string | null> | (() => Observable<string | null>),
): RealtimeFeature<'auth'> {
  return feature('auth', 'withAuth()', () => undefined, [
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
  if (isDevMode()) checkConfig(config, features);
  const resolved: ResolvedRealtimeConfig = {
    url: config.url,
    pollUrl: config.pollUrl ?? null,
    authMode: config.authMode ?? 'query',
    topics: config.topics ? [...config.topics] : null,
    filter: { ...config.filter },
    reconnect: { ...DEFAULT_RECONNECT_OPTIONS },
    heartbeat: {},
    polling: { ...DEFAULT_POLLING_FALLBACK_OPTIONS },
  };
  for (const f of features) f.ɵapply(resolved);
  if (isDevMode()) checkResolved(resolved, features.some((f) => f.kind === 'pollingFallback'));
  return makeEnvironmentProviders([
    { provide: REALTIME_CONFIG, useValue: resolved },
    ...features.flatMap((f) => f.ɵproviders),
  ]);
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function checkConfig(config: RealtimeConfig, features: RealtimeFeature[]): void {
  if (!config || typeof config.url !== 'string' || config.url.trim() === '') {
    throw new Error("ngx-realtime: provideRealtime() needs a url. Use provideRealtime({url: '/ws/events'}).");
  }
  if (config.authMode !== undefined && config.authMode !== 'query' && config.authMode !== 'frame') {
    throw new Error(`ngx-realtime: authMode must be 'query' or 'frame', got '${String(config.authMode)}'.`);
  }
  const seen = new Set<RealtimeFeatureKind>();
  for (const f of features) {
    if (!f || typeof f.kind !== 'string') {
      throw new Error(
        'ngx-realtime: provideRealtime() accepts only features made by withReconnect(), withHeartbeat(), ' +
          'withPollingFallback(), withNoPollingFallback() and withAuth().',
      );
    }
    if (seen.has(f.kind)) {
      throw new Error(`ngx-realtime: ${f.ɵcall} was passed to provideRealtime() twice. Pass it once, with all its options merged.`);
    }
    seen.add(f.kind);
  }
  if (seen.has('pollingFallback') && seen.has('noPollingFallback')) {
    throw new Error(
      'ngx-realtime: withPollingFallback() and withNoPollingFallback() contradict each other. ' +
        'Keep withPollingFallback() to tune the fallback, or withNoPollingFallback() to turn it off.',
    );
  }
}

function checkResolved(config: ResolvedRealtimeConfig, pollingAskedFor: boolean): void {
  const r = config.reconnect;
  const positive = (name: string, value: number) => {
    if (!(value > 0)) throw new Error(`ngx-realtime: ${name} must be a positive number, got ${value}.`);
  };
  positive('withReconnect({initialDelayMs})', r.initialDelayMs);
  positive('withReconnect({maxDelayMs})', r.maxDelayMs);
  positive('withReconnect({connectTimeoutMs})', r.connectTimeoutMs);
  if (!(r.factor >= 1)) throw new Error(`ngx-realtime: withReconnect({factor}) must be at least 1, got ${r.factor}.`);
  if (!(r.maxAttempts >= 0)) throw new Error(`ngx-realtime: withReconnect({maxAttempts}) must be 0 or more, got ${r.maxAttempts}.`);
  if (!(r.stableAfterMs >= 0)) throw new Error(`ngx-realtime: withReconnect({stableAfterMs}) must be 0 or more, got ${r.stableAfterMs}.`);
  const hb = config.heartbeat;
  if (hb.intervalMs !== undefined) positive('withHeartbeat({intervalMs})', hb.intervalMs);
  if (hb.timeoutMs !== undefined) positive('withHeartbeat({timeoutMs})', hb.timeoutMs);
  if (hb.intervalMs !== undefined && hb.timeoutMs !== undefined && hb.timeoutMs <= hb.intervalMs) {
    throw new Error(
      `ngx-realtime: withHeartbeat({timeoutMs: ${hb.timeoutMs}}) must be longer than intervalMs (${hb.intervalMs}), ` +
        'or every connection is declared dead before its first ping is answered. Use a timeoutMs of about 3 x intervalMs.',
    );
  }
  const p = config.polling;
  if (p) {
    positive('withPollingFallback({afterFailedAttempts})', p.afterFailedAttempts);
    positive('withPollingFallback({probeIntervalMs})', p.probeIntervalMs);
    if (!(p.waitMs >= 0)) throw new Error(`ngx-realtime: withPollingFallback({waitMs}) must be 0 or more, got ${p.waitMs}.`);
    // Only an explicit withPollingFallback() is a contradiction; the default simply never triggers.
    if (pollingAskedFor && p.afterFailedAttempts > r.maxAttempts + 1) {
      throw new Error(
        `ngx-realtime: withPollingFallback({afterFailedAttempts: ${p.afterFailedAttempts}}) can never trigger because ` +
          `withReconnect({maxAttempts: ${r.maxAttempts}}) gives up first. Raise maxAttempts or lower afterFailedAttempts.`,
      );
    }
  }
}
