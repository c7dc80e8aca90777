import { signal, type Signal } from '@angular/core';
import { Subject, type Observable } from 'rxjs';
import type { ProtocolGap, ProtocolReady, RealtimeEvent, RealtimeProtocol, StreamPosition } from '../protocol/realtime-protocol';
import { BatchBoundary } from './batch-boundary';
import { EventFanout } from './event-fanout';
import { EventSequencer } from './event-sequencer';
import type { RealtimeError } from './realtime-error';
import type { RealtimeResync } from './realtime-resync';

/**
 * Where every event ends up, whichever transport or tab it came from: repeats of a numbered stream
 * are dropped here, the position is kept here, and gaps and problems become values on `resync$`
 * and `errors$`. One per service.
 *
 * @example
 * ```ts
 * const stream = new EventStream(nativeProtocol());
 * stream.deliver(event);
 * stream.fanout.listen('key_change').subscribe(render);
 * ```
 */
export class EventStream {
  readonly fanout = new EventFanout();
  /** Brackets each {@link deliverMany}, so state kept from events is written once per group. */
  readonly batch = new BatchBoundary();
  readonly #sequencer = new EventSequencer();
  /** The epoch the sequencer's `lastSeq` belongs to. */
  #epoch: string | null = null;
  readonly #lastSeq = signal<number | null>(null);
  readonly #resync = new Subject<RealtimeResync>();
  readonly #errors = new Subject<RealtimeError>();
  #readyBefore = false;
  /** Events delivered as volatile (kept by identity: they are few, a stats push every few seconds). */
  readonly #volatile = new WeakSet<RealtimeEvent>();

  /** Newest seq seen (or the server's position at the first connection); `null` before that. */
  readonly lastSeq: Signal<number | null> = this.#lastSeq.asReadonly();
  readonly resync$: Observable<RealtimeResync> = this.#resync.asObservable();
  readonly errors$: Observable<RealtimeError> = this.#errors.asObservable();

  readonly #protocol: RealtimeProtocol;

  constructor(protocol: RealtimeProtocol) {
    this.#protocol = protocol;
  }

  position(): StreamPosition | null {
    const seq = this.#sequencer.lastSeq;
    return seq === null && this.#epoch === null ? null : { seq, epoch: this.#epoch };
  }

  adoptPosition(position: StreamPosition): void {
    if (position.epoch !== null) this.#epoch = position.epoch;
    if (position.seq !== null) {
      this.#sequencer.advanceTo(position.seq);
      this.#lastSeq.set(this.#sequencer.lastSeq);
    }
  }

  deliver(event: RealtimeEvent): void {
    const seq = event.seq;
    if (seq !== undefined) {
      if (!this.#sequencer.accept(event as { seq: number })) return;
      this.#lastSeq.set(seq);
    }
    this.fanout.emit(event);
  }

  /** Events that arrived together (a batch frame, a poll answer, a relayed batch): one group. */
  deliverMany(events: readonly RealtimeEvent[]): void {
    if (events.length === 1) this.deliver(events[0]!);
    else if (events.length !== 0) this.batch.run(() => this.#deliverEach(events));
  }

  #deliverEach(events: readonly RealtimeEvent[]): void {
    for (let i = 0; i < events.length; i++) this.deliver(events[i]!);
  }

  /** An event that is not kept or replayed: delivered, never sequenced. */
  emitVolatile(event: RealtimeEvent): void {
    this.#volatile.add(event);
    this.fanout.emit(event);
  }

  /** Whether `event` came as volatile: older than any snapshot loaded after it. */
  isVolatile(event: RealtimeEvent): boolean {
    return this.#volatile.has(event);
  }

  /**
   * A connection is ready: adopt its position, or resync when the server lost what we hold. Returns
   * the gap it reported on `resync$`, if any, so a tab sharing the connection can pass it on.
   */
  ready(ready: ProtocolReady): ProtocolGap | null {
    const again = this.#readyBefore;
    this.#readyBefore = true;
    if (!this.#protocol.capabilities.replay) {
      // Nothing tells what happened while there was no connection: the app must reload.
      if (!again) return null;
      const gap: ProtocolGap = { reason: 'reconnected', position: null };
      this.resync(gap);
      return gap;
    }
    const position = ready.position;
    if (position === null) return null;
    const known = this.position();
    if (position.epoch !== null) this.#epoch = position.epoch;
    let gap: ProtocolGap | null = null;
    if (position.seq !== null && this.#protocol.lostHistory?.(known, ready)) {
      this.report('history_lost', `server sequence restarted at ${position.seq}, below ${known?.seq}`, ready.detail);
      gap = { reason: 'history_expired', position };
      this.resync(gap);
    }
    if (position.seq !== null) this.#sequencer.adoptIfUnknown(position.seq);
    this.#lastSeq.set(this.#sequencer.lastSeq);
    return gap;
  }

  resync(gap: ProtocolGap): void {
    const seq = gap.position?.seq ?? null;
    if (seq !== null) {
      this.#sequencer.resetTo(seq);
      this.#lastSeq.set(seq);
    }
    const notice: RealtimeResync = { type: 'resync', reason: gap.reason, lastSeq: seq ?? this.#sequencer.lastSeq };
    this.#resync.next(gap.skipped === undefined ? notice : { ...notice, skipped: gap.skipped });
  }

  report(code: string, message: string, detail?: unknown): void {
    this.#errors.next(detail === undefined ? { code, message } : { code, message, detail });
  }

  complete(): void {
    this.fanout.complete();
    this.#resync.complete();
    this.#errors.complete();
  }
}
