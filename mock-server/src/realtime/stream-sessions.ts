import {
  CLOSE_CODES,
  PROTOCOL_VERSION,
  type AuthUser,
  type ServerPingFrame,
} from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import { matchesSubscription } from '../../../projects/ngx-realtime/src/lib/protocol/frame-validation';
import type { ServerConfig } from '../config';
import type { EventLog } from '../storage/event-log';
import { isSocket, type Connection } from './connection';
import type { ConnectionHub } from './connection-hub';

// Bun timers take at most 2^31-1 ms; a longer token life is re-checked when this fires.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * A token that passed its check: whose it is, its hash (logout finds connections by it) and when it
 * expires.
 *
 * @example
 * ```ts
 * const check = auth.check(token);
 * if (check.ok) sessions.begin(conn, check, null);
 * ```
 */
export interface CheckedToken {
  user: AuthUser;
  hash: string;
  expiresAt: number;
}

/**
 * What an authenticated connection lives through on either transport: `welcome`, the replay or
 * resync it asked for, the server's pings, and the close at its token's expiry (4004). The
 * transports differ only before this (how the token arrives) and in what a client can send.
 *
 * @example
 * ```ts
 * const sessions = new StreamSessions(hub, log, config);
 * sessions.begin(conn, check, { lastSeq: 41, epoch: '9f3c51e07a2b4d18' }); // welcome, replay, resumed
 * ```
 */
export class StreamSessions {
  constructor(
    private readonly hub: ConnectionHub,
    private readonly log: EventLog,
    private readonly config: Pick<ServerConfig, 'now' | 'heartbeatIntervalMs' | 'heartbeatTimeoutMs'>,
  ) {}

  /**
   * Starts delivering to a connection whose token passed its check: registers it, sends `welcome`,
   * starts the pings and the expiry clock, then replays from `resume` when it asked. All in one
   * synchronous run, so no live event can land between them out of order.
   */
  begin(conn: Connection, token: CheckedToken, resume: { lastSeq: number; epoch: string | null } | null): void {
    const d = conn.data;
    d.user = token.user;
    d.tokenHash = token.hash;
    d.tokenExpiresAt = token.expiresAt;
    this.armExpiry(conn);
    this.hub.add(conn);
    this.hub.send(conn, {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      connectionId: d.connectionId,
      userId: token.user.id,
      serverTime: this.config.now(),
      heartbeat: { intervalMs: this.config.heartbeatIntervalMs, timeoutMs: this.config.heartbeatTimeoutMs },
      lastSeq: this.log.lastSeq,
      tokenExpiresAt: token.expiresAt,
      epoch: this.log.epoch,
    });
    this.startPings(conn);
    if (resume) this.replay(conn, resume.lastSeq, resume.epoch);
  }

  /** Moves a connection to a fresh token of the same user (a socket's `auth` frame): its expiry follows. */
  rotate(conn: Connection, hash: string, expiresAt: number): void {
    conn.data.tokenHash = hash;
    conn.data.tokenExpiresAt = expiresAt;
    this.armExpiry(conn);
  }

  /** Sends every retained event after `lastSeq` that the connection's subscription matches, then `resumed`. */
  replay(conn: Connection, lastSeq: number, epoch: string | null): void {
    const { topics, filter } = conn.data;
    const reason = this.log.resyncReason(lastSeq, epoch);
    if (reason) {
      this.hub.send(conn, { type: 'resync', reason, lastSeq: this.log.lastSeq });
      return;
    }
    const events: Array<{ seq: number }> = [];
    const texts: string[] = [];
    for (const { event, text } of this.log.afterWithText(lastSeq)) {
      if (!matchesSubscription(event, topics, filter)) continue;
      events.push(event);
      texts.push(text);
    }
    this.hub.sendEvents(conn, events, texts);
    this.hub.send(conn, { type: 'resumed', fromSeq: lastSeq + 1, toSeq: this.log.lastSeq, count: texts.length });
  }

  /** Stops a connection's clocks (it closed). */
  end(conn: Connection): void {
    const d = conn.data;
    if (d.expiryTimer) clearTimeout(d.expiryTimer);
    if (d.pingTimer) clearInterval(d.pingTimer);
    d.expiryTimer = d.pingTimer = null;
  }

  private armExpiry(conn: Connection): void {
    const d = conn.data;
    if (d.expiryTimer) clearTimeout(d.expiryTimer);
    d.expiryTimer = null;
    const remainingMs = d.tokenExpiresAt - this.config.now();
    if (remainingMs <= 0) {
      this.hub.close(conn, CLOSE_CODES.tokenExpired, 'Token has expired');
      return;
    }
    d.expiryTimer = setTimeout(() => this.armExpiry(conn), Math.min(remainingMs, MAX_TIMER_MS));
  }

  /**
   * The server drives the heartbeat: a client answers from its message handler, which browsers run
   * promptly even in background tabs whose timers are throttled to once a minute. On an SSE stream
   * the pings only show the link is alive (the client cannot answer).
   */
  private startPings(conn: Connection): void {
    const d = conn.data;
    d.pingTimer = setInterval(() => {
      // A stalled link sends nothing; a ping queued behind the stall would only measure the stall.
      if (d.closed || d.heldOutbound !== null) return;
      const id = `s${++d.pingCounter}`;
      const frame: ServerPingFrame = { type: 'ping', id, serverTime: this.config.now() };
      // Only a socket can answer, so only a socket has a round trip to report and a pong to await.
      if (isSocket(conn)) {
        if (conn.data.rttMs !== null) frame.rttMs = conn.data.rttMs;
        conn.data.pendingPing = { id, sentAt: performance.now() };
      }
      this.hub.send(conn, frame);
    }, this.config.heartbeatIntervalMs);
  }
}
