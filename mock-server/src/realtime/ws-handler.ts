import type { WebSocketHandler } from 'bun';
import {
  CLOSE_CODES,
  EVENT_TYPES,
  PROTOCOL_VERSION,
  type ClientFrame,
  type ProtocolErrorCode,
  type ServerPingFrame,
} from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import { matchesSubscription, parseClientFrame } from '../../../projects/ngx-realtime/src/lib/protocol/frame-validation';
import type { ServerConfig } from '../config';
import { authErrorMessage, type TokenCheck } from '../domain/auth';
import type { EventLog } from '../storage/event-log';
import type { ConnectionHub } from './connection-hub';
import type { Socket, SocketData } from './socket-data';

// Bun timers take at most 2^31-1 ms; a longer token life is re-checked when this fires.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * What the WebSocket handler is built from: the hub it registers sockets with, the token check, the
 * log it replays from, and the protocol figures.
 *
 * @example
 * ```ts
 * const ws = createWebsocketHandler({ hub, auth, log, config });
 * ```
 */
export interface WebsocketParts {
  hub: ConnectionHub;
  auth: { check(token: string): TokenCheck };
  log: EventLog;
  config: Pick<
    ServerConfig,
    'now' | 'authTimeoutMs' | 'heartbeatIntervalMs' | 'heartbeatTimeoutMs' | 'rateLimitFrames' | 'rateLimitWindowMs' | 'maxFrameBytes'
  >;
}

/**
 * The WebSocket side of the protocol: Bun's one handler object for every socket, and what a socket
 * needs when a chaos stall ends.
 *
 * @example
 * ```ts
 * Bun.serve({ fetch, websocket: { ...ws.handler, maxPayloadLength: 4096 } });
 * hub.release(ws.thaw);
 * ```
 */
export interface WebsocketEndpoint {
  /** The one static handler; every socket's state is in `ws.data`. */
  readonly handler: WebSocketHandler<SocketData>;
  /** Restarts a socket's clocks after a chaos stall, then processes the frames held during it. */
  thaw(ws: Socket): void;
}

/**
 * Builds the WebSocket handler of one server.
 *
 * @example
 * ```ts
 * const ws = createWebsocketHandler({ hub, auth, log, config });
 * Bun.serve({ fetch, websocket: { ...ws.handler, maxPayloadLength: config.maxFrameBytes } });
 * ```
 */
