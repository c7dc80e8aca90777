/*
 * The client's half of the encryption convention of Ignis's WebSocket helper (`@venizia/ignis-helpers`),
 * with WebCrypto only: a P-256 key pair whose raw public key (65 bytes, base64) goes into
 * `authenticate`; ECDH with the server's `serverPublicKey`, then HKDF-SHA-256 with the server's
 * `salt` and the info string below, gives the AES-256-GCM key (128-bit tag) that opens the
 * `{"event":"encrypted","data":{"iv","ct"}}` frames.
 */

/**
 * The HKDF `info` of Ignis's ECDH helper (its default).
 *
 * @example
 * ```ts
 * ignisProtocol({ encryption: true, hkdfInfo: IGNIS_HKDF_INFO });
 * ```
 */
export const IGNIS_HKDF_INFO = 'ignis-ecdh-p256-aes-256-gcm-v1';

const CURVE: EcKeyGenParams = { name: 'ECDH', namedCurve: 'P-256' };
const IV_BYTES = 12;

/**
 * WebCrypto, or an `ngx-realtime:` error saying why there is none (browsers give it to secure
 * contexts only: `https:` pages and `localhost`).
 *
 * @example
 * ```ts
 * const subtle = subtleCrypto();
 * ```
 */
export function subtleCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error(
      'ngx-realtime: ignisProtocol({encryption: true}) needs WebCrypto (crypto.subtle), which browsers give only to secure ' +
        'contexts: serve the app over https (or from localhost).',
    );
  }
  return subtle;
}

/**
 * A fresh P-256 key pair (the private key cannot be exported) and its public key as Ignis expects
 * it: base64 of the raw 65-byte point.
 *
 * @example
 * ```ts
 * const { keyPair, publicKey } = await makeKeyPair();
 * send({ event: 'authenticate', data: { token, publicKey } });
 * ```
 */
export async function makeKeyPair(): Promise<{ keyPair: CryptoKeyPair; publicKey: string }> {
  const subtle = subtleCrypto();
  const keyPair = (await subtle.generateKey(CURVE, false, ['deriveBits'])) as CryptoKeyPair;
  const raw = await subtle.exportKey('raw', keyPair.publicKey);
  return { keyPair, publicKey: toBase64(new Uint8Array(raw)) };
}

/**
 * The AES-256-GCM key shared with the server: ECDH of our private key and its public key, then
 * HKDF-SHA-256 with its salt and `info`. Rejects when the server's key or salt is not valid.
 *
 * @example
 * ```ts
 * const key = await deriveKey(keyPair.privateKey, connected.serverPublicKey, connected.salt, IGNIS_HKDF_INFO);
 * ```
 */
export async function deriveKey(privateKey: CryptoKey, serverPublicKey: string, salt: string, info: string): Promise<CryptoKey> {
  const subtle = subtleCrypto();
  const peer = await subtle.importKey('raw', fromBase64(serverPublicKey, 'serverPublicKey'), CURVE, false, []);
  const shared = await subtle.deriveBits({ name: 'ECDH', public: peer }, privateKey, 256);
  const hkdf = await subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: fromBase64(salt, 'salt'), info: new TextEncoder().encode(info) },
    hkdf,
    { name: 'AES-GCM', length: 256 },
    false,
    ['decrypt'],
  );
}

/**
 * Opens one sealed frame (`iv` and `ct` in base64, `ct` ending in the 16-byte tag) and returns its
 * text. Rejects when it was tampered with, sealed with another key, or is not base64.
 *
 * @example
 * ```ts
 * const text = await decrypt(key, frame.data.iv, frame.data.ct);
 * ```
 */
export async function decrypt(key: CryptoKey, iv: string, ct: string): Promise<string> {
  const ivBytes = fromBase64(iv, 'iv');
  if (ivBytes.length !== IV_BYTES) throw new Error(`iv must be ${IV_BYTES} bytes, got ${ivBytes.length}`);
  const plain = await subtleCrypto().decrypt({ name: 'AES-GCM', iv: ivBytes, tagLength: 128 }, key, fromBase64(ct, 'ct'));
  return new TextDecoder('utf-8', { fatal: true }).decode(plain);
}

/**
 * Standard base64 (with padding) of some bytes.
 *
 * @example
 * ```ts
 * toBase64(new Uint8Array([1, 2, 3])); // 'AQID'
 * ```
 */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

/**
 * The bytes of a standard base64 string; throws naming `what` when it is not one.
 *
 * @example
 * ```ts
 * fromBase64('AQID', 'iv'); // Uint8Array [1, 2, 3]
 * ```
 */
export function fromBase64(base64: string, what: string): Uint8Array<ArrayBuffer> {
  if (base64.length === 0 || base64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) {
    throw new Error(`${what} is not base64`);
  }
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
