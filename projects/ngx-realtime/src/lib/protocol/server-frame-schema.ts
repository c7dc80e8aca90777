/**
 * Which fields each server frame has and what each must be, as one table in a compact notation that
 * is read once, at module load, into a list of checks per frame type. Written out as code, every
 * field cost a call, a property read and a return; here it costs its name and a character or two,
 * and the development messages come from the same table.
 *
 * Each line is a frame type and its fields, checked in order. A field is written
 * `[?]<kind><name>[|option...]`:
 *
 * - `?` the field may be absent (`undefined`); otherwise it must be there.
 * - kind: `$` string, `#` finite number, `+` sequence number (safe integer >= 0), `{` object,
 *   `[` array, `@` epoch (string of 1 to 64 characters), `%` progress (number from 0 to 1),
 *   `!` close code (integer from 1000 to 4999), `1` the number 1, `=` one of the options after `|`.
 * - a name starting with `.` is a field inside the last field before it without one, which is an
 *   object checked just before (`{stats #.sst_kb`), so reading it never throws.
 *
 * `key_change` is not here: nearly every frame is one, and `frame-validation.ts` checks it by hand
 * (see `keyChangeProblem` there for why).
 */

// Angular declares it for apps; the mock server, which shares this file, does not.
declare const ngDevMode: unknown;

type Json = Record<string, unknown>;

/** Whether one field's value is right. */
type Test = (value: unknown) => boolean;

/**
 * A check of one field: whether it is right, and what it must be (development builds only: `false`
 * otherwise).
 *
 * @example
 * ```ts
 * const [check, problem] = SERVER_FRAME_SCHEMAS.get('pong')![0]!; // problem: '"id" must be a string'
 * ```
 */
export type FieldCheck = readonly [check: (frame: Json) => boolean, problem: string | false];

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

const KINDS: Record<string, Test> = {
  $: isString,
  '#': isFiniteNumber,
  '+': isSeq,
  '{': isObject,
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
  '{': 'an object',
  '[': 'a list',
  '@': 'a string of 1 to 64 characters',
  '%': 'a number from 0 to 1',
  '!': 'an integer from 1000 to 4999',
  1: '1',
};

/** The table; its notation is described at the top of this file. */
const SPEC = `compaction_status +seq #timestamp =status|started|progress|completed|failed $cf {details ?%.progress ?#.filesMerged ?#.bytesRead ?#.bytesWritten ?$.error
health_change +seq #timestamp =probe|liveness|readiness|startup =status|healthy|unhealthy ?$reason
sync_event +seq #timestamp =status|started|completed|conflict {details
snapshot_event +seq #timestamp =status|started|completed|failed $snapshotId {details
stats_update #timestamp {stats #.sst_files #.sst_kb #.mem_records #.mem_kb #.wal_kb #.total_records #.wsConnections #.uptimeMs ?#.wsConnectionsTotal
welcome 1protocol $connectionId $userId #serverTime +lastSeq {heartbeat #.intervalMs #.timeoutMs #tokenExpiresAt ?@epoch
pong $id #serverTime
ping $id #serverTime ?#rttMs
auth_ok #tokenExpiresAt #serverTime
subscribed [topics {filter
resumed +fromSeq +toSeq +count
resync =reason|history_expired|epoch_changed +lastSeq
error $code $message
batch [events
closing !code $reason`;

/**
 * Each server frame type's checks, in the table's order. (A `batch`'s events are checked one by
 * one as they are delivered, so one bad event does not cost the others.)
 *
 * @example
 * ```ts
 * const bad = SERVER_FRAME_SCHEMAS.get('pong')?.find(([check]) => !check(frame));
 * ```
 */
export const SERVER_FRAME_SCHEMAS = new Map<string, readonly FieldCheck[]>();

for (const line of SPEC.split('\n')) {
  const [type, ...fields] = line.split(' ') as [string, ...string[]];
  let parent = '';
  SERVER_FRAME_SCHEMAS.set(
    type,
    fields.map((field): FieldCheck => {
      const optional = field[0] === '?';
      const kind = field[+optional]!;
      const [path, ...options] = field.slice(+optional + 1).split('|') as [string, ...string[]];
      const key = path[0] === '.' ? parent : (parent = path);
      const sub = key !== path && path.slice(1);
      const test = KINDS[kind] ?? ((v: unknown) => options.includes(v as string));
      return [
        (f) => {
          // An object field is checked before the fields under it, so `f[key]` is an object here.
          const v = sub ? (f[key] as Json)[sub] : f[key];
          return (optional && v === undefined) || test(v);
        },
        (typeof ngDevMode === 'undefined' || !!ngDevMode) && `"${sub ? `${key}.${sub}` : key}" must be ${KIND_NAMES[kind] ?? `one of ${options.join(', ')}`}`,
      ];
    }),
  );
}
