import { RedisClient } from 'bun';
import type { SequencedEvent } from '../../projects/ngx-realtime/src/lib/protocol/protocol';
import { isSequencedEvent } from '../../projects/ngx-realtime/src/lib/protocol/frame-validation';
import type { ServerContext } from './context';
import type { EventDraft } from './event-log';
import { KEYS, appendToRedis, newEpoch } from './redis-log';
import type { TokenRow } from './store';

/** What instances tell each other besides events. */
type Message = { epoch: string; events: unknown[] } | { token: TokenRow } | { revoked: string };

/**
 * The Redis engine of the mock: Redis holds everything shared (keys, token hashes, the event log as
 * a Stream, the seq and the epoch), and this instance keeps a replica of it in its own sqlite, fed
 * by PUB/SUB in seq order (gaps filled from the stream). Reads, replays and `X-Last-Seq` stay
 * synchronous and per instance; a write resolves once this instance has applied it.
 *
 * @example
 * ```ts
 * ctx.replica = await RedisReplica.connect(ctx, 'redis://127.0.0.1:6379');
 * await ctx.replica.append([{ type: 'sync_event', status: 'started', details: {} }]);
 * ```
 */
export class RedisReplica {
  /** Appends waiting for their seq to be applied here. */
  private readonly waiting: Array<{ seq: number; resolve: () => void }> = [];
  /** Messages are applied one at a time, in arrival order (a gap fill awaits the stream). */
  private applying: Promise<void> = Promise.resolve();

  private subscriber: RedisClient | null = null;
  /** Every instance's socket count, as last read from Redis: instance id -> count. */
  private counts: Record<string, number> = {};
  private readonly instanceId = crypto.randomUUID();
  private countTimer: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  private constructor(
    private readonly ctx: ServerContext,
    private readonly url: string,
    private readonly commands: RedisClient,
  ) {}

  static async connect(ctx: ServerContext, url: string): Promise<RedisReplica> {
    const commands = new RedisClient(url, { enableOfflineQueue: false, connectionTimeout: 2000 });
    await commands.connect();
    const replica = new RedisReplica(ctx, url, commands);
    await replica.subscribe(false);
    await commands.send('SET', [KEYS.epoch, newEpoch(), 'NX']);
    ctx.log.epoch = String(await commands.get(KEYS.epoch));
    for (const [hash, row] of Object.entries((await commands.hgetall(KEYS.tokens)) ?? {})) {
      const [userId, expiresAt] = String(row).split(' ');
      if (!ctx.store.findToken(hash)) ctx.store.insertToken({ hash, userId: userId!, expiresAt: Number(expiresAt) });
    }
    for (const [field, value] of Object.entries((await commands.hgetall(KEYS.keys)) ?? {})) {
      const [cf, key] = JSON.parse(field) as [string, string];
      ctx.store.putKey(cf, key, String(value));
    }
    await replica.fillFrom(0);
    await replica.reportConnections();
    replica.countTimer = setInterval(() => void replica.reportConnections().catch(() => undefined), ctx.config.statsIntervalMs);
    const top = Number((await commands.get(KEYS.seq)) ?? 0);
    ctx.log.ingestTop(top);
    return replica;
  }

