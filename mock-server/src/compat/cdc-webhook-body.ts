import { MAX_KEY_BYTES } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';
import { HttpError } from '../http/http-util';

/**
 * One change an ApexStore 2.2 webhook announced, decoded for the native log: the key and value as
 * text.
 *
 * @example
 * ```ts
 * const change: IngestedChange = { operation: 'put', cf: 'default', key: 'hello', value: 'world' };
 * ```
 */
export type IngestedChange =
  | { readonly operation: 'put'; readonly cf: string; readonly key: string; readonly value: string }
  | { readonly operation: 'delete'; readonly cf: string; readonly key: string };

const fieldError = (message: string) => new HttpError(400, message);

// Made on first use: a server without the gateway never builds them.
let strictUtf8: TextDecoder | null = null;
let lossyUtf8: TextDecoder | null = null;

function hexBytes(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(hex)) return null;
  return Buffer.from(hex, 'hex');
}

function bytesOf(value: unknown): Uint8Array | null {
  if (!Array.isArray(value)) return null;
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const byte: unknown = value[i];
    if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < 0 || byte > 255) return null;
    bytes[i] = byte;
  }
  return bytes;
}

/**
 * Checks and decodes the body of ApexStore 2.2's CDC webhook (one `CdcEvent` JSON object:
 * `{"type":"put"|"delete","cf","key":<lowercase hex>,"value":[bytes] (put only),"timestamp":<ns>}`).
 * Every refusal is a 400 naming the field:
 *
 * - the key must be lowercase hex of 1 to 1024 bytes that are valid UTF-8: the native protocol's
 *   keys are text, and guessing a text for other bytes would make two keys one;
 * - the value is decoded as UTF-8 with bad bytes replaced (U+FFFD), as ApexStore's own
 *   `GET /keys/{key}` and the SDK's `apexStoreCdc()` decode it, so every view of the key agrees;
 * - `timestamp` must be a non-negative integer; the native event is stamped by the gateway's log.
 *
 * @example
 * ```ts
 * parseCdcWebhookBody({ type: 'put', cf: 'default', key: '68656c6c6f', value: [119, 111, 114, 108, 100], timestamp: 1733550000123456789 });
 * // { operation: 'put', cf: 'default', key: 'hello', value: 'world' }
 * parseCdcWebhookBody({ type: 'put', cf: 'default', key: '6G', value: [], timestamp: 0 }); // throws 400 "key" must be lowercase hex
 * ```
 */
export function parseCdcWebhookBody(body: Record<string, unknown>): IngestedChange {
  const type = body['type'];
  if (type !== 'put' && type !== 'delete') throw fieldError('"type" must be "put" or "delete"');
  const cf = body['cf'];
  if (typeof cf !== 'string' || cf === '') throw fieldError('"cf" must be a non-empty string');
  const keyHex = body['key'];
  if (typeof keyHex !== 'string') throw fieldError('"key" must be a string of lowercase hex');
  const keyBytes = hexBytes(keyHex);
  if (keyBytes === null) throw fieldError('"key" must be lowercase hex');
  if (keyBytes.length === 0) throw fieldError('"key" must not be empty');
  if (keyBytes.length > MAX_KEY_BYTES) throw fieldError(`"key" must be at most ${MAX_KEY_BYTES} bytes, got ${keyBytes.length}`);
  let key: string;
  try {
    // ignoreBOM: a leading U+FEFF is part of the key.
    key = (strictUtf8 ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })).decode(keyBytes);
  } catch {
    throw fieldError('"key" must be the hex of UTF-8 text: native keys are strings');
  }
  const timestamp = body['timestamp'];
  if (typeof timestamp !== 'number' || !Number.isInteger(timestamp) || timestamp < 0) {
    throw fieldError('"timestamp" must be nanoseconds since the epoch (a non-negative integer)');
  }
  if (type === 'delete') {
    if (body['value'] !== undefined) throw fieldError('"value" must be absent on a delete');
    return { operation: 'delete', cf, key };
  }
  const valueBytes = bytesOf(body['value']);
  if (valueBytes === null) throw fieldError('"value" must be an array of bytes (integers 0-255)');
  const value = (lossyUtf8 ??= new TextDecoder('utf-8', { ignoreBOM: true })).decode(valueBytes);
  return { operation: 'put', cf, key, value };
}
