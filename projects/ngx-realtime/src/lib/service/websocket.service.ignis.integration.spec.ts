/**
 * ignisProtocol() in a real browser against the real Ignis server helper (`WebSocketServerHelper` of
 * `@venizia/ignis-helpers` 0.0.7 under Bun, on a real redis-server), with room messages sent by
 * Ignis's `WebSocketEmitter` from another process. integration/harness.cjs runs them all (see
 * integration/ignis/server.ts for what the server accepts: the token `good-token`, every room).
 */
import { DOCUMENT } from '@angular/common';
import {
  EnvironmentInjector,
  Injector,
  PLATFORM_ID,
  createEnvironmentInjector,
  provideZonelessChangeDetection,
  ɵINJECTOR_SCOPE as INJECTOR_SCOPE,
  type EnvironmentProviders,
  type Provider,
} from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRealtime, withProtocol, withReconnect, withTabSharing } from '../config/provide-realtime';
import type { RealtimeFeature } from '../config/realtime-feature';
import { RANDOM_SOURCE } from '../platform/clock';
import { ignisProtocol, type IgnisConnectedEvent, type IgnisEvent, type IgnisProtocolOptions } from '../protocol/ignis-protocol';
import type { RealtimeEvent } from '../protocol/realtime-protocol';
import type { ConnectionState } from '../stream/connection-state';
import type { RealtimeError } from '../stream/realtime-error';
import type { RealtimeResync } from '../stream/realtime-resync';
import { callServer, countingBackend, killServer, pause, startServer, stopServer, unique } from './integration-harness.spec';
import { waitFor } from './integration-test-bed.spec';
import { WebSocketService } from './websocket.service';

type OrderEvent = IgnisEvent<'order.updated', { orderId: string; i?: number }>;

const GOOD_TOKEN = 'good-token';

function providers(url: string, options: IgnisProtocolOptions, sockets: string[], features: RealtimeFeature[] = []): (Provider | EnvironmentProviders)[] {
  return [
    provideZonelessChangeDetection(),
    provideRealtime({ url }, withProtocol(ignisProtocol(options)), withReconnect({ initialDelayMs: 100, maxDelayMs: 400 }), ...features),
    countingBackend(sockets),
    { provide: RANDOM_SOURCE, useValue: () => 1 },
  ];
}

/** A service, and everything it emits. */
function observe(service: WebSocketService) {
  const events: RealtimeEvent[] = [];
  const errors: RealtimeError[] = [];
  const resyncs: RealtimeResync[] = [];
  const states: ConnectionState[] = [];
  service.events$.subscribe((e) => events.push(e));
  service.errors$.subscribe((e) => errors.push(e));
  service.resync$.subscribe((r) => resyncs.push(r));
  service.connectionState$.subscribe((s) => states.push(s));
  const orders = () => events.filter((e): e is OrderEvent => e.type === 'order.updated').map((e) => e.data.orderId);
  const connectedIds = () => events.filter((e): e is IgnisConnectedEvent => e.type === 'connected').map((e) => e.data.id);
  return { service, events, errors, resyncs, states, orders, connectedIds };
}

function client(url: string, options: IgnisProtocolOptions = {}) {
  const sockets: string[] = [];
  TestBed.configureTestingModule({ providers: providers(url, options, sockets) });
  return { ...observe(TestBed.inject(WebSocketService)), sockets };
}

/** `WebSocketEmitter.toRoom()`, from the emitter's own process, through Redis. */
function toRoom(room: string, orderId: string, event = 'order.updated', extra: Record<string, unknown> = {}): Promise<void> {
  return callServer('emitter', '/to-room', { room, event, data: { orderId, ...extra } });
}

/**
 * Sends to `room` until `arrived()`: Ignis never acknowledges a join, so the first message may
 * overtake it (it travels through another process and Redis).
 */
async function toRoomUntil(room: string, orderId: string, arrived: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!arrived()) {
    if (Date.now() > deadline) throw new Error(`no ${orderId} from room ${room} within 10 s`);
    await toRoom(room, orderId);
    await pause(100);
  }
}

const connected = (service: WebSocketService) => () => service.connectionState().status === 'connected';

