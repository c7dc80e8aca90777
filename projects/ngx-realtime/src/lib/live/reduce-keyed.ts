import type { KeyChangeEvent, KeyValueBody } from '../protocol/protocol';

/**
 * Options of {@link reduceKeyed}.
 *
 * - `rowKey(row)` and `eventKey(event)`: the identity a row and an event share.
 * - `toRow(event, current)`: the row after the event, or `null` to remove it.
 * - `compare`: keeps the collection sorted (binary insertion); without it new rows are appended.
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
}

/**
 * A reducer for a keyed collection (upsert, remove), for {@link liveResource}. It never mutates:
 * a change gives a new array, removing a row that is not there gives the same one. It is
 * idempotent: applying an event twice leaves what applying it once does.
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
export function reduceKeyed<R, E>(options: KeyedReducerOptions<R, E>): (rows: readonly R[], event: E) => readonly R[] {
  const { rowKey, eventKey, toRow, compare } = options;
  return (rows, event) => {
    const id = eventKey(event);
    const index = rows.findIndex((row) => rowKey(row) === id);
    const current = index === -1 ? undefined : rows[index];
    const next = toRow(event, current);
    if (next === null) return index === -1 ? rows : [...rows.slice(0, index), ...rows.slice(index + 1)];
    if (index !== -1 && (!compare || compare(next, current!) === 0)) {
      const copy = rows.slice();
      copy[index] = next;
      return copy;
    }
    const copy = index === -1 ? rows.slice() : [...rows.slice(0, index), ...rows.slice(index + 1)];
    copy.splice(compare ? insertionIndex(copy, next, compare) : copy.length, 0, next);
    return copy;
  };
}

function insertionIndex<R>(rows: readonly R[], row: R, compare: (a: R, b: R) => number): number {
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compare(rows[mid]!, row) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
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
export function reduceKeyChanges(): (rows: readonly KeyValueBody[], event: KeyChangeEvent) => readonly KeyValueBody[] {
  return reduceKeyed<KeyValueBody, KeyChangeEvent>({
    rowKey: (row) => `${row.cf}\u0000${row.key}`,
    eventKey: (event) => `${event.cf}\u0000${event.key}`,
    toRow: (event) => (event.operation === 'delete' ? null : { key: event.key, value: event.value ?? '', cf: event.cf }),
    compare: byKey,
  });
}
