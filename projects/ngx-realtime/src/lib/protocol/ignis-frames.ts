import { eventName, readJsonObject } from './json-text-frame';
import type { ProtocolSink, RealtimeEvent } from './realtime-protocol';

/*
 * The frames of Ignis's WebSocket helper that `ignisProtocol()` reads the same way with encryption
 * and without: `{"event": string, "data"?: any}` JSON text, `connected`, `error` and app events.
 */

/**
 * An event from an Ignis server as `ignisProtocol()` delivers it: the frame's `event` as `type`, its
 * `data` unchanged (`undefined` when the frame had none). Declare your server's events with it in
 * `RealtimeEventMap`, and `on(name)` is typed.
 *
 * @example
 * ```ts
 * declare module 'ngx-realtime' {
 *   interface RealtimeEventMap {
 *     'order.updated': IgnisEvent<'order.updated', { orderId: string; status: string }>;
 *   }
 * }
 * realtime.on('order.updated').subscribe((e) => render(e.data.orderId));
 * ```
 */
export interface IgnisEvent<Name extends string = string, Data = unknown> extends RealtimeEvent {
  readonly type: Name;
  readonly data: Data;
}

/**
 * What an Ignis server said when it accepted the connection (its `connected` frame, without the
 * encryption keys), delivered once per connection as the event `connected`: the client's id on the
 * server (a new one for every connection, the target of `WebSocketEmitter.toClient()`), and the
 * user `authenticateFn` returned, if any.
 *
 * @example
 * ```ts
 * realtime.on<IgnisConnectedEvent>('connected').subscribe((e) => console.log(e.data.id, e.data.userId));
 * ```
 */
export type IgnisConnectedEvent = IgnisEvent<'connected', { readonly id: string; readonly userId?: string; readonly time: string }>;

/**
 * Ignis's close code for a refused or impossible encryption handshake ("Encryption required").
 *
 * @example
 * ```ts
 * closeIsFinal: (code) => code === ENCRYPTION_REQUIRED,
 * ```
 */
export const ENCRYPTION_REQUIRED = 4004;

/**
 * The `authenticate` frame Ignis expects first on every connection.
 *
 * @example
 * ```ts
 * authenticate({ token }); // '{"event":"authenticate","data":{"token":"..."}}'
 * ```
 */
export function authenticate(data: unknown): string {
  return JSON.stringify({ event: 'authenticate', data });
}

/** A connected frame's data without the keys, or `null` when it is not one. */
function connectedData(data: unknown): IgnisConnectedEvent['data'] | null {
  if (typeof data !== 'object' || data === null) return null;
  const { id, userId, time } = data as Record<string, unknown>;
  if (typeof id !== 'string' || (userId !== undefined && typeof userId !== 'string')) return null;
  const info = { id, time: typeof time === 'string' ? time : '' };
  return userId === undefined ? info : { ...info, userId };
}

/**
 * An `error` frame, for `errors$` (code `server_error`), never for `on()`.
 *
 * @example
 * ```ts
 * if (name === 'error') return serverError(frame['data'], sink);
 * ```
 */
export function serverError(data: unknown, sink: ProtocolSink): void {
  const message = (data as { message?: unknown } | null)?.message;
  sink.error('server_error', typeof message === 'string' ? message : 'the server reported an error', data);
}

/**
 * One frame's JSON object and the event it names, or `null` once the frame was reported as
 * invalid (not a JSON object, or no `event`).
 *
 * @example
 * ```ts
 * const read = ignisFrame(data, sink);
 * if (read !== null) handle(read.name, read.frame['data']);
 * ```
 */
export function ignisFrame(data: unknown, sink: ProtocolSink): { frame: Record<string, unknown>; name: string } | null {
  const frame = readJsonObject(data);
  if (typeof frame === 'string') {
    sink.invalid('invalid_frame', frame, data);
    return null;
  }
  const name = eventName(frame, 'event');
  if (name === null) {
    sink.invalid('invalid_frame', 'the frame has no "event" naming it', data);
    return null;
  }
  return { frame, name };
}

/**
 * One frame of a connection without encryption: everything is synchronous.
 *
 * @example
 * ```ts
 * read: (data, sink) => readPlain(data, sink),
 * ```
 */
export function readPlain(data: unknown, sink: ProtocolSink): void {
  const read = ignisFrame(data, sink);
  if (read === null) return;
  const { frame, name } = read;
  switch (name) {
    case 'connected':
      return ready(frame['data'], sink, data);
    case 'error':
      return serverError(frame['data'], sink);
    case 'encrypted':
      return sink.invalid('invalid_frame', 'the server sent an encrypted frame, but ignisProtocol() was not given {encryption: true}', data);
    default:
      sink.event({ type: name, data: frame['data'] } as IgnisEvent);
  }
}

/**
 * A `connected` frame's data (without keys): the connection is ready, and `connected` is delivered
 * as an event, once per connection.
 *
 * @example
 * ```ts
 * case 'connected': return ready(frame['data'], sink, data);
 * ```
 */
export function ready(data: unknown, sink: ProtocolSink, raw: unknown): void {
  const info = connectedData(data);
  if (info === null) return sink.invalid('invalid_frame', '"connected" without the client id', raw);
  sink.ready({ position: null, detail: data });
  sink.volatile({ type: 'connected', data: info } as IgnisConnectedEvent);
}
