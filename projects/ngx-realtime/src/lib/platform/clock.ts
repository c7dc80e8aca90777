import { Injectable, InjectionToken, NgZone, inject } from '@angular/core';

/**
 * Handle returned by {@link RealtimeClock.setTimeout}; opaque to callers.
 *
 * @example
 * ```ts
 * const handle: TimerHandle = clock.setTimeout(retry, 500);
 * clock.clearTimeout(handle);
 * ```
 */
export type TimerHandle = unknown;

/**
 * The source of time for everything the SDK schedules: backoff, heartbeat, probes, stability.
 * Injected so specs can replace it with a fake that advances instantly (see
 * `provideRealtimeTesting()`), and so timers run outside Angular's zone: an idle socket must
 * never keep the app from becoming stable.
 *
 * @example
 * ```ts
 * providers: [{ provide: RealtimeClock, useClass: MyVirtualClock }]
 * ```
 */
@Injectable({ providedIn: 'root', useFactory: () => new BrowserRealtimeClock() })
export abstract class RealtimeClock {
  /** Milliseconds since the Unix epoch. */
  abstract now(): number;
  /** Runs `callback` once after `delayMs`. */
  abstract setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer; unknown or already fired handles are ignored. */
  abstract clearTimeout(handle: TimerHandle): void;
}

/**
 * Default clock: `Date.now` and the global timers. With zone.js, timers are scheduled outside the
 * Angular zone, so pending heartbeats and retries never count as work the app waits for, and their
 * callbacks run back inside it, so what they change reaches the app's change detection.
 *
 * @example
 * ```ts
 * const clock = TestBed.inject(RealtimeClock); // BrowserRealtimeClock unless overridden
 * ```
 */
export class BrowserRealtimeClock extends RealtimeClock {
  readonly #zone = inject(NgZone, { optional: true });

  now(): number {
    return Date.now();
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const zone = this.#zone;
    if (!zone) return globalThis.setTimeout(callback, delayMs);
    return zone.runOutsideAngular(() => globalThis.setTimeout(() => zone.run(callback), delayMs));
  }

  clearTimeout(handle: TimerHandle): void {
    globalThis.clearTimeout(handle as ReturnType<typeof globalThis.setTimeout>);
  }
}

/**
 * Source of randomness for backoff jitter: a function returning a number in [0, 1).
 * Replace it in specs to make retry delays exact.
 *
 * @example
 * ```ts
 * providers: [{ provide: RANDOM_SOURCE, useValue: () => 0.5 }]
 * ```
 */
export const RANDOM_SOURCE = new InjectionToken<() => number>((typeof ngDevMode === 'undefined' || !!ngDevMode) ? 'ngx-realtime RANDOM_SOURCE' : '', {
  providedIn: 'root',
  factory: () => Math.random,
});

/**
 * Schedules `callback` on `clock` and returns a function that cancels it (idempotent).
 *
 * @example
 * ```ts
 * const cancel = schedule(clock, retry, 500);
 * cancel();
 * ```
 */
export function schedule(clock: RealtimeClock, callback: () => void, delayMs: number): () => void {
  let handle: TimerHandle | null = clock.setTimeout(() => {
    handle = null;
    callback();
  }, delayMs);
  return () => {
    if (handle !== null) {
      clock.clearTimeout(handle);
      handle = null;
    }
  };
}
