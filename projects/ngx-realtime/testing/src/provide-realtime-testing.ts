import { makeEnvironmentProviders, type EnvironmentProviders } from '@angular/core';
import { NetworkStatus, RANDOM_SOURCE, RealtimeBackend, RealtimeClock, preloadRealtimeFallbacks } from 'ngx-realtime';
import { FakeNetworkStatus } from './fake-network-status';
import { FakeRealtimeBackend } from './fake-realtime-backend';
import { FakeRealtimeClock } from './fake-realtime-clock';
import { RealtimeTestingController } from './realtime-testing-controller';

/**
 * Options of {@link provideRealtimeTesting}.
 *
 * @example
 * ```ts
 * provideRealtimeTesting({ random: () => 0.5 }) // every backoff delay is half its bound
 * ```
 */
export interface RealtimeTestingOptions {
  /**
   * Random source for backoff jitter. Defaults to `() => 1`, so each delay is exactly its bound
   * (500, 1000, 2000 ms... with the default backoff) and specs can tick exactly that far.
   */
  random?: () => number;
}

/**
 * Replaces the transport, clock, randomness and network of ngx-realtime with fakes driven by
 * {@link RealtimeTestingController}. Use together with `provideRealtime(...)`.
 *
 * The fallback transports (Server-Sent Events, long polling) load with a dynamic import the first
 * time a session needs them, so a spec that falls back would find them still loading. This starts
 * loading them; a spec that falls back should also `await preloadRealtimeFallbacks()` in a
 * `beforeAll`, so they are there, and everything runs synchronously, however the specs are ordered.
 *
 * @example
 * ```ts
 * TestBed.configureTestingModule({
 *   providers: [
 *     provideZonelessChangeDetection(),
 *     provideRealtime({ url: '/ws/events' }),
 *     provideRealtimeTesting(),
 *   ],
 * });
 * // a spec that falls back to Server-Sent Events or long polling, once:
 * beforeAll(() => preloadRealtimeFallbacks());
 * ```
 */
export function provideRealtimeTesting(options: RealtimeTestingOptions = {}): EnvironmentProviders {
  // Started now so that, after the first spec, the fallbacks are loaded whatever the spec awaited.
  preloadRealtimeFallbacks().catch(() => undefined);
  return makeEnvironmentProviders([
    FakeRealtimeClock,
    { provide: RealtimeClock, useExisting: FakeRealtimeClock },
    FakeRealtimeBackend,
    { provide: RealtimeBackend, useExisting: FakeRealtimeBackend },
    FakeNetworkStatus,
    { provide: NetworkStatus, useExisting: FakeNetworkStatus },
    { provide: RANDOM_SOURCE, useValue: options.random ?? (() => 1) },
    RealtimeTestingController,
  ]);
}
