/**
 * Which fields each server frame has and what each must be, as data: one small object per frame
 * type, read by one short loop. Written out as code, every field cost a call, a property read and a
 * return; here it costs its name and a reference, and the development messages come from the same
 * table. (A denser notation in one string, parsed at load, was smaller minified but larger gzipped:
 * gzip all but erases this literal's repeated syntax, not a parser's code.)
 *
 * A field is a test of its value, or a list of the values it may be, or an object whose fields are
 * checked the same way (`{}`: any object).
 *
 * `key_change` is not here: nearly every frame is one, and `frame-validation.ts` checks it by hand
 * (see `keyChangeProblem` there for why).
 */

// Angular declares it for apps; the mock server, which shares this file, does not.
declare const ngDevMode: unknown;

type Json = Record<string, unknown>;

/** What one field must be; see the top of this file. */
type Kind = ((value: unknown) => boolean) | readonly unknown[] | Schema;

/**
 * The fields of one frame type (or of an object inside one), checked in order.
 *
 * @example
 * ```ts
 * const pong: Schema = { id: isString, serverTime: isFiniteNumber };
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

// NaN and the infinities fail one comparison or the other.
const isProgress = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v <= 1;
// The range WebSocket close codes live in, so a `closing` frame can carry any of them, future ones too.
const isCloseCode = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 1000 && (v as number) <= 4999;
/** A test that also passes a field that is absent. */
const optional =
  (test: (value: unknown) => boolean) =>
  (v: unknown): boolean =>
    v === undefined || test(v);
const optionalString = optional(isString);
const optionalNumber = optional(isFiniteNumber);
const optionalProgress = optional(isProgress);
const optionalEpoch = optional(isEpoch);

/** What a test's value must be, for development messages (tree-shaken from production builds). */
function describe(test: unknown): string {
  const kinds: [unknown, string][] = [
    [isString, 'a string'],
    [optionalString, 'a string'],
    [isFiniteNumber, 'a number'],
    [optionalNumber, 'a number'],
    [isSeq, 'an integer >= 0'],
    [Array.isArray, 'a list'],
    [optionalEpoch, 'a string of 1 to 64 characters'],
    [optionalProgress, 'a number from 0 to 1'],
    [isCloseCode, 'an integer from 1000 to 4999'],
  ];
  return kinds.find(([kind]) => kind === test)?.[1] ?? 'valid';
}

/** Fields of every durable event. */
const DURABLE: Schema = { seq: isSeq, timestamp: isFiniteNumber };

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
      cf: isString,
      details: {
        progress: optionalProgress,
        filesMerged: optionalNumber,
        bytesRead: optionalNumber,
        bytesWritten: optionalNumber,
        error: optionalString,
      },
    },
    health_change: { ...DURABLE, probe: ['liveness', 'readiness', 'startup'], status: ['healthy', 'unhealthy'], reason: optionalString },
    sync_event: { ...DURABLE, status: ['started', 'completed', 'conflict'], details: {} },
    snapshot_event: { ...DURABLE, status: ['started', 'completed', 'failed'], snapshotId: isString, details: {} },
    stats_update: {
      timestamp: isFiniteNumber,
      stats: {
        sst_files: isFiniteNumber,
        sst_kb: isFiniteNumber,
        mem_records: isFiniteNumber,
        mem_kb: isFiniteNumber,
        wal_kb: isFiniteNumber,
        total_records: isFiniteNumber,
        wsConnections: isFiniteNumber,
        uptimeMs: isFiniteNumber,
        wsConnectionsTotal: optionalNumber,
      },
    },
    welcome: {
      protocol: [1],
      connectionId: isString,
      userId: isString,
      serverTime: isFiniteNumber,
      lastSeq: isSeq,
      heartbeat: { intervalMs: isFiniteNumber, timeoutMs: isFiniteNumber },
      tokenExpiresAt: isFiniteNumber,
      epoch: optionalEpoch,
    },
    pong: { id: isString, serverTime: isFiniteNumber },
    ping: { id: isString, serverTime: isFiniteNumber, rttMs: optionalNumber },
    auth_ok: { tokenExpiresAt: isFiniteNumber, serverTime: isFiniteNumber },
    subscribed: { topics: Array.isArray, filter: {} },
    resumed: { fromSeq: isSeq, toSeq: isSeq, count: isSeq },
    resync: { reason: ['history_expired', 'epoch_changed'], lastSeq: isSeq },
    error: { code: isString, message: isString },
    batch: { events: Array.isArray },
    closing: { code: isCloseCode, reason: isString },
  }),
);

/**
 * What is wrong with `value`'s fields against `schema`: a message naming the first wrong field
 * (`false` in production builds, which do not say), or null when they are right.
 *
 * @example
 * ```ts
 * schemaProblem({ id: isString, serverTime: isFiniteNumber }, { id: 'p' }); // '"serverTime" must be a number'
 * ```
 */
export function schemaProblem(schema: Schema, value: Json): string | false | null {
  // Schemas are object literals: `for...in` walks their own fields, in order, with no array of keys per call.
  for (const field in schema) {
    const kind = schema[field]!;
    const v = value[field];
    let problem: string | false | null;
    if (typeof kind === 'function') {
      problem = kind(v) ? null : (typeof ngDevMode === 'undefined' || !!ngDevMode) && `"${field}" must be ${describe(kind)}`;
    } else if (Array.isArray(kind)) {
      problem = kind.includes(v) ? null : (typeof ngDevMode === 'undefined' || !!ngDevMode) && `"${field}" must be one of ${kind.join(', ')}`;
    } else if (!isObject(v)) {
      problem = (typeof ngDevMode === 'undefined' || !!ngDevMode) && `"${field}" must be an object`;
    } else {
      problem = schemaProblem(kind as Schema, v);
      // The inner message names its field from inside this one (`"intervalMs"`); lead it with this one's
      // name only once something is wrong, so an accepted frame builds no string.
      if ((typeof ngDevMode === 'undefined' || !!ngDevMode) && problem) problem = problem.replace('"', `"${field}.`);
    }
    if (problem !== null) return problem;
  }
  return null;
}
