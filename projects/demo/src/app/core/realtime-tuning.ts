/**
 * Timings of the realtime connection. Production values are the SDK's defaults; a page opened with
 * `?rt-reconnect-ms=100&rt-probe-ms=500&rt-fallback-after=2&rt-poll-wait-ms=2000` (the end-to-end
 * tests do this) overrides them, so chaos scenarios finish in seconds without the app shipping
 * test-only timings. `rt-refresh-ms` sets how often pages whose events the stream does not carry
 * (ApexStore 2.2's change stream) refresh over HTTP.
 */
export interface RealtimeTuning {
  /** First reconnect delay (backoff start). */
  reconnectInitialMs: number;
  /** Cap of the reconnect delay. */
  reconnectMaxMs: number;
  /** Failed WebSocket attempts before falling back to long polling. */
  fallbackAfter: number;
  /** How often, while polling, the WebSocket is tried again. */
  probeIntervalMs: number;
  /** Long-poll wait. */
  pollWaitMs: number;
  /** How often a page refreshes over HTTP what the stream does not carry (ApexStore 2.2). */
  httpRefreshMs: number;
}

/** The production timings (the SDK's defaults, and the console's own HTTP refresh). */
export const DEFAULT_TUNING: RealtimeTuning = {
  reconnectInitialMs: 500,
  reconnectMaxMs: 30_000,
  fallbackAfter: 3,
  probeIntervalMs: 30_000,
  pollWaitMs: 25_000,
  httpRefreshMs: 10_000,
};

const PARAMS: Record<keyof RealtimeTuning, string> = {
  reconnectInitialMs: 'rt-reconnect-ms',
  reconnectMaxMs: 'rt-reconnect-max-ms',
  fallbackAfter: 'rt-fallback-after',
  probeIntervalMs: 'rt-probe-ms',
  pollWaitMs: 'rt-poll-wait-ms',
  httpRefreshMs: 'rt-refresh-ms',
};

const STORAGE_KEY = 'apex.rt-tuning';

/**
 * Defaults overlaid with positive integer overrides from `search`. Overrides are remembered for
 * the tab (sessionStorage), so a reload or a redirect that drops the query keeps them.
 */
export function readTuning(search: string, storage: Storage | null): RealtimeTuning {
  const params = new URLSearchParams(search);
  let stored: Partial<RealtimeTuning> = {};
  try {
    stored = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '{}') as Partial<RealtimeTuning>;
  } catch {
    // A corrupt entry is ignored; defaults apply.
  }
  const overrides: Partial<RealtimeTuning> = { ...stored };
  for (const [field, param] of Object.entries(PARAMS) as [keyof RealtimeTuning, string][]) {
    const value = Number(params.get(param));
    if (Number.isInteger(value) && value > 0) overrides[field] = value;
  }
  if (Object.keys(overrides).length > 0) storage?.setItem(STORAGE_KEY, JSON.stringify(overrides));
  return { ...DEFAULT_TUNING, ...overrides };
}
