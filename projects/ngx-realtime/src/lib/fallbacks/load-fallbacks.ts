import { InjectionToken } from '@angular/core';

/**
 * The fallback code (`fallbacks.ts`): what a session needs beyond the WebSocket.
 *
 * @example
 * ```ts
 * whenLoaded(loadFallbacks, (fallbacks: RealtimeFallbacks) => new fallbacks.SseTransport(options), report);
 * ```
 */
export type RealtimeFallbacks = typeof import('./fallbacks');

/**
 * Gives the fallback code: the module itself once it has loaded (so a session that needs it then
 * goes on synchronously), else a promise of it.
 *
 * @example
 * ```ts
 * const loader: FallbackLoader = () => loadFallbacks();
 * ```
 */
export type FallbackLoader = () => RealtimeFallbacks | Promise<RealtimeFallbacks>;

let loaded: RealtimeFallbacks | undefined;
let loading: Promise<RealtimeFallbacks> | undefined;

/**
 * Loads the fallback chunk once; a failed load (a network error, a deployment that replaced the
 * chunk) is tried again on the next call.
 *
 * @example
 * ```ts
 * whenLoaded(loadFallbacks, (fallbacks) => new fallbacks.SseTransport(options), report);
 * ```
 */
export const loadFallbacks: FallbackLoader = () =>
  loaded ??
  (loading ??= import('./fallbacks').then(
    (module) => (loaded = module),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  ));

/**
 * Loads the fallback transports (Server-Sent Events, long polling, probing back to the WebSocket)
 * ahead of need. They load by themselves the first time a session needs them, so apps rarely call
 * this: an app that expects its users' proxies to block WebSockets may, to save the wait then, and a
 * spec that exercises the fallbacks on the fake backend of `ngx-realtime/testing` should, in a
 * `beforeAll`, so they are there synchronously when the spec falls back.
 *
 * @example
 * ```ts
 * beforeAll(() => preloadRealtimeFallbacks());
 * ```
 */
export function preloadRealtimeFallbacks(): Promise<void> {
  return Promise.resolve(loadFallbacks()).then(() => undefined);
}

/**
 * Where sessions get the fallback code; specs replace it to hold a load pending or fail it.
 *
 * @example
 * ```ts
 * providers: [{ provide: REALTIME_FALLBACKS, useValue: () => pending }]
 * ```
 */
export const REALTIME_FALLBACKS = new InjectionToken<FallbackLoader>((typeof ngDevMode === 'undefined' || !!ngDevMode) ? 'ngx-realtime REALTIME_FALLBACKS' : '', {
  providedIn: 'root',
  factory: () => loadFallbacks,
});

/**
 * Runs `use` with the fallback code: at once when it has loaded, else once it has; `failed` when
 * it could not be loaded.
 *
 * @example
 * ```ts
 * whenLoaded(host.fallbacks, (fallbacks) => start(fallbacks), (error) => retryLater(error));
 * ```
 */
export function whenLoaded(loader: FallbackLoader, use: (fallbacks: RealtimeFallbacks) => void, failed: (error: unknown) => void): void {
  const got = loader();
  if ('then' in got) got.then(use, failed);
  else use(got);
}
