import { parseLastSeqHeader } from '../protocol/frame-validation';
import type { KeyChangeEvent, KeyValueBody } from '../protocol/protocol';
import { reduceKeyChanges, reduceKeyed } from './reduce-keyed';

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

describe('parseLastSeqHeader', () => {
  it('reads a non-negative integer and refuses anything else', () => {
    expect(parseLastSeqHeader('41')).toBe(41);
    expect(parseLastSeqHeader(' 0 ')).toBe(0);
    for (const bad of [null, undefined, '', '-1', '4x', '1.5', '99999999999999999']) expect(parseLastSeqHeader(bad)).toBeNull();
  });
});
