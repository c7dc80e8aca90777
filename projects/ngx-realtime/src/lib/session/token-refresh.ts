/**
 * When to rotate a token ahead of its expiry: once 80% of its remaining life has passed, or 30 s
 * before the end if that is earlier, but never before half of it has passed, so very short test
 * tokens do not loop.
 *
 * @example
 * ```ts
 * tokenRefreshDelayMs(3_600_000); // 2_880_000 (80% of an hour)
 * tokenRefreshDelayMs(60_000);    // 30_000 (30 s before the end)
 * tokenRefreshDelayMs(5_000);     // 2_500 (half)
 * ```
 */
export function tokenRefreshDelayMs(remainingMs: number): number {
  if (!(remainingMs > 0)) return 0;
  return Math.max(remainingMs * 0.5, Math.min(remainingMs * 0.8, remainingMs - TOKEN_REFRESH_MARGIN_MS));
}

const TOKEN_REFRESH_MARGIN_MS = 30_000;