describe('WebSocketService with ignisProtocol() against the real Ignis server helper (integration)', () => {
  let main: string;

  beforeAll(async () => {
    main = await startServer('ignis', 'ignis');
    await startServer('ignis-emitter', 'emitter');
  }, 30_000);
  afterEach(() => TestBed.resetTestingModule());

  it('authenticates with the credentials and is connected on connected, which names the client and user', async () => {
    const { service, connectedIds, events, sockets } = client(main, { credentials: (token) => ({ token }) });
    service.connect(GOOD_TOKEN);
    await waitFor('connected', connected(service));
    const hello = events.find((e): e is IgnisConnectedEvent => e.type === 'connected')!;
    expect(connectedIds()[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(hello.data.userId).toBe('user-1');
    expect(sockets.length).toBe(1);
    service.disconnect();
  }, 20_000);

  it('ends unauthorized after exactly one attempt with a token the server refuses', async () => {
    const { service, errors, sockets } = client(main);
    service.connect('wrong-token');
    await waitFor('disconnected', () => service.connectionState().status === 'disconnected');
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ reason: 'unauthorized', lastCloseCode: 4003 }));
    expect(errors.map((e) => [e.code, e.message])).toEqual([['server_error', 'Authentication failed']]);
    await pause(800); // several backoff delays: nothing more may happen
    expect(sockets.length).toBe(1);
  }, 20_000);

  it("receives a joined room's toRoom() from another process, and nothing from it after leave()", async () => {
    const { service, orders } = client(main);
    const [left, kept] = [unique('left'), unique('kept')];
    service.join(left, kept);
    service.connect(GOOD_TOKEN);
    await waitFor('connected', connected(service));
    await toRoomUntil(left, 'first', () => orders().includes('first'));
    await toRoomUntil(kept, 'kept-1', () => orders().includes('kept-1'));
    service.leave(left);
    await pause(300); // the leave frame is on its way; Ignis does not acknowledge it either
    await toRoom(left, 'after-leave');
    await toRoom(kept, 'kept-2'); // published after it, on the same Redis connection: delivered after it
    await waitFor('kept-2', () => orders().includes('kept-2'));
    await pause(200);
    expect(orders()).not.toContain('after-leave');
    service.disconnect();
  }, 30_000);

  it('authenticates and joins its rooms again by itself after the server process is killed and restarted', async () => {
    const url = await startServer('ignis', 'ignis-restart');
    const { service, orders, connectedIds, resyncs, sockets } = client(url);
    const room = unique('restart');
    service.join(room);
    service.connect(GOOD_TOKEN);
    await waitFor('connected', connected(service));
    await toRoomUntil(room, 'before', () => orders().includes('before'));
    await killServer('ignis-restart');
    await waitFor('the loss to be noticed', () => service.connectionState().status === 'reconnecting');
    expect(service.connectionState().reason).toBe('network');
    await pause(600); // a few failed attempts against nothing
    await startServer('ignis', 'ignis-restart');
    await waitFor('connected again', connected(service), 10_000);
    await toRoomUntil(room, 'after', () => orders().includes('after'));
    expect(connectedIds().length).toBe(2);
    expect(connectedIds()[1]).not.toBe(connectedIds()[0]); // a new client to the server
    expect(resyncs.map((r) => r.reason)).toEqual(['reconnected']);
    expect(sockets.length).toBeGreaterThan(2);
    service.disconnect();
  }, 40_000);

  it('reconnects after a graceful shutdown (1001, server_shutdown)', async () => {
    const url = await startServer('ignis', 'ignis-shutdown');
    const { service, states } = client(url);
    service.connect(GOOD_TOKEN);
    await waitFor('connected', connected(service));
    await stopServer('ignis-shutdown');
    await waitFor('the shutdown', () => states.some((s) => s.lastCloseCode === 1001));
    expect(states.find((s) => s.lastCloseCode === 1001)).toEqual(jasmine.objectContaining({ status: 'reconnecting', reason: 'server_shutdown' }));
    await startServer('ignis', 'ignis-shutdown');
    await waitFor('connected again', connected(service), 10_000);
    service.disconnect();
  }, 30_000);

  it("keeps an idle connection alive with its heartbeat; without one the server closes it (4002, heartbeat_timeout)", async () => {
    // A server that sweeps every 300 ms and closes clients silent for 1.2 s (Ignis: 30 s and 90 s).
    const url = await startServer('ignis', 'ignis-heartbeat', { heartbeatIntervalMs: 300, heartbeatTimeoutMs: 1200 });
    const alive = client(url, { heartbeatIntervalMs: 400 });
    alive.service.connect(GOOD_TOKEN);
    await waitFor('connected', connected(alive.service));
    await pause(3000);
    expect(alive.service.connectionState().status).toBe('connected');
    expect(alive.states.some((s) => s.lastCloseCode !== null)).toBeFalse();
    expect(alive.sockets.length).toBe(1);
    alive.service.disconnect();
    TestBed.resetTestingModule();

    const silent = client(url, { heartbeatIntervalMs: 60_000 });
    silent.service.connect(GOOD_TOKEN);
    await waitFor('connected', connected(silent.service));
    await waitFor('the server to close it', () => silent.states.some((s) => s.lastCloseCode === 4002), 5000);
    expect(silent.states.find((s) => s.lastCloseCode === 4002)).toEqual(jasmine.objectContaining({ status: 'reconnecting', reason: 'heartbeat_timeout' }));
    silent.service.disconnect();
  }, 30_000);

  it('shares one socket between two tabs (real BroadcastChannel and Web Locks): both get both tabs\' rooms, and a new leader joins them again', async () => {
    const sockets: string[] = [];
    const name = unique('tabs');
    const tab = () => {
      const injector = createEnvironmentInjector(
        [
          { provide: INJECTOR_SCOPE, useValue: 'root' },
          { provide: PLATFORM_ID, useValue: 'browser' },
          { provide: DOCUMENT, useValue: document },
          ...providers(main, {}, sockets, [withTabSharing({ name })]),
        ],
        Injector.NULL as EnvironmentInjector,
      );
      let open = true;
      const close = () => {
        if (open) injector.destroy(); // the tab closes
        open = false;
      };
      return { close, ...observe(injector.get(WebSocketService)) };
    };
    const a = tab();
    const b = tab();
    const [roomA, roomB] = [unique('tab-a'), unique('tab-b')];
    try {
      a.service.join(roomA);
      b.service.join(roomB);
      a.service.connect(GOOD_TOKEN);
      await waitFor('a leads', () => a.service.connectionState().role === 'leader' && connected(a.service)());
      b.service.connect(GOOD_TOKEN);
      await waitFor('b follows, connected', () => b.service.connectionState().role === 'follower' && connected(b.service)());
      await toRoomUntil(roomB, 'for-b', () => a.orders().includes('for-b') && b.orders().includes('for-b'));
      await toRoomUntil(roomA, 'for-a', () => a.orders().includes('for-a') && b.orders().includes('for-a'));
      expect(sockets.length).toBe(1);

      a.close(); // the leader's tab closes
      await waitFor('b leads, connected', () => b.service.connectionState().role === 'leader' && connected(b.service)(), 10_000);
      await toRoomUntil(roomB, 'for-b-again', () => b.orders().includes('for-b-again'));
      expect(sockets.length).toBe(2);
    } finally {
      a.close();
      b.close();
    }
  }, 40_000);

  describe('with encryption', () => {
    let encrypted: string;
    beforeAll(async () => {
      encrypted = await startServer('ignis', 'ignis-encrypted', { encryption: true });
    }, 30_000);

    it('delivers decrypted room events in order; a tampered frame is reported, never delivered', async () => {
      const { service, orders, events, errors, connectedIds } = client(encrypted, { encryption: true });
      const room = unique('sealed');
      service.join(room);
      service.connect(GOOD_TOKEN);
      await waitFor('connected', connected(service));
      expect(connectedIds().length).toBe(1);
      await toRoomUntil(room, 'first', () => orders().includes('first'));
      await toRoom(room, 'evil', 'tamper.order'); // the server flips a bit of this one's ciphertext
      for (let i = 1; i <= 5; i++) {
        await toRoom(room, `o${i}`);
        await pause(20);
      }
      await waitFor('o5', () => orders().includes('o5'));
      expect(orders().filter((id) => id !== 'first')).toEqual(['o1', 'o2', 'o3', 'o4', 'o5']);
      expect(events.some((e) => e.type === 'tamper.order')).toBeFalse();
      expect(errors.map((e) => e.code)).toEqual(['decrypt_failed']);
      service.disconnect();
    }, 30_000);

    it('ends with 4004 (reason protocol) when the client does not encrypt and the server requires it', async () => {
      const { service, errors, sockets } = client(encrypted);
      service.connect(GOOD_TOKEN);
      await waitFor('disconnected', () => service.connectionState().status === 'disconnected');
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ reason: 'protocol', lastCloseCode: 4004 }));
      expect(errors.map((e) => e.message)).toEqual(['Encryption handshake failed']);
      await pause(600);
      expect(sockets.length).toBe(1);
    }, 20_000);

    it('says what to fix, and stops, against the documented example that encrypts connected', async () => {
      const url = await startServer('ignis', 'ignis-encrypted-bug', { encryption: true, encryptConnected: true });
      const { service, errors, sockets } = client(url, { encryption: true });
      service.connect(GOOD_TOKEN);
      await waitFor('disconnected', () => service.connectionState().status === 'disconnected');
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ reason: 'protocol', lastCloseCode: 4004 }));
      expect(errors.map((e) => e.code)).toEqual(['encryption_failed']);
      expect(errors[0]!.message).toContain("event === 'connected'");
      expect(sockets.length).toBe(1);
    }, 20_000);
  });
});
