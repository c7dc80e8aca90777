import { config } from 'rxjs';
import type { HealthEvent, KeyChangeEvent, ServerEvent } from '../protocol/protocol';
import { EventFanout } from './event-fanout';

const key = (seq: number, k = `k${seq}`): KeyChangeEvent => ({ type: 'key_change', seq, timestamp: 1, operation: 'put', key: k, cf: 'default', value: 'v' });
const health = (seq: number): HealthEvent => ({ type: 'health_change', seq, timestamp: 1, probe: 'readiness', status: 'healthy' });

describe('EventFanout', () => {
  it('delivers each event to every-event subscribers and to those of its type only, in order', () => {
    const fanout = new EventFanout();
    const all: number[] = [];
    const keys: number[] = [];
    const healths: number[] = [];
    fanout.listen(null).subscribe((e) => all.push((e as KeyChangeEvent).seq));
    fanout.listen<KeyChangeEvent>('key_change').subscribe((e) => keys.push(e.seq));
    fanout.listen<HealthEvent>('health_change').subscribe((e) => healths.push(e.seq));
    for (const e of [key(1), health(2), key(3)]) fanout.emit(e);
    expect(all).toEqual([1, 2, 3]);
    expect(keys).toEqual([1, 3]);
    expect(healths).toEqual([2]);
  });

  it('runs a filtered subscriber’s predicate in place of an operator', () => {
    const fanout = new EventFanout();
    const users: string[] = [];
    fanout.listen<KeyChangeEvent>('key_change', (e) => e.key.startsWith('user:')).subscribe((e) => users.push(e.key));
    fanout.emit(key(1, 'user:1'));
    fanout.emit(key(2, 'order:1'));
    expect(users).toEqual(['user:1']);
  });

  it('is safe when a subscriber unsubscribes itself or another one during delivery', () => {
    const fanout = new EventFanout();
    const seen: string[] = [];
    const first = fanout.listen('key_change').subscribe(() => {
      seen.push('first');
      first.unsubscribe();
      second.unsubscribe();
    });
    const second = fanout.listen('key_change').subscribe(() => seen.push('second'));
    fanout.emit(key(1));
    fanout.emit(key(2));
    // An observer that was unsubscribed mid-delivery gets nothing more, as with a Subject.
    expect(seen).toEqual(['first']);
  });

  it('a subscriber that throws does not keep the event from the others', async () => {
    const fanout = new EventFanout();
    const seen: number[] = [];
    const errors: unknown[] = [];
    const original = config.onUnhandledError;
    config.onUnhandledError = (error) => errors.push(error);
    try {
      fanout.listen<KeyChangeEvent>('key_change').subscribe(() => {
        throw new Error('app bug');
      });
      fanout.listen<KeyChangeEvent>('key_change').subscribe((e) => seen.push(e.seq));
      expect(() => fanout.emit(key(1))).not.toThrow();
      // RxJS reports an observer's error on a later task.
      await new Promise((resolve) => setTimeout(resolve, 0));
    } finally {
      config.onUnhandledError = original;
    }
    expect(seen).toEqual([1]);
    expect(errors).toEqual([jasmine.objectContaining({ message: 'app bug' })]);
  });

  it('complete() completes every subscriber, and later ones at once', () => {
    const fanout = new EventFanout();
    const completed: string[] = [];
    fanout.listen(null).subscribe({ complete: () => completed.push('all') });
    fanout.listen('stats_update').subscribe({ complete: () => completed.push('stats') });
    fanout.complete();
    fanout.listen('key_change').subscribe({ complete: () => completed.push('late') });
    const events: ServerEvent[] = [];
    fanout.listen(null).subscribe((e) => events.push(e));
    fanout.emit(key(1));
    expect(completed).toEqual(['all', 'stats', 'late']);
    expect(events).toEqual([]);
  });
});
