import { DestroyRef, InjectionToken, inject, signal, type Signal } from '@angular/core';
import { RealtimeClock, type TimerHandle } from 'ngx-realtime';
import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import { DEFAULT_TUNING } from './realtime-tuning';
import { STREAM_MODE } from './stream-mode';

/**
 * How often a page refreshes over HTTP what the change stream does not carry (`rt-refresh-ms`).
 *
 * @example
 * ```ts
 * providers: [{ provide: HTTP_REFRESH_MS, useValue: tuning.httpRefreshMs }];
 * ```
 */
export const HTTP_REFRESH_MS = new InjectionToken<number>('HTTP_REFRESH_MS', { factory: () => DEFAULT_TUNING.httpRefreshMs });

/**
 * While something is under way (a compaction, a sync), its page refreshes this often instead: its
 * progress is what the user is watching.
 *
 * @example
 * ```ts
 * refreshOverHttp(() => this.current, { busy: () => this.running() }); // every second while it runs
 * ```
 */
export const BUSY_REFRESH_MS = 1_000;

/**
 * What {@link refreshOverHttp} returns: whether the page refreshes over HTTP, and when it last did.
 *
 * @example
 * ```ts
 * @if (refresher.active) { <app-http-refresh-notice [refresher]="refresher" missing="Compaction events" /> }
 * ```
 */
export interface HttpRefresh {
  /** True when the stream does not carry this page's events (ApexStore 2.2), so it refreshes on a timer. */
  readonly active: boolean;
  /** The refresh interval when nothing is under way. */
  readonly everyMs: number;
  /** When the page's data last came in over HTTP; null before the first answer. */
  readonly refreshedAt: Signal<number | null>;
  /** Put in the page's `load` pipe: every answer that comes in is noted in `refreshedAt`. */
  stamp<T>(): MonoTypeOperatorFunction<T>;
  /** Reloads now and starts the interval afresh (the Refresh button, or right after the user started something). */
  refresh(): void;
}

/**
 * Keeps a page current over HTTP when its events never come: on ApexStore 2.2's change stream
 * (key changes only) compaction, health, sync and snapshot events and the stats push do not exist,
 * so a page that follows them would silently show stale data. In that mode it reloads the resource
 * every {@link HTTP_REFRESH_MS} (every {@link BUSY_REFRESH_MS} while `busy()`), on the SDK's clock;
 * with the native protocol it does nothing (the events keep the page live) and `refresh()` is a
 * plain reload. Call it in an injection context; the timer stops with the page.
 *
 * `resource` is a function, so the refresher can be made before the resource whose `load` stamps.
 *
 * @example
 * ```ts
 * protected readonly refresher = refreshOverHttp(() => this.current, { busy: () => this.running() });
 * private readonly current = liveResource({
 *   load: () => this.api.latestCompaction().pipe(this.refresher.stamp()),
 *   events: (rt) => rt.onCompactionEvents(),
 *   reduce: (_: CompactionEvent | null, event: CompactionEvent) => event,
 * });
 * ```
 */
export function refreshOverHttp(resource: () => { reload(): boolean }, options: { busy?: () => boolean } = {}): HttpRefresh {
  const active = inject(STREAM_MODE) === 'apexstore-2.2';
  const everyMs = inject(HTTP_REFRESH_MS);
  const clock = inject(RealtimeClock);
  const refreshedAt = signal<number | null>(null);
  let timer: TimerHandle | null = null;
  let lastReload = clock.now();

  // One short tick rather than a timer per interval: a page that just became busy (the user
  // started a compaction) speeds up at once, not after the idle interval.
  const tick = () => {
    timer = clock.setTimeout(() => {
      const now = clock.now();
      if (options.busy?.() || now - lastReload >= everyMs) {
        lastReload = now;
        resource().reload();
      }
      tick();
    }, Math.min(BUSY_REFRESH_MS, everyMs));
  };
  if (active) {
    tick();
    inject(DestroyRef).onDestroy(() => {
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
    });
  }

  return {
    active,
    everyMs,
    refreshedAt: refreshedAt.asReadonly(),
    stamp: <T>() => tap<T>(() => refreshedAt.set(clock.now())),
    refresh: () => {
      lastReload = clock.now();
      resource().reload();
    },
  };
}
