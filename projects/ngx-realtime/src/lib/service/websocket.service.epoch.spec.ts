import { TestBed } from '@angular/core/testing';
import { withPollingFallback, withTransports } from '../config/provide-realtime';
import { put, setup, tickToRetry } from './websocket-service-test-bed.spec';

/** Epochs: a seq means something only with the history (epoch) it belongs to. */
describe('WebSocketService epochs', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('resumes with the epoch of its lastSeq; a server with a new history resyncs it once, with epoch_changed', () => {
    const { service, controller, resyncs, errors, seqs } = setup();
    service.connect('t');
    const first = controller.expectConnection();
    expect(first.params.get('epoch')).toBeNull(); // nothing to resume yet
    first.open({ lastSeq: 0, epoch: 'e1' });
    controller.emit(put('a'));
    controller.emit(put('b'));
    first.drop();
    tickToRetry(service, controller);

    const second = controller.expectConnection();
    expect(second.params.get('lastSeq')).toBe('2');
    expect(second.params.get('epoch')).toBe('e1');
    // The server lost its history: a new epoch, and a sequence that restarted below ours.
    second.open({ lastSeq: 1, epoch: 'e2' });
    second.emit({ type: 'resync', reason: 'epoch_changed', lastSeq: 1 });
    expect(resyncs).toEqual([{ type: 'resync', reason: 'epoch_changed', lastSeq: 1 }]);
    expect(errors.map((e) => e.code)).not.toContain('history_lost');
    second.emit(put('c', 'v', 2)); // seq 2 again, but of the new history: delivered
    expect(seqs()).toEqual([1, 2, 2]);
    second.drop();
    tickToRetry(service, controller);
    expect(controller.expectConnection().params.get('epoch')).toBe('e2');
  });

  it('long polling sends the epoch the last answer named, and takes epoch_changed from a poll', () => {
    const { service, controller, resyncs } = setup({
      features: [withPollingFallback({ afterFailedAttempts: 1, probeIntervalMs: 60_000, waitMs: 20_000 }), withTransports('websocket', 'polling')],
      config: { pollUrl: 'http://realtime.test/events/poll' },
    });
    service.connect('t');
    controller.expectConnection().refuse();
    const first = controller.expectPoll();
    expect(first.epoch).toBeNull();
    first.respond({ events: [put('a')], epoch: 'p1' });
    const second = controller.expectPoll();
    expect(second.since).toBe(1);
    expect(second.epoch).toBe('p1');
    second.respond({ lastSeq: 7, epoch: 'p2', resync: { type: 'resync', reason: 'epoch_changed', lastSeq: 7 } });
    expect(resyncs.map((r) => r.reason)).toEqual(['epoch_changed']);
    const third = controller.expectPoll();
    expect(third.since).toBe(7);
    expect(third.epoch).toBe('p2');
  });
});

describe('WebSocketService with a url function', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('asks it before each attempt, so a reconnect can land on another instance and resume there', () => {
    const instances = ['ws://a.test/ws/events', 'ws://b.test/ws/events'];
    let asked = 0;
    const { service, controller, seqs } = setup({
      config: { url: () => instances[asked++ % instances.length]! },
      features: [withPollingFallback({ afterFailedAttempts: 3, probeIntervalMs: 60_000, waitMs: 20_000 }), withTransports('websocket', 'polling')],
    });
    service.connect('t');
    const onA = controller.expectConnection();
    expect(onA.url.startsWith('ws://a.test/ws/events')).toBeTrue();
    onA.open({ lastSeq: 0, epoch: 'shared' });
    controller.emit(put('x'));
    onA.drop();
    tickToRetry(service, controller);
    const onB = controller.expectConnection();
    expect(onB.url.startsWith('ws://b.test/ws/events')).toBeTrue();
    expect(onB.params.get('lastSeq')).toBe('1');
    expect(onB.params.get('epoch')).toBe('shared');
    onB.open({ lastSeq: 2, epoch: 'shared' });
    onB.emit(put('y', 'v', 2)); // the replay on B
    expect(seqs()).toEqual([1, 2]);
    expect(asked).toBe(2);
    // Polling falls back to the origin of the socket URL last tried, without asking again.
    onB.drop();
    for (let i = 0; i < 3; i++) {
      tickToRetry(service, controller);
      controller.expectConnection().drop();
    }
    expect(asked).toBe(5); // the last attempt went to instance a
    expect(controller.expectPoll().url).toBe('http://a.test/events/poll');
    expect(asked).toBe(5);
  });
});
