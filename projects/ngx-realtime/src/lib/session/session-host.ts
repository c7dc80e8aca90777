import type { RealtimeClock } from '../platform/clock';
import type { NetworkStatus } from '../platform/network-status';
import type { ProtocolGap, ProtocolReady, RealtimeEvent, RealtimeProtocol, StreamPosition } from '../protocol/realtime-protocol';
import type { ConnectionAction, ConnectionState } from '../stream/connection-state';
import type { RealtimeIo } from '../transport/backend-io';
import type { ResolvedRealtimeConfig } from '../config/realtime-config';

/**
 * What a {@link ConnectionSession} needs from the service that owns it: its dependencies, and
 * where events, state and problems go. The service keeps the sequencing and the public streams, so
 * every way events arrive (this session, or another tab's) goes through the same place. Positions
 * pass through here unread: only the protocol reads them.
 *
 * @example
 * ```ts
 * const session = new ConnectionSession(host, { kind: 'static', token: 't' }, urls);
 * session.start();
 * ```
 */
export interface SessionHost {
  readonly config: ResolvedRealtimeConfig;
  readonly protocol: RealtimeProtocol;
  readonly backend: RealtimeIo;
  readonly clock: RealtimeClock;
  readonly random: () => number;
  readonly network: NetworkStatus;
  state(): ConnectionState;
  dispatch(action: ConnectionAction): void;
  report(code: string, message: string, detail?: unknown): void;
  /** Runs `withAuth(source, {refresh})` in the app's injection context. */
  run<T>(fn: () => T): T;
  /** Where the stream stands (to resume from), `null` before anything was delivered or adopted. */
  position(): StreamPosition | null;
  /** Another transport or tab reports where it stands: move forward to it, never back. */
  adoptPosition(position: StreamPosition): void;
  /** One durable event; the host drops repeats and delivers the rest in order. */
  deliver(event: RealtimeEvent): void;
  /** Durable events that arrived together, validated, in order. */
  deliverMany(events: readonly RealtimeEvent[]): void;
  emitVolatile(event: RealtimeEvent): void;
  /** Events were missed and will not come: the app recovers (`resync$`). */
  resync(gap: ProtocolGap): void;
  /**
   * A connection is ready: adopt its position, or resync if the server lost its history (or, without
   * replay, because it is a reconnect). Returns the gap it reported, if any.
   */
  ready(ready: ProtocolReady): ProtocolGap | null;
  /** The rooms to be in (this tab's, and with tab sharing the other tabs' too), sent on every connection. */
  rooms(): readonly string[];
}
