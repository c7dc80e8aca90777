import type { ProtocolSink, RealtimeEvent } from './realtime-protocol';

/**
 * A key written or deleted, as `apexStoreCdc()` delivers ApexStore 2.2's change events: the native
 * `KeyChangeEvent`'s fields (so `onKeyChanges()`, `reduceKeyChanges()` and client-side filters work
 * on it), without `seq` (ApexStore does not number its changes), plus what the key's bytes were.
 *
 * - `key`: the key's bytes decoded as UTF-8, the way the REST API's keys (URL path segments) were
 *   written. Bytes that are not valid UTF-8 cannot become a string without losing some, so such a key
 *   is the lowercase hex of its bytes instead and `keyEncoding` is `'hex'`.
 * - `keyHex`: the key's bytes as the server sent them (lowercase hex), whatever `keyEncoding` says:
 *   the exact key, for comparing keys whose text form is ambiguous or for showing a non-text key.
 * - `value`: the value's bytes decoded as UTF-8, bad sequences replaced with U+FFFD, as
 *   `GET /keys/{key}` decodes them, so a state built from events matches one loaded over REST. Absent
 *   on `delete`.
 * - `timestamp`: milliseconds since the Unix epoch (the server sends nanoseconds).
 *
 * @example
 * ```ts
 * realtime.on<ApexStoreKeyChange>('key_change', (e) => e.keyEncoding === 'utf-8')
 *   .subscribe((e) => console.log(e.operation, e.key, e.value, new Date(e.timestamp)));
 * ```
 */
export interface ApexStoreKeyChange extends RealtimeEvent {
  readonly type: 'key_change';
  readonly operation: 'put' | 'delete';
  /** The column family (the REST API writes every key into `default`). */
  readonly cf: string;
  readonly key: string;
  readonly keyHex: string;
  /** How `key` was made from the bytes: `'utf-8'` text, or `'hex'` when they were not valid UTF-8. */
  readonly keyEncoding: 'utf-8' | 'hex';
  readonly value?: string;
  readonly timestamp: number;
}

/**
 * Reads one ApexStore 2.2 change-stream message (a WebSocket text frame or an SSE event's `data`,
 * the same JSON on both) into `sink`: `connected` is ready (no position: ApexStore has none), `put`
 * and `delete` are key changes, `lag` is a gap of `skipped` changes that will never come. Anything
 * else goes to `sink.invalid()` and is never delivered.
 *
 * @example
 * ```ts
 * readCdcFrame('{"type":"lag","skipped":12}', sink); // sink.gap({ reason: 'lag', position: null, skipped: 12 })
 * ```
 */
export function readCdcFrame(data: unknown, sink: ProtocolSink): void {
  if (typeof data !== 'string') {
    sink.invalid('invalid_frame', 'ApexStore change events are JSON text', data);
    return;
  }
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    sink.invalid('invalid_json', 'frame is not valid JSON', data);
    return;
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    sink.invalid('invalid_frame', 'frame must be an object with a string "type"', data);
    return;
  }
  const fields = frame as Record<string, unknown>;
  const type = fields['type'];
  // Changes are nearly every frame: they come first.
  if (type === 'put' || type === 'delete') {
    const change = keyChangeOf(fields, type, data);
    if (typeof change === 'string') sink.invalid('invalid_frame', `${type}: ${change}`, data);
    else sink.event(change);
    return;
  }
  switch (type) {
    case 'connected':
      sink.ready({ position: null, detail: frame });
      return;
    case 'lag': {
      const skipped = fields['skipped'];
      if (typeof skipped !== 'number' || !Number.isSafeInteger(skipped) || skipped < 0) {
        sink.invalid('invalid_frame', 'lag: "skipped" must be a count of changes', data);
      } else {
        sink.gap({ reason: 'lag', position: null, skipped });
      }
      return;
    }
    default:
      if (typeof type === 'string') sink.invalid('unknown_type', `unknown frame type "${type}"`, data);
      else sink.invalid('invalid_frame', 'frame must be an object with a string "type"', data);
  }
}

/**
 * Whether a value is an {@link ApexStoreKeyChange} as `readCdcFrame` makes them: what a follower tab
 * checks before delivering an event another tab relayed.
 *
 * @example
 * ```ts
 * if (isApexStoreKeyChange(message.event)) host.deliver(message.event);
 * ```
 */
export function isApexStoreKeyChange(value: unknown): value is ApexStoreKeyChange {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  const operation = e['operation'];
  const keyHex = e['keyHex'];
  const keyEncoding = e['keyEncoding'];
  const timestamp = e['timestamp'];
  return (
    e['type'] === 'key_change' &&
    e['seq'] === undefined &&
    (operation === 'put' ? typeof e['value'] === 'string' : operation === 'delete' && e['value'] === undefined) &&
    typeof e['cf'] === 'string' &&
    typeof e['key'] === 'string' &&
    typeof keyHex === 'string' &&
    hexBytes(keyHex) !== null &&
    (keyEncoding === 'utf-8' || (keyEncoding === 'hex' && e['key'] === keyHex)) &&
    typeof timestamp === 'number' &&
    Number.isFinite(timestamp)
  );
}

