import { MAX_KEY_BYTES } from 'ngx-realtime';
import { utf8Bytes } from './byte-size';

/** A UTF-16 surrogate without its other half: `encodeURIComponent` throws on it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why `key` cannot be written through `/keys/{key}`, or `null` when it can. "." and ".." are
 * refused here because a browser resolves them (even percent-encoded) as path steps before the
 * request leaves, so the server would get another path, never the key.
 *
 * @example
 * ```ts
 * keyNameProblem('user:1'); // null
 * keyNameProblem('..');     // 'A key cannot be “..”: …'
 * ```
 */
export function keyNameProblem(key: string): string | null {
  if (key === '') return 'Enter a key.';
  if (key === '.' || key === '..') {
    return `A key cannot be “${key}”: browsers read it as a path step, so it cannot be sent in a URL.`;
  }
  if (LONE_SURROGATE.test(key)) return 'The key contains a broken character (an unpaired UTF-16 surrogate).';
  const bytes = utf8Bytes(key);
  if (bytes > MAX_KEY_BYTES) return `The key is ${bytes} bytes; keys may be at most ${MAX_KEY_BYTES} bytes (UTF-8).`;
  return null;
}

/**
 * The URL path of a key: every character that means something in a URL ("/", "?", "#", "%",
 * spaces, non-ASCII) is percent-encoded, so the server gets the key back exactly.
 *
 * @example
 * ```ts
 * keyPath('a/b?c'); // '/keys/a%2Fb%3Fc'
 * ```
 */
export function keyPath(key: string): string {
  return `/keys/${encodeURIComponent(key)}`;
}
