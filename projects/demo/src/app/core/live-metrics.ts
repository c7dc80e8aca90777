import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { RealtimeClock, WebSocketService, type StatsBody, type TimerHandle } from 'ngx-realtime';
import { AuthService } from './auth-service';

/**
 * One second of the session: how many events arrived in it and the stats as they then stood.
 *
 * @example
 * ```ts
 * const records = samples.map((s: MetricsSample) => s.stats?.total_records ?? null);
 * ```
 */
export interface MetricsSample {
  /** End of the second (ms since the epoch). */
  at: number;
  /** Durable events delivered during that second (stats pushes are not counted: they are the clock, not traffic). */
  events: number;
  /** The newest `stats_update` so far; null until the first push. */
  stats: StatsBody | null;
}

/**
 * Seconds of history kept: the dashboard charts the last five minutes.
 *
 * @example
 * ```ts
 * const full = metrics.samples().length === METRICS_WINDOW;
 * ```
 */
export const METRICS_WINDOW = 300;
const SAMPLE_MS = 1_000;

/**
 * Samples the live stream once a second while someone is signed in: events per second (counted
 * from `events$`) and the latest `stats_update`. It runs from app start (the root component
 * creates it), so the dashboard's charts already have minutes of history when it opens. Timers
 * run on the SDK's `RealtimeClock`, so specs drive it with `controller.tick(1000)`. Signing out
 * stops it and forgets the history (the next user must not see it).
 *
 * @example
 * ```ts
 * const perSecond = computed(() => inject(LiveMetrics).samples().map((s) => s.events));
 * ```
 */
@Injectable({ providedIn: 'root' })
export class LiveMetrics {
  private readonly clock = inject(RealtimeClock);
  private readonly list = signal<readonly MetricsSample[]>([]);
  private counted = 0;
  private stats: StatsBody | null = null;
  private timer: TimerHandle | null = null;

  /** Oldest first, at most {@link METRICS_WINDOW}. */
  readonly samples = this.list.asReadonly();

  constructor() {
    const events = inject(WebSocketService).events$.subscribe((event) => {
      if (event.type === 'stats_update') this.stats = event.stats;
      else this.counted++;
    });
    const auth = inject(AuthService).token$.subscribe((token) => (token === null ? this.stop() : this.start()));
    inject(DestroyRef).onDestroy(() => {
      events.unsubscribe();
      auth.unsubscribe();
      this.stop();
    });
  }

  /**
   * Takes stats fetched over HTTP as the newest known, so the charts need not wait for the next
   * push (every 5 s by default) and follow a reload right after writes.
   */
  noteStats(stats: StatsBody): void {
    if (this.timer !== null) this.stats = stats;
  }

  private start(): void {
    if (this.timer !== null) return;
    this.counted = 0;
    this.schedule();
  }

  private stop(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.list.set([]);
    this.stats = null;
  }

  // A chain of timeouts rather than an interval: RealtimeClock has no interval, and the fake one
  // in specs then advances it like the SDK's own timers.
  private schedule(): void {
    this.timer = this.clock.setTimeout(() => {
      const sample: MetricsSample = { at: this.clock.now(), events: this.counted, stats: this.stats };
      this.counted = 0;
      this.list.update((list) => [...list, sample].slice(-METRICS_WINDOW));
      this.schedule();
    }, SAMPLE_MS);
  }
}
