import { reasonForCloseCode, type DisconnectReason } from '../stream/connection-state';
import { EncryptedConnection, readEncrypted, withPublicKey } from './ignis-encrypted-connection';
import { IGNIS_HKDF_INFO, makeKeyPair } from './ignis-encryption';
import { ENCRYPTION_REQUIRED, authenticate, readPlain } from './ignis-frames';
import { firstFrames } from './json-text-frame';
import { protocolRooms } from './protocol-rooms';
import type { ConnectContext, ConnectRequest, ProtocolCapabilities, ProtocolSink, RealtimeProtocol } from './realtime-protocol';

export type { IgnisConnectedEvent, IgnisEvent } from './ignis-frames';

/**
 * Options of {@link ignisProtocol}.
 *
 * - `credentials`: the `data` of the `authenticate` frame, made from the token the app connects with
 *   (`connect(token)`, `withAuth()`). Ignis hands it unchanged to the server's `authenticateFn`, so
 *   its shape is the app's. Default `(token) => ({ token })`, the Ignis convention. It may return a
 *   promise.
 * - `encryption`: `true` for a server that runs Ignis's encryption convention (`requireEncryption`
 *   with a `handshakeFn` and an `outboundTransformer`): see {@link ignisProtocol}. Default `false`.
 * - `heartbeatIntervalMs`: how often the client sends `{"event":"heartbeat"}` once connected. Ignis
 *   closes a client idle for more than its `heartbeatTimeout` (90 s by default) with 4002. Default
 *   20 000: in a background tab whose timers run once a minute, heartbeats are then at most
 *   20 + 60 = 80 s apart (60 s once throttling has set in), inside the 90 s. Keep it at most the
 *   server's timeout less 60 s.
 * - `hkdfInfo`: the HKDF info of the server's ECDH helper, when it is not the default
 *   `'ignis-ecdh-p256-aes-256-gcm-v1'`.
 *
 * @example
 * ```ts
 * const options: IgnisProtocolOptions = { credentials: (token) => ({ token, device: 'web' }), encryption: true };
 * ```
 */
export interface IgnisProtocolOptions {
  readonly credentials?: (token: string) => Record<string, unknown> | PromiseLike<Record<string, unknown>>;
  readonly encryption?: boolean;
  readonly heartbeatIntervalMs?: number;
  readonly hkdfInfo?: string;
}

const DEFAULT_HEARTBEAT_INTERVAL_MS = 20_000;
const HEARTBEAT_FRAME = '{"event":"heartbeat"}';

/**
 * The protocol of the WebSocket helper of Ignis (`WebSocketServerHelper` of npm
 * `@venizia/ignis-helpers`, on Bun), for `withProtocol()`.
 *
 * On the wire every frame is JSON text `{"event": string, "data"?: any}`. After the socket opens the
 * client sends `{"event":"authenticate","data": credentials(token)}` and the connection is ready
 * when the server answers `connected`. Then:
 * - Every other frame is delivered as an event named by its `event` field, as
 *   `{ type: event, data }` ({@link IgnisEvent}), so `on('order.updated')` gets the server's
 *   `sendToRoom({event: 'order.updated', ...})`; declare your events in `RealtimeEventMap` to type
 *   them. `connected` itself is delivered as the event `connected` ({@link IgnisConnectedEvent}),
 *   once per connection. `error` frames go to `errors$` (code `server_error`), never to `on()`.
 * - Rooms: `realtime.join('orders')` sends `{"event":"join","data":{"rooms":["orders"]}}` (and
 *   `leave()` the same with `leave`). The server never acknowledges a join, and forgets every room
 *   with the connection; the SDK joins them again on every new connection and tab handover.
 * - No replay: Ignis numbers nothing and keeps nothing. After every reconnect `resync$` emits (reason
 *   `reconnected`): reload what you show.
 * - Heartbeat: the server never pings (Bun's protocol pings do not count) and closes clients idle
 *   for 90 s, so the client sends `{"event":"heartbeat"}` every `heartbeatIntervalMs` (20 s) from a
 *   timer, and also from the message handler as soon as one is due. A background tab's timers may
 *   fire only once a minute (Chrome's intensive throttling), which still gives one heartbeat at most
 *   80 s after the last; its network events are not throttled, so while frames arrive a due heartbeat
 *   goes out with the next one. Silence from the server is not judged (it may have nothing to say);
 *   `withHeartbeat({ timeoutMs })` does, for servers known to talk.
 * - Close codes: 4003 (authentication failed, after an `error` frame) ends the session
 *   `unauthorized`; 4001 (authentication timeout) reconnects with reason `protocol`; 4002
 *   (heartbeat timeout) reconnects with reason `heartbeat_timeout`; 1001 (server shutdown)
 *   reconnects with reason `server_shutdown`; 4004 (encryption required: the server refused the
 *   handshake, or requires encryption without a `handshakeFn`) ends the session with reason
 *   `protocol`, since every retry would be refused the same way (`lastCloseCode` is 4004).
 * - A fresh token (from `withAuth()`) cannot be sent on the open connection (Ignis answers
 *   "Already authenticated"): the SDK opens a new connection with it.
 *
 * Encryption (`{ encryption: true }`), Ignis's documented convention: for each connection the
 * client makes a P-256 key pair with WebCrypto and adds its public key (base64 of the raw 65 bytes)
 * to the `authenticate` data as `publicKey`; the server's `handshakeFn` answers with
 * `serverPublicKey` and `salt` in `connected`; ECDH then HKDF-SHA-256 (info
 * `ignis-ecdh-p256-aes-256-gcm-v1`) gives the AES-256-GCM key that opens every
 * `{"event":"encrypted","data":{"iv","ct"}}` frame. Frames are decrypted and delivered in the order
 * they arrived, and nothing is delivered once the connection ended. A frame that fails to decrypt
 * (tampered with, another key) is reported on `errors$` (code `decrypt_failed`) and never
 * delivered; an app event that arrives unencrypted is reported (`unencrypted_frame`) and dropped.
 * A `connected` without keys (the server does not encrypt) or with keys that do not work ends the
 * session (`encryption_failed` on `errors$`, then as a close 4004): the client never falls back to
 * plain text. WebCrypto needs a secure context (`https:`, or `localhost`). What the client sends is
 * never encrypted (Ignis decrypts nothing).
 *
 * Server-side bug to fix first: in Ignis's documented example the `outboundTransformer` also
 * encrypts `connected`, the very frame that carries the keys, so no client can ever read anything.
 * The one-line workaround on the server is to send that frame as is:
 * ```ts
 * outboundTransformer: async ({ client, event, data }) => {
 *   if (event === 'connected') return null; // the workaround: the keys travel in clear, as they must
 *   ...
 * }
 * ```
 * Against an unfixed server the client reports `encryption_failed` (saying this) and stops.
 *
 * @throws Error (`ngx-realtime: …`), in dev mode, at the call, for options it cannot use.
 *
 * @example
 * ```ts
 * provideRealtime(
 *   { url: 'wss://api.example.com/ws' },
 *   withProtocol(ignisProtocol({ credentials: (token) => ({ token }), encryption: true })),
 *   withAuth(() => inject(AuthService).token$),
 * );
 * inject(WebSocketService).join('orders');
 * ```
 */
