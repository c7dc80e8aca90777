import { makeEnvironmentProviders, type EnvironmentProviders } from '@angular/core';
import { NetworkStatus, RANDOM_SOURCE, RealtimeBackend, RealtimeClock } from 'ngx-realtime';
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
 * @example
 * ```ts
 * TestBed.configureTestingModule({
 *   providers: [
 *     provideZonelessChangeDetection(),
 *     provideRealtime({ url: '/ws/events' }),
 *     provideRealtimeTesting(),
 *   ],
 * });
 * ```
 */
export function provideRealtimeTesting(options: RealtimeTestingOptions = {}): EnvironmentProviders {
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
