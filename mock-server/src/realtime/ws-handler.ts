import type { WebSocketHandler } from 'bun';
import {
  CLOSE_CODES,
  EVENT_TYPES,
  type ClientFrame,
  type ProtocolErrorCode,
} from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import { parseClientFrame } from '../../../projects/ngx-realtime/src/lib/protocol/frame-validation';
import type { ServerConfig } from '../config';
import { authErrorMessage, type TokenCheck } from '../domain/auth';
import type { ConnectionHub } from './connection-hub';
import type { Socket, SocketData } from './socket-data';
import type { StreamSessions } from './stream-sessions';

/**
 * What the WebSocket handler is built from: the hub it registers sockets with, the token check, what
 * every authenticated connection lives through, and the limits of a two-way link.
 *
 * @example
 * ```ts
 * const ws = createWebsocketHandler({ hub, auth, sessions, config });
 * ```
 */
export interface WebsocketParts {
  hub: ConnectionHub;
  auth: { check(token: string): TokenCheck };
  sessions: StreamSessions;
  config: Pick<ServerConfig, 'now' | 'authTimeoutMs' | 'heartbeatTimeoutMs' | 'rateLimitFrames' | 'rateLimitWindowMs' | 'maxFrameBytes'>;
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
 * const ws = createWebsocketHandler({ hub, auth, sessions, config });
 * Bun.serve({ fetch, websocket: { ...ws.handler, maxPayloadLength: config.maxFrameBytes } });
 * ```
 */
export function createWebsocketHandler(parts: WebsocketParts): WebsocketEndpoint {
  const { hub, auth, sessions, config } = parts;

  function sendError(ws: Socket, code: ProtocolErrorCode, message: string): void {
    hub.send(ws, { type: 'error', code, message });
  }

  function clearTimers(ws: Socket): void {
    const d = ws.data;
    for (const timer of [d.authTimer, d.heartbeatTimer]) if (timer) clearTimeout(timer);
    d.authTimer = d.heartbeatTimer = null;
    sessions.end(ws);
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
    sessions.rotate(ws, check.hash, check.expiresAt);
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
    if (batch) d.batch = true;
    armHeartbeat(ws);
    sessions.begin(ws, check, d.upgradeLastSeq === null ? null : { lastSeq: d.upgradeLastSeq, epoch: d.upgradeEpoch });
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
        sessions.replay(ws, frame.lastSeq, frame.epoch ?? null);
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