  /** Gives the drafts their seqs in Redis; resolves with the newest once this instance has applied them. */
  async append(drafts: readonly EventDraft[]): Promise<number> {
    const last = await appendToRedis(this.commands, drafts, this.ctx.config.retainEvents, this.ctx.config.now());
    if (this.ctx.log.lastSeq >= last) return last;
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
        if (epoch !== null && epoch !== this.ctx.log.epoch) this.startNewHistory(String(epoch));
        await this.fillFrom(this.ctx.log.lastSeq);
      })
      .catch((error) => console.error('mock-server: replica catch-up', error));
  }

  async saveToken(row: TokenRow): Promise<void> {
    await this.commands.hset(KEYS.tokens, row.hash, `${row.userId} ${row.expiresAt}`);
    await this.commands.publish(KEYS.channel, JSON.stringify({ token: row }));
  }

  async revokeToken(hash: string): Promise<void> {
    await this.commands.hdel(KEYS.tokens, hash);
    await this.commands.publish(KEYS.channel, JSON.stringify({ revoked: hash }));
  }

  /** Sockets on every instance: this one's count now, the others' as they last reported. */
  connectionsTotal(): number {
    let total = this.ctx.hub.size;
    for (const [id, count] of Object.entries(this.counts)) if (id !== this.instanceId) total += count;
    return total;
  }

  /** Reports this instance's count and reads the others' (a report older than three intervals is a gone instance). */
  private async reportConnections(): Promise<void> {
    const now = this.ctx.config.now();
    await this.commands.hset(KEYS.connections, this.instanceId, `${this.ctx.hub.size} ${now}`);
    const counts: Record<string, number> = {};
    for (const [id, value] of Object.entries((await this.commands.hgetall(KEYS.connections)) ?? {})) {
      const [count, at] = String(value).split(' ').map(Number);
      if (now - at! <= 3 * this.ctx.config.statsIntervalMs) counts[id] = count!;
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
      if (!this.ctx.store.findToken(message.token.hash)) this.ctx.store.insertToken(message.token);
      return;
    }
    if ('revoked' in message) {
      this.ctx.store.deleteToken(message.revoked);
      this.ctx.hub.closeByToken(message.revoked, 4005, 'Session revoked');
      return;
    }
    // Redis lost its history (restarted empty, flushed): so does this replica, and open sockets resync.
    if (message.epoch !== this.ctx.log.epoch) this.startNewHistory(message.epoch);
    const events = message.events.filter(isSequencedEvent);
    // A gap (a message lost while the subscription reconnected): read what is missing from the stream.
    if (events.length > 0 && events[0]!.seq > this.ctx.log.lastSeq + 1) await this.fillFrom(this.ctx.log.lastSeq);
    this.ingest(events);
  }

  private startNewHistory(epoch: string): void {
    const { ctx } = this;
    ctx.log.restart(epoch);
    ctx.store.clearKeys();
    ctx.hub.sendToAll({ type: 'resync', reason: 'epoch_changed', lastSeq: 0 });
  }

  private async fillFrom(after: number): Promise<void> {
    const entries = ((await this.commands.send('XRANGE', [KEYS.log, `(${after}-1`, '+'])) ?? []) as Array<[string, string[]]>;
    this.ingest(entries.map(([, fields]) => JSON.parse(fields[1]!) as SequencedEvent).filter(isSequencedEvent));
  }

  /** Applies events to this instance's replica, then fans them out here. */
  private ingest(all: SequencedEvent[]): void {
    // What this replica holds already is skipped: a gap fill overlaps, and a restart on the same data
    // file has applied the older ones (applying a snapshot twice would fail).
    const events = all.filter((e) => e.seq > this.ctx.log.lastSeq);
    if (events.length === 0) return;
    const { ctx } = this;
    const texts: string[] = [];
    for (const event of events) {
      if (event.type === 'key_change') {
        if (event.operation === 'put') ctx.store.putKey(event.cf, event.key, event.value ?? '');
        else ctx.store.deleteKey(event.cf, event.key);
      } else if (event.type === 'snapshot_event' && event.status === 'completed') {
        const records = typeof event.details['records'] === 'number' ? event.details['records'] : 0;
        ctx.store.insertSnapshot({ snapshotId: event.snapshotId, createdAt: event.timestamp, records });
      }
      texts.push(JSON.stringify(event));
    }
    ctx.log.ingest(events, texts);
    ctx.hub.broadcastEvents(events, texts);
    ctx.polls.notify(events);
    const top = ctx.log.lastSeq;
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      if (this.waiting[i]!.seq <= top) this.waiting.splice(i, 1)[0]!.resolve();
    }
  }
}