export function createWebsocketHandler(parts: WebsocketParts): WebsocketEndpoint {
  const { hub, auth, log, config } = parts;

  function sendError(ws: Socket, code: ProtocolErrorCode, message: string): void {
    hub.send(ws, { type: 'error', code, message });
  }

  function clearTimers(ws: Socket): void {
    const d = ws.data;
    for (const timer of [d.authTimer, d.heartbeatTimer, d.expiryTimer]) if (timer) clearTimeout(timer);
    if (d.pingTimer) clearInterval(d.pingTimer);
    d.authTimer = d.heartbeatTimer = d.expiryTimer = d.pingTimer = null;
  }

  function armAuthTimer(ws: Socket): void {
    const d = ws.data;
    if (d.authTimer) clearTimeout(d.authTimer);
    d.authTimer = setTimeout(() => {
      // A stalled server does nothing; the timer is re-armed when the stall ends.
      if (d.heldOutbound === null) hub.close(ws, CLOSE_CODES.authTimeout, 'Authentication timeout');
    }, config.authTimeoutMs);
  }

  function armHeartbeat(ws: Socket): void {
    const d = ws.data;
    if (d.heartbeatTimer) {
      d.heartbeatTimer.refresh();
      return;
    }
    d.heartbeatTimer = setTimeout(() => {
      if (d.heldOutbound === null) hub.close(ws, CLOSE_CODES.heartbeatTimeout, 'Heartbeat timeout');
    }, config.heartbeatTimeoutMs);
  }

  function armExpiry(ws: Socket): void {
    const d = ws.data;
    if (d.expiryTimer) clearTimeout(d.expiryTimer);
    d.expiryTimer = null;
    const remainingMs = d.tokenExpiresAt - config.now();
    if (remainingMs <= 0) {
      hub.close(ws, CLOSE_CODES.tokenExpired, 'Token has expired');
      return;
    }
    d.expiryTimer = setTimeout(() => armExpiry(ws), Math.min(remainingMs, MAX_TIMER_MS));
  }

  /**
   * The server drives the heartbeat: a client answers from its message handler, which browsers run
   * promptly even in background tabs whose timers are throttled to once a minute.
   */
  function startPings(ws: Socket): void {
    const d = ws.data;
    d.pingTimer = setInterval(() => {
      // A stalled link sends nothing; a ping queued behind the stall would only measure the stall.
      if (d.closed || d.heldOutbound !== null) return;
      const id = `s${++d.pingCounter}`;
      const frame: ServerPingFrame = { type: 'ping', id, serverTime: config.now() };
      if (d.rttMs !== null) frame.rttMs = d.rttMs;
      d.pendingPing = { id, sentAt: performance.now() };
      hub.send(ws, frame);
    }, config.heartbeatIntervalMs);
  }

  function onPong(ws: Socket, id: string): void {
    const d = ws.data;
    if (d.pendingPing?.id !== id) return;
    d.rttMs = Math.round(performance.now() - d.pendingPing.sentAt);
    d.pendingPing = null;
  }

  /** `auth` on an authenticated socket: move the connection to a fresh token of the same user. */
  function rotateToken(ws: Socket, token: string): void {
    const d = ws.data;
    const check = auth.check(token);
    if (!check.ok) {
      sendError(ws, 'auth_failed', `${authErrorMessage(check.reason)}; the connection keeps its current token`);
      return;
    }
    if (check.user.id !== d.user!.id) {
      sendError(ws, 'auth_failed', 'the token belongs to another user; the connection keeps its current token');
      return;
    }
    d.tokenHash = check.hash;
    d.tokenExpiresAt = check.expiresAt;
    armExpiry(ws);
    hub.send(ws, { type: 'auth_ok', tokenExpiresAt: check.expiresAt, serverTime: config.now() });
  }

  function authenticate(ws: Socket, token: string, batch = false): void {
    const d = ws.data;
    const check = auth.check(token);
    if (!check.ok) {
      if (check.reason === 'expired') hub.close(ws, CLOSE_CODES.tokenExpired, 'Token has expired');
      else hub.close(ws, CLOSE_CODES.invalidToken, 'Invalid authentication token');
      return;
    }
    if (d.authTimer) clearTimeout(d.authTimer);
    d.authTimer = null;
    d.user = check.user;
    if (batch) d.batch = true;
    d.tokenHash = check.hash;
    d.tokenExpiresAt = check.expiresAt;
    armHeartbeat(ws);
    armExpiry(ws);
    // Subscribing, welcome and the replay happen in one synchronous run, so no live event can land
    // between them out of order.
    hub.add(ws);
    hub.send(ws, {
      type: 'welcome',
      protocol: PROTOCOL_VERSION,
      connectionId: d.connectionId,
      userId: check.user.id,
      serverTime: config.now(),
      heartbeat: { intervalMs: config.heartbeatIntervalMs, timeoutMs: config.heartbeatTimeoutMs },
      lastSeq: log.lastSeq,
      tokenExpiresAt: check.expiresAt,
      epoch: log.epoch,
    });
    startPings(ws);
    if (d.upgradeLastSeq !== null) replay(ws, d.upgradeLastSeq, d.upgradeEpoch);
  }

  /** Sends every retained event after `lastSeq` that the socket's subscription matches, then `resumed`. */
  function replay(ws: Socket, lastSeq: number, epoch: string | null): void {
    const { topics, filter } = ws.data;
    const reason = log.resyncReason(lastSeq, epoch);
    if (reason) {
      hub.send(ws, { type: 'resync', reason, lastSeq: log.lastSeq });
      return;
    }
    const texts: string[] = [];
    for (const { event, text } of log.afterWithText(lastSeq)) {
      if (matchesSubscription(event, topics, filter)) texts.push(text);
    }
    hub.sendEvents(ws, texts);
    hub.send(ws, { type: 'resumed', fromSeq: lastSeq + 1, toSeq: log.lastSeq, count: texts.length });
  }

  function handleFrame(ws: Socket, frame: ClientFrame): void {
    const d = ws.data;
    if (frame.type === 'auth') {
      if (d.user) rotateToken(ws, frame.token);
      else authenticate(ws, frame.token, frame.batch === true);
      return;
    }
    if (!d.user) {
      sendError(ws, 'not_authenticated', `send an auth frame before "${frame.type}"`);
      return;
    }
    switch (frame.type) {
      case 'ping':
        hub.send(ws, { type: 'pong', id: frame.id, serverTime: config.now() });
        return;
      case 'pong':
        onPong(ws, frame.id);
        return;
      case 'subscribe':
        d.topics = frame.topics ?? null;
        d.filter = frame.filter ?? {};
        hub.route(ws);
        hub.send(ws, { type: 'subscribed', topics: d.topics ?? [...EVENT_TYPES], filter: d.filter });
        return;
      case 'resume':
        replay(ws, frame.lastSeq, frame.epoch ?? null);
        return;
    }
  }

  /** Whether the sliding-window rate limit is exceeded once this frame is counted. */
  function overRateLimit(ws: Socket): boolean {
    const d = ws.data;
    const now = config.now();
    d.frameTimes.push(now);
    while (d.frameTimes.length > 0 && d.frameTimes[0]! <= now - config.rateLimitWindowMs) d.frameTimes.shift();
    return d.frameTimes.length > config.rateLimitFrames;
  }

  /** Processes one client frame: limits first, then the protocol. */
  function processMessage(ws: Socket, message: string | Buffer): void {
    const d = ws.data;
    if (d.closed) return;
    if (typeof message !== 'string') {
      if (overRateLimit(ws)) hub.close(ws, CLOSE_CODES.rateLimited, 'Rate limit exceeded');
      else hub.close(ws, CLOSE_CODES.unsupportedData, 'Binary frames are not supported');
      return;
    }
    // Bun already rejects larger payloads via maxPayloadLength; this covers multi-byte text exactly.
    if (Buffer.byteLength(message) > config.maxFrameBytes) {
      hub.close(ws, CLOSE_CODES.messageTooBig, 'Frame too large');
      return;
    }
    const parsed = parseClientFrame(message);
    // The pong to the server's own outstanding ping is the heartbeat the server asked for: it never
    // counts against the limit, however short the interval. Anything else, malformed frames too, does.
    const expectedPong = parsed.ok && parsed.frame.type === 'pong' && parsed.frame.id === d.pendingPing?.id;
    if (!expectedPong && overRateLimit(ws)) {
      hub.close(ws, CLOSE_CODES.rateLimited, 'Rate limit exceeded');
      return;
    }
    if (d.user) armHeartbeat(ws);
    if (!parsed.ok) sendError(ws, parsed.code, parsed.message);
    else handleFrame(ws, parsed.frame);
  }

  const handler: WebSocketHandler<SocketData> = {
    // Our own heartbeat (4002) decides when a silent client is dead; Bun's pings would hide half-open links.
    idleTimeout: 0,
    sendPings: false,
    // A client too slow for this much queued data is closed and resumes, rather than silently losing events.
    backpressureLimit: 64 * 1024 * 1024,
    closeOnBackpressureLimit: true,
    open(ws) {
      const d = ws.data;
      hub.open(ws);
      if (d.upgradeToken !== null) authenticate(ws, d.upgradeToken);
      else armAuthTimer(ws);
    },
    message(ws, message) {
      if (ws.data.heldOutbound !== null) ws.data.heldInbound.push(message);
      else processMessage(ws, message);
    },
    close(ws) {
      ws.data.closed = true;
      clearTimers(ws);
      hub.remove(ws);
    },
  };

  return {
    handler,
    thaw(ws) {
      const d = ws.data;
      if (d.user) armHeartbeat(ws);
      else armAuthTimer(ws);
      for (const message of d.heldInbound.splice(0)) if (!d.closed) processMessage(ws, message);
    },
  };
}
