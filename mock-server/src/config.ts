import { PROTOCOL_DEFAULTS } from '../../projects/ngx-realtime/src/lib/protocol/protocol';
import { parseIngestAuth, type IngestCredentials } from './compat/ingest-auth';

/**
 * The other servers' protocols the mock can also speak (`--compat`).
 *
 * @example
 * ```ts
 * if (!COMPAT_MODES.includes(value as CompatMode)) throw new Error(`unknown --compat ${value}`);
 * ```
 */
export const COMPAT_MODES = ['apexstore-2.2'] as const;

/**
 * One of {@link COMPAT_MODES}.
 *
 * @example
 * ```ts
 * const mode: CompatMode = 'apexstore-2.2';
 * ```
 */
export type CompatMode = (typeof COMPAT_MODES)[number];

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
  /**
   * `'apexstore-2.2'`: also speak ApexStore 2.2's own change stream, as that server does:
   * `GET /ws/events` becomes its WebSocket, `GET /events` its Server-Sent Events, and REST answers
   * carry no `X-Last-Seq`. `/events/stream` and `/events/poll` stay native. Default: native only.
   */
  compat?: CompatMode;
  /**
   * Turns on the gateway `POST /ingest/apexstore` (ApexStore 2.2's CDC webhook in, native
   * `key_change` events out), taking only requests with this header, written as ApexStore's
   * `auth_header` setting: `'Header-Name: value'`, or a bare token for `Authorization: Bearer <token>`.
   * Default: off (404).
   */
  ingestAuth?: string;
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
export type ServerConfig = Required<Omit<ServerOptions, 'staticDir' | 'redisUrl' | 'compat' | 'ingestAuth'>> & {
  staticDir: string | null;
  redisUrl: string | null;
  compat: CompatMode | null;
  /** The parsed `ingestAuth`, or null when the gateway is off. */
  ingestAuth: IngestCredentials | null;
};

/**
 * Fills in defaults; the protocol numbers come from the shared protocol module.
 *
 * @example
 * ```ts
 * resolveConfig({ retainEvents: 5 }).heartbeatTimeoutMs; // 45000
 * ```
 */
export function resolveConfig(options: ServerOptions = {}): ServerConfig {
  if (options.compat !== undefined && !COMPAT_MODES.includes(options.compat)) {
    throw new Error(`compat must be one of ${COMPAT_MODES.join(', ')}, got "${String(options.compat)}"`);
  }
  return {
    port: options.port ?? 0,
    hostname: options.hostname ?? '127.0.0.1',
    chaos: options.chaos ?? false,
    dataPath: options.dataPath ?? ':memory:',
    staticDir: options.staticDir ?? null,
    redisUrl: options.redisUrl ?? null,
    seed: options.seed ?? false,
    compat: options.compat ?? null,
    ingestAuth: options.ingestAuth === undefined ? null : parseIngestAuth(options.ingestAuth),
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
