import { eventName, firstFrames, readJsonObject } from './json-text-frame';
import type { ConnectContext, ConnectRequest, ProtocolCapabilities, ProtocolSink, RealtimeEvent, RealtimeProtocol } from './realtime-protocol';

/**
 * An event from a plain JSON socket as `jsonEventsProtocol()` delivers it: the frame's own fields,
 * with `type` set to the event's name (read from the `typeField` the app chose). Declare your
 * server's events with it in `RealtimeEventMap`, and `on(name)` is typed.
 *
 * @example
 * ```ts
 * declare module 'ngx-realtime' {
 *   interface RealtimeEventMap {
 *     'stream.created': JsonEvent<'stream.created', { event: 'stream.created'; streamId: string; payload: unknown; timestamp: string }>;
 *   }
 * }
 * realtime.on('stream.created').subscribe((e) => open(e.streamId));
 * ```
 */
export type JsonEvent<Name extends string = string, Fields extends object = Record<string, unknown>> = Omit<Fields, 'type'> & {
  readonly type: Name;
};

/**
 * Options of {@link jsonEventsProtocol}.
 *
 * - `typeField`: the field that names each frame's event: `'type'` for `{type, data}` frames
 *   (AuroraBot), `'event'` for `{event, ...}` frames (Fluxora, Ignis-like servers). Default `'type'`.
 * - `tokenQuery`: send the token in the socket URL's query under this name (`'token'` gives
 *   `?token=...`). Browsers cannot put headers on a WebSocket.
 * - `authFrame`: send the token in a first frame instead: what to send, made from the token (a string
 *   is sent as is, anything else as JSON); it may return a promise.
 * - `heartbeat`: a frame the server expects from the client every `intervalMs` (sent from a timer
 *   and, when one is due, from the message handler, so a throttled background tab keeps it up).
 * - `finalCloseCodes`: close codes after which retrying is pointless, so the session ends (e.g.
 *   Fluxora's 1009, "your frame is too large", which the same first frame would get again). The
 *   reason in the state stays the code's usual one (1008 `rate_limited`, 1009 `protocol`, ...).
 *   Codes not listed reconnect, except 4003 (`unauthorized`) and 4005 (`session_revoked`), which end
 *   the session anyway.
 *
 * @example
 * ```ts
 * const options: JsonEventsOptions = { typeField: 'event', finalCloseCodes: [1008, 1009] };
 * ```
 */
export interface JsonEventsOptions {
  readonly typeField?: string;
  readonly tokenQuery?: string;
  readonly authFrame?: (token: string) => unknown;
  readonly heartbeat?: { readonly frame: unknown; readonly intervalMs: number };
  readonly finalCloseCodes?: readonly number[];
}

/**
 * A protocol for servers that push plain JSON objects over a WebSocket, one event per frame, with no
 * handshake, numbering or replay of their own (a Bun `/ws` that sends `{type, data}`, a `ws` channel
 * that sends `{event, streamId, payload, timestamp}`), for `withProtocol()`.
 *
 * - Ready as soon as the socket is open (and the `authFrame`, if any, is sent): these servers say
 *   nothing when they accept a connection.
 * - Every JSON object whose `typeField` is a non-empty string is delivered as an event of that name,
 *   as the frame's own fields with `type` set to the name ({@link JsonEvent}). With
 *   `typeField: 'type'` that is the frame exactly as it came; with another field, a frame's own
 *   `type` field (if it has one) is replaced by the name. Anything else (not JSON, not an object,
 *   binary, no name) is reported on `errors$` (`invalid_frame`) and never delivered.
 * - No replay: after every reconnect `resync$` emits (reason `reconnected`): reload what you show.
 * - Silence is not judged (the server may have nothing to say). For a server that pushes on a
 *   schedule (AuroraBot's heartbeat every 5 s), `withHeartbeat({ timeoutMs: 15_000 })` declares a
 *   silent socket dead and reconnects. Protocol-level pings (`ws`'s every 30 s) are answered by the
 *   browser itself.
 * - Close codes: as for the native protocol (1008 `rate_limited`, 1009 `protocol`, 4003
 *   `unauthorized`...), every one reconnecting but those in `finalCloseCodes` (and 4003/4005).
 * - A fresh token cannot be sent on the open connection: the SDK opens a new one with it.
 *
 * @throws Error (`ngx-realtime: …`), in dev mode, at the call, for options it cannot use (both
 * `tokenQuery` and `authFrame`, a heartbeat without a positive interval, close codes that are not
 * integers).
 *
 * @example
 * ```ts
 * // AuroraBot's dashboard socket: {type: 'STATS_UPDATE' | 'NEW_EVENT' | 'HEARTBEAT', data}
 * provideRealtime({ url: 'wss://bot.example.com/ws' }, withProtocol(jsonEventsProtocol()), withHeartbeat({ timeoutMs: 15_000 }));
 * // Fluxora's stream channel: {event: 'stream.created', streamId, payload, timestamp}
 * provideRealtime({ url: 'wss://api.example.com/ws/streams' }, withProtocol(jsonEventsProtocol({ typeField: 'event', finalCloseCodes: [1008, 1009] })));
 * ```
 */
