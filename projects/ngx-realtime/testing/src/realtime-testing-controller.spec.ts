import { Component, inject, provideZonelessChangeDetection } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { TestBed } from '@angular/core/testing';
import { WebSocketService, provideRealtime } from 'ngx-realtime';
import { provideRealtimeTesting } from './provide-realtime-testing';
import { RealtimeTestingController } from './realtime-testing-controller';

@Component({
  selector: 'rt-last-key',
  template: `<p>{{ realtime.connectionState().status }}: {{ change()?.key ?? 'none' }}</p>`,
})
class LastKeyComponent {
  readonly realtime = inject(WebSocketService);
  readonly change = toSignal(this.realtime.onKeyChanges());
}

describe('RealtimeTestingController', () => {
  let controller: RealtimeTestingController;
  let realtime: WebSocketService;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideRealtime({ url: 'ws://fake/ws/events' }), provideRealtimeTesting()],
    });
    controller = TestBed.inject(RealtimeTestingController);
    realtime = TestBed.inject(WebSocketService);
  });

  afterEach(() => TestBed.resetTestingModule());

  it('drives a component through the real service', async () => {
    const fixture = TestBed.createComponent(LastKeyComponent);
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent.trim()).toBe('disconnected: none');
    realtime.connect('t');
    controller.emit({ type: 'key_change', operation: 'put', key: 'user:1', cf: 'default', value: 'x' });
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent.trim()).toBe('connected: user:1');
    controller.connection.drop();
    await fixture.whenStable();
    expect(fixture.nativeElement.textContent.trim()).toBe('reconnecting: user:1');
    controller.verify();
  });

  it('emit() fills in increasing seqs and the fake clock time', () => {
    realtime.connect('t');
    const a = controller.emit({ type: 'key_change', operation: 'put', key: 'a', cf: 'default', value: '1' });
    const b = controller.emit({ type: 'key_change', operation: 'delete', key: 'a', cf: 'default' });
    expect([(a as { seq: number }).seq, (b as { seq: number }).seq]).toEqual([1, 2]);
    expect((a as { timestamp: number }).timestamp).toBe(controller.clock.now());
    expect(realtime.lastSeq()).toBe(2);
  });

  it('emit() without connect() explains what is missing', () => {
    expect(() => controller.emit({ type: 'key_change', operation: 'delete', key: 'a', cf: 'default' })).toThrowError(
      /^ngx-realtime\/testing: connection.open\(\) found no socket .* Did the code under test call WebSocketService.connect\(\)\?/,
    );
  });

  it('verify() fails on a socket the spec never expected', () => {
    realtime.connect('t');
    expect(() => controller.verify()).toThrowError(/1 unexpected connection\(s\) or poll\(s\) left open:\n {2}WebSocket ws:\/\/fake\/ws\/events\?token=t&batch=1 \(connecting\)/);
    controller.expectConnection();
    expect(() => controller.verify()).not.toThrow();
  });

  it('expectConnection() fails when nothing was opened, pointing at a due timer', () => {
    realtime.connect('t');
    controller.connection.open();
    controller.connection.drop();
    expect(() => controller.expectConnection()).toThrowError(/found 0\. .* A timer is due in 500 ms: call controller\.tick\(500\)\./);
    controller.tick(500);
    expect(controller.expectConnection('token=t').state).toBe('connecting');
  });

  it('records what the app sent and how it closed', () => {
    realtime.connect('t');
    const connection = controller.connection.open({ heartbeat: { intervalMs: 100, timeoutMs: 1000 } });
    expect(connection.ping()).toBeTrue();
    expect(connection.sent).toEqual([
      { type: 'ping', id: 'latency' },
      { type: 'pong', id: 'server-ping-1' },
    ]);
    realtime.disconnect();
    expect(connection.closedByClient).toEqual({ code: 1000, reason: 'client disconnect' });
    expect(controller.openSockets).toBe(0);
  });

  it('cannot answer a poll twice', () => {
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({
      providers: [provideZonelessChangeDetection(), provideRealtime({ url: 'ws://fake/ws/events' }), provideRealtimeTesting()],
    });
    const backend = TestBed.inject(RealtimeTestingController).backend;
    let answers = 0;
    backend.poll({ url: 'http://fake/events/poll', token: 't', since: 0, waitMs: 0, params: {} }).subscribe(() => answers++);
    const poll = TestBed.inject(RealtimeTestingController).expectPoll();
    poll.respond();
    expect(() => poll.respond()).toThrowError(/already answered/);
    expect(answers).toBe(1);
  });
});
