import { join } from 'node:path';
import { parseIngestAuth } from './compat/ingest-auth';
import { COMPAT_MODES, type CompatMode, type ServerOptions } from './config';

/**
 * Where the CLI keeps its sqlite file unless `--data` says otherwise (and without `--redis`, where
 * the default is `:memory:`).
 */
export const DEFAULT_DATA_PATH = join('.mock-data', 'apexstore.sqlite');
const DEFAULT_PORT = 8080;

const NUMBER_FLAGS: Record<string, { option: keyof ServerOptions; scale: number }> = {
  '--port': { option: 'port', scale: 1 },
  '--token-ttl': { option: 'tokenTtlMs', scale: 1000 },
  '--auth-timeout': { option: 'authTimeoutMs', scale: 1 },
  '--heartbeat-interval': { option: 'heartbeatIntervalMs', scale: 1 },
  '--heartbeat-timeout': { option: 'heartbeatTimeoutMs', scale: 1 },
  '--retain': { option: 'retainEvents', scale: 1 },
  '--stats-interval': { option: 'statsIntervalMs', scale: 1 },
  '--rate-limit': { option: 'rateLimitFrames', scale: 1 },
  '--rate-window': { option: 'rateLimitWindowMs', scale: 1 },
  '--max-frame': { option: 'maxFrameBytes', scale: 1 },
  '--max-batch-bytes': { option: 'maxBatchBytes', scale: 1 },
  '--compaction-duration': { option: 'compactionDurationMs', scale: 1 },
  '--job-duration': { option: 'jobDurationMs', scale: 1 },
};

const STRING_FLAGS = ['--data', '--static', '--redis', '--compat', '--ingest-auth'];

/** The CLI usage text. */
export const USAGE = `usage: bun mock-server/src/main.ts [--port N (default ${DEFAULT_PORT}, 0 = any free port)] [--chaos]
  [--data PATH|:memory: (default ${DEFAULT_DATA_PATH}; with --redis, :memory:)] [--token-ttl S] [--auth-timeout MS]
  [--heartbeat-interval MS] [--heartbeat-timeout MS] [--retain N] [--stats-interval MS]
  [--rate-limit N] [--rate-window MS] [--max-frame BYTES] [--max-batch-bytes BYTES]
  [--compaction-duration MS] [--job-duration MS] [--precise-time]
  [--static DIR] [--redis redis://HOST:PORT (share keys, tokens and the event log with other instances)]
  [--seed (on start, when the store holds no keys, write 59 sample keys and one snapshot;
           a restart on the same data finds keys and writes nothing)]
  [--compat apexstore-2.2 (also speak ApexStore 2.2's own change stream: GET /ws/events becomes its
           WebSocket, GET /events its Server-Sent Events, bearer header only; REST answers lose
           X-Last-Seq; /events/stream and /events/poll stay native)]
  [--ingest-auth 'Header-Name: value'|TOKEN (turn on POST /ingest/apexstore, the gateway for
           ApexStore 2.2's CDC webhook, for requests carrying that header; a bare TOKEN means
           Authorization: Bearer TOKEN, as ApexStore's auth_header setting)]`;

/**
 * Parses the CLI flags into server options. Durations are ms except `--token-ttl` (seconds).
 * Without `--data` the store is {@link DEFAULT_DATA_PATH}, but with `--redis` it is `:memory:`:
 * there it only holds this instance's replica, which must not be shared with another instance
 * started from the same folder, and which Redis refills on every start anyway.
 *
 * @example
 * ```ts
 * parseArgs(['--port', '0', '--chaos']); // { port: 0, chaos: true, dataPath: '.mock-data/apexstore.sqlite' }
 * parseArgs(['--redis', 'redis://127.0.0.1:6379']).dataPath; // ':memory:'
 * ```
 */
export function parseArgs(argv: readonly string[]): ServerOptions {
  const options: ServerOptions = { port: DEFAULT_PORT, dataPath: DEFAULT_DATA_PATH };
  let dataGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--chaos') {
      options.chaos = true;
      continue;
    }
    if (flag === '--seed') {
      options.seed = true;
      continue;
    }
    if (flag === '--precise-time') {
      // Sub-millisecond event timestamps, for latency benchmarks: the system clock at high resolution.
      options.now = () => performance.timeOrigin + performance.now();
      continue;
    }
    if (!STRING_FLAGS.includes(flag) && !(flag in NUMBER_FLAGS)) throw new Error(`unknown flag ${flag}`);
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    i++;
    if (flag === '--data') {
      options.dataPath = value;
      dataGiven = true;
    }
    else if (flag === '--static') options.staticDir = value;
    else if (flag === '--redis') options.redisUrl = value;
    else if (flag === '--compat') {
      if (!COMPAT_MODES.includes(value as CompatMode)) throw new Error(`--compat must be one of ${COMPAT_MODES.join(', ')}, got "${value}"`);
      options.compat = value as CompatMode;
    } else if (flag === '--ingest-auth') {
      // Checked now, so a typo is a usage error at start rather than a gateway refusing every webhook.
      parseIngestAuth(value);
      options.ingestAuth = value;
    }
    else {
      const { option, scale } = NUMBER_FLAGS[flag]!;
      if (!/^\d+$/.test(value)) throw new Error(`${flag} needs a non-negative integer, got "${value}"`);
      (options as Record<string, unknown>)[option] = Number(value) * scale;
    }
  }
  if (options.redisUrl !== undefined && !dataGiven) options.dataPath = ':memory:';
  return options;
}
