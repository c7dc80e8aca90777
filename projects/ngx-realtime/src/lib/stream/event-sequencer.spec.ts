import { EventSequencer } from './event-sequencer';
import type { KeyChangeEvent } from '../protocol/protocol';

const event = (seq: number): KeyChangeEvent => ({ type: 'key_change', operation: 'delete', key: 'k', cf: 'default', seq, timestamp: 0 });

describe('EventSequencer', () => {
  it('accepts increasing seqs and drops duplicates and stale ones', () => {
    const sequencer = new EventSequencer();
    const accepted = [1, 2, 2, 3, 1, 5, 4, 6].filter((s) => sequencer.accept(event(s)));
    expect(accepted).toEqual([1, 2, 3, 5, 6]);
    expect(sequencer.lastSeq).toBe(6);
  });

  it("adopts the server's position only when it has none", () => {
    const sequencer = new EventSequencer();
    sequencer.adoptIfUnknown(10);
    sequencer.adoptIfUnknown(3);
    expect(sequencer.lastSeq).toBe(10);
    expect(sequencer.accept(event(10))).toBeFalse();
  });

  it('advances but never goes back; resetTo may go anywhere (resync)', () => {
    const sequencer = new EventSequencer();
    sequencer.advanceTo(5);
    sequencer.advanceTo(2);
    expect(sequencer.lastSeq).toBe(5);
    sequencer.resetTo(1);
    expect(sequencer.accept(event(2))).toBeTrue();
  });
});
