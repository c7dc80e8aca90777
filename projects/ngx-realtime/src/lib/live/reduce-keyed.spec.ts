import { parseLastSeqHeader } from '../protocol/frame-validation';
import type { KeyChangeEvent, KeyValueBody } from '../protocol/protocol';
import { reduceKeyChanges, reduceKeyed, type KeyedReducer, type KeyedReducerOptions } from './reduce-keyed';

const put = (key: string, value: string, cf = 'default'): KeyChangeEvent => ({ type: 'key_change', operation: 'put', key, cf, value, seq: 1, timestamp: 0 });
const del = (key: string, cf = 'default'): KeyChangeEvent => ({ type: 'key_change', operation: 'delete', key, cf, seq: 1, timestamp: 0 });
const show = (rows: readonly KeyValueBody[]) => rows.map((r) => `${r.cf}/${r.key}=${r.value}`);

describe('reduceKeyChanges', () => {
  const reduce = reduceKeyChanges();

  it('inserts in key order, updates in place, removes on delete, without mutating', () => {
    const start: readonly KeyValueBody[] = Object.freeze([{ key: 'b', value: '1', cf: 'default' }]);
    let rows = reduce(start, put('c', '3'));
    rows = reduce(rows, put('a', '0'));
    rows = reduce(rows, put('b', '2'));
    expect(show(rows)).toEqual(['default/a=0', 'default/b=2', 'default/c=3']);
    rows = reduce(rows, del('b'));
    expect(show(rows)).toEqual(['default/a=0', 'default/c=3']);
    expect(show(start)).toEqual(['default/b=1']);
  });

  it('orders by code unit like the server, and keeps column families apart', () => {
    let rows: readonly KeyValueBody[] = [];
    for (const key of ['b', 'B', 'a', '_']) rows = reduce(rows, put(key, key));
    rows = reduce(rows, put('a', 'other', 'cf2'));
    rows = reduce(rows, del('a', 'cf2'));
    expect(rows.map((r) => r.key)).toEqual(['B', '_', 'a', 'b']);
  });

  it('is idempotent, and a delete of an absent key returns the same array', () => {
    const once = reduce([], put('k', 'v'));
    expect(reduce(once, put('k', 'v'))).toEqual(once);
    const gone = reduce(once, del('k'));
    expect(reduce(gone, del('k'))).toBe(gone);
  });
});

describe('reduceKeyed', () => {
  interface Job { id: string; status: string }
  interface JobEvent { jobId: string; status: string }
  it('appends without compare and upserts by identity', () => {
    const reduce = reduceKeyed<Job, JobEvent>({
      rowKey: (job) => job.id,
      eventKey: (event) => event.jobId,
      toRow: (event, job) => (event.status === 'removed' ? null : { ...job, id: event.jobId, status: event.status }),
    });
    let rows = reduce([], { jobId: 'z', status: 'queued' });
    rows = reduce(rows, { jobId: 'a', status: 'queued' });
    rows = reduce(rows, { jobId: 'z', status: 'running' });
    expect(rows).toEqual([{ id: 'z', status: 'running' }, { id: 'a', status: 'queued' }]);
    expect(reduce(rows, { jobId: 'z', status: 'removed' })).toEqual([{ id: 'a', status: 'queued' }]);
  });
});

/** What reduceKeyChanges() is made of, for the reference and for variants. */
export const keyChangeOptions: KeyedReducerOptions<KeyValueBody, KeyChangeEvent> = {
  rowKey: (row) => `${row.cf}\u0000${row.key}`,
  eventKey: (event) => `${event.cf}\u0000${event.key}`,
  toRow: (event) => (event.operation === 'delete' ? null : { key: event.key, value: event.value ?? '', cf: event.cf }),
  compare: (a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.cf < b.cf ? -1 : a.cf > b.cf ? 1 : 0),
};

/**
 * The reducer as it was before batches: a linear search and a copy per event. The specs hold the
 * new one to it, event by event and batch by batch.
 */
export function referenceReducer<R, E>(options: KeyedReducerOptions<R, E>): (rows: readonly R[], event: E) => readonly R[] {
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
    let at = copy.length;
    if (compare) {
      at = 0;
      while (at < copy.length && compare(copy[at]!, next) <= 0) at++;
    }
    copy.splice(at, 0, next);
    return copy;
  };
}

