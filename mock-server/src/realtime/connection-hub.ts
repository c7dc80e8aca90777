import type { Server } from 'bun';
import {
  EVENT_TYPES,
  type SequencedEvent,
  type StatsUpdateEvent,
} from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import { matchesSubscription } from '../../../projects/ngx-realtime/src/lib/protocol/frame-validation';
import { batchFrames } from './batch-frames';
import type { Socket, SocketData } from './socket-data';

/** The Bun topic of clients that take batches and want every event unfiltered. */
const BATCH_TOPIC = 'batch';

/**
 * Knows every open socket and fans events out to them. Unfiltered sockets get events through
 * Bun topics (`server.publish`, one serialisation for all): one topic per event type for clients
 * that take single frames, and one `batch` topic for those that take batch frames and every
 * topic. Filtered, topic-limited batch or stalled sockets are sent to one by one. Everything here is synchronous, so a replay started in the same tick can never be
 * overtaken by a live event.
 *
 * @example
 * ```ts
 * hub.add(ws);            // after auth
 * hub.broadcast(event);   // after the event log gave it a seq
 * ```
 */
export class ConnectionHub {
  /** Every open socket, authenticated or not. */
  readonly all = new Set<Socket>();
  private readonly sockets = new Set<Socket>();
  private readonly direct = new Set<Socket>();
  private server: Server<SocketData> | null = null;

  constructor(private readonly maxBatchBytes: number) {}

  attachServer(server: Server<SocketData>): void {
    this.server = server;
  }

  /** Number of authenticated sockets. */
  get size(): number {
    return this.sockets.size;
  }

  /** Registers a socket as soon as it opens. */
  open(ws: Socket): void {
    this.all.add(ws);
  }

  /** Registers an authenticated socket and starts delivering events to it. */
  add(ws: Socket): void {
    this.sockets.add(ws);
    this.route(ws);
  }

  remove(ws: Socket): void {
    this.all.delete(ws);
    this.sockets.delete(ws);
    this.direct.delete(ws);
  }

  /** Re-decides how a socket gets events, after its topics, filter or stall state changed. */
  route(ws: Socket): void {
    const d = ws.data;
    const wantsPublish = !d.closed && d.heldOutbound === null && d.filter.cf === undefined && d.filter.keyPrefix === undefined;
    if (d.published) {
      for (const topic of EVENT_TYPES) ws.unsubscribe(topic);
      ws.unsubscribe(BATCH_TOPIC);
    }
    d.published = false;
    this.direct.delete(ws);
    if (d.closed || !this.sockets.has(ws)) return;
    if (wantsPublish && d.batch && d.topics === null) {
      // Durable events arrive as batches on one topic; the volatile stats push is never batched.
      ws.subscribe(BATCH_TOPIC);
      ws.subscribe('stats_update');
      d.published = true;
    } else if (wantsPublish && !d.batch) {
      for (const topic of d.topics ?? EVENT_TYPES) ws.subscribe(topic);
      d.published = true;
    } else {
      this.direct.add(ws);
    }
  }

  /** Sends one frame, or holds it while the socket is stalled. */
  send(ws: Socket, frame: object): void {
    this.sendText(ws, JSON.stringify(frame));
  }

  sendText(ws: Socket, text: string): void {
    if (ws.data.closed) return;
    if (ws.data.heldOutbound) ws.data.heldOutbound.push(text);
    else ws.send(text);
  }

  /** Closes a socket with a code, or as soon as a stall on it ends. */
  close(ws: Socket, code: number, reason: string): void {
    if (ws.data.closed) return;
    if (ws.data.heldOutbound) ws.data.pendingClose ??= { code, reason };
    else ws.close(code, reason);
  }

  /** Delivers a volatile event (the stats push) to every socket whose topics and filter match. */
  broadcast(event: StatsUpdateEvent): void {
    const text = JSON.stringify(event);
    this.server?.publish(event.type, text);
    for (const ws of this.direct) {
      if (matchesSubscription(event, ws.data.topics, ws.data.filter)) this.sendText(ws, text);
    }
  }

  /**
   * Delivers freshly logged events (in seq order, with their JSON) to every socket whose topics
   * and filter match: as single frames, or packed into batch frames for clients that take them.
   */
  broadcastEvents(events: readonly SequencedEvent[], texts: readonly string[]): void {
    const server = this.server;
    if (server) {
      for (let i = 0; i < events.length; i++) server.publish(events[i]!.type, texts[i]!);
      if (server.subscriberCount(BATCH_TOPIC) > 0) {
        for (const frame of batchFrames(texts, this.maxBatchBytes)) server.publish(BATCH_TOPIC, frame);
      }
    }
    for (const ws of this.direct) {
      const { topics, filter, batch } = ws.data;
      const matching = texts.filter((_, i) => matchesSubscription(events[i]!, topics, filter));
      this.sendEvents(ws, matching, batch);
    }
  }

  /** Sends serialised events to one socket, batched when it takes batches. */
  sendEvents(ws: Socket, texts: readonly string[], batch = ws.data.batch): void {
    if (texts.length === 0) return;
    if (batch) for (const frame of batchFrames(texts, this.maxBatchBytes)) this.sendText(ws, frame);
    else for (const text of texts) this.sendText(ws, text);
  }

  /** Closes every open socket with one code (graceful shutdown). */
  closeAll(code: number, reason: string): void {
    for (const ws of [...this.all]) this.close(ws, code, reason);
  }

  /** Sends a control frame to every authenticated socket (a resync when the history was lost). */
  sendToAll(frame: object): void {
    for (const ws of this.sockets) this.send(ws, frame);
  }

  /** Closes every socket authenticated with this token hash (logout). */
  closeByToken(hash: string, code: number, reason: string): void {
    for (const ws of this.sockets) if (ws.data.tokenHash === hash) this.close(ws, code, reason);
  }

  /** Cuts every socket with no close frame; the client sees 1006. */
  terminateAll(): void {
    for (const ws of [...this.all]) ws.terminate();
  }

  /**
   * Freezes every open socket (a chaos stall): nothing is sent to them, as on a half-open link;
   * what would have been sent is held until {@link release}.
   */
  hold(): void {
    for (const ws of this.all) {
      if (ws.data.closed) continue;
      ws.data.heldOutbound ??= [];
      this.route(ws);
    }
  }

  /**
   * Ends a hold: flushes held frames out, runs the close decided meanwhile, or else hands the socket
   * to `thaw` (which restarts its clocks and processes the client frames held in).
   */
  release(thaw: (ws: Socket) => void): void {
    for (const ws of [...this.all]) {
      const d = ws.data;
      const out = d.heldOutbound;
      if (out === null) continue;
      d.heldOutbound = null;
      if (d.closed) continue;
      for (const text of out) ws.send(text);
      if (d.pendingClose) {
        ws.close(d.pendingClose.code, d.pendingClose.reason);
        continue;
      }
      this.route(ws);
      thaw(ws);
    }
  }
}
