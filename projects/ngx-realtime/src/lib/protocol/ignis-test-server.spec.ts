/*
 * The server's half of Ignis's encryption convention, for specs that play an Ignis server: the same
 * steps as the package's ECDH helper (P-256 ECDH, HKDF-SHA-256 with a 32-byte salt and the info
 * 'ignis-ecdh-p256-aes-256-gcm-v1', AES-256-GCM with a 12-byte iv and a 128-bit tag), with WebCrypto.
 * Also frames recorded from a real `WebSocketServerHelper` (0.0.7 under Bun, redis-server 7).
 */
import type { ProtocolGap, ProtocolReady, ProtocolSink, RealtimeEvent, StreamPosition } from './realtime-protocol';
import { IGNIS_HKDF_INFO, fromBase64, toBase64 } from './ignis-encryption';

/** Frames as a real Ignis server sent them (plain connection, then a toRoom from another process). */
export const RECORDED = {
  connected: '{"event":"connected","data":{"id":"47ee1ec4-2d92-4ed7-b72e-569bf44880c0","userId":"user-1","time":"2026-12-07T07:00:12.838Z"}}',
  orderUpdated: '{"event":"order.updated","data":{"id":1}}',
  authFailed: '{"event":"error","data":{"message":"Authentication failed"}}',
  notAuthenticated: '{"event":"error","data":{"message":"Not authenticated"}}',
} as const;

/** The server's side of one encrypted connection. */
export class IgnisServerCrypto {
  private constructor(
    readonly serverPublicKey: string,
    readonly salt: string,
    private readonly key: CryptoKey,
  ) {}

  /** What `handshakeFn` does with the client's `publicKey`: a key pair of its own, a salt, the shared AES key. */
  static async handshake(clientPublicKey: string, info = IGNIS_HKDF_INFO): Promise<IgnisServerCrypto> {
    const curve = { name: 'ECDH', namedCurve: 'P-256' };
    const pair = (await crypto.subtle.generateKey(curve, false, ['deriveBits'])) as CryptoKeyPair;
    const own = toBase64(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
    const peer = await crypto.subtle.importKey('raw', fromBase64(clientPublicKey, 'publicKey'), curve, false, []);
    const salt = crypto.getRandomValues(new Uint8Array(32));
    const bits = await crypto.subtle.deriveBits({ name: 'ECDH', public: peer }, pair.privateKey, 256);
    const hkdf = await crypto.subtle.importKey('raw', bits, 'HKDF', false, ['deriveKey']);
    const key = await crypto.subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt, info: new TextEncoder().encode(info) },
      hkdf,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt'],
    );
    return new IgnisServerCrypto(own, toBase64(salt), key);
  }

  /** The `connected` frame with the keys, sent as is (the workaround). */
  connected(id = 'client-1', userId = 'user-1'): string {
    return JSON.stringify({
      event: 'connected',
      data: { id, userId, time: '2026-12-07T07:00:12.836Z', serverPublicKey: this.serverPublicKey, salt: this.salt },
    });
  }

  /** What the convention's `outboundTransformer` makes of `{event, data}`. */
  async seal(event: string, data: unknown): Promise<string> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, tagLength: 128 }, this.key, new TextEncoder().encode(JSON.stringify({ event, data })));
    return JSON.stringify({ event: 'encrypted', data: { iv: toBase64(iv), ct: toBase64(new Uint8Array(ct)) } });
  }

  /** The same, with one bit of the ciphertext flipped on the way. */
  async sealTampered(event: string, data: unknown): Promise<string> {
    const frame = JSON.parse(await this.seal(event, data)) as { data: { iv: string; ct: string } };
    const bytes = fromBase64(frame.data.ct, 'ct');
    bytes[bytes.length >> 1] ^= 1;
    return JSON.stringify({ event: 'encrypted', data: { iv: frame.data.iv, ct: toBase64(bytes) } });
  }
}

/** The `publicKey` the client put in its `authenticate` frame. */
export function publicKeyOf(authenticate: string): string {
  const frame = JSON.parse(authenticate) as { event: string; data: { publicKey?: string } };
  if (frame.event !== 'authenticate' || typeof frame.data.publicKey !== 'string') throw new Error(`not an authenticate frame with a publicKey: ${authenticate}`);
  return frame.data.publicKey;
}

/** Every call a protocol makes on its sink, in order. */
export type SinkCall =
  | ['ready', ProtocolReady]
  | ['event', RealtimeEvent]
  | ['events', readonly RealtimeEvent[]]
  | ['volatile', RealtimeEvent]
  | ['heartbeat', number | undefined, number | undefined, string | null]
  | ['pong', string]
  | ['gap', ProtocolGap]
  | ['advance', StreamPosition]
  | ['tokenAccepted', number | undefined, number | undefined]
  | ['tokenRefused', string, unknown]
  | ['closing', number, string]
  | ['error', string, string, unknown]
  | ['invalid', string, string, unknown];

/** A sink that records every call. */
export function recordingSink(): { sink: ProtocolSink; calls: SinkCall[] } {
  const calls: SinkCall[] = [];
  const sink: ProtocolSink = {
    ready: (r) => calls.push(['ready', r]),
    event: (e) => calls.push(['event', e]),
    events: (e) => calls.push(['events', e]),
    volatile: (e) => calls.push(['volatile', e]),
    heartbeat: (t, r, a) => calls.push(['heartbeat', t, r, a]),
    pong: (id) => calls.push(['pong', id]),
    gap: (g) => calls.push(['gap', g]),
    advance: (p) => calls.push(['advance', p]),
    tokenAccepted: (e, t) => calls.push(['tokenAccepted', e, t]),
    tokenRefused: (m, d) => calls.push(['tokenRefused', m, d]),
    closing: (c, r) => calls.push(['closing', c, r]),
    error: (c, m, d) => calls.push(['error', c, m, d]),
    invalid: (c, m, raw) => calls.push(['invalid', c, m, raw]),
  };
  return { sink, calls };
}

/** Waits (on real time: WebCrypto works off the main thread) until `condition` holds. */
export async function until(what: string, condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