export function jsonEventsProtocol(options: JsonEventsOptions = {}): RealtimeProtocol {
  if (typeof ngDevMode === 'undefined' || ngDevMode) checkOptions(options);
  const typeField = options.typeField ?? 'type';
  const { tokenQuery, authFrame, heartbeat } = options;
  const finalCodes = new Set(options.finalCloseCodes ?? []);
  const heartbeatFrame = heartbeat === undefined ? null : asText(heartbeat.frame);
  const capabilities: ProtocolCapabilities = {
    replay: false,
    serverHeartbeat: false,
    rotation: false,
    batching: false,
    rooms: false,
    transports: ['websocket'],
    ...(heartbeat === undefined ? {} : { clientHeartbeat: { intervalMs: heartbeat.intervalMs } }),
  };
  const protocol: RealtimeProtocol = {
    name: 'json-events',
    capabilities,

    connect(context: ConnectContext): ConnectRequest {
      const token = context.token;
      if (token === null || (tokenQuery === undefined && authFrame === undefined)) return { url: context.url };
      if (tokenQuery !== undefined) {
        const url = new URL(context.url);
        url.searchParams.set(tokenQuery, token);
        return { url: url.toString() };
      }
      const frame = authFrame!(token);
      return {
        url: context.url,
        firstFrames: firstFrames(frame, (f) => [asText(f)]),
      };
    },

    opened(sink: ProtocolSink): void {
      sink.ready({ position: null });
    },

    read(data: unknown, sink: ProtocolSink): void {
      const frame = readJsonObject(data);
      if (typeof frame === 'string') return sink.invalid('invalid_frame', frame, data);
      const name = eventName(frame, typeField);
      if (name === null) return sink.invalid('invalid_frame', `the frame has no "${typeField}" naming its event`, data);
      sink.event((typeField === 'type' ? frame : { ...frame, type: name }) as unknown as RealtimeEvent);
    },

    rotate: () => null,
    ping: () => null,
    closeIsFinal: (code) => finalCodes.has(code),
  };
  if (heartbeatFrame !== null) protocol.heartbeatFrame = () => heartbeatFrame;
  return protocol;
}

function asText(frame: unknown): string {
  return typeof frame === 'string' ? frame : JSON.stringify(frame);
}

function checkOptions(options: JsonEventsOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new Error(`ngx-realtime: jsonEventsProtocol() takes an options object, got ${String(options)}.`);
  }
  const { typeField, tokenQuery, authFrame, heartbeat, finalCloseCodes } = options;
  if (typeField !== undefined && (typeof typeField !== 'string' || typeField === '')) {
    throw new Error("ngx-realtime: jsonEventsProtocol({typeField}) must name the field that names each event, e.g. 'type' or 'event'.");
  }
  if (tokenQuery !== undefined && (typeof tokenQuery !== 'string' || tokenQuery === '')) {
    throw new Error("ngx-realtime: jsonEventsProtocol({tokenQuery}) must be the name of a query parameter, e.g. 'token'.");
  }
  if (authFrame !== undefined && typeof authFrame !== 'function') {
    throw new Error("ngx-realtime: jsonEventsProtocol({authFrame}) must be a function of the token, e.g. (token) => ({ type: 'auth', token }).");
  }
  if (tokenQuery !== undefined && authFrame !== undefined) {
    throw new Error('ngx-realtime: jsonEventsProtocol() takes tokenQuery or authFrame, not both: the token goes either in the URL or in a first frame.');
  }
  if (heartbeat !== undefined) {
    const interval = (heartbeat as { intervalMs?: unknown } | null)?.intervalMs;
    if (typeof interval !== 'number' || !(interval > 0) || !Number.isFinite(interval) || heartbeat.frame === undefined) {
      throw new Error(
        "ngx-realtime: jsonEventsProtocol({heartbeat}) needs a frame and a positive intervalMs, e.g. { frame: { type: 'ping' }, intervalMs: 25_000 }.",
      );
    }
  }
  if (finalCloseCodes !== undefined && (!Array.isArray(finalCloseCodes) || !finalCloseCodes.every((code) => Number.isInteger(code)))) {
    throw new Error('ngx-realtime: jsonEventsProtocol({finalCloseCodes}) must be a list of close codes, e.g. [1008, 1009].');
  }
}
