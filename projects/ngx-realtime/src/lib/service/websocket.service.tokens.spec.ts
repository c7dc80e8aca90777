import { InjectionToken, inject } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { BehaviorSubject, of, throwError } from 'rxjs';
import type { RealtimeTestingController, TestConnection } from 'ngx-realtime/testing';
import { withAuth, withNoPollingFallback, withPollingFallback, withTransports } from '../config/provide-realtime';
import { tokenRefreshDelayMs } from '../session/token-refresh';
import { flushMicrotasks, put, setup } from './websocket-service-test-bed.spec';

const MINUTE = 60_000;
const TOKEN_TTL = MINUTE;

/**
 * A server model for long sessions on the fake clock: tokens live 60 s, every `auth` frame with a
 * token not seen before is accepted (`auth_ok` with a new 60 s expiry), the socket is closed with
 * 4004 the moment its token expires, a ping goes out every 15 s and a key is written every 10 s.
 */
function runSession(controller: RealtimeTestingController, connection: TestConnection, durationMs: number, onSecond: () => void = () => undefined) {
  const clock = controller.clock;
  let expiresAt = clock.now() + TOKEN_TTL;
  let answered = 0;
  const seen = new Set<string>();
  const end = clock.now() + durationMs;
  let written = 0;
  while (clock.now() < end) {
    controller.tick(1000);
    onSecond();
    const now = clock.now();
    if (connection.state !== 'open') break;
    const tokens = connection.authTokens;
    for (; answered < tokens.length; answered++) {
      const token = tokens[answered]!;
      if (seen.has(token)) throw new Error(`token ${token} sent twice`);
      seen.add(token);
      expiresAt = now + TOKEN_TTL;
      connection.authOk(expiresAt);
    }
    if (now >= expiresAt) {
      connection.close(4004, 'Token has expired');
      break;
    }
    if ((now / 1000) % 15 === 0) connection.ping();
    if ((now / 1000) % 10 === 0) {
      connection.emit(put(`k${written}`));
      written++;
    }
  }
  return { rotations: answered, written };
}

