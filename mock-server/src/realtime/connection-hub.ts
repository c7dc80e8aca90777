import type { Server } from 'bun';
import {
  EVENT_TYPES,
  type SequencedEvent,
  type StatsUpdateEvent,
} from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import { matchesSubscription } from '../../../projects/ngx-realtime/src/lib/protocol/frame-validation';
import { packBatches } from './batch-frames';
import { isSocket, type Connection } from './connection';
import type { Socket, SocketData } from './socket-data';
import { sseEvent } from './sse-stream';

/** The Bun topic of clients that take batches and want every event unfiltered. */
const BATCH_TOPIC = 'batch';

/**
 * Knows every open connection (WebSockets and Server-Sent Events streams) and fans events out to
 * them. Unfiltered sockets get events through Bun topics (`server.publish`, one serialisation for
 * all): one topic per event type for clients that take single frames, and one `batch` topic for
 * those that take batch frames and every topic. Filtered, topic-limited batch or stalled sockets,
 * and every SSE stream, are sent to one by one. Everything here is synchronous, so a replay started
 * in the same tick can never be overtaken by a live event.
 *
 * @example
 * ```ts
 * hub.add(ws);            // after auth
 * hub.broadcast(event);   // after the event log gave it a seq
 * ```
 */
export class ConnectionHub {
  /** Every open connection, authenticated or not. */
  readonly all = new Set<Connection>();
  private readonly authenticated = new Set<Connection>();
  private readonly direct = new Set<Connection>();
  private server: Server<SocketData> | null = null;

  constructor(private readonly maxBatchBytes: number) {}

  attachServer(server: Server<SocketData>): void {
    this.server = server;
  }

  /** Number of authenticated connections (sockets and SSE streams). */
  get size(): number {
    return this.authenticated.size;
  }

  /** Registers a connection as soon as it opens. */
  open(conn: Connection): void {
    this.all.add(conn);
  }

  /** Registers an authenticated connection and starts delivering events to it. */
  add(conn: Connection): void {
    this.all.add(conn);
    this.authenticated.add(conn);
    this.route(conn);
  }

  remove(conn: Connection): void {
    this.all.delete(conn);
    this.authenticated.delete(conn);
    this.direct.delete(conn);
  }

  /** Re-decides how a connection gets events, after its topics, filter or stall state changed. */
  route(conn: Connection): void {
    const d = conn.data;
    this.direct.delete(conn);
    if (!isSocket(conn)) {
      if (!d.closed && this.authenticated.has(conn)) this.direct.add(conn);
      return;
    }
    const ws = conn;
    const wantsPublish = !d.closed && d.heldOutbound === null && d.filter.cf === undefined && d.filter.keyPrefix === undefined;
    if (ws.data.published) {
      for (const topic of EVENT_TYPES) ws.unsubscribe(topic);
      ws.unsubscribe(BATCH_TOPIC);
    }
    ws.data.published = false;
    if (d.closed || !this.authenticated.has(ws)) return;
    if (wantsPublish && d.batch && d.topics === null) {
      // Durable events arrive as batches on one topic; the volatile stats push is never batched.
      ws.subscribe(BATCH_TOPIC);
      ws.subscribe('stats_update');
      ws.data.published = true;
    } else if (wantsPublish && !d.batch) {
      for (const topic of d.topics ?? EVENT_TYPES) ws.subscribe(topic);
      ws.data.published = true;
    } else {
      this.direct.add(ws);
    }
  }

  /** Sends one frame, or holds it while the connection is stalled. */
  send(conn: Connection, frame: object): void {
    this.sendText(conn, JSON.stringify(frame));
  }

  /** Sends one serialised frame; `seq` names a sequenced one (an SSE stream writes it as the event id). */
  sendText(conn: Connection, text: string, seq?: number): void {
    if (conn.data.closed) return;
    const wire = isSocket(conn) ? text : sseEvent(text, seq);
    if (conn.data.heldOutbound) conn.data.heldOutbound.push(wire);
    else write(conn, wire);
  }

  /** Closes a connection with a code (an SSE stream gets it in a `closing` frame), or as soon as a stall on it ends. */
  close(conn: Connection, code: number, reason: string): void {
    if (conn.data.closed) return;
    if (conn.data.heldOutbound) conn.data.pendingClose ??= { code, reason };
    else shut(conn, code, reason);
  }

