import type { EventDraft, EventLog } from './event-log';
import { EventStoreUnavailableError, type EventWriter } from './event-writer';
import type { RedisReplica } from './redis-replica';

/**
 * The Redis engine's writer: Redis gives the seqs, and the events reach this instance's store and
 * connections when its replica applies them (so every instance applies them alike). A write Redis
 * did not take surfaces through {@link settled}, as a 503 to the request that wrote.
 *
 * @example
 * ```ts
 * const events = new RedisEventWriter(replica, log);
 * events.emit({ type: 'sync_event', status: 'started', details: {} });
 * await events.settled(); // the seq once this instance has applied it
 * ```
 */
export class RedisEventWriter implements EventWriter {
  /** Appends to Redis not yet applied here, each with the newest seq Redis gave it. */
  private readonly pending = new Set<Promise<number>>();
  private stopped = false;

  constructor(
    private readonly replica: RedisReplica,
    private readonly log: EventLog,
  ) {}

  emit(draft: EventDraft): void {
    this.emitMany([draft]);
  }

  emitMany(drafts: readonly EventDraft[]): void {
    if (this.stopped || drafts.length === 0) return;
    this.append(drafts).catch(() => undefined);
  }

  async emitAsync(drafts: readonly EventDraft[]): Promise<{ firstSeq: number; lastSeq: number } | null> {
    if (this.stopped || drafts.length === 0) return null;
    const lastSeq = await this.append(drafts);
    return { firstSeq: lastSeq - drafts.length + 1, lastSeq };
  }

  /**
   * The log's newest seq, or a write's own seq if this replica still lags it. A write Redis did not
   * take is a 503, so nothing is answered as done that was not given its seq.
   */
  async settled(): Promise<number> {
    let seqs: number[];
    try {
      seqs = await Promise.all([...this.pending]);
    } catch {
      throw new EventStoreUnavailableError('The event store (Redis) is unavailable; the write was not applied');
    }
    return Math.max(this.log.lastSeq, ...seqs);
  }

  stop(): void {
    this.stopped = true;
  }

  private append(drafts: readonly EventDraft[]): Promise<number> {
    const append = this.replica.append(drafts);
    this.pending.add(append);
    append.then(
      () => this.pending.delete(append),
      () => this.pending.delete(append),
    );
    return append;
  }
}
