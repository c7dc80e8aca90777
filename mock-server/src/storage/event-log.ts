import type { ResyncReason, SequencedEvent } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import type { Store } from './store';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A durable event before the log has given it a `seq` and `timestamp`. */
export type EventDraft = DistributiveOmit<SequencedEvent, 'seq' | 'timestamp'>;

/**
 * The durable event log: assigns the one server-wide sequence, persists every event before anyone
 * sees it, and keeps only the newest `retain` events.
 *
 * @example
 * ```ts
 * const log = new EventLog(store, 10_000, Date.now);
 * const event = log.append({ type: 'sync_event', status: 'started', details: {} });
 * log.after(event.seq - 1); // [event]
 * ```
 */
export class EventLog {
  private last: number;
  /** Names this history; a seq means something only together with it (from Redis with `--redis`). */
  epoch: string;

  constructor(
    private readonly store: Store,
    private readonly retain: number,
    private readonly now: () => number,
  ) {
    // The meta row survives even when every event has been pruned, so the sequence never restarts.
    this.last = store.getMeta('last_seq') ?? 0;
    this.epoch = store.epoch();
  }

  /** The newest seq ever issued (0 when none). */
  get lastSeq(): number {
    return this.last;
  }

  /** The oldest retained seq, or null when the log is empty. */
  oldestSeq(): number | null {
    const row = this.store.db.query<{ seq: number | null }, []>('SELECT MIN(seq) AS seq FROM events').get();
    return row?.seq ?? null;
  }

  /**
   * Persists drafts in one transaction and returns them with their seq and timestamp; `texts`, when
   * given, receives each event's JSON (serialised once, for the log and the wire alike).
   */
  appendMany(drafts: readonly EventDraft[], texts?: string[]): SequencedEvent[] {
    const insert = this.store.db.query('INSERT INTO events (seq, body) VALUES (?, ?)');
    const events: SequencedEvent[] = [];
    this.store.db.transaction(() => {
      for (const draft of drafts) {
        const { type, ...fields } = draft;
        // type, seq, timestamp first: the order a human reading the wire expects.
        const event = { type, seq: this.last + 1, timestamp: this.now(), ...fields } as SequencedEvent;
        const text = JSON.stringify(event);
        insert.run(event.seq, text);
        texts?.push(text);
        this.last = event.seq;
        events.push(event);
      }
      this.store.setMeta('last_seq', this.last);
      this.store.db.query('DELETE FROM events WHERE seq <= ?').run(this.last - this.retain);
    })();
    return events;
  }

  /**
   * Stores events that already have their seq (the Redis engine's replica), in order; ones at or
   * below the newest seq here are skipped.
   */
  ingest(events: readonly SequencedEvent[], texts: readonly string[]): void {
    const insert = this.store.db.query('INSERT OR IGNORE INTO events (seq, body) VALUES (?, ?)');
    this.store.db.transaction(() => {
      events.forEach((event, i) => {
        if (event.seq <= this.last) return;
        insert.run(event.seq, texts[i]!);
        this.last = event.seq;
      });
      this.store.setMeta('last_seq', this.last);
      this.store.db.query('DELETE FROM events WHERE seq <= ?').run(this.last - this.retain);
    })();
  }

  /** Forgets the whole history for a new one (the Redis engine, when Redis lost its data). */
  restart(epoch: string): void {
    this.store.db.run('DELETE FROM events');
    this.last = 0;
    this.store.setMeta('last_seq', 0);
    this.epoch = epoch;
  }

  /** Raises the newest seq to Redis's, for seqs whose events were trimmed before this instance started. */
  ingestTop(seq: number): void {
    if (seq > this.last) {
      this.last = seq;
      this.store.setMeta('last_seq', seq);
    }
  }

  append(draft: EventDraft): SequencedEvent {
    return this.appendMany([draft])[0]!;
  }

  /** The newest retained event of a type, or null. */
  latestOfType(type: SequencedEvent['type']): SequencedEvent | null {
    const row = this.store.db
      .query<{ body: string }, [string]>('SELECT body FROM events WHERE body LIKE ? ORDER BY seq DESC LIMIT 1')
      .get(`{"type":"${type}",%`);
    return row ? (JSON.parse(row.body) as SequencedEvent) : null;
  }

  /** Retained events with seq > `seq`, in order. */
  after(seq: number): SequencedEvent[] {
    return this.rowsAfter(seq).map((row) => JSON.parse(row.body) as SequencedEvent);
  }

  /** Like {@link after}, with each event's stored JSON, so a replay sends it without serialising again. */
  afterWithText(seq: number): Array<{ event: SequencedEvent; text: string }> {
    return this.rowsAfter(seq).map((row) => ({ event: JSON.parse(row.body) as SequencedEvent, text: row.body }));
  }

  private rowsAfter(seq: number): Array<{ body: string }> {
    return this.store.db.query<{ body: string }, [number]>('SELECT body FROM events WHERE seq > ? ORDER BY seq').all(seq);
  }

  /**
   * Why a client at `lastSeq` of `epoch` (null: it did not say) cannot be replayed to, or null when
   * it can.
   */
  resyncReason(lastSeq: number, epoch: string | null): ResyncReason | null {
    if (epoch !== null && epoch !== this.epoch) return 'epoch_changed';
    return this.replayable(lastSeq) ? null : 'history_expired';
  }

  private replayable(lastSeq: number): boolean {
    if (lastSeq > this.last) return false;
    const oldest = this.oldestSeq() ?? this.last + 1;
    return lastSeq >= oldest - 1;
  }
}
