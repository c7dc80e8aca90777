import { reasonForCloseCode, type DisconnectReason } from '../stream/connection-state';
import { IGNIS_HKDF_INFO, decrypt, deriveKey, makeKeyPair } from './ignis-encryption';
import { eventName, readJsonObject } from './json-text-frame';
import type { ConnectContext, ConnectRequest, ProtocolCapabilities, ProtocolSink, RealtimeEvent, RealtimeProtocol } from './realtime-protocol';

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
/** Ignis's close code for a refused or impossible encryption handshake ("Encryption required"). */
const ENCRYPTION_REQUIRED = 4004;
const HEARTBEAT_FRAME = '{"event":"heartbeat"}';

const CONNECTED_ENCRYPTED =
  'the server encrypted its "connected" frame, which carries the keys needed to decrypt anything, so nothing it sends can ' +
  "be read. This is the bug of Ignis's documented outboundTransformer example; the fix is one line on the server: return " +
  "null from the outboundTransformer when event === 'connected' (the frame is then sent as is).";

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
        return { url: context.url, firstFrames: isThenable(data) ? Promise.resolve(data).then((d) => [authenticate(d)]) : [authenticate(data)] };
      }
      const connection = new EncryptedConnection(makeKeyPair(), hkdfInfo);
      // A failed key generation surfaces through the first frames; this copy must not be reported as unhandled.
      connection.keys.catch(noop);
      const firstFrames = Promise.all([credentials(token), connection.keys]).then(([data, keys]) => [authenticate(withPublicKey(data, keys.publicKey))]);
      return { url: context.url, firstFrames, state: connection };
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
    join: (rooms) => JSON.stringify({ event: 'join', data: { rooms } }),
    leave: (rooms) => JSON.stringify({ event: 'leave', data: { rooms } }),
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

function authenticate(data: unknown): string {
  return JSON.stringify({ event: 'authenticate', data });
}

function withPublicKey(data: unknown, publicKey: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new Error(
      'ngx-realtime: ignisProtocol({encryption: true}) adds its public key to the authenticate data, so credentials(token) ' +
        `must give an object, got ${Array.isArray(data) ? 'an array' : String(data)}.`,
    );
  }
  return { ...data, publicKey };
}

/** A connected frame's data without the keys, or `null` when it is not one. */
function connectedData(data: unknown): IgnisConnectedEvent['data'] | null {
  if (typeof data !== 'object' || data === null) return null;
  const { id, userId, time } = data as Record<string, unknown>;
  if (typeof id !== 'string' || (userId !== undefined && typeof userId !== 'string')) return null;
  const info = { id, time: typeof time === 'string' ? time : '' };
  return userId === undefined ? info : { ...info, userId };
}

function serverError(data: unknown, sink: ProtocolSink): void {
  const message = (data as { message?: unknown } | null)?.message;
  sink.error('server_error', typeof message === 'string' ? message : 'the server reported an error', data);
}

