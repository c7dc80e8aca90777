import type { SequencedEvent } from '../../projects/ngx-realtime/src/lib/protocol';
import { Auth } from './auth';
import type { ServerConfig } from './config';
import { ConnectionHub } from './connection-hub';
import { Domain } from './domain';
import { EventLog, type EventDraft } from './event-log';
import { LongPolls } from './long-poll';
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
    const texts: string[] = [];
    const events = this.log.appendMany(drafts, texts);
    this.hub.broadcastEvents(events, texts);
    this.polls.notify(events);
    return events;
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
    this.store.close();
  }
}