/** A seeded pseudo-random source (mulberry32), so a failing case can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('reduceMany', () => {
  interface Job { id: string; status: string; version: number }
  interface JobEvent { jobId: string; status: string | null }
  const jobOptions = (compare?: (a: Job, b: Job) => number): KeyedReducerOptions<Job, JobEvent> => ({
    rowKey: (job) => job.id,
    eventKey: (event) => event.jobId,
    toRow: (event, job) => (event.status === null ? null : { id: event.jobId, status: event.status, version: (job?.version ?? 0) + 1 }),
    compare,
  });
  const byId = (a: Job, b: Job) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  // Many rows share a status: inserts go last among equals, and a status change moves a row.
  const byStatus = (a: Job, b: Job) => (a.status < b.status ? -1 : a.status > b.status ? 1 : 0);
  const collections = {
    'sorted, found by binary search (reduceKeyChanges)': null,
    unsorted: jobOptions(),
    'sorted by key, found through the index': jobOptions(byId),
    'sorted with ties, found through the index': jobOptions(byStatus),
  };

  /** Puts and deletes over few keys, so repeats, re-adds and deletes of absent keys are common. */
  function jobEvents(random: () => number, count: number, keys: number): JobEvent[] {
    return Array.from({ length: count }, () => ({ jobId: `j${Math.floor(random() * keys)}`, status: random() < 0.3 ? null : `s${Math.floor(random() * 3)}` }));
  }
  function keyEvents(random: () => number, count: number, keys: number): KeyChangeEvent[] {
    return Array.from({ length: count }, () => {
      const key = `k${Math.floor(random() * keys)}`;
      const cf = random() < 0.2 ? 'other' : 'default';
      return random() < 0.3 ? del(key, cf) : put(key, `v${Math.floor(random() * 1000)}`, cf);
    });
  }

  /** Applies `events` in random batches; the state after each batch must match the reference, event by event. */
  function check<R, E>(name: string, reducer: KeyedReducer<R, E>, reference: (rows: readonly R[], event: E) => readonly R[], events: E[], random: () => number): void {
    let batched: readonly R[] = [];
    let expected: readonly R[] = [];
    for (let i = 0; i < events.length; ) {
      const size = 1 + Math.floor(random() * 12);
      const batch = events.slice(i, i + size);
      const before = batched;
      const frozen = JSON.stringify(before);
      batched = batch.length === 1 && random() < 0.5 ? reducer(batched, batch[0]!) : reducer.reduceMany(batched, batch);
      for (const event of batch) expected = reference(expected, event);
      expect(JSON.stringify(before)).withContext(`${name}: the input array is left as it was`).toBe(frozen);
      expect(batched).withContext(`${name}, events ${i}-${i + size - 1}`).toEqual(expected);
      i += size;
    }
  }

  for (const [name, options] of Object.entries(collections)) {
    it(`gives what the one-by-one reducer gives, for random puts and deletes with repeats: ${name}`, () => {
      const random = seeded(19);
      for (let round = 0; round < 150; round++) {
        const count = Math.floor(random() * 40);
        const keys = 1 + Math.floor(random() * 12);
        if (options === null) {
          check(name, reduceKeyChanges(), referenceReducer(keyChangeOptions), keyEvents(random, count, keys), random);
        } else {
          check(name, reduceKeyed(options), referenceReducer(options), jobEvents(random, count, keys), random);
        }
      }
    });
  }

  it('returns the same array when a batch only deletes absent rows, a new one made once otherwise', () => {
    const reduce = reduceKeyChanges();
    const rows = reduce.reduceMany([], [put('a', '1'), put('b', '2')]);
    expect(reduce.reduceMany(rows, [del('x'), del('y')])).toBe(rows);
    const next = reduce.reduceMany(rows, [put('a', '3')]);
    expect(next).not.toBe(rows);
    expect(next[1]).toBe(rows[1]!); // untouched rows are the same objects
  });

  it('finds rows without building a key per row per event: binary search, or an index that follows the arrays it makes', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ key: `k${String(i).padStart(4, '0')}`, value: '', cf: 'default' }));
    const events = Array.from({ length: 200 }, (_, i) => (i % 4 === 0 ? del(`k${String(i * 3).padStart(4, '0')}`) : put(`k${String(i * 5).padStart(4, '0')}x`, 'v')));
    let keysBuilt = 0;
    const searched = reduceKeyed<KeyValueBody, KeyChangeEvent>({
      ...keyChangeOptions,
      rowKey: (row) => (keysBuilt++, keyChangeOptions.rowKey(row)),
      seek: (row, event) => (row.key < event.key ? -1 : row.key > event.key ? 1 : 0),
    });
    let state: readonly KeyValueBody[] = rows;
    for (let i = 0; i < events.length; i += 20) state = searched.reduceMany(state, events.slice(i, i + 20));
    expect(keysBuilt).withContext('binary search: no row key built').toBe(0);

    keysBuilt = 0;
    const indexed = reduceKeyed<KeyValueBody, KeyChangeEvent>({ ...keyChangeOptions, rowKey: (row) => (keysBuilt++, keyChangeOptions.rowKey(row)) });
    state = rows;
    for (let i = 0; i < events.length; i += 20) state = indexed.reduceMany(state, events.slice(i, i + 20));
    for (const event of events.slice(0, 50)) state = indexed(state, event);
    expect(keysBuilt).withContext('index: built once, for the first array').toBe(rows.length);
    // An array it did not make (a new snapshot) gets an index of its own.
    indexed(rows, put('new', 'v'));
    expect(keysBuilt).toBe(2 * rows.length);
  });

  it('stops at an event whose row cannot be made: nothing after it is read, the input is untouched', () => {
    const seen: string[] = [];
    const reduce = reduceKeyed<Job, JobEvent>({
      ...jobOptions(byId),
      toRow: (event, job) => {
        seen.push(event.jobId);
        if (event.jobId === 'bad') throw new Error('cannot make the row');
        return event.status === null ? null : { id: event.jobId, status: event.status, version: (job?.version ?? 0) + 1 };
      },
    });
    const rows = reduce.reduceMany([], [{ jobId: 'a', status: 'x' }]);
    expect(() => reduce.reduceMany(rows, [{ jobId: 'b', status: 'x' }, { jobId: 'bad', status: 'x' }, { jobId: 'c', status: 'x' }])).toThrowError('cannot make the row');
    expect(seen).toEqual(['a', 'b', 'bad']);
    expect(rows.map((job) => job.id)).toEqual(['a']);
    // The index was not moved by the failed batch: the next one still finds the rows.
    expect(reduce.reduceMany(rows, [{ jobId: 'a', status: null }])).toEqual([]);
  });
});

describe('parseLastSeqHeader', () => {
  it('reads a non-negative integer and refuses anything else', () => {
    expect(parseLastSeqHeader('41')).toBe(41);
    expect(parseLastSeqHeader(' 0 ')).toBe(0);
    for (const bad of [null, undefined, '', '-1', '4x', '1.5', '99999999999999999']) expect(parseLastSeqHeader(bad)).toBeNull();
  });
});
