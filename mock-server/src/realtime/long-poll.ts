import type { EventFilter, PollResponse, SequencedEvent, Topic } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import { matchesSubscription } from '../../../projects/ngx-realtime/src/lib/protocol/frame-validation';
import type { EventLog } from '../storage/event-log';

/** What one poll asks for. */
export interface PollQuery {
  since: number;
  /** The epoch `since` belongs to, or null when the client did not say. */
  epoch: string | null;
  waitMs: number;
  topics: Topic[] | null;
  filter: EventFilter;
}

interface Waiter {
  query: PollQuery;
  resolve: (answer: PollResponse) => void;
  timer: ReturnType<typeof setTimeout> | null;
  frozen: boolean;
}

/**
 * The long-polling side of the event stream: reads the same log as the WebSocket, so seqs match,
 * and parks requests until a matching event arrives or their wait runs out.
 *
 * @example
 * ```ts
 * const answer = await polls.poll({ since: 41, epoch: null, waitMs: 25_000, topics: null, filter: {} });
 * // answer.events[0].seq === 42, answer.lastSeq is the next `since`
 * ```
 */
export class LongPolls {
  private readonly waiters = new Set<Waiter>();

  constructor(
    private readonly log: EventLog,
    private readonly maxEvents: number,
  ) {}

  /**
   * Answers at once when events after `since` match, or history is gone; otherwise waits.
   * `signal` (the request's) forgets the poll when the client goes away.
   */
  poll(query: PollQuery, signal?: AbortSignal): PollResponse | Promise<PollResponse> {
    const answer = this.collect(query);
    if (answer.events.length > 0 || answer.resync || query.waitMs <= 0 || signal?.aborted) return answer;
    return new Promise((resolve) => {
      const waiter: Waiter = { query, resolve, timer: null, frozen: false };
      waiter.timer = setTimeout(() => this.finish(waiter), query.waitMs);
      this.waiters.add(waiter);
      signal?.addEventListener('abort', () => this.finish(waiter), { once: true });
    });
  }

  /** Wakes parked polls that one of these fresh events matches. */
  notify(events: readonly SequencedEvent[]): void {
    for (const waiter of this.waiters) {
      if (waiter.frozen) continue;
      if (events.some((e) => matchesSubscription(e, waiter.query.topics, waiter.query.filter))) this.finish(waiter);
    }
  }

  /** Chaos stall: the polls parked now get no answer for `ms`, then whatever the log holds. */
  freeze(ms: number): void {
    for (const waiter of this.waiters) {
      waiter.frozen = true;
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.timer = setTimeout(() => this.finish(waiter), ms);
    }
  }

  /** Answers every parked poll now (shutdown). */
  releaseAll(): void {
    for (const waiter of [...this.waiters]) this.finish(waiter);
  }

  get pending(): number {
    return this.waiters.size;
  }

  private finish(waiter: Waiter): void {
    if (!this.waiters.delete(waiter)) return;
    if (waiter.timer) clearTimeout(waiter.timer);
    waiter.resolve(this.collect(waiter.query));
  }

  private collect({ since, epoch, topics, filter }: PollQuery): PollResponse {
    const lastSeq = this.log.lastSeq;
    const reason = this.log.resyncReason(since, epoch);
    if (reason) return { events: [], lastSeq, resync: { type: 'resync', reason, lastSeq } };
    const events: SequencedEvent[] = [];
    for (const event of this.log.after(since)) {
      if (!matchesSubscription(event, topics, filter)) continue;
      events.push(event);
      if (events.length === this.maxEvents) break;
    }
    // When the page is full the client continues after its last event; otherwise everything up to
    // lastSeq was scanned, so a filtered client need not scan the non-matching tail again.
    const next = events.length === this.maxEvents ? events[events.length - 1]!.seq : lastSeq;
    return { events, lastSeq: next };
  }
}
