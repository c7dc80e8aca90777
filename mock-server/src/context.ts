import type { SequencedEvent } from '../../projects/ngx-realtime/src/lib/protocol/protocol';
import { Auth } from './auth';
import type { ServerConfig } from './config';
import { ConnectionHub } from './connection-hub';
import { Domain } from './domain';
import { EventLog, type EventDraft } from './event-log';
import { LongPolls } from './long-poll';
import { HttpError } from './http-util';
import type { RedisReplica } from './redis-replica';
import { Store } from './store';

/**
 * Everything one server instance owns, shared by the HTTP routes and the WebSocket handler
 * (which reaches it through `ws.data.ctx`).
 *
 * @example
 * ```ts
 * const ctx = new ServerContext(resolveConfig({ dataPath: ':memory:' }));
 * ctx.emit({ type: 'sync_event', status: 'started', details: {} });
 * ```
 */
export class ServerContext {
  readonly store: Store;
  readonly log: EventLog;
  readonly auth: Auth;
  readonly hub: ConnectionHub;
  readonly polls: LongPolls;
  readonly domain: Domain;
  readonly startedAt: number;
  /** The Redis engine (`--redis`); null with the embedded sqlite store alone. */
  replica: RedisReplica | null = null;
  /** Appends to Redis not yet applied here, each with the newest seq Redis gave it; `settled()` awaits them. */
  private readonly pending = new Set<Promise<number>>();
  /** Requests since start (`GET /__chaos/counters`), counted whatever their answer. */
  readonly counters = { upgradeAttempts: 0, polls: 0 };
  blockWebsocket = false;
  stopping = false;
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(readonly config: ServerConfig) {
    this.hub = new ConnectionHub(config.maxBatchBytes);
    this.store = new Store(config.dataPath);
    this.log = new EventLog(this.store, config.retainEvents, config.now);
    this.auth = new Auth(this.store, config.tokenTtlMs, config.now);
    this.polls = new LongPolls(this.log, config.pollMaxEvents);
    this.domain = new Domain(this);
    this.startedAt = config.now();
  }

  /** Logs an event (giving it its seq) and only then fans it out to sockets and parked polls. */
  emit(draft: EventDraft): SequencedEvent {
    return this.emitMany([draft])[0]!;
  }

  emitMany(drafts: readonly EventDraft[]): SequencedEvent[] {
    if (this.stopping || drafts.length === 0) return [];
    if (this.replica) {
      // Redis gives the seqs; the events reach this instance's sockets when its replica applies them.
      // A failure surfaces through settled() as a 503 to the request that wrote.
      this.emitWithRedis(drafts).catch(() => undefined);
      return [];
    }
    const texts: string[] = [];
    const events = this.log.appendMany(drafts, texts);
    this.hub.broadcastEvents(events, texts);
    this.polls.notify(events);
    return events;
  }

  /**
   * Emits and resolves with the seqs given, on either engine (null when nothing was emitted): for
   * callers that need the seqs, such as the chaos burst.
   */
  async emitAsync(drafts: readonly EventDraft[]): Promise<{ firstSeq: number; lastSeq: number } | null> {
    if (this.stopping || drafts.length === 0) return null;
    if (!this.replica) {
      const events = this.emitMany(drafts);
      return events.length === 0 ? null : { firstSeq: events[0]!.seq, lastSeq: events[events.length - 1]!.seq };
    }
    const lastSeq = await this.emitWithRedis(drafts);
    return { firstSeq: lastSeq - drafts.length + 1, lastSeq };
  }

  private emitWithRedis(drafts: readonly EventDraft[]): Promise<number> {
    const append = this.replica!.append(drafts);
    this.pending.add(append);
    append.then(
      () => this.pending.delete(append),
      () => this.pending.delete(append),
    );
    return append;
  }

  /**
   * Resolves once every write so far is applied here (at once without Redis), with a seq at or
   * after each of their events: the log's newest, or a write's own seq if this replica still lags
   * it. A write Redis did not take is a 503, so nothing is answered as done that was not given its seq.
   */
  async settled(): Promise<number> {
    let seqs: number[];
    try {
      seqs = await Promise.all([...this.pending]);
    } catch {
      throw new HttpError(503, 'The event store (Redis) is unavailable; the write was not applied');
    }
    return Math.max(this.log.lastSeq, ...seqs);
  }

  /** A timer that `dispose()` cancels, so background jobs never outlive the server. */
  later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopping) fn();
    }, ms);
    this.timers.add(timer);
  }

  dispose(): void {
    this.stopping = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.replica?.close();
    this.store.close();
  }
}
