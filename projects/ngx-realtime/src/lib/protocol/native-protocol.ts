import { FrameRejection, checkServerFrame, readServerFrame } from './frame-validation';
import { HTTP_ERRORS, type SequencedEvent, type ServerFrame, type WelcomeFrame } from './protocol';
import type { ConnectContext, ConnectRequest, ProtocolReady, ProtocolSink, RealtimeEvent, RealtimeProtocol, StreamPosition } from './realtime-protocol';

/**
 * The SDK's own protocol (`docs/protocol.md`), spoken by the mock server and by servers built to
 * it: sequence numbers with epochs and replay, a server-driven heartbeat, token rotation on the
 * open socket, batch frames, and all three transports. It is the default: an app that does not call
 * `withProtocol()` uses it.
 *
 * @example
 * ```ts
 * provideRealtime({ url: '/ws/events' }, withProtocol(nativeProtocol()));
 * ```
 */
export function nativeProtocol(): RealtimeProtocol {
  return NATIVE_PROTOCOL;
}

const NATIVE_PROTOCOL: RealtimeProtocol = {
  name: 'native',
  capabilities: {
    replay: true,
    serverHeartbeat: true,
    rotation: true,
    batching: true,
    rooms: false,
    transports: ['websocket', 'sse', 'polling'],
  },
  paths: { sse: '/events/stream', poll: '/events/poll' },

  connect(context: ConnectContext): ConnectRequest {
    const url = new URL(context.url);
    const viaSocket = context.transport === 'websocket';
    const frameAuth = viaSocket && context.authMode === 'frame';
    if (viaSocket && !frameAuth && context.token !== null) url.searchParams.set('token', context.token);
    if (context.batching) url.searchParams.set('batch', '1');
    const position = context.position;
    if (position !== null && position.seq !== null) {
      url.searchParams.set('lastSeq', String(position.seq));
      if (position.epoch !== null) url.searchParams.set('epoch', position.epoch);
    }
    for (const key in context.params) url.searchParams.set(key, context.params[key]!);
    if (!viaSocket) return { url: url.toString(), headers: context.token === null ? {} : { Authorization: `Bearer ${context.token}` } };
    if (!frameAuth || context.token === null) return { url: url.toString() };
    const auth = context.batching ? { type: 'auth', token: context.token, batch: true } : { type: 'auth', token: context.token };
    return { url: url.toString(), firstFrames: [JSON.stringify(auth)] };
  },

  read(data: unknown, sink: ProtocolSink): void {
    const frame = readServerFrame(data);
    if (frame instanceof FrameRejection) {
      sink.invalid(frame.code, frame.message, data);
      return;
    }
    // Sequenced events are nearly every frame: they skip the switch.
    if ((frame as SequencedEvent).seq !== undefined) {
      sink.event(frame as SequencedEvent as unknown as RealtimeEvent);
      return;
    }
    readControl(frame, sink);
  },

  rotate(token: string): string {
    return JSON.stringify({ type: 'auth', token });
  },

  ping(id: string): string {
    return JSON.stringify({ type: 'ping', id });
  },

  lostHistory(known: StreamPosition | null, ready: ProtocolReady): boolean {
    const position = ready.position;
    if (known === null || known.seq === null || position === null || position.seq === null) return false;
    // A new epoch with a seq we resumed from: the server answers with resync (epoch_changed) itself.
    const newHistory = position.epoch !== null && known.epoch !== null && position.epoch !== known.epoch;
    return !newHistory && position.seq < known.seq;
  },

  checkEvent(value: unknown): value is RealtimeEvent {
    const event = checkServerFrame(value);
    return !(event instanceof FrameRejection) && ((event as SequencedEvent).seq !== undefined || event.type === 'stats_update');
  },

  tokenExpired(status: number, error: string | null): boolean {
    return status === 401 && error === HTTP_ERRORS.tokenExpired;
  },
};

function readControl(frame: ServerFrame, sink: ProtocolSink): void {
  switch (frame.type) {
    case 'stats_update':
      sink.volatile(frame as unknown as RealtimeEvent);
      return;
    case 'batch':
      sink.events(batchEvents(frame.events, sink));
      return;
    case 'ping':
      // Answered from the message handler, never from a timer: a background tab's timers may run
      // once a minute, its network events do not wait.
      sink.heartbeat(frame.serverTime, frame.rttMs, `{"type":"pong","id":${JSON.stringify(frame.id)}}`);
      return;
    case 'pong':
      sink.pong(frame.id);
      return;
    case 'welcome':
      sink.ready(readyOf(frame));
      return;
    case 'resync':
      sink.gap({ reason: frame.reason, position: { seq: frame.lastSeq, epoch: null } });
      return;
    case 'resumed':
      sink.advance({ seq: frame.toSeq, epoch: null });
      return;
    case 'auth_ok':
      sink.tokenAccepted(frame.tokenExpiresAt, frame.serverTime);
      return;
    case 'closing':
      // A stream has no close code: the server sends it in-band before it ends the body.
      sink.closing(frame.code, frame.reason);
      return;
    case 'error':
      if (frame.code === 'auth_failed') sink.tokenRefused(frame.message, frame);
      else sink.error('server_error', frame.message, frame);
      return;
    default:
      return;
  }
}

function readyOf(welcome: WelcomeFrame): ProtocolReady {
  return {
    position: { seq: welcome.lastSeq, epoch: welcome.epoch ?? null },
    tokenExpiresAt: welcome.tokenExpiresAt,
    serverTime: welcome.serverTime,
    heartbeatTimeoutMs: welcome.heartbeat.timeoutMs,
    detail: welcome,
  };
}

/** A batch's elements through the same validation as single frames; one bad element costs only itself. */
function batchEvents(events: readonly unknown[], sink: ProtocolSink): RealtimeEvent[] {
  const valid: RealtimeEvent[] = [];
  for (let i = 0; i < events.length; i++) {
    const event = checkServerFrame(events[i]);
    if (event instanceof FrameRejection) sink.invalid(event.code, `batch element ${i}: ${event.message}`, events[i]);
    else if ((event as SequencedEvent).seq === undefined) sink.invalid('invalid_frame', `batch element ${i}: "${event.type}" is not a sequenced event`, events[i]);
    else valid.push(event as unknown as RealtimeEvent);
  }
  return valid;
}
