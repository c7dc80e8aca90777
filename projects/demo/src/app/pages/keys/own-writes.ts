import { signal } from '@angular/core';
import type { KeyChangeEvent } from 'ngx-realtime';

/**
 * A write of this tab the server has answered: `value` null is a delete.
 *
 * @example
 * ```ts
 * const write: OwnWrite = { key: 'user:1', cf: 'default', value: null, seq: 42 };
 * ```
 */
export interface OwnWrite {
  readonly key: string;
  readonly cf: string;
  readonly value: string | null;
  /** From the answer's `X-Last-Seq`: the live stream holds the write once lastSeq reaches it. */
  readonly seq: number | null;
}

/**
 * This tab's key writes, from sending until the live stream has them. It tells the page which
 * `key_change` events are its own (so they get no "another client" badge) and which answered
 * writes to show at once, before their event arrives (seconds later when the stream stalls).
 *
 * @example
 * ```ts
 * own.sent('user:1');
 * api.putKey('user:1', 'v').subscribe({
 *   next: ({ seq }) => own.answered({ key: 'user:1', cf: 'default', value: 'v', seq }, ws.lastSeq()),
 *   error: () => own.failed('user:1'),
 * });
 * ```
 */
export class OwnWrites {
  /** Sent writes whose event has not come back yet: key -> how many. */
  private readonly inFlight = new Map<string, number>();
  private readonly shown = signal<ReadonlyMap<string, OwnWrite>>(new Map());

  /** Call before sending: the event can arrive before the HTTP answer does. */
  sent(key: string): void {
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
  }

  /** The request failed: no event will come for it. */
  failed(key: string): void {
    this.consume(key);
  }

  /** The server answered: show the write until the stream has it (already at `lastSeq`, it is not shown). */
  answered(write: OwnWrite, lastSeq: number | null): void {
    const shown = new Map(this.shown());
    // Answers whose event came in meanwhile describe nothing the list lacks.
    for (const [key, old] of shown) if (old.seq !== null && lastSeq !== null && old.seq <= lastSeq) shown.delete(key);
    // Without a seq only the event can confirm it; when that came first, there is nothing to wait for.
    if (write.seq !== null || this.inFlight.has(write.key)) shown.set(write.key, write);
    this.shown.set(shown);
  }

  /** Whether `event` is this tab's own write coming back (each write is recognised once). */
  takeEvent(event: KeyChangeEvent): boolean {
    const own = this.consume(event.key);
    const write = this.shown().get(event.key);
    if (own && write && write.seq === null) {
      const shown = new Map(this.shown());
      shown.delete(event.key);
      this.shown.set(shown);
    }
    return own;
  }

  /** Forgets the writes the live stream delivered by `lastSeq` (call it while the list is current). */
  confirmedUpTo(lastSeq: number | null): void {
    if (lastSeq === null) return;
    const shown = this.shown();
    const left = new Map([...shown].filter(([, write]) => write.seq === null || write.seq > lastSeq));
    if (left.size !== shown.size) this.shown.set(left);
  }

  /** Answered writes the live stream has not delivered by `lastSeq` (reactive). */
  unconfirmed(lastSeq: number | null): OwnWrite[] {
    return [...this.shown().values()].filter((write) => write.seq === null || lastSeq === null || lastSeq < write.seq);
  }

  private consume(key: string): boolean {
    const pending = this.inFlight.get(key) ?? 0;
    if (pending === 0) return false;
    if (pending === 1) this.inFlight.delete(key);
    else this.inFlight.set(key, pending - 1);
    return true;
  }
}
