import type { EnvironmentProviders, Provider } from '@angular/core';
import type { ResolvedRealtimeConfig } from './realtime-config';

/**
 * Kinds of {@link RealtimeFeature}.
 *
 * @example
 * ```ts
 * const kinds = features.map((f) => f.kind); // e.g. ['reconnect', 'auth']
 * ```
 */
export type RealtimeFeatureKind = 
  | 'reconnect'
  | 'heartbeat'
  | 'pollingFallback'
  | 'noPollingFallback'
  | 'auth'
  | 'batching'
  | 'tabSharing'
  | 'protocol'
  | 'transports';

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
