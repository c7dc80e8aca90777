import { Injector, inject, runInInjectionContext } from '@angular/core';
import type { ResolvedRealtimeConfig } from '../config/realtime-config';
import { RANDOM_SOURCE, RealtimeClock } from '../platform/clock';
import { NetworkStatus } from '../platform/network-status';
import { nativeProtocol } from '../protocol/native-protocol';
import type { SessionHost } from '../session/session-host';
import type { ConnectionStateStore } from '../stream/connection-state-store';
import type { EventStream } from '../stream/event-stream';
import { RealtimeBackend } from '../transport/realtime-backend';

/**
 * The {@link SessionHost} of `WebSocketService`: the app's injected dependencies, and its one event
 * stream and state store as the place every session's events, state and problems go. Call it in an
 * injection context (it injects the backend, clock, randomness and network).
 *
 * @example
 * ```ts
 * readonly #host = serviceSessionHost(config, stream, state, () => connection.rooms());
 * ```
 */
export function serviceSessionHost(
  config: ResolvedRealtimeConfig | null,
  stream: EventStream,
  state: ConnectionStateStore,
  rooms: () => readonly string[],
): SessionHost {
  const injector = inject(Injector);
  return {
    // Read only once connect() has checked there is a configuration.
    config: config!,
    protocol: config?.protocol ?? nativeProtocol(),
    backend: inject(RealtimeBackend),
    clock: inject(RealtimeClock),
    random: inject(RANDOM_SOURCE),
    network: inject(NetworkStatus),
    state: () => state.state(),
    dispatch: (action) => state.dispatch(action),
    report: (code, message, detail) => stream.report(code, message, detail),
    run: (fn) => runInInjectionContext(injector, fn),
    position: () => stream.position(),
    adoptPosition: (position) => stream.adoptPosition(position),
    deliver: (event) => stream.deliver(event),
    deliverMany: (events) => stream.deliverMany(events),
    emitVolatile: (event) => stream.emitVolatile(event),
    resync: (gap) => stream.resync(gap),
    ready: (ready) => stream.ready(ready),
    rooms,
  };
}