describe('WebSocketService tokens', () => {
  afterEach(() => TestBed.resetTestingModule());

  describe('rotation on the open socket', () => {
    it('tokenRefreshDelayMs: 80% of the life, or 30 s before the end, never before half', () => {
      expect(tokenRefreshDelayMs(3_600_000)).toBe(2_880_000);
      expect(tokenRefreshDelayMs(60_000)).toBe(30_000);
      expect(tokenRefreshDelayMs(40_000)).toBe(20_000);
      expect(tokenRefreshDelayMs(5_000)).toBe(2_500);
      expect(tokenRefreshDelayMs(0)).toBe(0);
      expect(tokenRefreshDelayMs(-5)).toBe(0);
    });

    it('a TokenProvider: 60 s tokens through one hour are rotated before every expiry, with no reconnect and no gap', () => {
      const { service, controller, states, seqs } = setup();
      let n = 0;
      service.connect(() => of(`provider-${++n}`));
      const connection = controller.connection.open({ tokenExpiresAt: controller.clock.now() + TOKEN_TTL });
      const { rotations, written } = runSession(controller, connection, 60 * MINUTE);
      expect(controller.backend.connections.length).toBe(1);
      expect(connection.state).toBe('open');
      expect(rotations).toBeGreaterThanOrEqual(119);
      expect(seqs()).toEqual(Array.from({ length: written }, (_, i) => i + 1));
      const fromConnected = states.slice(states.findIndex((s) => s.status === 'connected'));
      expect(fromConnected.every((s) => s.status === 'connected')).toBeTrue();
    });

    it('withAuth(source) where the app refreshes: each new token goes out at once on the same socket', () => {
      const tokens = new BehaviorSubject<string | null>('app-0');
      const { service, controller, states, seqs } = setup({ features: [withAuth(tokens)] });
      const connection = controller.connection.open({ tokenExpiresAt: controller.clock.now() + TOKEN_TTL });
      // The app refreshes 20 s before expiry: later than the SDK would, which finds nothing newer and waits.
      let appRefreshAt = controller.clock.now() + 40_000;
      let refreshed = 0;
      const { rotations, written } = runSession(controller, connection, 60 * MINUTE, () => {
        if (controller.clock.now() < appRefreshAt) return;
        tokens.next(`app-${++refreshed}`);
        appRefreshAt = controller.clock.now() + 40_000;
      });
      expect(controller.backend.connections.length).toBe(1);
      expect(connection.state).toBe('open');
      expect(rotations).toBe(refreshed);
      expect(rotations).toBeGreaterThanOrEqual(89);
      expect(seqs().length).toBe(written);
      expect(service.connectionState().status).toBe('connected');
      expect(states.some((s) => s.reason === 'unauthorized')).toBeFalse();
    });

    it('withAuth(source, {refresh}): the SDK asks refresh ahead of each expiry when the source has nothing newer', () => {
      const tokens = new BehaviorSubject<string | null>('login');
      let calls = 0;
      const { service, controller, states } = setup({ features: [withAuth(tokens, { refresh: () => of(`refreshed-${++calls}`) })] });
      const connection = controller.connection.open({ tokenExpiresAt: controller.clock.now() + TOKEN_TTL });
      const { rotations } = runSession(controller, connection, 60 * MINUTE);
      expect(controller.backend.connections.length).toBe(1);
      expect(connection.state).toBe('open');
      expect(rotations).toBe(calls);
      expect(rotations).toBeGreaterThanOrEqual(119);
      expect(service.connectionState().status).toBe('connected');
      expect(states.some((s) => s.reason === 'unauthorized' || s.reason === 'token_expired')).toBeFalse();
    });

    it('refresh runs in the injection context, so it can inject() the app’s auth service', () => {
      const REFRESHER = new InjectionToken<() => string>('REFRESHER');
      const tokens = new BehaviorSubject<string | null>('login');
      const { controller } = setup({
        features: [withAuth(tokens, { refresh: () => of(inject(REFRESHER)()) })],
        providers: [{ provide: REFRESHER, useValue: () => 'from-di' }],
      });
      const connection = controller.connection.open({ tokenExpiresAt: controller.clock.now() + TOKEN_TTL });
      controller.tick(30_000);
      expect(connection.authTokens).toEqual(['from-di']);
    });

    it('a late rotation timer (background tab) is caught up by the next server ping', () => {
      const { service, controller } = setup();
      controller.clock.throttle(MINUTE);
      // Just past a minute boundary, the timer due 30 s later is held until 59 s later.
      controller.tick(MINUTE - (controller.clock.now() % MINUTE) + 1000);
      let n = 0;
      service.connect(() => of(`provider-${++n}`));
      const connection = controller.connection.open({ tokenExpiresAt: controller.clock.now() + TOKEN_TTL });
      controller.tick(44_000);
      expect(connection.authTokens).toEqual([]);
      connection.ping();
      expect(connection.authTokens).toEqual(['provider-2']);
    });

    it('a rotated token the server refuses is reported; the socket stays open on its old token', () => {
      const { service, controller, errors } = setup();
      let n = 0;
      service.connect(() => of(`provider-${++n}`));
      const connection = controller.connection.open({ tokenExpiresAt: controller.clock.now() + TOKEN_TTL });
      controller.tick(30_000);
      connection.authFailed('Invalid authentication token; the connection keeps its current token');
      expect(errors.map((e) => e.code)).toEqual(['token_rejected']);
      expect(service.connectionState().status).toBe('connected');
      expect(connection.state).toBe('open');
    });

    it('while long polling, a rotated token is used by the next poll', () => {
      const tokens = new BehaviorSubject<string | null>('login');
      let calls = 0;
      const { controller } = setup({
        features: [withPollingFallback(), withTransports('websocket', 'polling'), withAuth(tokens, { refresh: () => of(`refreshed-${++calls}`) })],
      });
      controller.expectConnection().refuse();
      controller.expectPoll().respond({ tokenExpiresAt: controller.clock.now() + TOKEN_TTL });
      controller.tick(30_000);
      const parked = controller.expectPoll();
      expect(parked.token).toBe('login');
      parked.respond({ tokenExpiresAt: controller.clock.now() + 30_000 });
      expect(calls).toBe(1);
      expect(controller.expectPoll().token).toBe('refreshed-1');
    });
  });

  describe('an expiry that still happens (4004 or a poll’s 401)', () => {
    it('TokenProvider: reconnecting/token_expired while it is asked once, then connected again', () => {
      const { service, controller, states } = setup();
      let n = 0;
      service.connect(() => of(`provider-${++n}`));
      controller.connection.open();
      controller.connection.close(4004);
      expect(states.some((s) => s.status === 'reconnecting' && s.reason === 'token_expired')).toBeTrue();
      const next = controller.expectConnection();
      expect(next.params.get('token')).toBe('provider-2');
      next.open();
      expect(n).toBe(2);
      expect(service.connectionState().status).toBe('connected');
      expect(states.some((s) => s.reason === 'unauthorized')).toBeFalse();
    });

    it('withAuth: uses a token the source emitted after the expired one was in use', () => {
      const tokens = new BehaviorSubject<string | null>('a');
      const { service, controller } = setup({ features: [withAuth(tokens)] });
      const first = controller.connection.open();
      tokens.next('b'); // sent, but the laptop slept before auth_ok came back
      expect(first.authTokens).toEqual(['b']);
      first.close(4004);
      const next = controller.expectConnection();
      expect(next.params.get('token')).toBe('b');
      next.open();
      expect(service.connectionState().status).toBe('connected');
    });

    it('withAuth(source, {refresh}): calls refresh and reconnects with its token', async () => {
      const tokens = new BehaviorSubject<string | null>('a');
      const { service, controller } = setup({ features: [withAuth(tokens, { refresh: () => Promise.resolve('r1') })] });
      controller.connection.open();
      controller.connection.close(4004);
      await flushMicrotasks();
      const next = controller.expectConnection();
      expect(next.params.get('token')).toBe('r1');
      next.open();
      expect(service.connectionState().status).toBe('connected');
    });

    it('withAuth without refresh: waits up to tokenWaitMs for the source, and reconnects when it emits', () => {
      const tokens = new BehaviorSubject<string | null>('a');
      const { service, controller } = setup({ features: [withAuth(tokens)] });
      controller.connection.open();
      controller.connection.close(4004);
      controller.tick(14_000);
      controller.expectNoConnection();
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'reconnecting', reason: 'token_expired', lastCloseCode: 4004 }));
      tokens.next('late');
      const next = controller.expectConnection();
      expect(next.params.get('token')).toBe('late');
      next.open();
      expect(service.connectionState().status).toBe('connected');
    });

    it('withAuth: no fresh token within tokenWaitMs ends in disconnected/unauthorized, not before', () => {
      const tokens = new BehaviorSubject<string | null>('a');
      const { service, controller } = setup({ features: [withAuth(tokens, { tokenWaitMs: 15_000 })] });
      controller.connection.open();
      controller.connection.close(4004);
      controller.tick(14_999);
      expect(service.connectionState().reason).toBe('token_expired');
      controller.tick(1);
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'disconnected', reason: 'unauthorized' }));
      expect(controller.clock.pendingTimers).toBe(0);
      controller.expectNoConnection();
    });

    it('a fresh token that is rejected too ends in unauthorized', () => {
      const tokens = new BehaviorSubject<string | null>('a');
      const { service, controller } = setup({ features: [withAuth(tokens, { refresh: () => of('r1') })] });
      controller.connection.open();
      controller.connection.close(4004);
      controller.expectConnection().close(4003);
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'disconnected', reason: 'unauthorized', lastCloseCode: 4003 }));
    });

    it('a refresh that fails falls back to waiting for the source, and is reported', () => {
      const tokens = new BehaviorSubject<string | null>('a');
      const { service, controller, errors } = setup({
        features: [withAuth(tokens, { refresh: () => throwError(() => new Error('refresh endpoint down')) })],
      });
      controller.connection.open();
      controller.connection.close(4004);
      expect(errors.map((e) => e.code)).toEqual(['token_refresh_failed']);
      expect(service.connectionState().reason).toBe('token_expired');
      tokens.next('b');
      controller.expectConnection().open();
      expect(service.connectionState().status).toBe('connected');
    });

    it('a poll answered 401 "Token has expired" recovers the same way', () => {
      const tokens = new BehaviorSubject<string | null>('a');
      const { service, controller } = setup({ features: [withPollingFallback(), withTransports('websocket', 'polling'), withAuth(tokens, { refresh: () => of('r1') })] });
      controller.expectConnection().refuse();
      controller.expectPoll().fail(401, 'Token has expired');
      expect(service.connectionState().reason).toBe('token_expired');
      const retry = controller.expectPoll();
      expect(retry.token).toBe('r1');
      retry.respond();
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'polling' }));
    });

    it('disconnect() during the wait releases its timer and opens nothing', () => {
      const tokens = new BehaviorSubject<string | null>('a');
      const { service, controller } = setup({ features: [withAuth(tokens), withNoPollingFallback()] });
      controller.connection.open();
      controller.connection.close(4004);
      service.disconnect();
      expect(controller.clock.pendingTimers).toBe(0);
      controller.tick(60_000);
      controller.expectNoConnection();
    });
  });
});
