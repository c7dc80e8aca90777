/**
 * Remembers the newest `seq` delivered and drops anything at or below it, so events arrive exactly
 * once and in order across reconnects and transport switches (each transport replays from
 * `lastSeq`, and the overlap is discarded here).
 *
 * @example
 * ```ts
 * const sequencer = new EventSequencer();
 * if (sequencer.accept(event)) deliver(event);
 * socketUrl.searchParams.set('lastSeq', String(sequencer.lastSeq));
 * ```
 */
export class EventSequencer {
  private last: number | null = null;

  /** Newest seq delivered (or the server's position when nothing was delivered yet); `null` at first. */
  get lastSeq(): number | null {
    return this.last;
  }

  /** `true` if the event is new and must be delivered; records it. */
  accept(event: { readonly seq: number }): boolean {
    if (this.last !== null && event.seq <= this.last) return false;
    this.last = event.seq;
    return true;
  }

  /** Adopts the server's position when the client has none yet (from `welcome` or a poll). */
  adoptIfUnknown(seq: number): void {
    if (this.last === null) this.last = seq;
  }

  /** Moves forward to `seq` when a transport reports it covered everything up to it (never backwards). */
  advanceTo(seq: number): void {
    if (this.last === null || seq > this.last) this.last = seq;
  }

  /** Continues from the server's position after a `resync`: older history is gone. */
  resetTo(seq: number): void {
    this.last = seq;
  }
}
