import type { RealtimeClock } from '../platform/clock';
import type { ConnectionAction, ConnectionState } from '../stream/connection-state';
import type { NetworkStatus } from '../platform/network-status';
import type { ResyncFrame, SequencedEvent, StatsUpdateEvent, WelcomeFrame } from '../protocol/protocol';
import type { RealtimeBackend } from '../transport/realtime-backend';
import type { ResolvedRealtimeConfig } from '../config/realtime-config';

/**
 * What a {@link ConnectionSession} needs from the service that owns it: its dependencies, and
 * where events, state and problems go. The service keeps the sequencing and the public streams, so
 * every way events arrive (this session, or another tab's) goes through the same place.
 *
 * @example
 * ```ts
 * const session = new ConnectionSession(host, { kind: 'static', token: 't' }, urls);
 * session.start();
 * ```
 */
export interface SessionHost {
  readonly config: ResolvedRealtimeConfig;
  readonly backend: RealtimeBackend;
  readonly clock: RealtimeClock;
  readonly random: () => number;
  readonly network: NetworkStatus;
  state(): ConnectionState;
  dispatch(action: ConnectionAction): void;
  report(code: string, message: string, detail?: unknown): void;
  /** Runs `withAuth(source, {refresh})` in the app's injection context. */
  run<T>(fn: () => T): T;
  /** The newest seq delivered (or adopted), `null` before any. */
  lastSeq(): number | null;
  /** The epoch `lastSeq` belongs to, `null` before a server named one. */
  epoch(): string | null;
  /** A server named its epoch (a poll answer, the leader tab): keep it with `lastSeq`. */
  adoptEpoch(epoch: string | undefined): void;
  /** One validated durable event; the host drops repeats and delivers the rest in order. */
  deliver(event: SequencedEvent): void;
  /** The elements of a `batch` frame, each still to validate. */
  deliverBatch(events: readonly unknown[]): void;
  emitVolatile(event: StatsUpdateEvent): void;
  resync(frame: ResyncFrame): void;
  /** A transport reports the server's position: adopt it, or resync if the server went backwards. */
  adopt(lastSeq: number, welcome: WelcomeFrame | null): void;
  /** A transport covered everything up to `seq`. */
  advanceTo(seq: number): void;
}
