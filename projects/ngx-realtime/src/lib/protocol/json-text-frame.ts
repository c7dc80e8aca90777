/**
 * Reads one WebSocket message that should hold a JSON object as text: the object, or why it is not
 * one (a message for `sink.invalid()`). Shared by the protocols for servers that speak plain JSON.
 *
 * @example
 * ```ts
 * const frame = readJsonObject(data);
 * if (typeof frame === 'string') sink.invalid('invalid_frame', frame, data);
 * ```
 */
export function readJsonObject(data: unknown): Record<string, unknown> | string {
  if (typeof data !== 'string') return 'expected a text frame holding JSON, got binary data';
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return 'the frame is not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the frame is not a JSON object';
  return value as Record<string, unknown>;
}

/**
 * The name a frame gives its event in `field`, or `null` when it gives none (missing, empty or not a string).
 *
 * @example
 * ```ts
 * eventName({ event: 'order.updated', data: {} }, 'event'); // 'order.updated'
 * ```
 */
export function eventName(frame: Record<string, unknown>, field: string): string | null {
  const name = frame[field];
  return typeof name === 'string' && name !== '' ? name : null;
}

/**
 * The first frames a connection sends, made from a value the app may give as a promise (its
 * credentials, its auth frame): a list at once when the value is there, else a promise of one, so
 * a synchronous value costs no wait.
 *
 * @example
 * ```ts
 * firstFrames(credentials(token), (data) => [JSON.stringify({ event: 'authenticate', data })]);
 * ```
 */
export function firstFrames<T>(value: T | PromiseLike<T>, toFrames: (value: T) => string[]): string[] | Promise<string[]> {
  return typeof (value as { then?: unknown } | null)?.then === 'function' ? Promise.resolve(value).then(toFrames) : toFrames(value as T);
}
