import { TestBed } from '@angular/core/testing';
import type { KeyChangeEvent } from '../protocol/protocol';
import { withBatching, withPollingFallback, withTransports } from '../config/provide-realtime';
import { put, setup } from './websocket-service-test-bed.spec';

describe('WebSocketService batch frames', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('announces batching by default (?batch=1, and batch: true in a first-frame auth); withBatching(false) does not', () => {
    const byDefault = setup();
    byDefault.service.connect('t');
    expect(byDefault.controller.expectConnection().params.get('batch')).toBe('1');
    TestBed.resetTestingModule();

    const frameAuth = setup({ config: { authMode: 'frame' } });
    frameAuth.service.connect('t');
    const connection = frameAuth.controller.expectConnection().accept();
    expect(connection.sent).toEqual([{ type: 'auth', token: 't', batch: true }]);
    TestBed.resetTestingModule();

    const optedOut = setup({ features: [withBatching(false)], config: { authMode: 'frame' } });
    optedOut.service.connect('t');
    const plain = optedOut.controller.expectConnection();
    expect(plain.params.has('batch')).toBeFalse();
    plain.accept();
    expect(plain.sent).toEqual([{ type: 'auth', token: 't' }]);
  });

  it('delivers each event of a batch on its own, in order, through the same sequencing', () => {
    const { service, controller, seqs } = setup();
    const keys: string[] = [];
    service.onKeyChanges({ keyPrefix: 'user:' }).subscribe((e: KeyChangeEvent) => keys.push(e.key));
    service.connect('t');
    const connection = controller.connection.open({ lastSeq: 0 });
    connection.emit(put('user:0'));
    connection.emitBatch([put('user:1'), put('order:1'), { type: 'health_change', probe: 'readiness', status: 'healthy' }, put('user:2')]);
    // A replay that overlaps what was delivered: the repeats are dropped, the rest goes through.
    connection.emitBatch([put('user:1', 'v', 2), put('user:2', 'v', 5), put('user:3', 'v', 6)]);
    expect(seqs()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(keys).toEqual(['user:0', 'user:1', 'user:2', 'user:3']);
    expect(service.lastSeq()).toBe(6);
  });

  it('reports a bad element of a batch and still delivers the good ones', () => {
    const { service, controller, seqs, errors } = setup();
    service.connect('t');
    const connection = controller.connection.open({ lastSeq: 0 });
    connection.emitRaw(
      JSON.stringify({
        type: 'batch',
        events: [
          { type: 'key_change', seq: 1, timestamp: 1, operation: 'put', key: 'a', cf: 'default', value: '1' },
          { type: 'key_change', seq: 2, timestamp: 1, operation: 'upsert', key: 'b', cf: 'default' },
          { type: 'stats_update', timestamp: 1, stats: { sst_files: 1, sst_kb: 1, mem_records: 1, mem_kb: 1, wal_kb: 1, total_records: 1, wsConnections: 1, uptimeMs: 1 } },
          'not an object',
          { type: 'key_change', seq: 3, timestamp: 1, operation: 'delete', key: 'a', cf: 'default' },
        ],
      }),
    );
    expect(seqs()).toEqual([1, 3]);
    expect(errors.map((e) => e.code)).toEqual(['invalid_frame', 'invalid_frame', 'invalid_frame']);
    expect(errors[0]!.message).toContain('batch element 1');
    expect(errors[1]!.message).toContain('not a sequenced event');
    connection.emitRaw('{"type":"batch","events":"nope"}');
    expect(errors.at(-1)!.code).toBe('invalid_frame');
    expect(service.connectionState().status).toBe('connected');
  });

  it('brackets the events of a batch frame and of a poll answer as one group; a lone event is none', () => {
    const socket = setup();
    const groups: string[] = [];
    /** Per event: whether it came inside a group; and, per group, one callback when it ends. */
    const watch = (service: typeof socket.service) =>
      service.onKeyChanges().subscribe((e: KeyChangeEvent) => {
        groups.push(`${e.key}:${service.ɵbatching() ? 'in' : 'alone'}`);
        if (service.ɵbatching() && e.key.endsWith('first')) service.ɵafterBatch(() => groups.push('end'));
      });
    watch(socket.service);
    socket.service.connect('t');
    const connection = socket.controller.connection.open({ lastSeq: 0 });
    connection.emit(put('single'));
    connection.emitBatch([put('batch-first'), put('batch-second')]);
    connection.emitBatch([put('lone-batch')]);
    expect(groups).toEqual(['single:alone', 'batch-first:in', 'batch-second:in', 'end', 'lone-batch:alone']);
    TestBed.resetTestingModule();

    groups.length = 0;
    const polling = setup({ features: [withPollingFallback(), withTransports('websocket', 'polling')] });
    watch(polling.service);
    polling.service.connect('t');
    polling.controller.expectConnection().refuse();
    polling.controller.expectPoll().respond({ events: [put('poll-first', 'v', 1), put('poll-second', 'v', 2)], lastSeq: 2 });
    expect(groups).toEqual(['poll-first:in', 'poll-second:in', 'end']);
    expect(polling.service.ɵbatching()).toBeFalse();
  });
});
