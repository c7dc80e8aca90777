import { schedule, type RealtimeClock } from '../platform/clock';

const CHECKS_PER_TIMEOUT = 4;

/**
 * Tells a live connection from a dead one without a timer per frame: before the connection is
 * ready it is a deadline; after, it checks four times per timeout whether frames arrived (the
 * transport sets {@link heard} on each) and judges silence from the last check that found some, never
 * from when its timer fires. A timer a background tab runs a minute late finds recent frames and
 * simply checks again, so a dead link is declared between `timeoutMs` and `1.25 x timeoutMs` after
 * its last frame, never earlier.
 *
 * @example
 * ```ts
 * const watch = new LivenessWatch(clock, (why) => declareDead(why));
 * watch.deadline(10_000);         // connecting
 * watch.watch(45_000);            // ready: from now on silence counts
 * onMessage = () => (watch.heard = true);
 * ```
 */
export class LivenessWatch {
  /**
   * A frame arrived since the last check: the only per-frame bookkeeping (reading a clock per frame
   * costs more in Chromium than the rest of the dispatch).
   */
  heard = false;
  #heardBy = 0;
  #timeoutMs = 0;
  #cancel: () => void = noop;

  readonly #clock: RealtimeClock;
  readonly #dead: (reason: 'heartbeat timeout' | 'connect timeout') => void;

  constructor(clock: RealtimeClock, dead: (reason: 'heartbeat timeout' | 'connect timeout') => void) {
    this.#clock = clock;
    this.#dead = dead;
  }

  /** The connection must be ready within `ms`. */
  deadline(ms: number): void {
    this.#cancel();
    this.#cancel = schedule(this.#clock, () => this.#dead('connect timeout'), ms);
  }

  /** From now on, `timeoutMs` without a frame means the link is dead (`Infinity`: never judged). */
  watch(timeoutMs: number): void {
    this.#cancel();
    this.#timeoutMs = timeoutMs;
    this.#heardBy = this.#clock.now();
    this.heard = false;
    if (Number.isFinite(timeoutMs)) this.#check();
  }

  stop(): void {
    this.#cancel();
    this.#cancel = noop;
  }

  #check(): void {
    this.#cancel = schedule(
      this.#clock,
      () => {
        const now = this.#clock.now();
        if (this.heard) {
          this.heard = false;
          this.#heardBy = now;
        } else if (now - this.#heardBy >= this.#timeoutMs) {
          this.#dead('heartbeat timeout');
          return;
        }
        this.#check();
      },
      this.#timeoutMs / CHECKS_PER_TIMEOUT,
    );
  }
}

function noop(): void {}
