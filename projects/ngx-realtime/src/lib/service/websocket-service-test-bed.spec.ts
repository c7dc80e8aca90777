import { TestBed } from '@angular/core/testing';
import { provideZonelessChangeDetection, type EnvironmentProviders, type Provider } from '@angular/core';
import {
  RealtimeTestingController,
  provideRealtimeTesting,
  type RealtimeTestingOptions,
  type TestEvent,
} from 'ngx-realtime/testing';
import type { ConnectionState } from '../stream/connection-state';
import type { ServerEvent } from '../protocol/protocol';
import type { RealtimeResync } from '../stream/realtime-resync';
import { provideRealtime } from '../config/provide-realtime';
import type { RealtimeFeature } from '../config/realtime-feature';
import type { RealtimeConfig } from '../config/realtime-config';
import type { RealtimeError } from '../stream/realtime-error';
import { WebSocketService } from './websocket.service';
import { preloadRealtimeFallbacks } from '../fallbacks/load-fallbacks';

/*
 * The test bed the WebSocketService specs share: the service on the fake backend and clock, with
 * everything it emits recorded.
 */

// The fallback transports load with a dynamic import the first time a session needs them. Loaded
// before the first spec (this hook is global: it sits outside any describe), they are there
// synchronously whenever a spec falls back, so every spec runs exactly as it reads.
beforeAll(() => preloadRealtimeFallbacks());

export const URL_BASE = 'ws://realtime.test/ws/events';

export function setup(
  options: {
    config?: Partial<RealtimeConfig>;
    features?: RealtimeFeature[];
    testing?: RealtimeTestingOptions;
    providers?: (Provider | EnvironmentProviders)[];
  } = {},
) {
  TestBed.configureTestingModule({
    providers: [
      provideZonelessChangeDetection(),
      provideRealtime({ url: URL_BASE, ...options.config }, ...(options.features ?? [])),
      provideRealtimeTesting(options.testing),
      ...(options.providers ?? []),
    ],
  });
  const service = TestBed.inject(WebSocketService);
  const controller = TestBed.inject(RealtimeTestingController);
  const events: ServerEvent[] = [];
  const errors: RealtimeError[] = [];
  const states: ConnectionState[] = [];
  const resyncs: RealtimeResync[] = [];
  const subscriptions = [
    service.events$.subscribe((e) => events.push(e)),
    service.errors$.subscribe((e) => errors.push(e)),
    service.connectionState$.subscribe((s) => states.push(s)),
    service.resync$.subscribe((r) => resyncs.push(r)),
  ];
  const seqs = () => events.filter((e): e is Extract<ServerEvent, { seq: number }> => 'seq' in e).map((e) => e.seq);
  return { service, controller, events, errors, states, resyncs, seqs, subscriptions };
}

export const put = (key: string, value = 'v', seq?: number): TestEvent =>
  seq === undefined
    ? { type: 'key_change', operation: 'put', key, cf: 'default', value }
    : { type: 'key_change', operation: 'put', key, cf: 'default', value, seq };

/** Advances the fake clock exactly to the scheduled retry. */
export function tickToRetry(service: WebSocketService, controller: RealtimeTestingController): void {
  const at = service.connectionState().nextRetryAt;
  if (at === null) throw new Error('no retry scheduled');
  controller.tick(at - controller.clock.now());
}

export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}
