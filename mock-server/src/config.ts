import { PROTOCOL_DEFAULTS } from '../../projects/ngx-realtime/src/lib/protocol/protocol';

/**
 * Everything a mock server instance can be configured with. Every duration is in milliseconds so
 * tests can run the whole protocol with tiny values.
 *
 * @example
 * ```ts
 * const server = await createServer({ port: 0, heartbeatTimeoutMs: 200, chaos: true });
 * ```
 */
export interface ServerOptions {
  /** TCP port; `0` picks a free one (read it back from `port`). Default 0. */
  port?: number;
  /** Interface to bind. Default `127.0.0.1`. */
  hostname?: string;
  /** Enables the `/__chaos/*` routes. Default false. */
  chaos?: boolean;
  /** sqlite file path or `:memory:`. Default `:memory:` (the CLI defaults to a file). */
  dataPath?: string;
  /** Serve this directory (the built demo) on the same origin, with SPA fallback. */
  staticDir?: string;
  /** `redis://host:port`: keep everything shared in Redis, so several instances serve one stream. */
  redisUrl?: string;
  /**
   * Writes sample data on start when the store holds no keys (so a restart on the same data does
   * not write it twice): 59 keys and one completed snapshot, as events. Default false.
   */
  seed?: boolean;
  tokenTtlMs?: number;
  authTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  heartbeatTimeoutMs?: number;
  statsIntervalMs?: number;
  maxFrameBytes?: number;
  rateLimitFrames?: number;
  rateLimitWindowMs?: number;
  retainEvents?: number;
  pollMaxWaitMs?: number;
  pollMaxEvents?: number;
  /** Largest `batch` frame, in bytes of JSON; a single larger event is sent on its own. Default 65536. */
  maxBatchBytes?: number;
  /** How long `POST /admin/compact` takes from `started` to `completed`. Default 2000. */
  compactionDurationMs?: number;
  /** How long snapshots and syncs take from `started` to `completed`. Default 500. */
  jobDurationMs?: number;
  /** Upper bound for `POST /__chaos/burst {count}`. Default 100000. */
  maxBurstCount?: number;
  /** The server's clock (ms since epoch): timestamps, token expiry, rate-limit window. */
  now?: () => number;
}

/** {@link ServerOptions} with every default filled in. */
export type ServerConfig = Required<Omit<ServerOptions, 'staticDir' | 'redisUrl'>> & { staticDir: string | null; redisUrl: string | null };

/**
 * Fills in defaults; the protocol numbers come from the shared protocol module.
 *
 * @example
 * ```ts
 * resolveConfig({ retainEvents: 5 }).heartbeatTimeoutMs; // 45000
 * ```
 */
export function resolveConfig(options: ServerOptions = {}): ServerConfig {
  return {
    port: options.port ?? 0,
    hostname: options.hostname ?? '127.0.0.1',
    chaos: options.chaos ?? false,
    dataPath: options.dataPath ?? ':memory:',
    staticDir: options.staticDir ?? null,
    redisUrl: options.redisUrl ?? null,
    seed: options.seed ?? false,
    tokenTtlMs: options.tokenTtlMs ?? 3_600_000,
    authTimeoutMs: options.authTimeoutMs ?? PROTOCOL_DEFAULTS.authTimeoutMs,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? PROTOCOL_DEFAULTS.heartbeatIntervalMs,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? PROTOCOL_DEFAULTS.heartbeatTimeoutMs,
    statsIntervalMs: options.statsIntervalMs ?? PROTOCOL_DEFAULTS.statsIntervalMs,
    maxFrameBytes: options.maxFrameBytes ?? PROTOCOL_DEFAULTS.maxFrameBytes,
    rateLimitFrames: options.rateLimitFrames ?? PROTOCOL_DEFAULTS.rateLimitFrames,
    rateLimitWindowMs: options.rateLimitWindowMs ?? PROTOCOL_DEFAULTS.rateLimitWindowMs,
    retainEvents: options.retainEvents ?? PROTOCOL_DEFAULTS.retainEvents,
    pollMaxWaitMs: options.pollMaxWaitMs ?? PROTOCOL_DEFAULTS.pollMaxWaitMs,
    pollMaxEvents: options.pollMaxEvents ?? PROTOCOL_DEFAULTS.pollMaxEvents,
    maxBatchBytes: options.maxBatchBytes ?? PROTOCOL_DEFAULTS.maxBatchBytes,
    compactionDurationMs: options.compactionDurationMs ?? 2_000,
    jobDurationMs: options.jobDurationMs ?? 500,
    maxBurstCount: options.maxBurstCount ?? 100_000,
    now: options.now ?? Date.now,
  };
}
