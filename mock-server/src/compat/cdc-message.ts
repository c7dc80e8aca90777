import type { KeyChangeEvent } from '../../../projects/ngx-realtime/src/lib/protocol/protocol';

/**
 * The first message of every ApexStore 2.2 change stream, exactly as ApexStore writes it.
 *
 * @example
 * ```ts
 * ws.send(CDC_CONNECTED_TEXT); // {"type":"connected","message":"CDC event stream connected"}
 * ```
 */
export const CDC_CONNECTED_TEXT = '{"type":"connected","message":"CDC event stream connected"}';

/**
 * The message a client gets when ApexStore dropped changes it was too slow to take.
 *
 * @example
 * ```ts
 * cdcLagText(44); // '{"type":"lag","skipped":44}'
 * ```
 */
export function cdcLagText(skipped: number): string {
  return `{"type":"lag","skipped":${skipped}}`;
}

const NS_PER_MS = 1_000_000n;

/**
 * Nanoseconds since the epoch as JSON integer digits, from a time in (possibly fractional)
 * milliseconds. Built with BigInt because today's nanoseconds (about 1.7e18) are above 2^53: a
 * Number would print digits that are not the time's.
 *
 * @example
 * ```ts
 * nanosecondsText(1733550000123);          // '1733550000123000000'
 * nanosecondsText(1733550000123 + 0.5);    // '1733550000123500000'
 * ```
 */
export function nanosecondsText(ms: number): string {
  const whole = Math.floor(ms);
  // The mock's clock has millisecond resolution unless --precise-time gives it a fraction; the
  // digits below the millisecond are that fraction, never more than the millisecond holds.
  const below = Math.min(999_999, Math.round((ms - whole) * 1e6));
  return (BigInt(whole) * NS_PER_MS + BigInt(below)).toString();
}

/** Lowercase hex of a string's UTF-8 bytes, as Rust's `hex::encode` writes a key. */
function hexOfUtf8(text: string): string {
  return Buffer.from(text, 'utf8').toString('hex');
}

/**
 * One key change as ApexStore 2.2 sends it (its `CdcEvent`, serde's field order): `type`, `cf`,
 * `key` as the lowercase hex of its UTF-8 bytes, `value` as a JSON array of its UTF-8 bytes (absent
 * on a delete), `timestamp` in nanoseconds as an exact integer.
 *
 * @example
 * ```ts
 * cdcChangeText({ type: 'key_change', seq: 1, timestamp: 1733550000123, operation: 'put', key: 'hello', cf: 'default', value: 'world' });
 * // '{"type":"put","cf":"default","key":"68656c6c6f","value":[119,111,114,108,100],"timestamp":1733550000123000000}'
 * ```
 */
export function cdcChangeText(event: KeyChangeEvent): string {
  const head = `{"type":"${event.operation}","cf":${JSON.stringify(event.cf)},"key":"${hexOfUtf8(event.key)}"`;
  const value = event.operation === 'put' ? `,"value":[${Buffer.from(event.value ?? '', 'utf8').join(',')}]` : '';
  return `${head}${value},"timestamp":${nanosecondsText(event.timestamp)}}`;
}
