import type { KeyChangeEvent } from 'ngx-realtime';
import { firstAtOrAfter, inPage, keyListPage, reduceKeyListPage, rowOf, wholeList, type KeyListPage } from './key-list-page';

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

  it('applies a batch as its events one by one would, in range and out of it, with repeats', () => {
    let seed = 19;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const keys = ['u:a', 'u:b', 'u:bb', 'u:c', 'u:cc', 'u:d', 'u:da', 'u:z', 'v:c'];
    for (let round = 0; round < 200; round++) {
      const events = Array.from({ length: Math.floor(random() * 20) }, () => {
        const key = keys[Math.floor(random() * keys.length)]!;
        return random() < 0.4 ? del(key) : put(key);
      });
      const start: KeyListPage = random() < 0.5 ? middle : wholeList([kv('u:a'), kv('u:c')], 'u:');
      let oneByOne = start;
      for (const event of events) oneByOne = reduceKeyListPage(oneByOne, event);
      const batched = reduceKeyListPage.reduceMany(start, events);
      expect(batched).withContext(`round ${round}`).toEqual(oneByOne);
      if (oneByOne === start) expect(batched).toBe(start);
    }
  });

  it('holding the whole list, takes every write under the prefix and counts its own rows', () => {
    let all = wholeList([kv('u:b')], 'u:');
    all = reduceKeyListPage.reduceMany(all, [put('u:a'), put('u:zzz'), del('u:b'), put('v:1')]);
    expect(all.rows.map((r) => r.key)).toEqual(['u:a', 'u:zzz']);
    expect(all.total).toBe(2);
    expect(all.changedElsewhere).toBe(0);
  });

  it('finds a row and a window start by binary search', () => {
    const rows = ['a', 'c', 'e'].map(kv);
    expect([firstAtOrAfter(rows, ''), firstAtOrAfter(rows, 'c'), firstAtOrAfter(rows, 'd'), firstAtOrAfter(rows, 'z')]).toEqual([0, 1, 2, 3]);
    const page = wholeList(rows, '');
    expect(rowOf(page, 'c')).toBe(rows[1]);
    expect(rowOf(page, 'd')).toBeUndefined();
  });
});
