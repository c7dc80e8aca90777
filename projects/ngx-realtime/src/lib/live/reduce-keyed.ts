import type { KeyChangeEvent, KeyValueBody } from '../protocol/protocol';
import { applyKeyedBatch } from './keyed-batch';
import { KeyPositions } from './key-positions';

/**
 * Options of {@link reduceKeyed}.
 *
 * - `rowKey(row)` and `eventKey(event)`: the identity a row and an event share.
 * - `toRow(event, current)`: the row after the event, or `null` to remove it.
 * - `compare`: keeps the collection sorted (binary insertion); without it new rows are appended.
 * - `seek(row, event)`: with `compare`, orders a row against the event's row (negative: the row
 *   sorts before it, 0: it is the event's row). It lets rows be found by binary search, with no
 *   index to keep; `compare` must then order rows by their key alone. Without it, rows are found
 *   through an index from key to position, built once per array the reducer did not make itself.
 *
 * @example
 * ```ts
 * const options: KeyedReducerOptions<Job, JobEvent> = { rowKey: (j) => j.id, eventKey: (e) => e.jobId, toRow: (e) => ({ id: e.jobId }) };
 * ```
 */
export interface KeyedReducerOptions<R, E> {
  rowKey: (row: R) => string;
  eventKey: (event: E) => string;
  toRow: (event: E, current: R | undefined) => R | null;
  compare?: (a: R, b: R) => number;
  seek?: (row: R, event: E) => number;
}

/**
 * A keyed collection's reducer: one event, or (`reduceMany`) the events that arrived together,
 * applied in one pass with one copy.
 *
 * @example
 * ```ts
 * const reduce: KeyedReducer<Job, JobEvent> = reduceKeyed({ rowKey, eventKey, toRow });
 * reduce.reduceMany(rows, events); // what reducing them one by one gives
 * ```
 */
export type KeyedReducer<R, E> = ((rows: readonly R[], event: E) => readonly R[]) & {
  readonly reduceMany: (rows: readonly R[], events: readonly E[]) => readonly R[];
};

/**
 * A reducer for a keyed collection (upsert, remove), for {@link liveResource}. It never mutates:
 * a change gives a new array, removing a row that is not there gives the same one. It is
 * idempotent: applying an event twice leaves what applying it once does. Its `reduceMany` applies
 * a batch of events with one copy of the array, and finds rows without scanning: by binary search
 * (`seek`) or through an index from key to position that follows the arrays it makes.
 *
 * @example
 * ```ts
 * reduce: reduceKeyed<Job, JobEvent>({
 *   rowKey: (job) => job.id,
 *   eventKey: (event) => event.jobId,
 *   toRow: (event, job) => (event.status === 'removed' ? null : { ...job, id: event.jobId, status: event.status }),
 * })
 * ```
 */
export function reduceKeyed<R, E>(options: KeyedReducerOptions<R, E>): KeyedReducer<R, E> {
  const { rowKey, eventKey, toRow, seek } = options;
  const compare = options.compare ?? null;
  const search = compare !== null && seek !== undefined ? seek : null;
  /** Each array's index (without `seek`); it moves to the array made from it. */
  const indexes = new WeakMap<readonly R[], KeyPositions>();
  const reduceMany = (rows: readonly R[], events: readonly E[]): readonly R[] => {
    if (search !== null) {
      return applyKeyedBatch(rows, events, { eventKey, toRow, compare, find: (all, event) => binaryFind(all, event, search), positions: null });
    }
    const positions = indexes.get(rows) ?? KeyPositions.of(rows, rowKey);
    const next = applyKeyedBatch(rows, events, { eventKey, toRow, compare, find: (_, __, id) => positions.find(id), positions });
    if (next !== rows) indexes.delete(rows);
    indexes.set(next, positions);
    return next;
  };
  const reduce = (rows: readonly R[], event: E): readonly R[] => reduceMany(rows, [event]);
  return Object.assign(reduce, { reduceMany });
}

/** The position of the event's row in rows sorted as `seek` orders them, or -1. */
function binaryFind<R, E>(rows: readonly R[], event: E, seek: (row: R, event: E) => number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const order = seek(rows[mid]!, event);
    if (order < 0) low = mid + 1;
    else if (order > 0) high = mid;
    else return mid;
  }
  return -1;
}

/** Code-unit order, the order ApexStore lists keys in (not `localeCompare`, which differs). */
const byKey = (a: KeyValueBody, b: KeyValueBody) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.cf < b.cf ? -1 : a.cf > b.cf ? 1 : 0);

/**
 * The reducer of a key list (`GET /keys` rows) under `key_change` events: a put upserts, a delete
 * removes, rows stay in key order.
 *
 * @example
 * ```ts
 * keys = liveResource({ load: ..., events: (rt) => rt.onKeyChanges({ keyPrefix: 'user:' }), reduce: reduceKeyChanges() });
 * ```
 */
export function reduceKeyChanges(): KeyedReducer<KeyValueBody, KeyChangeEvent> {
  return reduceKeyed<KeyValueBody, KeyChangeEvent>({
    rowKey: (row) => `${row.cf}\u0000${row.key}`,
    eventKey: (event) => `${event.cf}\u0000${event.key}`,
    toRow: (event) => (event.operation === 'delete' ? null : { key: event.key, value: event.value ?? '', cf: event.cf }),
    compare: byKey,
    // Rows before the event's key settle with one comparison, the others with two.
    seek: (row, event) => (row.key < event.key ? -1 : row.key !== event.key ? 1 : row.cf === event.cf ? 0 : row.cf < event.cf ? -1 : 1),
  });
}
