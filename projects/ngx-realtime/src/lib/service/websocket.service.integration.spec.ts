/**
 * The real service, real browser WebSocket and fetch, real clock, against the real mock server that
 * karma.conf.cjs starts (its URL arrives as `--mock-url=` in `__karma__.config.args`).
 */
import { ApplicationRef, NgZone, provideZoneChangeDetection, provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { ConnectionState } from '../stream/connection-state';
import type { KeyChangeEvent, LoginResponse } from '../protocol/protocol';
import { RANDOM_SOURCE } from '../platform/clock';
import { provideRealtime, withHeartbeat, withPollingFallback, withReconnect, withTransports } from '../config/provide-realtime';
import type { HeartbeatOptions } from '../config/realtime-config';
import { WebSocketService } from './websocket.service';
import { httpAt, waitFor } from './integration-test-bed.spec';

declare const __karma__: { config?: { args?: unknown[] } } | undefined;

function mockUrl(): string {
  const args = (typeof __karma__ !== 'undefined' && __karma__?.config?.args) || [];
  const arg = args.find((a): a is string => typeof a === 'string' && a.startsWith('--mock-url='));
  if (!arg) {
    throw new Error(
      'integration spec: no --mock-url= in __karma__.config.args. karma.conf.cjs starts the mock server ' +
        'unless RT_MOCK_SERVER=0; run `npx ng test ngx-realtime --watch=false` without RT_MOCK_SERVER=0.',
    );
  }
  return arg.slice('--mock-url='.length).replace(/\/$/, '');
}

const http = <T>(method: string, path: string, body?: unknown, token?: string) => httpAt<T>(mockUrl(), method, path, body, token);

const login = async () => (await http<LoginResponse>('POST', '/auth/login', { username: 'admin', password: 'admin' })).token;
const putKey = (token: string, key: string, value: string) => http('PUT', `/keys/${encodeURIComponent(key)}`, { value }, token);
const chaos = (path: string, body: unknown = {}) => http('POST', `/__chaos/${path}`, body);

describe('WebSocketService against the mock server (integration)', () => {
  let service: WebSocketService;
  let token: string;
  let prefix: string;
  let received: KeyChangeEvent[];
  let states: ConnectionState[];

  const keys = () => received.map((e) => e.key.slice(prefix.length));

  /** Real everything, except the jitter: random() = 1 makes each retry wait exactly its bound. */
  function configure(initialDelayMs: number, afterFailedAttempts = 2, baseUrl = mockUrl(), heartbeat: HeartbeatOptions = {}): void {
    TestBed.configureTestingModule({
      providers: [
        provideZonelessChangeDetection(),
        provideRealtime(
          { url: `${baseUrl}/ws/events` },
          withReconnect({ initialDelayMs, maxDelayMs: 4 * initialDelayMs }),
          withPollingFallback({ afterFailedAttempts, probeIntervalMs: 400, waitMs: 1000 }),
          withTransports('websocket', 'polling'),
          withHeartbeat(heartbeat),
        ),
        { provide: RANDOM_SOURCE, useValue: () => 1 },
      ],
    });
    service = TestBed.inject(WebSocketService);
    service.onKeyChanges({ keyPrefix: prefix }).subscribe((e) => received.push(e));
    service.connectionState$.subscribe((s) => states.push(s));
  }

  beforeEach(async () => {
    token = await login();
    prefix = `it-${Math.random().toString(36).slice(2, 8)}:`;
    received = [];
    states = [];
  });

  afterEach(async () => {
    service?.disconnect();
    TestBed.resetTestingModule();
    await chaos('block-websocket', { enabled: false }).catch(() => undefined);
  });

  it('logs in, connects and receives a key_change for a PUT', async () => {
    configure(50);
    service.connect(token);
    await waitFor('connected', () => service.connectionState().status === 'connected');
    expect(service.connectionState().transport).toBe('websocket');
    await putKey(token, `${prefix}x`, 'hello');
    await waitFor('the key_change', () => received.length === 1);
    expect(received[0]).toEqual(jasmine.objectContaining({ type: 'key_change', operation: 'put', key: `${prefix}x`, value: 'hello', cf: 'default' }));
    expect(service.lastSeq()).toBe(received[0].seq);
  }, 15_000);

  it('resumes after a dropped connection: events written meanwhile arrive once, in order', async () => {
    configure(1000);
    service.connect(() => Promise.resolve(token));
    await waitFor('connected', () => service.connectionState().status === 'connected');
    await putKey(token, `${prefix}a`, '1');
    await waitFor('a', () => received.length === 1);
    await chaos('drop');
    await waitFor('the drop to be noticed', () => service.connectionState().status === 'reconnecting');
    for (const k of ['b', 'c', 'd']) await putKey(token, `${prefix}${k}`, '1');
    // These three were written while the client was down; they can only arrive by resuming.
    expect(service.connectionState().status).toBe('reconnecting');
    expect(received.length).toBe(1);
    await waitFor('b, c, d after the reconnect', () => received.length >= 4);
    await waitFor('connected again', () => service.connectionState().status === 'connected');
    await putKey(token, `${prefix}e`, '1');
    await waitFor('e', () => received.length >= 5);
    await new Promise((resolve) => setTimeout(resolve, 200)); // room for a wrongly repeated event to show up
    expect(keys()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(states.some((s) => s.status === 'reconnecting')).toBeTrue();
    const seqs = received.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  }, 15_000);

  it('catches a half-open link with the heartbeat, reconnects, and gets what was written meanwhile once', async () => {
    configure(50, 2, mockUrl(), { timeoutMs: 800 });
    service.connect(token);
    await waitFor('connected', () => service.connectionState().status === 'connected');
    await putKey(token, `${prefix}a`, '1');
    await waitFor('a', () => received.length === 1);
    // The server stops answering on this socket without closing it, as a dead NAT or a sleeping laptop would.
    await chaos('stall', { ms: 3000 });
    await putKey(token, `${prefix}b`, '1');
    await waitFor('the heartbeat to declare the socket dead', () => states.some((s) => s.reason === 'heartbeat_timeout'), 3000);
    await waitFor('connected again and b', () => service.connectionState().status === 'connected' && received.length === 2, 3000);
    await putKey(token, `${prefix}c`, '1');
    await waitFor('c', () => received.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(keys()).toEqual(['a', 'b', 'c']);
  }, 15_000);

  it('switches to polling at the first refused upgrade, without waiting for N failed attempts', async () => {
    await chaos('block-websocket', { enabled: true });
    configure(50, 1000);
    service.connect(token);
    await waitFor('polling', () => service.connectionState().status === 'connected' && service.connectionState().transport === 'polling');
    expect(states.filter((s) => s.status === 'reconnecting' && s.nextRetryAt !== null).length).toBeLessThanOrEqual(1);
    await putKey(token, `${prefix}p`, '1');
    await waitFor('p over polling', () => received.length === 1);
  }, 10_000);

  it('keeps retrying the WebSocket (no fallback) when the server does not answer at all', async () => {
    // Port 1 is closed: the socket and the plain HTTP check both fail, so nothing was "refused".
    configure(50, 1000, 'http://127.0.0.1:1');
    service.connect(token);
    await waitFor('a few failed attempts', () => service.connectionState().attempt >= 3);
    expect(service.connectionState().status).toBe('reconnecting');
    expect(states.every((s) => s.transport !== 'polling')).toBeTrue();
  }, 10_000);

  it('falls back to polling when WebSockets are blocked, and back with no gap or duplicate', async () => {
    configure(50);
    service.connect(token);
    await waitFor('connected', () => service.connectionState().status === 'connected');
    await putKey(token, `${prefix}ws1`, '1');
    await waitFor('ws1', () => received.length === 1);

    await chaos('block-websocket', { enabled: true });
    await chaos('drop');
    await waitFor('polling', () => service.connectionState().status === 'connected' && service.connectionState().transport === 'polling');
    for (const k of ['p1', 'p2']) await putKey(token, `${prefix}${k}`, '1');
    await waitFor('p1, p2 over polling', () => received.length === 3);
    expect(service.connectionState().transport).toBe('polling');

    await chaos('block-websocket', { enabled: false });
    // Writes keep coming while the probe connects and the transports hand over.
    let writing = true;
    let n = 0;
    const writer = (async () => {
      while (writing) await putKey(token, `${prefix}s${++n}`, '1');
    })();
    await waitFor('back on the WebSocket', () => service.connectionState().status === 'connected' && service.connectionState().transport === 'websocket');
    await new Promise((resolve) => setTimeout(resolve, 150));
    writing = false;
    await writer;
    await putKey(token, `${prefix}ws2`, '1');
    await waitFor('ws2', () => received.at(-1)?.key === `${prefix}ws2`);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const expected = ['ws1', 'p1', 'p2', ...Array.from({ length: n }, (_, i) => `s${i + 1}`), 'ws2'];
    expect(keys()).toEqual(expected);
    const seqs = received.map((e) => e.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1] + 1);
  }, 20_000);
});

describe('WebSocketService in a zone.js app (integration)', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('hands events and state to subscribers inside the Angular zone, and keeps socket and timers out of it', async () => {
    TestBed.configureTestingModule({
      providers: [provideZoneChangeDetection(), provideRealtime({ url: `${mockUrl()}/ws/events` })],
    });
    const zone = TestBed.inject(NgZone);
    const service = TestBed.inject(WebSocketService);
    const token = await login();
    const prefix = `zone-${Math.random().toString(36).slice(2, 8)}:`;
    const eventZones: boolean[] = [];
    const stateZones: boolean[] = [];
    service.onKeyChanges({ keyPrefix: prefix }).subscribe(() => eventZones.push(NgZone.isInAngularZone()));
    service.connectionState$.subscribe(() => stateZones.push(NgZone.isInAngularZone()));
    // As an app would: from an event handler, inside the zone.
    zone.run(() => service.connect(token));
    await waitFor('connected', () => service.connectionState().status === 'connected');
    await putKey(token, `${prefix}k`, '1');
    await waitFor('the key_change', () => eventZones.length === 1);

    expect(eventZones).toEqual([true]);
    // The first one is the replay of the current state, made when the spec (outside the zone) subscribed.
    const changes = stateZones.slice(1);
    expect(changes.length).toBeGreaterThan(1);
    expect(changes.every((inside) => inside)).withContext(JSON.stringify(stateZones)).toBeTrue();
    // Heartbeat, deadline and stability timers are pending, but none of them is the app's work.
    expect(zone.hasPendingMacrotasks).toBeFalse();
    await expectAsync(TestBed.inject(ApplicationRef).whenStable()).toBeResolved();
    service.disconnect();
  }, 10_000);
});