/** The event, or why the frame is not one. */
function keyChangeOf(fields: Record<string, unknown>, operation: 'put' | 'delete', text: string): ApexStoreKeyChange | string {
  const cf = fields['cf'];
  if (typeof cf !== 'string') return '"cf" must be a string';
  const keyHex = fields['key'];
  if (typeof keyHex !== 'string') return '"key" must be a string of hex';
  const keyBytes = hexBytes(keyHex);
  if (keyBytes === null) return '"key" must be lowercase hex, two digits per byte';
  const ns = fields['timestamp'];
  // Numbers above 2^53 arrive rounded but still integral, so this accepts every real timestamp.
  if (typeof ns !== 'number' || !Number.isInteger(ns) || ns < 0) return '"timestamp" must be nanoseconds since the epoch';
  const raw = fields['value'];
  const key = utf8(keyBytes);
  const keyEncoding = key === null ? 'hex' : 'utf-8';
  const timestamp = millisOf(ns, text);
  if (operation === 'delete') {
    if (raw !== undefined) return 'a delete carries no "value"';
    return { type: 'key_change', operation, cf, key: key ?? keyHex, keyHex, keyEncoding, timestamp };
  }
  const valueBytes = bytesOf(raw);
  if (valueBytes === null) return '"value" must be an array of bytes (integers 0-255)';
  return { type: 'key_change', operation, cf, key: key ?? keyHex, keyHex, keyEncoding, value: lossyUtf8(valueBytes), timestamp };
}

/** The bytes of lowercase hex (what Rust's `hex::encode` writes), or `null` for anything else. */
function hexBytes(hex: string): Uint8Array | null {
  const length = hex.length;
  if ((length & 1) !== 0) return null;
  const bytes = new Uint8Array(length >> 1);
  for (let i = 0; i < length; i += 2) {
    const high = nibble(hex.charCodeAt(i));
    const low = nibble(hex.charCodeAt(i + 1));
    if ((high | low) < 0) return null;
    bytes[i >> 1] = (high << 4) | low;
  }
  return bytes;
}

// Uppercase is refused on purpose: it keeps `keyHex` canonical, so two keys compare as strings.
function nibble(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

function bytesOf(value: unknown): Uint8Array | null {
  if (!Array.isArray(value)) return null;
  const length = value.length;
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const byte: unknown = value[i];
    // `& 0xff` keeps exactly the integers 0-255: fractions, negatives, NaN and larger numbers change.
    if (typeof byte !== 'number' || (byte & 0xff) !== byte) return null;
    bytes[i] = byte;
  }
  return bytes;
}

// Made on first use, not at import: an app that never reads ApexStore frames never builds them.
let strictDecoder: TextDecoder | null = null;
let lossyDecoder: TextDecoder | null = null;

/** The bytes as UTF-8 text, or `null` when they are not valid UTF-8. */
function utf8(bytes: Uint8Array): string | null {
  // ignoreBOM keeps a leading U+FEFF: it is part of the key, not a marker to strip.
  strictDecoder ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return null;
  }
}

function lossyUtf8(bytes: Uint8Array): string {
  lossyDecoder ??= new TextDecoder('utf-8', { ignoreBOM: true });
  return lossyDecoder.decode(bytes);
}

const TIMESTAMP_FIELD = '"timestamp":';
const NS_PER_MS_DIGITS = 6;

/**
 * Milliseconds of a nanosecond timestamp. Today's are about 1.7e18, above 2^53, so `JSON.parse`
 * has rounded them by up to 128 ns, and `ns / 1e6` rounds again: dividing is off by one millisecond
 * when the time lies within a few hundred nanoseconds of a millisecond's end. The digits in the
 * frame's text are exact, so the milliseconds are read from them when they are there; the check
 * against the parsed number makes sure they are the field's digits and not something else.
 */
function millisOf(ns: number, text: string): number {
  if (ns > Number.MAX_SAFE_INTEGER) {
    const at = text.lastIndexOf(TIMESTAMP_FIELD);
    if (at !== -1) {
      const start = at + TIMESTAMP_FIELD.length;
      let end = start;
      while (end < text.length && isDigit(text.charCodeAt(end))) end++;
      if (end - start > NS_PER_MS_DIGITS && Number(text.slice(start, end)) === ns) return Number(text.slice(start, end - NS_PER_MS_DIGITS));
    }
  }
  return Math.floor(ns / 1e6);
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}
