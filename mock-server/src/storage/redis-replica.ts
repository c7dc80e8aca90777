import { RedisClient } from 'bun';
import type { ResyncFrame, SequencedEvent } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import { isSequencedEvent } from '../../../projects/ngx-realtime/src/lib/protocol/frame-validation';
import type { ServerConfig } from '../config';
import { applyEventToStore } from './apply-event';
import type { EventDraft, EventLog } from './event-log';
import type { EventsListener } from './event-writer';
import { KEYS, appendToRedis, newEpoch } from './redis-log';
import type { Store, TokenRow } from './store';

/** What instances tell each other besides events. */
type Message = { epoch: string; events: unknown[] } | { token: TokenRow } | { revoked: string };

/**
 * What the replica tells the rest of its instance.
 *
 * @example
 * ```ts
 * const listener: ReplicaListener = { applied: deliver, historyLost: (f) => hub.sendToAll(f), revoked: (h) => hub.closeByToken(h, 4005, 'Session revoked') };
 * ```
 */
export interface ReplicaListener {
  /** Events applied here, in seq order with their JSON: fan them out. */
  applied: EventsListener;
  /** Redis lost its history: the replica started a new one; tell every open connection. */
  historyLost(frame: ResyncFrame): void;
  /** A token was revoked on some instance (logout): close what uses it here. */
  revoked(hash: string): void;
}

/**
 * What a replica is built from: this instance's store and log, the figures it uses, its listener,
 * and how many connections this instance has now (reported to Redis for `wsConnectionsTotal`).
 *
 * @example
 * ```ts
 * const parts: ReplicaParts = { store, log, config, listener, localConnections: () => hub.size };
 * ```
 */
export interface ReplicaParts {
  store: Store;
  log: EventLog;
  config: Pick<ServerConfig, 'retainEvents' | 'now' | 'statsIntervalMs'>;
  listener: ReplicaListener;
  localConnections(): number;
}

/**
 * The Redis engine of the mock: Redis holds everything shared (keys, token hashes, the event log as
 * a Stream, the seq and the epoch), and this instance keeps a replica of it in its own sqlite, fed
 * by PUB/SUB in seq order (gaps filled from the stream). Reads, replays and `X-Last-Seq` stay
 * synchronous and per instance; a write resolves once this instance has applied it.
 *
 * @example
 * ```ts
 * const replica = await RedisReplica.connect(parts, 'redis://127.0.0.1:6379');
 * await replica.append([{ type: 'sync_event', status: 'started', details: {} }]);
 * ```
 */
export class RedisReplica {
  /** Appends waiting for their seq to be applied here. */
  private readonly waiting: Array<{ seq: number; resolve: () => void }> = [];
  /** Messages are applied one at a time, in arrival order (a gap fill awaits the stream). */
  private applying: Promise<void> = Promise.resolve();

  private subscriber: RedisClient | null = null;
  /** Every instance's connection count, as last read from Redis: instance id -> count. */
  private counts: Record<string, number> = {};
  private readonly instanceId = crypto.randomUUID();
  private countTimer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private readonly store: Store;
  private readonly log: EventLog;

  private constructor(
    private readonly parts: ReplicaParts,
    private readonly url: string,
    private readonly commands: RedisClient,
  ) {
    this.store = parts.store;
    this.log = parts.log;
  }

  static async connect(parts: ReplicaParts, url: string): Promise<RedisReplica> {
    const { store, log, config } = parts;
    const commands = new RedisClient(url, { enableOfflineQueue: false, connectionTimeout: 2000 });
    await commands.connect();
    const replica = new RedisReplica(parts, url, commands);
    await replica.subscribe(false);
    await commands.send('SET', [KEYS.epoch, newEpoch(), 'NX']);
    log.epoch = String(await commands.get(KEYS.epoch));
    for (const [hash, row] of Object.entries((await commands.hgetall(KEYS.tokens)) ?? {})) {
      const [userId, expiresAt] = String(row).split(' ');
      if (!store.findToken(hash)) store.insertToken({ hash, userId: userId!, expiresAt: Number(expiresAt) });
    }
    for (const [field, value] of Object.entries((await commands.hgetall(KEYS.keys)) ?? {})) {
      const [cf, key] = JSON.parse(field) as [string, string];
      store.putKey(cf, key, String(value));
    }
    await replica.fillFrom(0);
    await replica.reportConnections();
    replica.countTimer = setInterval(() => void replica.reportConnections().catch(() => undefined), config.statsIntervalMs);
    const top = Number((await commands.get(KEYS.seq)) ?? 0);
    log.ingestTop(top);
    return replica;
  }

  /** Gives the drafts their seqs in Redis; resolves with the newest once this instance has applied them. */
  async append(drafts: readonly EventDraft[]): Promise<number> {
    const last = await appendToRedis(this.commands, drafts, this.parts.config.retainEvents, this.parts.config.now());
    if (this.log.lastSeq >= last) return last;
    // The event is in Redis either way; if this replica lags (its subscription is reconnecting) the
    // write is still done, so the wait is bounded rather than turned into an error.
    await new Promise<void>((resolve) => {
      const entry = { seq: last, resolve };
      this.waiting.push(entry);
      setTimeout(() => {
        const i = this.waiting.indexOf(entry);
        if (i !== -1) this.waiting.splice(i, 1);
        resolve();
      }, 3000);
    });
    return last;
  }

