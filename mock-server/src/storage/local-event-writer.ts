import type { SequencedEvent } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import { applyEventToStore } from './apply-event';
import type { EventDraft, EventLog } from './event-log';
import type { EventsListener, EventWriter } from './event-writer';
import type { Store } from './store';

/**
 * The embedded engine: this instance's own sqlite gives the seqs. Everything happens synchronously
 * in the caller's turn, so a write's event is logged and delivered before its answer is sent.
 *
 * @example
 * ```ts
 * const events = new LocalEventWriter(store, log, (logged, texts) => hub.broadcastEvents(logged, texts));
 * events.emit({ type: 'sync_event', status: 'started', details: {} });
 * ```
 */
export class LocalEventWriter implements EventWriter {
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly log: EventLog,
    private readonly listener: EventsListener,
  ) {}

  emit(draft: EventDraft): void {
    this.append([draft]);
  }

  emitMany(drafts: readonly EventDraft[]): void {
    this.append(drafts);
  }

  async emitAsync(drafts: readonly EventDraft[]): Promise<{ firstSeq: number; lastSeq: number } | null> {
    const events = this.append(drafts);
    return events.length === 0 ? null : { firstSeq: events[0]!.seq, lastSeq: events[events.length - 1]!.seq };
  }

  async settled(): Promise<number> {
    return this.log.lastSeq;
  }

  stop(): void {
    this.stopped = true;
  }

  /** Logs the drafts (giving them their seqs), applies them, and only then fans them out. */
  private append(drafts: readonly EventDraft[]): SequencedEvent[] {
    if (this.stopped || drafts.length === 0) return [];
    const texts: string[] = [];
    const events = this.log.appendMany(drafts, texts);
    for (const event of events) applyEventToStore(this.store, event);
    this.listener(events, texts);
    return events;
  }
}
