import { TestBed } from '@angular/core/testing';
import { BehaviorSubject, of } from 'rxjs';
import type { RealtimeTestingController, TestStream } from 'ngx-realtime/testing';
import { withAuth, withHeartbeat, withPollingFallback, withTransports } from '../config/provide-realtime';
import type { WebSocketService } from './websocket.service';
import { put, setup, tickToRetry } from './websocket-service-test-bed.spec';

/** Three WebSocket attempts that never reach welcome: the default fallback moves on to SSE. */
function failWebSocket(service: WebSocketService, controller: RealtimeTestingController): void {
  controller.expectConnection().drop();
  for (let i = 0; i < 2; i++) {
    tickToRetry(service, controller);
    controller.expectConnection().drop();
  }
}

describe('WebSocketService over Server-Sent Events', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('falls back to an SSE stream with the token in a header, not in the URL, and delivers its events', () => {
    const { service, controller, seqs } = setup();
    service.connect('secret');
    failWebSocket(service, controller);
    const stream = controller.expectStream();
    expect(stream.url.startsWith('http://realtime.test/events/stream?')).toBeTrue();
    expect(stream.headers['Authorization']).toBe('Bearer secret');
    expect(stream.params.has('token')).toBeFalse();
    expect(stream.params.get('batch')).toBe('1');
    expect(service.connectionState().status).toBe('reconnecting');
    stream.open({ lastSeq: 0, epoch: 'e1' });
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'sse' }));
    stream.emit(put('a'));
    stream.emitBatch([put('b'), put('c')]);
    expect(seqs()).toEqual([1, 2, 3]);
    controller.expectNoPoll();
  });

  it('reads events split across chunks anywhere, even inside a multi-byte character', () => {
    const { service, controller, events } = setup({ features: [withTransports('sse')] });
    service.connect('t');
    const stream = controller.expectStream();
    stream.open({ lastSeq: 0 });
    const body = new TextEncoder().encode(
      'id: 1\r\ndata: {"type":"key_change","seq":1,"timestamp":1,"operation":"put","key":"caf\u00e9","cf":"default","value":"\u20ac"}\r\n\r\n: ping\n\n',
    );
    for (let i = 0; i < body.length; i += 7) stream.emitRaw(body.slice(i, i + 7));
    expect(events.map((e) => (e.type === 'key_change' ? [e.key, e.value] : e.type))).toEqual([['caf\u00e9', '\u20ac']]);
  });

  it('resumes from its position on a new stream after the stream ends, with no gap or repeat', () => {
    const { service, controller, seqs } = setup({ features: [withTransports('sse')] });
    service.connect('t');
    const first = controller.expectStream();
    first.open({ lastSeq: 0, epoch: 'e1' });
    first.emit(put('a'));
    first.end();
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'reconnecting', reason: 'network' }));
    tickToRetry(service, controller);
    const second = controller.expectStream();
    expect(second.params.get('lastSeq')).toBe('1');
    expect(second.params.get('epoch')).toBe('e1');
    second.open({ lastSeq: 2, epoch: 'e1' });
    second.emit(put('a', 'v', 1)); // overlap: dropped
    second.emit(put('b', 'v', 2));
    expect(seqs()).toEqual([1, 2]);
  });

  it('honours the server\'s retry: as the least wait before the next stream', () => {
    const { service, controller } = setup({ features: [withTransports('sse')] });
    service.connect('t');
    const stream = controller.expectStream();
    stream.open();
    stream.emitRaw('retry: 7000\n: the server asks for 7 s between reconnects\n\n');
    stream.end();
    controller.tick(6999);
    controller.expectNoStream();
    controller.tick(1);
    controller.expectStream();
  });

  it('declares a silent stream dead after the heartbeat timeout and reconnects; server pings keep it alive', () => {
    const { service, controller } = setup({ features: [withTransports('sse'), withHeartbeat({ timeoutMs: 8000 })] });
    service.connect('t');
    const stream = controller.expectStream();
    stream.open();
    for (let i = 0; i < 5; i++) {
      controller.tick(4000);
      stream.ping();
    }
    expect(stream.state).toBe('open');
    controller.tick(10_000);
    expect(stream.closedByClient).toBeTrue();
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'reconnecting', reason: 'heartbeat_timeout' }));
  });

  it('an in-band closing 4004 gets a fresh token and reconnects; a 401 refusal ends in unauthorized', () => {
    let n = 0;
    const { service, controller } = setup({ features: [withTransports('sse')] });
    service.connect(() => of(`token-${++n}`));
    const stream = controller.expectStream();
    stream.open();
    stream.closing(4004, 'token expired');
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'reconnecting', reason: 'token_expired', lastCloseCode: 4004 }));
    const retry = controller.expectStream();
    expect(retry.headers['Authorization']).toBe('Bearer token-2');
    retry.refuse(401, 'Invalid authentication token');
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'disconnected', reason: 'unauthorized' }));
    controller.tick(120_000);
    controller.expectNoStream();
  });

  it('a 401 "Token has expired" refusal is an expiry: refreshed once, then connected', () => {
    let n = 0;
    const { service, controller } = setup({ features: [withTransports('sse')] });
    service.connect(() => of(`token-${++n}`));
    controller.expectStream().refuse(401, 'Token has expired');
    expect(service.connectionState().reason).toBe('token_expired');
    const retry = controller.expectStream();
    retry.open();
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'sse' }));
  });

  it('a 5xx counts as a failed attempt (backoff), a 404 or 503 moves on to polling at once', () => {
    const { service, controller } = setup({ features: [withTransports('sse', 'polling'), withPollingFallback({ afterFailedAttempts: 2 })] });
    service.connect('t');
    controller.expectStream().refuse(500);
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'reconnecting', attempt: 1 }));
    controller.expectNoPoll();
    tickToRetry(service, controller);
    controller.expectStream().refuse(503, 'Server-Sent Events are blocked');
    controller.expectPoll().respond();
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'polling' }));
  });

  it('while on SSE it probes the WebSocket and moves back to it with no gap or repeat', () => {
    const { service, controller, seqs } = setup({ features: [withPollingFallback({ probeIntervalMs: 5000 })] });
    service.connect('t');
    controller.expectConnection().refuse();
    const stream = controller.expectStream();
    stream.open({ lastSeq: 0 });
    stream.emit(put('a'));
    controller.tick(5000);
    const probe = controller.expectConnection();
    expect(probe.params.get('lastSeq')).toBe('1');
    stream.emit(put('b')); // the stream delivers while the probe connects
    probe.open({ lastSeq: 2 });
    expect(stream.closedByClient).toBeTrue();
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'websocket' }));
    probe.emit(put('b', 'v', 2)); // replay overlaps
    probe.emit(put('c', 'v', 3));
    expect(seqs()).toEqual([1, 2, 3]);
  });

  it('a probe still connecting when the stream it would replace ends is dropped, so one connection follows', () => {
    const { service, controller } = setup({ features: [withPollingFallback({ probeIntervalMs: 5000 })] });
    service.connect('t');
    controller.expectConnection().refuse();
    const stream = controller.expectStream();
    stream.open();
    controller.tick(5000);
    const probe = controller.expectConnection();
    stream.end();
    expect(probe.closedByClient).not.toBeNull();
    tickToRetry(service, controller);
    controller.expectStream().open();
    expect(controller.openSockets).toBe(0);
  });

  it('from polling it probes the WebSocket first, then SSE, and takes the first that gets ready', () => {
    const { service, controller } = setup({ features: [withPollingFallback({ probeIntervalMs: 5000 })] });
    service.connect('t');
    controller.expectConnection().refuse();
    controller.expectStream().refuse(404);
    controller.expectPoll().respond();
    const pending = controller.expectPoll();
    controller.tick(5000);
    controller.expectConnection().refuse();
    const streamProbe = controller.expectStream();
    expect(pending.cancelled).toBeFalse();
    streamProbe.open();
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'sse' }));
    expect(pending.cancelled).toBeTrue();
  });

  it('rotates a token by opening a stream with it beside the live one, switching once it is ready', () => {
    const tokens = new BehaviorSubject<string | null>('login');
    const { service, controller, seqs, states } = setup({ features: [withTransports('sse'), withAuth(tokens)] });
    const first = controller.expectStream();
    first.open({ lastSeq: 0 });
    first.emit(put('a'));
    const reconnecting = states.filter((s) => s.status === 'reconnecting').length;
    tokens.next('fresh');
    const second = controller.expectStream();
    expect(second.headers['Authorization']).toBe('Bearer fresh');
    expect(second.params.get('lastSeq')).toBe('1');
    first.emit(put('b')); // still live until the new one is ready
    expect(first.closedByClient).toBeFalse();
    second.open({ lastSeq: 2 });
    expect(first.closedByClient).toBeTrue();
    second.emit(put('b', 'v', 2));
    second.emit(put('c', 'v', 3));
    expect(seqs()).toEqual([1, 2, 3]);
    expect(states.filter((s) => s.status === 'reconnecting').length).toBe(reconnecting);
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'sse' }));
  });

  it('disconnect() aborts the stream and leaves no timer behind', () => {
    const { service, controller } = setup({ features: [withTransports('sse')] });
    service.connect('t');
    const stream: TestStream = controller.expectStream();
    stream.open();
    controller.tick(1);
    service.disconnect();
    expect(stream.closedByClient).toBeTrue();
    expect(controller.clock.pendingTimers).toBe(0);
    controller.tick(300_000);
    controller.expectNoStream();
  });
});
