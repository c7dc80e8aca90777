/**
 * How retry delays grow.
 *
 * @example
 * ```ts
 * const options: BackoffOptions = { initialDelayMs: 500, factor: 2, maxDelayMs: 30_000 };
 * ```
 */
export interface BackoffOptions {
  /** Upper bound of the first retry's delay. */
  initialDelayMs: number;
  /** Growth of the bound per failed attempt. */
  factor: number;
  /** The bound never grows beyond this. */
  maxDelayMs: number;
}

/**
 * Delay before retry number `attempt` (0 for the first retry), with "full jitter":
 * `random() * min(maxDelayMs, initialDelayMs * factor^attempt)`. Jitter spreads out clients that
 * all lost the same server at the same moment, so they do not reconnect in lockstep.
 *
 * @example
 * ```ts
 * backoffDelayMs(2, { initialDelayMs: 500, factor: 2, maxDelayMs: 30_000 }, Math.random); // 0..2000
 * ```
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number): number {
  const bound = Math.min(options.maxDelayMs, options.initialDelayMs * Math.pow(options.factor, Math.max(0, attempt)));
  return Math.max(0, Math.floor(random() * bound));
}