export function ignisProtocol(options: IgnisProtocolOptions = {}): RealtimeProtocol {
  if (typeof ngDevMode === 'undefined' || ngDevMode) checkOptions(options);
  const credentials = options.credentials ?? defaultCredentials;
  const encryption = options.encryption === true;
  const hkdfInfo = options.hkdfInfo ?? IGNIS_HKDF_INFO;
  const capabilities: ProtocolCapabilities = {
    replay: false,
    serverHeartbeat: false,
    rotation: false,
    batching: false,
    rooms: true,
    transports: ['websocket'],
    clientHeartbeat: { intervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS },
  };
  return {
    name: 'ignis',
    capabilities,

    connect(context: ConnectContext): ConnectRequest {
      const token = context.token ?? '';
      if (!encryption) {
        const data = credentials(token);
        return { url: context.url, firstFrames: firstFrames(data, (d) => [authenticate(d)]) };
      }
      const connection = new EncryptedConnection(makeKeyPair(), hkdfInfo);
      // A failed key generation surfaces through the first frames; this copy must not be reported as unhandled.
      connection.keys.catch(noop);
      const frames = Promise.all([credentials(token), connection.keys]).then(([data, keys]) => [authenticate(withPublicKey(data, keys.publicKey))]);
      return { url: context.url, firstFrames: frames, state: connection };
    },

    read(data: unknown, sink: ProtocolSink, state?: unknown): void {
      if (!encryption) {
        readPlain(data, sink);
        return;
      }
      if (!(state instanceof EncryptedConnection)) {
        throw new Error('ngx-realtime: ignisProtocol({encryption: true}).read() needs the state its connect() returned.');
      }
      state.enqueue(() => readEncrypted(data, sink, state));
    },

    heartbeatFrame: () => HEARTBEAT_FRAME,
    rooms: protocolRooms({
      join: (rooms) => JSON.stringify({ event: 'join', data: { rooms } }),
      leave: (rooms) => JSON.stringify({ event: 'leave', data: { rooms } }),
    }),
    rotate: () => null,
    ping: () => null,

    closeReason(code: number): DisconnectReason {
      return code === ENCRYPTION_REQUIRED ? 'protocol' : reasonForCloseCode(code);
    },
    closeIsFinal: (code) => code === ENCRYPTION_REQUIRED,
  };
}

function defaultCredentials(token: string): Record<string, unknown> {
  return { token };
}

function checkOptions(options: IgnisProtocolOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new Error(`ngx-realtime: ignisProtocol() takes an options object, got ${String(options)}.`);
  }
  const { credentials, encryption, heartbeatIntervalMs, hkdfInfo } = options;
  if (credentials !== undefined && typeof credentials !== 'function') {
    throw new Error('ngx-realtime: ignisProtocol({credentials}) must be a function of the token, e.g. (token) => ({ token }).');
  }
  if (encryption !== undefined && typeof encryption !== 'boolean') {
    throw new Error(`ngx-realtime: ignisProtocol({encryption}) must be true or false, got '${String(encryption)}'.`);
  }
  if (heartbeatIntervalMs !== undefined && !(typeof heartbeatIntervalMs === 'number' && heartbeatIntervalMs > 0 && Number.isFinite(heartbeatIntervalMs))) {
    throw new Error(
      `ngx-realtime: ignisProtocol({heartbeatIntervalMs}) must be a positive number of milliseconds, well below the server's ` +
        `heartbeatTimeout (90 000 by default), got ${String(heartbeatIntervalMs)}.`,
    );
  }
  if (hkdfInfo !== undefined && (typeof hkdfInfo !== 'string' || hkdfInfo === '')) {
    throw new Error('ngx-realtime: ignisProtocol({hkdfInfo}) must be a non-empty string (the server ECDH helper\'s hkdfInfo).');
  }
}

function noop(): void {}
