import { provideZonelessChangeDetection } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { WebSocketService, preloadRealtimeFallbacks, provideRealtime, withPollingFallback } from 'ngx-realtime';
import { RealtimeTestingController, provideRealtimeTesting } from 'ngx-realtime/testing';
import { ConnectionStatusPill } from './connection-status-pill';

describe('ConnectionStatusPill', () => {
  let fixture: ComponentFixture<ConnectionStatusPill>;
  let realtime: WebSocketService;
  let controller: RealtimeTestingController;

  // Some specs fall back to Server-Sent Events and long polling, whose code loads on first need.
  beforeAll(() => preloadRealtimeFallbacks());

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRealtime({ url: '/ws/events', pollUrl: '/events/poll' }, withPollingFallback({ afterFailedAttempts: 1 })),
        provideRealtimeTesting(),
      ],
    });
    realtime = TestBed.inject(WebSocketService);
    controller = TestBed.inject(RealtimeTestingController);
    fixture = TestBed.createComponent(ConnectionStatusPill);
  });

  afterEach(() => {
    realtime.disconnect();
    controller.verify();
  });

  /** What the user reads on the pill, after change detection. */
  function shown(): { label: string; latency: string | null; status: string | null } {
    fixture.detectChanges();
    const el = fixture.nativeElement as HTMLElement;
    return {
      label: el.querySelector('[data-testid="connection-status"]')!.textContent!.trim(),
      latency: el.querySelector('[data-testid="connection-latency"]')?.textContent?.trim() ?? null,
      status: el.querySelector('.pill')!.getAttribute('data-status'),
    };
  }

  it('says disconnected before anyone signs in', () => {
    expect(shown()).toEqual({ label: 'disconnected', latency: null, status: 'disconnected' });
  });

  it('goes from connecting to connected · websocket when the server welcomes the socket', () => {
    realtime.connect('token-1');
    expect(shown().label).toBe('reconnecting');

    controller.connection.open();
    expect(shown()).toEqual({ label: 'connected · websocket', latency: null, status: 'connected' });
  });

  it('shows the heartbeat round trip: first from the SDK’s own ping, then as the server reports it', () => {
    realtime.connect('token-1');
    const connection = controller.connection.open({ heartbeat: { intervalMs: 1_000, timeoutMs: 5_000 } });
    controller.tick(37);
    connection.pong();
    expect(shown().latency).toBe('37 ms');
    connection.ping(120);
    expect(shown().latency).toBe('120 ms');
  });

  it('counts reconnect attempts after a drop, and recovers', () => {
    realtime.connect('token-1');
    controller.connection.open();
    controller.connection.drop();
    expect(shown()).toEqual({ label: 'reconnecting · attempt 1', latency: null, status: 'reconnecting' });

    controller.tick(500); // the first backoff delay with the testing random source
    controller.connection.open();
    expect(shown().label).toBe('connected · websocket');
  });

  it('tells the user why it stopped when the token is rejected', () => {
    realtime.connect('bad-token');
    controller.connection.open();
    controller.connection.close(4003);
    expect(shown()).toEqual({ label: 'disconnected · unauthorized', latency: null, status: 'disconnected' });
  });

  it('shows Server-Sent Events after the WebSocket upgrade is refused', () => {
    realtime.connect('token-1');
    controller.expectConnection().refuse();
    controller.expectStream().open();
    expect(shown().label).toBe('connected · sse');
  });

  it('shows the polling transport after the WebSocket upgrade and the stream are refused', () => {
    realtime.connect('token-1');
    controller.expectConnection().refuse();
    controller.expectStream().refuse(503);
    controller.expectPoll().respond({ events: [] });
    expect(shown().label).toBe('connected · polling');
    controller.expectPoll(); // the next long poll is already pending
  });

  /** The pill's classes, which carry its colour. */
  function pillClasses(): string[] {
    fixture.detectChanges();
    return Array.from((fixture.nativeElement as HTMLElement).querySelector('.pill')!.classList);
  }

  it('colours SSE and polling apart from WebSocket, and all apart from trouble', () => {
    realtime.connect('token-1');
    controller.connection.open();
    expect(pillClasses()).toEqual(['pill', 'pill-connected', 'via-websocket']);
    controller.connection.drop();
    expect(pillClasses()).toEqual(['pill', 'pill-reconnecting']);

    controller.tick(500);
    controller.expectConnection().refuse();
    const stream = controller.expectStream();
    stream.open();
    expect(pillClasses()).toEqual(['pill', 'pill-connected', 'via-sse']);
    stream.end();
    controller.tick(1000);
    controller.expectStream().refuse(503);
    controller.expectPoll().respond({ events: [] });
    expect(pillClasses()).toEqual(['pill', 'pill-connected', 'via-polling']);
    controller.expectPoll();
  });

  it('is a polite live region, so a screen reader hears the link change without the heartbeat', () => {
    realtime.connect('token-1');
    controller.connection.open({ heartbeat: { intervalMs: 1_000, timeoutMs: 5_000 } }).ping(20);
    fixture.detectChanges();
    const status = (fixture.nativeElement as HTMLElement).querySelector('[data-testid="connection-status"]')!;
    expect(status.getAttribute('role')).toBe('status');
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(status.textContent!.trim()).toBe('connected · websocket');
    expect(status.contains((fixture.nativeElement as HTMLElement).querySelector('[data-testid="connection-latency"]'))).toBeFalse();
  });
});
