import { Injectable } from '@angular/core';
import { RealtimeClock, type TimerHandle } from 'ngx-realtime';

interface FakeTimer {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * A clock that only moves when told to, so specs about backoff, heartbeats and probes run
 * instantly and exactly. Provided by `provideRealtimeTesting()`, reachable as
 * `RealtimeTestingController.clock`.
 *
 * @example
 * ```ts
 * const clock = TestBed.inject(FakeRealtimeClock);
 * clock.tick(500); // runs every timer due within the next 500 ms, in order
 * expect(clock.pendingTimers).toBe(0);
 * ```
 */
@Injectable()
export class FakeRealtimeClock extends RealtimeClock {
  private time = 1_700_000_000_000;
  private timers: FakeTimer[] = [];
  private nextId = 1;
  private alignMs: number | null = null;

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const id = this.nextId++;
    let at = this.time + Math.max(0, delayMs);
    if (this.alignMs !== null) at = Math.ceil(at / this.alignMs) * this.alignMs;
    this.timers.push({ id, at, callback });
    return id;
  }

  /**
   * Behaves like a background tab under Chrome's intensive throttling: every timer scheduled from
   * now on fires at the next multiple of `alignMs` (60 s in Chrome), so up to that much late.
   * `null` ends it (timers already scheduled keep their time).
   *
   * @example
   * ```ts
   * clock.throttle(60_000);
   * ```
   */
  throttle(alignMs: number | null): void {
    this.alignMs = alignMs;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Timers scheduled and not yet fired or cleared. After `disconnect()` this must be 0. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Milliseconds until the next timer fires, or `null` when none is pending. */
  nextTimerInMs(): number | null {
    if (this.timers.length === 0) return null;
    return Math.min(...this.timers.map((t) => t.at)) - this.time;
  }

  /** Advances time by `ms`, firing due timers in order (including ones they schedule within the span). */
  tick(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = end;
  }
}
