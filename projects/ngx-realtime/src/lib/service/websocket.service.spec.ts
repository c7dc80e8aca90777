import { ApplicationRef, InjectionToken, PLATFORM_ID, inject, provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { BehaviorSubject, Observable, of, throwError } from 'rxjs';
import {
  RealtimeTestingController,
  provideRealtimeTesting,
  type TestEvent,
} from 'ngx-realtime/testing';
import type { KeyChangeEvent } from '../protocol/protocol';
import {
  provideRealtime,
  withAuth,
  withHeartbeat,
  withNoPollingFallback,
  withTransports,
  withPollingFallback,
  withReconnect,
} from '../config/provide-realtime';
import { WebSocketService } from './websocket.service';

import { URL_BASE, flushMicrotasks, put, setup, tickToRetry } from './websocket-service-test-bed.spec';

describe('WebSocketService', () => {
  afterEach(() => TestBed.resetTestingModule());

  describe('connecting', () => {
    it('connectionStatus$ replays the current status and emits only changes', () => {
      const { service, controller } = setup();
      const statuses: string[] = [];
      service.connectionStatus$.subscribe((s) => statuses.push(s));
      service.connect('t');
      controller.connection.open();
      controller.emit(put('a'));
      controller.connection.drop();
      tickToRetry(service, controller);
      controller.connection.open();
      expect(statuses).toEqual(['disconnected', 'reconnecting', 'connected', 'reconnecting', 'connected']);
    });

    it('does not open a socket just because someone subscribes', () => {
      const { service, controller } = setup();
      service.onKeyChanges().subscribe();
      service.onStats().subscribe();
      service.connectionStatus$.subscribe();
      controller.expectNoConnection();
      expect(controller.backend.connections.length).toBe(0);
      expect(service.connectionState().status).toBe('disconnected');
    });

    it('opens one socket with the token in the query and reports connected after welcome', () => {
      const { service, controller } = setup();
      service.connect('secret-1');
      const connection = controller.expectConnection();
      expect(connection.url.startsWith(URL_BASE)).toBeTrue();
      expect(connection.params.get('token')).toBe('secret-1');
      expect(service.connectionState().status).toBe('reconnecting');
      connection.open();
      expect(service.connectionState()).toEqual(
        jasmine.objectContaining({ status: 'connected', transport: 'websocket', reason: null, attempt: 0 }),
      );
      controller.verify();
    });

    it("sends the token in an 'auth' first frame, not the URL, with authMode 'frame'", () => {
      const { service, controller } = setup({ config: { authMode: 'frame' } });
      service.connect('secret-2');
      const connection = controller.expectConnection();
      expect(connection.params.has('token')).toBeFalse();
      connection.accept();
      expect(connection.sent[0]).toEqual({ type: 'auth', token: 'secret-2', batch: true });
      expect(service.connectionState().status).toBe('reconnecting');
      connection.open();
      expect(service.connectionState().status).toBe('connected');
    });

    it('resolves a relative url against the document and switches http to ws', () => {
      const { service, controller } = setup({ config: { url: '/ws/events' } });
      service.connect('t');
      const url = new URL(controller.expectConnection().url);
      const page = new URL(document.baseURI);
      expect(url.protocol).toBe(page.protocol === 'https:' ? 'wss:' : 'ws:');
      expect(url.host).toBe(page.host);
      expect(url.pathname).toBe('/ws/events');
    });

    it('passes topics and server-side filter as query parameters', () => {
      const { service, controller } = setup({ config: { topics: ['key_change', 'stats_update'], filter: { cf: 'users', keyPrefix: 'u:' } } });
      service.connect('t');
      const params = controller.expectConnection().params;
      expect(params.get('topics')).toBe('key_change,stats_update');
      expect(params.get('cf')).toBe('users');
      expect(params.get('keyPrefix')).toBe('u:');
    });

    it('throws a how-to-fix error when provideRealtime() was not called', () => {
      TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection(), provideRealtimeTesting()] });
      const service = TestBed.inject(WebSocketService);
      expect(() => service.connect('t')).toThrowError(
        'ngx-realtime: no configuration found. Add provideRealtime({url: ...}) to your application providers.',
      );
    });

    it('rejects an empty token as a programmer error', () => {
      const { service } = setup();
      expect(() => service.connect('')).toThrowError(/^ngx-realtime: connect\(\) needs/);
    });

    it('asks a TokenProvider (Promise) for the token', async () => {
      const { service, controller } = setup();
      service.connect(() => Promise.resolve('from-promise'));
      await flushMicrotasks();
      expect(controller.expectConnection().params.get('token')).toBe('from-promise');
    });
  });

  describe('events', () => {
    it('delivers every event type to events$ and to its typed stream', () => {
      const { service, controller, events } = setup();
      const keys: KeyChangeEvent[] = [];
      const typed: string[] = [];
      service.onKeyChanges().subscribe((e) => keys.push(e));
      service.onCompactionEvents().subscribe((e) => typed.push(e.type));
      service.onHealthEvents().subscribe((e) => typed.push(e.type));
      service.onSyncEvents().subscribe((e) => typed.push(e.type));
      service.onSnapshotEvents().subscribe((e) => typed.push(e.type));
      service.onStats().subscribe((e) => typed.push(e.type));
      service.connect('t');
      controller.emit(put('a', '1'));
      controller.emit({ type: 'compaction_status', status: 'started', cf: 'default', details: {} });
      controller.emit({ type: 'health_change', probe: 'readiness', status: 'unhealthy' });
      controller.emit({ type: 'sync_event', status: 'completed', details: {} });
      controller.emit({ type: 'snapshot_event', status: 'completed', snapshotId: 's1', details: {} });
      controller.emit({
        type: 'stats_update',
        stats: { sst_files: 1, sst_kb: 2, mem_records: 3, mem_kb: 4, wal_kb: 5, total_records: 6, wsConnections: 1, uptimeMs: 7 },
      });
      expect(events.map((e) => e.type)).toEqual([
        'key_change',
        'compaction_status',
        'health_change',
        'sync_event',
        'snapshot_event',
        'stats_update',
      ]);
      expect(keys.map((k) => [k.key, k.value])).toEqual([['a', '1']]);
      expect(typed).toEqual(['compaction_status', 'health_change', 'sync_event', 'snapshot_event', 'stats_update']);
    });

    it('filters onKeyChanges by cf, keyPrefix and operation', () => {
      const { service, controller } = setup();
      const got: string[] = [];
      service.onKeyChanges({ cf: 'default', keyPrefix: 'user:', operation: 'put' }).subscribe((e) => got.push(e.key));
      service.connect('t');
      controller.emit(put('user:1'));
      controller.emit(put('order:1'));
      controller.emit({ type: 'key_change', operation: 'delete', key: 'user:2', cf: 'default' });
      controller.emit({ type: 'key_change', operation: 'put', key: 'user:3', cf: 'other', value: 'x' });
      expect(got).toEqual(['user:1']);
    });

    it('shares one connection between subscribers; late subscribers get live events only', () => {
      const { service, controller } = setup();
      const early: string[] = [];
      const late: string[] = [];
      service.onKeyChanges().subscribe((e) => early.push(e.key));
      service.connect('t');
      controller.emit(put('a'));
      service.onKeyChanges().subscribe((e) => late.push(e.key));
      controller.emit(put('b'));
      expect(early).toEqual(['a', 'b']);
      expect(late).toEqual(['b']);
      expect(controller.backend.connections.length).toBe(1);
    });

    it('drops invalid frames, reports them on errors$, and keeps events$ alive', () => {
      const { service, controller, errors, events } = setup();
      let ended = false;
      service.events$.subscribe({ error: () => (ended = true), complete: () => (ended = true) });
      service.connect('t');
      const connection = controller.connection.open();
      connection.emitRaw('not json');
      connection.emitRaw(JSON.stringify({ type: 'no_such_type' }));
      connection.emitRaw(JSON.stringify({ type: 'key_change', seq: 1, timestamp: 1, operation: 'put', key: 'a', cf: 'default' }));
      connection.emitRaw(new ArrayBuffer(4));
      connection.emit({ type: 'error', code: 'invalid_frame', message: 'bad ping' });
      connection.emit(put('ok'));
      expect(errors.map((e) => e.code)).toEqual(['invalid_json', 'unknown_type', 'invalid_frame', 'invalid_frame', 'server_error']);
      expect(events.map((e) => (e as KeyChangeEvent).key)).toEqual(['ok']);
      expect(ended).toBeFalse();
      expect(service.connectionState().status).toBe('connected');
    });
  });

  describe('reconnecting', () => {
    it('retries with full-jitter exponential backoff: random() x min(cap, initial x factor^n)', () => {
      const { service, controller } = setup({
        features: [withReconnect({ initialDelayMs: 100, factor: 3, maxDelayMs: 1000 }), withNoPollingFallback()],
        testing: { random: () => 0.5 },
      });
      service.connect('t');
      controller.connection.open();
      controller.connection.drop();
      const delays: number[] = [];
      for (let i = 0; i < 5; i++) {
        const state = service.connectionState();
        expect(state.status).toBe('reconnecting');
        expect(state.attempt).toBe(i + 1);
        const delay = state.nextRetryAt! - controller.clock.now();
        delays.push(delay);
        controller.tick(delay - 1);
        controller.expectNoConnection();
        controller.tick(1);
        controller.expectConnection().drop();
      }
      expect(delays).toEqual([50, 150, 450, 500, 500]);
    });

    it('uses the defaults 500 ms x 2 up to 30 s when no withReconnect() is given', () => {
      const { service, controller } = setup({ features: [withNoPollingFallback()] });
      service.connect('t');
      controller.connection.open();
      controller.connection.drop();
      const delays: number[] = [];
      for (let i = 0; i < 8; i++) {
        const delay = service.connectionState().nextRetryAt! - controller.clock.now();
        delays.push(delay);
        controller.tick(delay);
        controller.expectConnection().drop();
      }
      expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    });

    it('resets the attempt count only after the connection stayed up stableAfterMs', () => {
      const { service, controller } = setup({ features: [withReconnect({ stableAfterMs: 10_000 })] });
      service.connect('t');
      controller.connection.open();
      controller.connection.drop();
      controller.tick(500);
      controller.expectConnection().open();
      controller.tick(9_999);
      expect(service.connectionState().attempt).toBe(1);
      controller.connection.drop();
      expect(service.connectionState().attempt).toBe(2);
      expect(service.connectionState().nextRetryAt! - controller.clock.now()).toBe(1000);
      controller.tick(1000);
      controller.expectConnection().open();
      controller.tick(10_000);
      expect(service.connectionState().attempt).toBe(0);
      controller.connection.drop();
      expect(service.connectionState().nextRetryAt! - controller.clock.now()).toBe(500);
    });

    it('gives up after maxAttempts retries', () => {
      const { service, controller } = setup({ features: [withReconnect({ maxAttempts: 2 }), withNoPollingFallback()] });
      service.connect('t');
      controller.expectConnection().drop();
      controller.tick(500);
      controller.expectConnection().drop();
      controller.tick(1000);
      controller.expectConnection().drop();
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'disconnected', reason: 'network', nextRetryAt: null }));
      controller.tick(60_000);
      controller.expectNoConnection();
    });

    it('maps close codes to reasons and retries 1001, 1006, 1008 and unknown codes', () => {
      const { service, controller } = setup();
      service.connect('t');
      const cases: [number, string][] = [
        [1001, 'server_shutdown'],
        [1006, 'network'],
        [1008, 'rate_limited'],
        [4002, 'heartbeat_timeout'],
        [4999, 'network'],
      ];
      for (const [code, reason] of cases) {
        controller.connection.open();
        controller.connection.close(code);
        expect(service.connectionState()).toEqual(
          jasmine.objectContaining({ status: 'reconnecting', reason: reason as never, lastCloseCode: code }),
        );
        controller.tick(service.connectionState().nextRetryAt! - controller.clock.now());
      }
      controller.expectConnection();
    });

    it('makes no attempt while offline and retries at once when the network comes back', () => {
      const { service, controller } = setup();
      service.connect('t');
      controller.connection.open();
      controller.network.goOffline();
      controller.connection.drop();
      expect(service.connectionState()).toEqual(
        jasmine.objectContaining({ status: 'reconnecting', reason: 'offline', nextRetryAt: null }),
      );
      controller.tick(120_000);
      controller.expectNoConnection();
      controller.network.goOnline();
      controller.expectConnection().open();
      expect(service.connectionState().status).toBe('connected');
    });

    it('does not even start while offline', () => {
      const { service, controller } = setup();
      controller.network.goOffline();
      service.connect('t');
      controller.expectNoConnection();
      expect(service.connectionState().reason).toBe('offline');
      controller.network.goOnline();
      controller.expectConnection();
    });

    it('retries at once when the tab becomes visible', () => {
      const { service, controller } = setup();
      service.connect('t');
      controller.connection.open();
      controller.connection.drop();
      controller.tick(100);
      controller.expectNoConnection();
      controller.network.becomeVisible();
      controller.expectConnection();
      expect(service.connectionState().nextRetryAt).toBeNull();
    });

    it('leaves a live connection alone when the tab becomes visible', () => {
      const { service, controller } = setup();
      service.connect('t');
      controller.connection.open();
      controller.network.becomeVisible();
      controller.network.goOnline();
      controller.expectNoConnection();
      expect(controller.openSockets).toBe(1);
    });
  });

  describe('auth', () => {
    it('4003: disconnected/unauthorized and no retry until connect() gets a new token', () => {
      const { service, controller } = setup();
      service.connect('bad');
      controller.connection.close(4003);
      expect(service.connectionState()).toEqual(
        jasmine.objectContaining({ status: 'disconnected', reason: 'unauthorized', lastCloseCode: 4003 }),
      );
      controller.tick(300_000);
      controller.network.becomeVisible();
      controller.expectNoConnection();
      service.connect('good');
      expect(controller.expectConnection().params.get('token')).toBe('good');
    });

    it('4004: asks the TokenProvider once for a fresh token and reconnects at once', () => {
      const { service, controller } = setup();
      let n = 0;
      service.connect(() => of(`token-${++n}`));
      controller.expectConnection().open();
      controller.connection.close(4004);
      const second = controller.expectConnection();
      expect(second.params.get('token')).toBe('token-2');
      second.open();
      expect(service.connectionState().status).toBe('connected');
    });

    it('4004 twice in a row: unauthorized', () => {
      const { service, controller } = setup();
      let n = 0;
      service.connect(() => of(`token-${++n}`));
      controller.expectConnection().open();
      controller.connection.close(4004);
      controller.expectConnection().close(4004);
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'disconnected', reason: 'unauthorized' }));
      controller.tick(60_000);
      controller.expectNoConnection();
    });

    it('4004 when the TokenProvider fails to refresh: unauthorized, and the failure is reported', () => {
      const { service, controller, errors } = setup();
      let calls = 0;
      service.connect(() => (++calls === 1 ? of('first') : throwError(() => new Error('refresh endpoint down'))));
      controller.connection.open();
      controller.connection.close(4004);
      expect(calls).toBe(2);
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'disconnected', reason: 'unauthorized' }));
      expect(errors.map((e) => e.code)).toEqual(['token_provider_failed']);
      controller.expectNoConnection();
    });

    it('4004 with a plain token (nothing to refresh): unauthorized', () => {
      const { service, controller } = setup();
      service.connect('static');
      controller.connection.open();
      controller.connection.close(4004);
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'disconnected', reason: 'unauthorized', lastCloseCode: 4004 }));
      controller.expectNoConnection();
    });

    it('asks the TokenProvider again for every new connection', () => {
      const { service, controller } = setup();
      let n = 0;
      service.connect(() => of(`token-${++n}`));
      controller.connection.open();
      controller.connection.drop();
      controller.tick(500);
      expect(controller.expectConnection().params.get('token')).toBe('token-2');
    });

    it('a TokenProvider that fails on an ordinary retry is reported and retried with backoff', async () => {
      const { service, controller, errors } = setup();
      let calls = 0;
      service.connect(() => (++calls === 2 ? Promise.reject(new Error('auth server down')) : Promise.resolve(`token-${calls}`)));
      await flushMicrotasks();
      controller.connection.open();
      controller.connection.drop();
      tickToRetry(service, controller);
      await flushMicrotasks();
      expect(errors.map((e) => e.code)).toEqual(['token_provider_failed']);
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'reconnecting', attempt: 2 }));
      tickToRetry(service, controller);
      await flushMicrotasks();
      expect(controller.expectConnection().params.get('token')).toBe('token-3');
    });

    it('a token that arrives after disconnect() opens nothing', async () => {
      const { service, controller } = setup();
      let resolve!: (token: string) => void;
      service.connect(() => new Promise<string>((r) => (resolve = r)));
      service.disconnect();
      resolve('late');
      await flushMicrotasks();
      expect(controller.backend.connections.length).toBe(0);
      expect(service.connectionState().reason).toBe('client');
    });

    it('withAuth(): after a 4003, the next token from the source connects again', () => {
      const tokens = new BehaviorSubject<string | null>('old');
      const { service, controller } = setup({ features: [withAuth(tokens)] });
      controller.connection.close(4003);
      expect(service.connectionState().reason).toBe('unauthorized');
      tokens.next('renewed');
      expect(controller.expectConnection().params.get('token')).toBe('renewed');
    });

    it('4005: disconnected/session_revoked and never reconnects', () => {
      const { service, controller } = setup();
      service.connect('t');
      controller.connection.open();
      controller.connection.close(4005);
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'disconnected', reason: 'session_revoked' }));
      controller.tick(300_000);
      controller.network.goOnline();
      controller.expectNoConnection();
    });

    it('withAuth(): a token connects, a later token goes to the open socket and the next connection, null disconnects', () => {
      const tokens = new BehaviorSubject<string | null>(null);
      const { service, controller } = setup({ features: [withAuth(tokens)] });
      controller.expectNoConnection();
      tokens.next('a');
      expect(controller.expectConnection().params.get('token')).toBe('a');
      const first = controller.connection.open();
      tokens.next('b');
      controller.expectNoConnection();
      expect(first.authTokens).toEqual(['b']);
      first.authOk();
      controller.connection.drop();
      controller.tick(500);
      expect(controller.expectConnection().params.get('token')).toBe('b');
      controller.connection.open();
      tokens.next(null);
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'disconnected', reason: 'client' }));
      expect(controller.openSockets).toBe(0);
    });

    it('withAuth(() => ...): the factory runs in an injection context, so the stream can come from a service', () => {
      const tokens = new BehaviorSubject<string | null>('from-service');
      const AUTH_TOKENS = new InjectionToken<BehaviorSubject<string | null>>('AUTH_TOKENS');
      TestBed.configureTestingModule({
        providers: [
          provideZonelessChangeDetection(),
          { provide: AUTH_TOKENS, useValue: tokens },
          provideRealtime({ url: URL_BASE }, withAuth(() => inject(AUTH_TOKENS))),
          provideRealtimeTesting(),
        ],
      });
      const controller = TestBed.inject(RealtimeTestingController);
      expect(controller.expectConnection().params.get('token')).toBe('from-service');
      tokens.next(null);
      expect(controller.openSockets).toBe(0);
    });

    it('withAuth(): starts with the app, with no one injecting the service', () => {
      const tokens = new BehaviorSubject<string | null>('early');
      TestBed.configureTestingModule({
        providers: [provideZonelessChangeDetection(), provideRealtime({ url: URL_BASE }, withAuth(tokens)), provideRealtimeTesting()],
      });
      const controller = TestBed.inject(RealtimeTestingController);
      expect(controller.expectConnection().params.get('token')).toBe('early');
    });
  });

  describe('heartbeat (driven by the server)', () => {
    it('answers every server ping with a pong at once and sends no pings of its own from timers', () => {
      const { service, controller } = setup();
      service.connect('t');
      const connection = controller.connection.open({ heartbeat: { intervalMs: 15_000, timeoutMs: 45_000 } });
      for (let i = 0; i < 40; i++) {
        controller.tick(15_000);
        expect(connection.ping()).withContext(`ping ${i}`).toBeTrue();
      }
      // Ten minutes: the only ping the SDK sent is the one at welcome that measures latency.
      expect(connection.sent.filter((f) => f.type === 'ping').length).toBe(1);
      expect(connection.sent.filter((f) => f.type === 'pong').length).toBe(40);
      expect(service.connectionState().status).toBe('connected');
    });

    it('latency: one ping after welcome, then the round trip the server reports in its pings', () => {
      const { service, controller } = setup();
      service.connect('t');
      const connection = controller.connection.open();
      expect(connection.sent).toEqual([{ type: 'ping', id: 'latency' }]);
      controller.tick(40);
      connection.pong('latency');
      expect(service.connectionState().latencyMs).toBe(40);
      connection.ping(80.4);
      expect(service.connectionState().latencyMs).toBe(80);
    });

    it('connectionState stays quiet while latency only jitters', () => {
      const { service, controller, states } = setup();
      service.connect('t');
      const connection = controller.connection.open();
      connection.ping(100);
      const before = states.length;
      for (let i = 0; i < 100; i++) connection.ping(100 + (i % 2 === 0 ? 9 : -9));
      expect(states.length).toBe(before);
      connection.ping(160);
      expect(states.length).toBe(before + 1);
      expect(service.connectionState().latencyMs).toBe(160);
    });

    it('creates and cancels no timer per incoming frame', () => {
      const { service, controller, events } = setup();
      service.connect('t');
      controller.connection.open();
      const set = spyOn(controller.clock, 'setTimeout').and.callThrough();
      const clear = spyOn(controller.clock, 'clearTimeout').and.callThrough();
      for (let i = 0; i < 1000; i++) controller.emit(put(`k${i}`));
      controller.connection.current()!.ping();
      expect(events.length).toBe(1000);
      expect(set).not.toHaveBeenCalled();
      expect(clear).not.toHaveBeenCalled();
    });

    it('treats a socket on which nothing arrives for timeoutMs as dead, closes it and reconnects', () => {
      const { service, controller } = setup();
      service.connect('t');
      const connection = controller.connection.open({ heartbeat: { intervalMs: 1000, timeoutMs: 3000 } });
      controller.tick(2999);
      expect(service.connectionState().status).toBe('connected');
      controller.tick(1);
      expect(connection.closedByClient).not.toBeNull();
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'reconnecting', reason: 'heartbeat_timeout' }));
      controller.tick(500);
      controller.expectConnection();
    });

    it('any frame from the server proves the socket alive; silence is counted from the last one', () => {
      const { service, controller } = setup();
      service.connect('t');
      const connection = controller.connection.open({ heartbeat: { intervalMs: 1000, timeoutMs: 3000 } });
      controller.tick(2000);
      connection.ping();
      controller.tick(2000);
      connection.emit(put('x'));
      controller.tick(2999);
      expect(service.connectionState().status).toBe('connected');
      // Declared dead no earlier than the timeout after the last frame, and within a quarter of it more.
      controller.tick(750);
      expect(service.connectionState().reason).toBe('heartbeat_timeout');
    });

    it('in a background tab (timers up to 60 s late) 30 minutes pass with no 4002 and no reconnect', () => {
      const { service, controller, states } = setup();
      service.connect('t');
      const connection = controller.connection.open({ heartbeat: { intervalMs: 25_000, timeoutMs: 45_000 } });
      controller.clock.throttle(60_000);
      // The server's model: a ping every 25 s, and 4002 when no client frame came for 45 s.
      let lastClientFrameAt = controller.clock.now();
      let nextPingAt = lastClientFrameAt + 25_000;
      const end = lastClientFrameAt + 30 * 60_000;
      while (controller.clock.now() < end) {
        controller.tick(1000);
        const now = controller.clock.now();
        if (now >= nextPingAt) {
          if (connection.ping()) lastClientFrameAt = now;
          nextPingAt += 25_000;
        }
        expect(now - lastClientFrameAt).withContext('server would close with 4002').toBeLessThan(45_000);
      }
      expect(controller.backend.connections.length).toBe(1);
      expect(connection.state).toBe('open');
      const fromConnected = states.slice(states.findIndex((s) => s.status === 'connected'));
      expect(fromConnected.every((s) => s.status === 'connected')).toBeTrue();
    });

    it('a throttled clock still declares a silent socket dead, at its next wake-up', () => {
      const { service, controller } = setup();
      service.connect('t');
      controller.connection.open({ heartbeat: { intervalMs: 25_000, timeoutMs: 45_000 } });
      controller.clock.throttle(60_000);
      controller.tick(44_000);
      expect(service.connectionState().status).toBe('connected');
      controller.tick(76_000);
      expect(service.connectionState().reason).toBe('heartbeat_timeout');
    });

    it('abandons a connect that hangs (never opens) after connectTimeoutMs (default 10 s), and retries', () => {
      const { service, controller } = setup({ features: [withHeartbeat({ timeoutMs: 60_000 })] });
      service.connect('t');
      const hanging = controller.expectConnection();
      controller.tick(9999);
      expect(hanging.state).toBe('connecting');
      controller.tick(1);
      expect(hanging.closedByClient).not.toBeNull();
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'reconnecting', reason: 'connect_timeout' }));
      tickToRetry(service, controller);
      controller.expectConnection();
    });

    it('abandons an attempt that opened but never got welcome after withReconnect({connectTimeoutMs})', () => {
      const { service, controller } = setup({ features: [withReconnect({ connectTimeoutMs: 3000 })] });
      service.connect('t');
      const silent = controller.expectConnection();
      silent.accept();
      controller.tick(2999);
      expect(silent.state).toBe('open');
      controller.tick(1);
      expect(silent.closedByClient).not.toBeNull();
      expect(service.connectionState().reason).toBe('connect_timeout');
    });

    it('withHeartbeat({timeoutMs}) overrides the timeout from welcome', () => {
      const { service, controller } = setup({ features: [withHeartbeat({ timeoutMs: 250 })] });
      service.connect('t');
      controller.connection.open({ heartbeat: { intervalMs: 60_000, timeoutMs: 120_000 } });
      controller.tick(249);
      expect(service.connectionState().status).toBe('connected');
      controller.tick(1);
      expect(service.connectionState().reason).toBe('heartbeat_timeout');
    });
  });

  describe('exactly once, in order', () => {
    it('resumes with lastSeq after a reconnect and drops the replayed duplicates', () => {
      const { service, controller, seqs } = setup();
      service.connect('t');
      controller.connection.open({ lastSeq: 0 });
      controller.emit(put('a'));
      controller.emit(put('b'));
      controller.emit(put('c'));
      controller.connection.drop();
      controller.tick(500);
      const second = controller.expectConnection();
      expect(second.params.get('lastSeq')).toBe('3');
      second.open();
      second.emit(put('b', 'v', 2));
      second.emit(put('c', 'v', 3));
      second.emit(put('d', 'v', 4));
      second.emit({ type: 'resumed', fromSeq: 2, toSeq: 4, count: 3 });
      second.emit(put('e', 'v', 5));
      expect(seqs()).toEqual([1, 2, 3, 4, 5]);
      expect(service.lastSeq()).toBe(5);
    });

    it("remembers the server's position from welcome when no event arrived yet", () => {
      const { service, controller } = setup();
      service.connect('t');
      controller.connection.open({ lastSeq: 41 });
      expect(service.lastSeq()).toBe(41);
      controller.connection.drop();
      controller.tick(500);
      expect(controller.expectConnection().params.get('lastSeq')).toBe('41');
    });

    it('on resync: emits resync$ and continues from the server lastSeq', () => {
      const { service, controller, resyncs, seqs } = setup();
      service.connect('t');
      controller.connection.open({ lastSeq: 5 });
      controller.emit(put('a', 'v', 6));
      controller.connection.drop();
      controller.tick(500);
      const second = controller.expectConnection();
      second.open({ lastSeq: 20_000 });
      second.emit({ type: 'resync', reason: 'history_expired', lastSeq: 20_000 });
      second.emit(put('b', 'v', 20_001));
      expect(resyncs).toEqual([{ type: 'resync', reason: 'history_expired', lastSeq: 20_000 }]);
      expect(seqs()).toEqual([6, 20_001]);
      controller.connection.drop();
      tickToRetry(service, controller);
      expect(controller.expectConnection().params.get('lastSeq')).toBe('20001');
    });

    it('resyncs when the server sequence went backwards (it lost its data)', () => {
      const { service, controller, resyncs, errors, seqs } = setup();
      service.connect('t');
      controller.connection.open({ lastSeq: 100 });
      controller.connection.drop();
      controller.tick(500);
      controller.expectConnection().open({ lastSeq: 0 });
      controller.emit(put('a', 'v', 1));
      expect(resyncs.length).toBe(1);
      expect(errors.map((e) => e.code)).toEqual(['history_lost']);
      expect(seqs()).toEqual([1]);
    });
  });

  describe('polling fallback', () => {
    // Long polling straight after the WebSocket; the Server-Sent Events step between them has specs of its own.
    const polling = () => [withPollingFallback({ afterFailedAttempts: 3, probeIntervalMs: 5000, waitMs: 20_000 }), withTransports('websocket', 'polling')];

    it('never polls with withNoPollingFallback()', () => {
      const { service, controller } = setup({ features: [withNoPollingFallback()] });
      service.connect('t');
      for (let i = 0; i < 6; i++) {
        controller.expectConnection().drop();
        tickToRetry(service, controller);
      }
      controller.expectNoPoll();
    });

    it('falls back after N attempts that never reached welcome, and switches back with no gap or duplicate', () => {
      const { service, controller, seqs } = setup({ features: polling(), config: { pollUrl: 'http://realtime.test/events/poll' } });
      service.connect('t');
      controller.connection.open({ lastSeq: 0 });
      controller.emit(put('a'));
      controller.connection.drop();
      for (const delay of [500, 1000, 2000]) {
        controller.tick(delay);
        controller.expectNoPoll();
        controller.expectConnection().drop();
      }
      const first = controller.expectPoll();
      expect(first.url).toBe('http://realtime.test/events/poll');
      expect(first.token).toBe('t');
      expect(first.since).toBe(1);
      expect(service.connectionState().status).toBe('reconnecting');
      first.respond({ events: [put('b')] });
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'polling' }));
      const second = controller.expectPoll();
      expect(second.since).toBe(2);
      expect(second.waitMs).toBe(20_000);
      second.respond({ events: [put('c')] });

      controller.tick(5000);
      const probe = controller.expectConnection();
      expect(probe.params.get('lastSeq')).toBe('3');
      const third = controller.expectPoll();
      third.respond({ events: [put('d')] }); // polling still delivers while the probe connects
      const fourth = controller.expectPoll();
      probe.open();
      expect(fourth.cancelled).toBeTrue();
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'websocket' }));
      probe.emit(put('d', 'v', 4)); // replay from lastSeq=3 overlaps what polling delivered
      probe.emit(put('e', 'v', 5));
      expect(seqs()).toEqual([1, 2, 3, 4, 5]);
      controller.expectNoPoll();
      expect(controller.openSockets).toBe(1);
    });

    it('falls back at once when the upgrade is refused', () => {
      const { service, controller } = setup({ features: polling() });
      service.connect('t');
      controller.connection.open({ lastSeq: 7 });
      controller.connection.drop();
      controller.tick(500);
      controller.expectConnection().refuse();
      const poll = controller.expectPoll();
      expect(poll.url).toBe('http://realtime.test/events/poll');
      expect(poll.since).toBe(7);
    });

    it('keeps probing while the WebSocket stays blocked', () => {
      const { service, controller } = setup({ features: polling() });
      service.connect('t');
      controller.expectConnection().refuse();
      controller.expectPoll().respond();
      for (let i = 0; i < 3; i++) {
        controller.tick(5000);
        controller.expectConnection().refuse();
        controller.expectPoll().respond();
      }
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'polling' }));
    });

    it('falls back by default, with the default figures, when no withPollingFallback() is given: WebSocket, then SSE, then polling', () => {
      const { service, controller } = setup();
      service.connect('t');
      controller.expectConnection().drop();
      for (const delay of [500, 1000]) {
        controller.tick(delay);
        controller.expectNoPoll();
        controller.expectConnection().drop();
      }
      controller.expectNoPoll();
      controller.expectStream().refuse(404); // this server has no stream endpoint: on to polling at once
      const poll = controller.expectPoll();
      expect(poll.url).toBe('http://realtime.test/events/poll');
      expect(poll.waitMs).toBe(0);
      poll.respond();
      expect(controller.expectPoll().waitMs).toBe(25_000);
      controller.tick(29_999);
      controller.expectNoConnection();
      controller.tick(1);
      controller.expectConnection();
    });

    it('a poll that never got through sends the next attempt back to the WebSocket, with backoff', () => {
      const { service, controller } = setup({ features: polling() });
      service.connect('t');
      controller.expectConnection().refuse();
      controller.expectPoll().networkError();
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'reconnecting', attempt: 1 }));
      controller.tick(499);
      controller.expectNoConnection();
      controller.tick(1);
      controller.expectNoPoll();
      controller.expectConnection().open();
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'websocket' }));
    });

    it('once polling has worked, a poll network error retries polling with backoff', () => {
      const { service, controller } = setup({ features: polling() });
      service.connect('t');
      controller.expectConnection().refuse();
      controller.expectPoll().respond();
      controller.expectPoll().networkError();
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'reconnecting', attempt: 1 }));
      controller.tick(500);
      controller.expectNoConnection();
      controller.expectPoll().respond();
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'polling' }));
    });

    it('treats a 401 "Token has expired" poll like close 4004, and other 401s like 4003', () => {
      const { service, controller } = setup({ features: polling() });
      let n = 0;
      service.connect(() => of(`token-${++n}`));
      controller.expectConnection().refuse();
      controller.expectPoll().fail(401, 'Token has expired');
      const retry = controller.expectPoll();
      expect(retry.token).toBe('token-3');
      retry.fail(401, 'Invalid authentication token');
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'disconnected', reason: 'unauthorized' }));
    });

    it('drops invalid events in a poll response and reports them', () => {
      const { service, controller, errors, seqs } = setup({ features: polling() });
      service.connect('t');
      controller.expectConnection().refuse();
      const poll = controller.expectPoll();
      poll.respond({ events: [put('a', 'v', 1), { type: 'key_change', seq: 2 } as unknown as TestEvent, put('c', 'v', 3)] });
      expect(seqs()).toEqual([1, 3]);
      expect(errors.map((e) => e.code)).toEqual(['invalid_frame']);
    });
  });

  describe('lifecycle', () => {
    it('disconnect() closes the socket and releases every timer and listener; it never reconnects', () => {
      const { service, controller } = setup();
      service.connect('t');
      const connection = controller.connection.open();
      controller.tick(1);
      expect(controller.clock.pendingTimers).toBeGreaterThan(0);
      expect(controller.network.listenerCount).toBe(1);
      service.disconnect();
      expect(connection.closedByClient?.code).toBe(1000);
      expect(controller.openSockets).toBe(0);
      expect(controller.clock.pendingTimers).toBe(0);
      expect(controller.network.listenerCount).toBe(0);
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'disconnected', reason: 'client' }));
      controller.network.goOnline();
      controller.tick(300_000);
      controller.expectNoConnection();
    });

    it('disconnect() during polling cancels the poll and the probe', () => {
      const { service, controller } = setup({ features: [withPollingFallback({ afterFailedAttempts: 1, probeIntervalMs: 1000 }), withTransports('websocket', 'polling')] });
      service.connect('t');
      controller.expectConnection().drop();
      controller.expectPoll().respond();
      const pending = controller.expectPoll();
      controller.tick(1000);
      controller.expectConnection();
      service.disconnect();
      expect(pending.cancelled).toBeTrue();
      expect(controller.openSockets).toBe(0);
      expect(controller.clock.pendingTimers).toBe(0);
    });

    it('destroying the injector releases every socket, timer and listener and completes the streams', () => {
      const { service, controller } = setup();
      let completed = false;
      service.events$.subscribe({ complete: () => (completed = true) });
      service.connect('t');
      controller.connection.open();
      controller.connection.drop();
      controller.tick(500);
      controller.expectConnection().open();
      const backend = controller.backend;
      const clock = controller.clock;
      const network = controller.network;
      TestBed.resetTestingModule();
      expect(backend.openSockets).toBe(0);
      expect(clock.pendingTimers).toBe(0);
      expect(network.listenerCount).toBe(0);
      expect(completed).toBeTrue();
    });

    it('never keeps the app from becoming stable while connected', async () => {
      const { service, controller } = setup();
      service.connect('t');
      controller.connection.open();
      await expectAsync(TestBed.inject(ApplicationRef).whenStable()).toBeResolved();
      expect(service.connectionState().status).toBe('connected');
    });

    it('on the server platform nothing connects and every stream stays quiet', () => {
      const { service, controller, events, states, errors } = setup({ providers: [{ provide: PLATFORM_ID, useValue: 'server' }] });
      service.connect('t');
      service.connect(() => new Observable<string>());
      service.disconnect();
      expect(controller.backend.connections.length).toBe(0);
      expect(controller.clock.pendingTimers).toBe(0);
      expect(controller.network.listenerCount).toBe(0);
      expect(events.length).toBe(0);
      expect(errors.length).toBe(0);
      expect(states.length).toBe(1);
      expect(service.connectionState().status).toBe('disconnected');
    });

    it('on the server platform withAuth() does not connect either', () => {
      TestBed.configureTestingModule({
        providers: [
          provideZonelessChangeDetection(),
          provideRealtime({ url: URL_BASE }, withAuth(of('token'))),
          provideRealtimeTesting(),
          { provide: PLATFORM_ID, useValue: 'server' },
        ],
      });
      expect(TestBed.inject(RealtimeTestingController).backend.connections.length).toBe(0);
    });

    it('connect() again restarts with the new token, resuming where it was', () => {
      const { service, controller, seqs } = setup();
      service.connect('one');
      const first = controller.connection.open({ lastSeq: 0 });
      controller.emit(put('a'));
      service.connect('two');
      expect(first.state).toBe('closed');
      const second = controller.expectConnection();
      expect(second.params.get('token')).toBe('two');
      expect(second.params.get('lastSeq')).toBe('1');
      second.open();
      second.emit(put('a', 'v', 1));
      second.emit(put('b', 'v', 2));
      expect(seqs()).toEqual([1, 2]);
    });
  });
});