  /**
   * Subscribes (again, after Redis went away: Bun's client does not resubscribe by itself), then
   * catches up from the stream what was published meanwhile.
   */
  private async subscribe(retry: boolean): Promise<void> {
    while (!this.closed) {
      const subscriber = new RedisClient(this.url, { connectionTimeout: 1000, autoReconnect: false });
      try {
        await subscriber.subscribe(KEYS.channel, (message) => this.onMessage(message));
        subscriber.onclose = () => {
          if (!this.closed) void this.subscribe(true);
        };
        this.subscriber = subscriber;
        if (retry) this.onCatchUp();
        return;
      } catch (error) {
        subscriber.close();
        if (!retry) throw error;
        await Bun.sleep(200);
      }
    }
  }

  private onCatchUp(): void {
    this.applying = this.applying
      .then(async () => {
        const epoch = await this.commands.get(KEYS.epoch);
        if (epoch !== null && epoch !== this.log.epoch) this.startNewHistory(String(epoch));
        await this.fillFrom(this.log.lastSeq);
      })
      .catch((error) => console.error('mock-server: replica catch-up', error));
  }

  /** Shares a new token with every instance (login, refresh) before its owner gets it. */
  async saveToken(row: TokenRow): Promise<void> {
    await this.commands.hset(KEYS.tokens, row.hash, `${row.userId} ${row.expiresAt}`);
    await this.commands.publish(KEYS.channel, JSON.stringify({ token: row }));
  }

  /** Revokes a token on every instance (logout). */
  async revokeToken(hash: string): Promise<void> {
    await this.commands.hdel(KEYS.tokens, hash);
    await this.commands.publish(KEYS.channel, JSON.stringify({ revoked: hash }));
  }

  /** Connections on every instance: this one's count now, the others' as they last reported. */
  connectionsTotal(): number {
    let total = this.parts.localConnections();
    for (const [id, count] of Object.entries(this.counts)) if (id !== this.instanceId) total += count;
    return total;
  }

  /** Reports this instance's count and reads the others' (a report older than three intervals is a gone instance). */
  private async reportConnections(): Promise<void> {
    const now = this.parts.config.now();
    await this.commands.hset(KEYS.connections, this.instanceId, `${this.parts.localConnections()} ${now}`);
    const counts: Record<string, number> = {};
    for (const [id, value] of Object.entries((await this.commands.hgetall(KEYS.connections)) ?? {})) {
      const [count, at] = String(value).split(' ').map(Number);
      if (now - at! <= 3 * this.parts.config.statsIntervalMs) counts[id] = count!;
    }
    this.counts = counts;
  }

  close(): void {
    if (this.countTimer) clearInterval(this.countTimer);
    void this.commands.hdel(KEYS.connections, this.instanceId).catch(() => undefined);
    this.closed = true;
    this.commands.close();
    this.subscriber?.close();
  }

  private onMessage(text: string): void {
    this.applying = this.applying.then(() => this.apply(text)).catch((error) => console.error('mock-server: replica', error));
  }

  private async apply(text: string): Promise<void> {
    const message = JSON.parse(text) as Message;
    if ('token' in message) {
      if (!this.store.findToken(message.token.hash)) this.store.insertToken(message.token);
      return;
    }
    if ('revoked' in message) {
      this.store.deleteToken(message.revoked);
      this.parts.listener.revoked(message.revoked);
      return;
    }
    // Redis lost its history (restarted empty, flushed): so does this replica, and open sockets resync.
    if (message.epoch !== this.log.epoch) this.startNewHistory(message.epoch);
    const events = message.events.filter(isSequencedEvent);
    // A gap (a message lost while the subscription reconnected): read what is missing from the stream.
    if (events.length > 0 && events[0]!.seq > this.log.lastSeq + 1) await this.fillFrom(this.log.lastSeq);
    this.ingest(events);
  }

  private startNewHistory(epoch: string): void {
    this.log.restart(epoch);
    this.store.clearKeys();
    this.parts.listener.historyLost({ type: 'resync', reason: 'epoch_changed', lastSeq: 0 });
  }

  private async fillFrom(after: number): Promise<void> {
    const entries = ((await this.commands.send('XRANGE', [KEYS.log, `(${after}-1`, '+'])) ?? []) as Array<[string, string[]]>;
    this.ingest(entries.map(([, fields]) => JSON.parse(fields[1]!) as SequencedEvent).filter(isSequencedEvent));
  }

  /** Applies events to this instance's replica, then fans them out here. */
  private ingest(all: SequencedEvent[]): void {
    // What this replica holds already is skipped: a gap fill overlaps, and a restart on the same data
    // file has applied the older ones (applying a snapshot twice would fail).
    const events = all.filter((e) => e.seq > this.log.lastSeq);
    if (events.length === 0) return;
    const texts: string[] = [];
    for (const event of events) {
      applyEventToStore(this.store, event);
      texts.push(JSON.stringify(event));
    }
    this.log.ingest(events, texts);
    this.parts.listener.applied(events, texts);
    const top = this.log.lastSeq;
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (this.waiting[i]!.seq <= top) this.waiting.splice(i, 1)[0]!.resolve();
    }
  }
}
