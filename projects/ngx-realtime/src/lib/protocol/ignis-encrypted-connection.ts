import { decrypt, deriveKey } from './ignis-encryption';
import { ENCRYPTION_REQUIRED, ignisFrame, ready, serverError, type IgnisEvent } from './ignis-frames';
import { eventName, readJsonObject } from './json-text-frame';
import type { ProtocolSink } from './realtime-protocol';

/*
 * The client side of Ignis's encryption convention, for `ignisProtocol({ encryption: true })`: the
 * public key in `authenticate`, the key derived from `connected`, and encrypted frames opened in
 * the order they arrived.
 */

const CONNECTED_ENCRYPTED =
  'the server encrypted its "connected" frame, which carries the keys needed to decrypt anything, so nothing it sends can ' +
  "be read. This is the bug of Ignis's documented outboundTransformer example; the fix is one line on the server: return " +
  "null from the outboundTransformer when event === 'connected' (the frame is then sent as is).";

/**
 * The `authenticate` data with the client's public key added, as Ignis's `handshakeFn` expects it.
 *
 * @example
 * ```ts
 * authenticate(withPublicKey(credentials(token), keys.publicKey));
 * ```
 */
export function withPublicKey(data: unknown, publicKey: string): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new Error(
      'ngx-realtime: ignisProtocol({encryption: true}) adds its public key to the authenticate data, so credentials(token) ' +
        `must give an object, got ${Array.isArray(data) ? 'an array' : String(data)}.`,
    );
  }
  return { ...data, publicKey };
}

/**
 * One encrypted connection's state: its key pair, the key once derived, and the queue that keeps
 * frames in order while one of them (the handshake, a decryption) is asynchronous.
 *
 * @example
 * ```ts
 * const connection = new EncryptedConnection(makeKeyPair(), IGNIS_HKDF_INFO);
 * connection.enqueue(() => readEncrypted(data, sink, connection));
 * ```
 */
export class EncryptedConnection {
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

/**
 * One frame of an encrypted connection; a promise when it has to wait for WebCrypto.
 *
 * @example
 * ```ts
 * state.enqueue(() => readEncrypted(data, sink, state));
 * ```
 */
export function readEncrypted(data: unknown, sink: ProtocolSink, connection: EncryptedConnection): Promise<void> | void {
  const read = ignisFrame(data, sink);
  if (read === null) return;
  const { frame, name } = read;
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