  /** Delivers a volatile event (the stats push) to every connection whose topics and filter match. */
  broadcast(event: StatsUpdateEvent): void {
    const text = JSON.stringify(event);
    this.server?.publish(event.type, text);
    for (const conn of this.direct) {
      if (matchesSubscription(event, conn.data.topics, conn.data.filter)) this.sendText(conn, text);
    }
  }

  /**
   * Delivers freshly logged events (in seq order, with their JSON) to every connection whose topics
   * and filter match: as single frames, or packed into batch frames for clients that take them.
   */
  broadcastEvents(events: readonly SequencedEvent[], texts: readonly string[]): void {
    const server = this.server;
    if (server) {
      for (let i = 0; i < events.length; i++) server.publish(events[i]!.type, texts[i]!);
      if (server.subscriberCount(BATCH_TOPIC) > 0) {
        for (const { text } of packBatches(texts, this.maxBatchBytes)) server.publish(BATCH_TOPIC, text);
      }
    }
    for (const conn of this.direct) {
      const { topics, filter } = conn.data;
      const matching: SequencedEvent[] = [];
      const matchingTexts: string[] = [];
      events.forEach((event, i) => {
        if (!matchesSubscription(event, topics, filter)) return;
        matching.push(event);
        matchingTexts.push(texts[i]!);
      });
      this.sendEvents(conn, matching, matchingTexts);
    }
  }

  /** Sends serialised events (with the events, for their seqs) to one connection, batched when it takes batches. */
  sendEvents(conn: Connection, events: readonly { seq: number }[], texts: readonly string[]): void {
    if (texts.length === 0) return;
    if (conn.data.batch) {
      for (const { text, last } of packBatches(texts, this.maxBatchBytes)) this.sendText(conn, text, events[last]!.seq);
    } else {
      texts.forEach((text, i) => this.sendText(conn, text, events[i]!.seq));
    }
  }

  /** Closes every open connection with one code (graceful shutdown). */
  closeAll(code: number, reason: string): void {
    for (const conn of [...this.all]) this.close(conn, code, reason);
  }

  /** Sends a control frame to every authenticated connection (a resync when the history was lost). */
  sendToAll(frame: object): void {
    for (const conn of this.authenticated) this.send(conn, frame);
  }

  /** Closes every connection authenticated with this token hash (logout). */
  closeByToken(hash: string, code: number, reason: string): void {
    for (const conn of [...this.authenticated]) if (conn.data.tokenHash === hash) this.close(conn, code, reason);
  }

  /** Cuts every connection with no close frame: a socket's client sees 1006, a stream's a reset. */
  terminateAll(): void {
    for (const conn of [...this.all]) conn.terminate();
  }

  /**
   * Freezes every open connection (a chaos stall): nothing is sent to them, as on a half-open link;
   * what would have been sent is held until {@link release}.
   */
  hold(): void {
    for (const conn of this.all) {
      if (conn.data.closed) continue;
      conn.data.heldOutbound ??= [];
      this.route(conn);
    }
  }

  /**
   * Ends a hold: flushes held frames out, runs the close decided meanwhile, or else hands a socket
   * to `thaw` (which restarts its clocks and processes the client frames held in).
   */
  release(thaw: (ws: Socket) => void): void {
    for (const conn of [...this.all]) {
      const d = conn.data;
      const out = d.heldOutbound;
      if (out === null) continue;
      d.heldOutbound = null;
      if (d.closed) continue;
      for (const wire of out) write(conn, wire);
      if (d.pendingClose) {
        shut(conn, d.pendingClose.code, d.pendingClose.reason);
        continue;
      }
      this.route(conn);
      if (isSocket(conn)) thaw(conn);
    }
  }
}

/** Puts text on the wire, each transport its own way. */
function write(conn: Connection, wire: string): void {
  if (isSocket(conn)) conn.send(wire);
  else conn.write(wire);
}

function shut(conn: Connection, code: number, reason: string): void {
  if (isSocket(conn)) conn.close(code, reason);
  else conn.end(code, reason);
}
