/**
 * Which fields each server frame has and what each must be, as data: one small object per frame
 * type, read by one short loop. Written out as code, every field cost a call, a property read and a
 * return; here it costs its name and a character or two, and the development messages come from
 * the same table.
 *
 * A field's kind is a character: `$` string, `#` finite number, `+` sequence number (safe integer
 * >= 0), `[` array, `@` epoch (string of 1 to 64 characters), `%` progress (number from 0 to 1),
 * `!` close code (integer from 1000 to 4999), `1` the number 1; followed by `?`, the field may be
 * absent (`undefined`). A list of strings: one of them. An object: a JSON object whose fields are
 * checked the same way (`{}`: any object).
 *
 * `key_change` is not here: nearly every frame is one, and `frame-validation.ts` checks it by hand
 * (see `keyChangeProblem` there for why).
 */

// Angular declares it for apps; the mock server, which shares this file, does not.
declare const ngDevMode: unknown;

type Json = Record<string, unknown>;

/** What one field must be; see the top of this file. */
type Kind = string | readonly string[] | Schema;

/**
 * The fields of one frame type (or of an object inside one), checked in order.
 *
 * @example
 * ```ts
 * const pong: Schema = { id: '$', serverTime: '#' };
 * ```
 */
export interface Schema {
  readonly [field: string]: Kind;
}

/**
 * A JSON object: not null and not an array.
 *
 * @example
 * ```ts
 * isObject(JSON.parse('[1]')); // false
 * ```
 */
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** @example `isString(frame['type'])` */
export const isString = (v: unknown): v is string => typeof v === 'string';
/**
 * A sequence number: a safe integer >= 0.
 *
 * @example
 * ```ts
 * isSeq(1.5); // false
 * ```
 */
export const isSeq = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
/** @example `isFiniteNumber(NaN)` is false. */
export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/**
 * An epoch: a short opaque string (1 to 64 characters).
 *
 * @example
 * ```ts
 * isEpoch(url.searchParams.get('epoch')); // false for null or ''
 * ```
 */
export const isEpoch = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;

const KINDS: Record<string, (value: unknown) => boolean> = {
  $: isString,
  '#': isFiniteNumber,
  '+': isSeq,
  '[': Array.isArray,
  '@': isEpoch,
  // NaN and the infinities fail one comparison or the other.
  '%': (v) => typeof v === 'number' && v >= 0 && v <= 1,
  // The range WebSocket close codes live in, so a `closing` frame can carry any of them, future ones too.
  '!': (v) => Number.isInteger(v) && (v as number) >= 1000 && (v as number) <= 4999,
  1: (v) => v === 1,
};

/** What each kind must be, for development messages (tree-shaken from production builds). */
const KIND_NAMES: Record<string, string> = {
  $: 'a string',
  '#': 'a number',
  '+': 'an integer >= 0',
  '[': 'a list',
  '@': 'a string of 1 to 64 characters',
  '%': 'a number from 0 to 1',
  '!': 'an integer from 1000 to 4999',
  1: '1',
};

/** Fields of every durable event. */
const DURABLE: Schema = { seq: '+', timestamp: '#' };

/**
 * Each server frame type's fields. (A `batch`'s events are checked one by one as they are
 * delivered, so one bad event does not cost the others.) A map, so no frame's type can reach a
 * plain object's prototype.
 *
 * @example
 * ```ts
 * const schema = SERVER_FRAME_SCHEMAS.get(frame.type);
 * ```
 */
export const SERVER_FRAME_SCHEMAS = new Map<string, Schema>(
  Object.entries<Schema>({
    compaction_status: {
      ...DURABLE,
      status: ['started', 'progress', 'completed', 'failed'],
      cf: '$',
      details: { progress: '%?', filesMerged: '#?', bytesRead: '#?', bytesWritten: '#?', error: '$?' },
    },
    health_change: { ...DURABLE, probe: ['liveness', 'readiness', 'startup'], status: ['healthy', 'unhealthy'], reason: '$?' },
    sync_event: { ...DURABLE, status: ['started', 'completed', 'conflict'], details: {} },
    snapshot_event: { ...DURABLE, status: ['started', 'completed', 'failed'], snapshotId: '$', details: {} },
    stats_update: {
      timestamp: '#',
      stats: {
        sst_files: '#',
        sst_kb: '#',
        mem_records: '#',
        mem_kb: '#',
        wal_kb: '#',
        total_records: '#',
        wsConnections: '#',
        uptimeMs: '#',
        wsConnectionsTotal: '#?',
      },
    },
    welcome: {
      protocol: '1',
      connectionId: '$',
      userId: '$',
      serverTime: '#',
      lastSeq: '+',
      heartbeat: { intervalMs: '#', timeoutMs: '#' },
      tokenExpiresAt: '#',
      epoch: '@?',
    },
    pong: { id: '$', serverTime: '#' },
    ping: { id: '$', serverTime: '#', rttMs: '#?' },
    auth_ok: { tokenExpiresAt: '#', serverTime: '#' },
    subscribed: { topics: '[', filter: {} },
    resumed: { fromSeq: '+', toSeq: '+', count: '+' },
    resync: { reason: ['history_expired', 'epoch_changed'], lastSeq: '+' },
    error: { code: '$', message: '$' },
    batch: { events: '[' },
    closing: { code: '!', reason: '$' },
  }),
);

/**
 * What is wrong with `value` against `schema`: a message naming the first wrong field (`false` in
 * production builds, which do not say), or null when it is right. `path` leads the field names in
 * messages (`heartbeat.`).
 *
 * @example
 * ```ts
 * schemaProblem({ id: '$', serverTime: '#' }, { id: 'p' }); // '"serverTime" must be a number'
 * ```
 */
export function schemaProblem(schema: Schema, value: unknown, path = ''): string | false | null {
  if (!isObject(value)) return (typeof ngDevMode === 'undefined' || !!ngDevMode) && `"${path.slice(0, -1)}" must be an object`;
  for (const field in schema) {
    const kind = schema[field]!;
    const v = value[field];
    const problem =
      typeof kind === 'string'
        ? (kind[1] === '?' && v === undefined) || KINDS[kind[0]!]!(v)
          ? null
          : (typeof ngDevMode === 'undefined' || !!ngDevMode) && `"${path}${field}" must be ${KIND_NAMES[kind[0]!]}`
        : Array.isArray(kind)
          ? kind.includes(v)
            ? null
            : (typeof ngDevMode === 'undefined' || !!ngDevMode) && `"${path}${field}" must be one of ${kind.join(', ')}`
          : schemaProblem(kind as Schema, v, (typeof ngDevMode === 'undefined' || !!ngDevMode) ? `${path}${field}.` : '');
    if (problem !== null) return problem;
  }
  return null;
}