/** One frame of a connection without encryption: everything is synchronous. */
function readPlain(data: unknown, sink: ProtocolSink): void {
  const frame = readJsonObject(data);
  if (typeof frame === 'string') return sink.invalid('invalid_frame', frame, data);
  const name = eventName(frame, 'event');
  if (name === null) return sink.invalid('invalid_frame', 'the frame has no "event" naming it', data);
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

function ready(data: unknown, sink: ProtocolSink, raw: unknown): void {
  const info = connectedData(data);
  if (info === null) return sink.invalid('invalid_frame', '"connected" without the client id', raw);
  sink.ready({ position: null, detail: data });
  sink.volatile({ type: 'connected', data: info } as IgnisConnectedEvent);
}

/**
 * One encrypted connection's state: its key pair, the key once derived, and the queue that keeps
 * frames in order while one of them (the handshake, a decryption) is asynchronous.
 */
class EncryptedConnection {
  key: CryptoKey | null = null;
  connected = false;
  #tail: Promise<void> = Promise.resolve();
  /** Frames taken but not finished: while there are any, the next one waits its turn. */
  #waiting = 0;

  constructor(
    readonly keys: Promise<{ keyPair: CryptoKeyPair; publicKey: string }>,
    readonly hkdfInfo: string,
  ) {}

  /** Runs `work` now when nothing is pending, else after everything before it. */
  enqueue(work: () => Promise<void> | void): void {
    const release = () => {
      this.#waiting--;
    };
    if (this.#waiting === 0) {
      const pending = work();
      if (pending === undefined) return;
      this.#waiting++;
      this.#tail = pending.then(release, release);
      return;
    }
    this.#waiting++;
    this.#tail = this.#tail.then(work).then(release, release);
  }
}

/** One frame of an encrypted connection; a promise when it has to wait for WebCrypto. */
function readEncrypted(data: unknown, sink: ProtocolSink, connection: EncryptedConnection): Promise<void> | void {
  const frame = readJsonObject(data);
  if (typeof frame === 'string') return sink.invalid('invalid_frame', frame, data);
  const name = eventName(frame, 'event');
  if (name === null) return sink.invalid('invalid_frame', 'the frame has no "event" naming it', data);
  switch (name) {
    case 'connected':
      if (connection.connected) return sink.invalid('invalid_frame', 'a second "connected" on one connection', data);
      connection.connected = true;
      return handshake(frame['data'], sink, connection, data);
    case 'error':
      return serverError(frame['data'], sink);
    case 'encrypted':
      if (connection.key === null) return encryptionFailed(sink, CONNECTED_ENCRYPTED, data);
      return open(frame['data'], sink, connection.key, data);
    default:
      return sink.invalid('unencrypted_frame', `"${name}" arrived unencrypted on an encrypted connection: dropped`, data);
  }
}

async function handshake(data: unknown, sink: ProtocolSink, connection: EncryptedConnection, raw: unknown): Promise<void> {
  const { serverPublicKey, salt } = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (typeof serverPublicKey !== 'string' || typeof salt !== 'string') {
    return encryptionFailed(
      sink,
      '"connected" carries no serverPublicKey and salt: the server does not encrypt (no handshakeFn?), and ' +
        'ignisProtocol({encryption: true}) never falls back to plain text.',
      raw,
    );
  }
  try {
    const { keyPair } = await connection.keys;
    connection.key = await deriveKey(keyPair.privateKey, serverPublicKey, salt, connection.hkdfInfo);
  } catch (error) {
    return encryptionFailed(sink, `no key could be derived from the server's serverPublicKey and salt (${(error as Error)?.message ?? error})`, raw);
  }
  ready(data, sink, raw);
}

function encryptionFailed(sink: ProtocolSink, message: string, raw: unknown): void {
  sink.error('encryption_failed', message, raw);
  sink.closing(ENCRYPTION_REQUIRED, 'Encryption handshake failed');
}

async function open(sealed: unknown, sink: ProtocolSink, key: CryptoKey, raw: unknown): Promise<void> {
  const { iv, ct } = (typeof sealed === 'object' && sealed !== null ? sealed : {}) as Record<string, unknown>;
  if (typeof iv !== 'string' || typeof ct !== 'string') return sink.invalid('decrypt_failed', 'an encrypted frame without iv and ct: dropped', raw);
  let text: string;
  try {
    text = await decrypt(key, iv, ct);
  } catch {
    return sink.invalid('decrypt_failed', 'an encrypted frame failed to decrypt (tampered with, or sealed with another key): dropped', raw);
  }
  const frame = readJsonObject(text);
  if (typeof frame === 'string') return sink.invalid('invalid_frame', `decrypted, ${frame}`, text);
  const name = eventName(frame, 'event');
  if (name === null) return sink.invalid('invalid_frame', 'decrypted, the frame has no "event" naming it', text);
  if (name === 'error') return serverError(frame['data'], sink);
  if (name === 'connected' || name === 'encrypted') return sink.invalid('invalid_frame', `decrypted, a "${name}" frame inside an encrypted one`, text);
  sink.event({ type: name, data: frame['data'] } as IgnisEvent);
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
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
