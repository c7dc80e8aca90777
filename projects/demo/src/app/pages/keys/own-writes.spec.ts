import type { KeyChangeEvent } from 'ngx-realtime';
import { OwnWrites } from './own-writes';

const event = (key: string, seq: number): KeyChangeEvent => ({ type: 'key_change', operation: 'put', key, cf: 'default', value: 'v', seq, timestamp: 0 });
const keys = (own: OwnWrites, lastSeq: number | null) => own.unconfirmed(lastSeq).map((w) => w.key);

describe('OwnWrites', () => {
  it('shows an answered write until the stream reaches its seq', () => {
    const own = new OwnWrites();
    own.sent('a');
    own.answered({ key: 'a', cf: 'default', value: 'v', seq: 5 }, 3);
    expect(keys(own, 4)).toEqual(['a']);
    expect(keys(own, null)).toEqual(['a']);
    expect(keys(own, 5)).toEqual([]);
  });

  it('forgets confirmed writes, keeping later ones', () => {
    const own = new OwnWrites();
    own.answered({ key: 'a', cf: 'default', value: 'v', seq: 5 }, 1);
    own.answered({ key: 'b', cf: 'default', value: 'v', seq: 9 }, 1);
    own.confirmedUpTo(6);
    expect(keys(own, null)).toEqual(['b']);
  });

  it('recognises each own event once, also when it overtakes the answer', () => {
    const own = new OwnWrites();
    own.sent('a');
    expect(own.takeEvent(event('a', 5))).toBeTrue();
    own.answered({ key: 'a', cf: 'default', value: 'v', seq: 5 }, 5);
    expect(keys(own, 5)).toEqual([]);
    expect(own.takeEvent(event('a', 6))).toBeFalse(); // another client's
  });

  it('forgets failed writes, and confirms seq-less answers by their event', () => {
    const own = new OwnWrites();
    own.sent('a');
    own.failed('a');
    expect(own.takeEvent(event('a', 1))).toBeFalse();

    own.sent('b');
    own.answered({ key: 'b', cf: 'default', value: 'v', seq: null }, 1);
    expect(keys(own, 100)).toEqual(['b']);
    expect(own.takeEvent(event('b', 2))).toBeTrue();
    expect(keys(own, 100)).toEqual([]);
  });
});
