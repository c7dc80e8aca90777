import type { KeyChangeEvent } from 'ngx-realtime';
import { inPage, keyListPage, reduceKeyListPage } from './key-list-page';

const kv = (key: string) => ({ key, value: key, cf: 'default' });
const put = (key: string): KeyChangeEvent => ({ type: 'key_change', operation: 'put', key, cf: 'default', value: 'new', seq: 1, timestamp: 0 });
const del = (key: string): KeyChangeEvent => ({ type: 'key_change', operation: 'delete', key, cf: 'default', seq: 1, timestamp: 0 });

describe('key list page', () => {
  // The middle page of u:a … u:z: (u:b, u:d].
  const middle = keyListPage({ keys: [kv('u:c'), kv('u:d')], total: 10, next: 'u:d' }, 'u:', 'u:b');

  it('spans from after its cursor to its last key when a page follows', () => {
    expect(['u:b', 'u:bb', 'u:d', 'u:da', 'v:c'].map((key) => inPage(middle, key))).toEqual([false, true, true, false, false]);
    const last = keyListPage({ keys: [kv('u:c')], total: 3, next: null }, 'u:', 'u:b');
    expect(inPage(last, 'u:zzz')).toBeTrue();
  });

  it('applies writes inside its range exactly, the total following adds and deletes', () => {
    let page = reduceKeyListPage(middle, put('u:cc'));
    expect(page.rows.map((r) => r.key)).toEqual(['u:c', 'u:cc', 'u:d']);
    expect(page.total).toBe(11);
    page = reduceKeyListPage(page, put('u:cc')); // an update: no new key
    expect(page.total).toBe(11);
    page = reduceKeyListPage(page, del('u:c'));
    expect(page.rows.map((r) => r.key)).toEqual(['u:cc', 'u:d']);
    expect(page.total).toBe(10);
    expect(reduceKeyListPage(page, del('u:c'))).toBe(page); // already gone
    expect(page.changedElsewhere).toBe(0);
  });

  it('only counts writes to other pages, and ignores keys outside the prefix', () => {
    let page = reduceKeyListPage(middle, put('u:x'));
    page = reduceKeyListPage(page, del('u:a'));
    expect(page.rows).toBe(middle.rows);
    expect(page.total).toBe(10);
    expect(page.changedElsewhere).toBe(2);
    expect(reduceKeyListPage(page, put('v:1'))).toBe(page);
  });
});
