/**
 * Marks where a group of events that arrived together (one batch frame, one poll answer, what a
 * follower tab received in one message) starts and ends, so a consumer that keeps state can apply
 * the whole group at once: one copy and one signal write instead of one per event. Subscribers
 * still see each event on its own, synchronously; only work deferred with {@link afterBatch} waits.
 *
 * @example
 * ```ts
 * const boundary = new BatchBoundary();
 * boundary.run(() => events.forEach(deliver)); // subscribers may call boundary.afterBatch(apply)
 * ```
 */
export class BatchBoundary {
  #depth = 0;
  #after: Array<() => void> = [];

  /** Whether a group is being delivered (so work can wait for its end). */
  get open(): boolean {
    return this.#depth !== 0;
  }

  /** Runs `deliver` as one group; callbacks queued meanwhile run when the outermost group ends. */
  run(deliver: () => void): void {
    this.#depth++;
    try {
      deliver();
    } finally {
      if (--this.#depth === 0) this.#flush();
    }
  }

  /** Runs `callback` when the group being delivered ends, or at once when none is. */
  afterBatch(callback: () => void): void {
    if (this.#depth === 0) callback();
    else this.#after.push(callback);
  }

  #flush(): void {
    // A callback may deliver again (and queue more): drain until nothing is left.
    while (this.#after.length !== 0) {
      const callbacks = this.#after;
      this.#after = [];
      for (const callback of callbacks) {
        try {
          callback();
        } catch (error) {
          // As RxJS does with a subscriber's error: reported, never thrown into the transport.
          setTimeout(() => {
            throw error;
          });
        }
      }
    }
  }
}
