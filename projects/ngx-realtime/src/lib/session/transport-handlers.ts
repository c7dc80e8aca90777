import type { ProtocolReady } from '../protocol/realtime-protocol';
import type { Transport, TransportClosed, TransportHandlers } from '../transport/transport';
import type { SessionHost } from './session-host';
import type { TokenRotation } from './token-rotation';

/**
 * What {@link transportHandlers} needs of the session whose transport it serves.
 *
 * @example
 * ```ts
 * const handlers = transportHandlers(session satisfies HandlerOwner, host, opened, 'main', token);
 * ```
 */
export interface HandlerOwner {
  /** The session's live transport: what a transport's signals are checked against. */
  readonly transport: Transport | null;
  readonly rotation: TokenRotation;
  onReady(transport: Transport, ready: ProtocolReady, token: string): void;
  /** A probe or renewal opened beside the live transport got ready. */
  onCandidateReady(transport: Transport, ready: ProtocolReady, token: string): void;
  closed(transport: Transport, info: TransportClosed): void;
}

/**
 * Where one transport's signals go: to the host while it is the session's live transport, nowhere
 * once it is not (a late frame of a replaced connection changes nothing). `opened.transport` is set
 * by the caller right after the transport is made, which is before any signal can arrive.
 *
 * @example
 * ```ts
 * const opened: { transport: Transport | null } = { transport: null };
 * opened.transport = new WebSocketTransport({ ..., handlers: transportHandlers(session, host, opened, 'main', token) });
 * ```
 */
export function transportHandlers(
  owner: HandlerOwner,
  host: SessionHost,
  opened: { transport: Transport | null },
  role: 'main' | 'probe' | 'renew',
  token: string,
): TransportHandlers {
  const live = () => opened.transport === owner.transport;
  return {
    ready: (ready) => (role === 'main' ? owner.onReady(opened.transport!, ready, token) : owner.onCandidateReady(opened.transport!, ready, token)),
    event: (event) => {
      // Nearly every frame: the check is written out rather than called.
      if (opened.transport === owner.transport) host.deliver(event);
    },
    events: (events) => {
      if (live()) host.deliverMany(events);
    },
    volatile: (event) => {
      if (live()) host.emitVolatile(event);
    },
    heartbeat: () => {
      // Heartbeats arrive on time even where timers are throttled: a late rotation timer is caught up here.
      if (live()) owner.rotation.rotateIfDue();
    },
    pong: noop,
    gap: (gap) => {
      if (live()) host.resync(gap);
    },
    advance: (position) => {
      if (live()) host.adoptPosition(position);
    },
    tokenAccepted: (tokenExpiresAt, serverTime) => {
      if (live()) owner.rotation.accepted(tokenExpiresAt, serverTime);
    },
    tokenRefused: (message, detail) => {
      if (live()) owner.rotation.refused(message, detail);
    },
    closing: noop,
    error: (code, message, detail) => host.report(code, message, detail),
    invalid: (code, message, raw) => host.report(code, message, raw),
    latency: (latencyMs) => {
      if (live()) host.dispatch({ type: 'latency', latencyMs });
    },
    closed: (info) => owner.closed(opened.transport!, info),
  };
}

function noop(): void {}
