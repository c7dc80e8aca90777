import { TestBed } from '@angular/core/testing';
import type { TestConnection } from 'ngx-realtime/testing';
import { withProtocol } from '../config/provide-realtime';
import { ignisProtocol, type IgnisConnectedEvent, type IgnisEvent, type IgnisProtocolOptions } from '../protocol/ignis-protocol';
import { IgnisServerCrypto, RECORDED, publicKeyOf, until } from '../protocol/ignis-test-server.spec';
import type { RealtimeEvent } from '../protocol/realtime-protocol';
import { flushMicrotasks, setup, tickToRetry } from './websocket-service-test-bed.spec';

// What an app writes once to type its server's events (the type-level check below relies on it).
declare module 'ngx-realtime' {
  interface RealtimeEventMap {
    'order.updated': IgnisEvent<'order.updated', { orderId: string; total: number }>;
  }
}

const AUTH = '{"event":"authenticate","data":{"token":"t1"}}';
const HEARTBEAT = '{"event":"heartbeat"}';

function ignis(options: IgnisProtocolOptions = {}) {
  const bed = setup({ features: [withProtocol(ignisProtocol(options))] });
  const received: RealtimeEvent[] = [];
  bed.service.events$.subscribe((e) => received.push(e));
  return { ...bed, received };
}

const frames = (connection: TestConnection) => connection.sentRaw;
const heartbeats = (connection: TestConnection) => connection.sentRaw.filter((f) => f === HEARTBEAT).length;

describe('WebSocketService with ignisProtocol() (fake server)', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('authenticates on open, is connected on connected, joins its rooms then, and delivers {type, data}', () => {
    const { service, controller, received } = ignis();
    const connected: IgnisConnectedEvent[] = [];
    service.on<IgnisConnectedEvent>('connected').subscribe((e) => connected.push(e));
    service.join('orders');
    service.connect('t1');
    const connection = controller.expectConnection().accept();
    expect(frames(connection)).toEqual([AUTH]);
    expect(service.connectionState().status).toBe('reconnecting');
    connection.emitRaw(RECORDED.connected);
    expect(service.connectionState().status).toBe('connected');
    expect(frames(connection)).toEqual([AUTH, '{"event":"join","data":{"rooms":["orders"]}}']);
    expect(connected.map((e) => e.data.id)).toEqual(['47ee1ec4-2d92-4ed7-b72e-569bf44880c0']);
    connection.emitRaw(RECORDED.orderUpdated);
    service.leave('orders');
    expect(frames(connection).at(-1)).toBe('{"event":"leave","data":{"rooms":["orders"]}}');
    expect(received.at(-1)).toEqual({ type: 'order.updated', data: { id: 1 } } as RealtimeEvent);
  });

  it('types on(name) for events declared in RealtimeEventMap with IgnisEvent (compiles only if typed)', () => {
    const { service, controller } = ignis();
    const totals: number[] = [];
    // No cast: e.data.total is a number only because 'order.updated' is declared above.
    service.on('order.updated').subscribe((e) => totals.push(e.data.total + 1));
    // @ts-expect-error a field the declaration does not have
    service.on('order.updated').subscribe((e) => e.data.missing);
    service.connect('t1');
    const connection = controller.expectConnection().accept();
    connection.emitRaw(RECORDED.connected);
    connection.emitRaw('{"event":"order.updated","data":{"orderId":"o1","total":41}}');
    expect(totals).toEqual([42]);
  });

  it('ends unauthorized after exactly one attempt when the server refuses the credentials (error, then 4003)', () => {
    const { service, controller, errors } = ignis();
    service.connect('bad');
    const connection = controller.expectConnection().accept();
    connection.emitRaw(RECORDED.authFailed);
    connection.close(4003, 'Authentication failed');
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'disconnected', reason: 'unauthorized', lastCloseCode: 4003 }));
    expect(errors).toEqual([{ code: 'server_error', message: 'Authentication failed', detail: { message: 'Authentication failed' } }]);
    controller.tick(120_000);
    controller.expectNoConnection();
    expect(controller.clock.pendingTimers).toBe(0);
  });

  for (const [code, reason] of [
    [4001, 'protocol'],
    [4002, 'heartbeat_timeout'],
    [1001, 'server_shutdown'],
  ] as const) {
    it(`reconnects after ${code} (${reason}), authenticates and joins again, and tells the app to resync`, () => {
      const { service, controller, resyncs } = ignis();
      service.join('orders', 'alerts');
      service.connect('t1');
      const first = controller.expectConnection().accept();
      first.emitRaw(RECORDED.connected);
      first.close(code);
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'reconnecting', reason, lastCloseCode: code }));
      tickToRetry(service, controller);
      const second = controller.expectConnection().accept();
      second.emitRaw(RECORDED.connected);
      expect(frames(second)).toEqual([AUTH, '{"event":"join","data":{"rooms":["orders","alerts"]}}']);
      expect(resyncs.map((r) => r.reason)).toEqual(['reconnected']);
    });
  }

  it('ends after 4004 (encryption refused), with reason protocol: every retry would be refused alike', () => {
    const { service, controller } = ignis();
    service.connect('t1');
    controller.expectConnection().accept().close(4004, 'Encryption required');
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'disconnected', reason: 'protocol', lastCloseCode: 4004 }));
    controller.tick(120_000);
    controller.expectNoConnection();
  });

  describe('client heartbeat', () => {
    it('sends none before connected, then one every heartbeatIntervalMs; none once closed', () => {
      const { service, controller } = ignis();
      service.connect('t1');
      const connection = controller.expectConnection().accept();
      controller.tick(9_000);
      expect(heartbeats(connection)).toBe(0);
      connection.emitRaw(RECORDED.connected);
      controller.tick(19_999);
      expect(heartbeats(connection)).toBe(0);
      controller.tick(1);
      expect(heartbeats(connection)).toBe(1);
      controller.tick(60_000);
      expect(heartbeats(connection)).toBe(4);
      service.disconnect();
      expect(controller.clock.pendingTimers).toBe(0);
    });

    it('stops with the connection the server closed: the retry is the only timer left', () => {
      const { service, controller } = ignis({ heartbeatIntervalMs: 5_000 });
      service.connect('t1');
      const connection = controller.expectConnection().accept();
      connection.emitRaw(RECORDED.connected);
      connection.close(1006);
      expect(controller.clock.pendingTimers).toBe(1);
      expect(service.connectionState().nextRetryAt).not.toBeNull();
    });

    /** Heartbeats sent over ten minutes of a background tab whose timers fire once a minute, as clock times. */
    function throttledTab(frameEveryMs: number | null): number[] {
      const { service, controller } = ignis();
      service.connect('t1');
      const connection = controller.expectConnection().accept();
      connection.emitRaw(RECORDED.connected);
      controller.clock.throttle(60_000); // Chrome's intensive throttling: timers aligned to whole minutes
      const sentAt: number[] = [controller.clock.now()];
      let count = 0;
      const end = controller.clock.now() + 600_000;
      while (controller.clock.now() < end) {
        controller.tick(frameEveryMs ?? 1_000);
        if (frameEveryMs !== null) connection.emitRaw(RECORDED.orderUpdated); // network events are not throttled
        for (; count < heartbeats(connection); count++) sentAt.push(controller.clock.now());
      }
      return sentAt;
    }
    const longestGap = (times: number[]) => Math.max(...times.slice(1).map((t, i) => t - times[i]!));

    it('stays inside the 90 s server timeout in a throttled background tab: timers alone give one a minute', () => {
      const sentAt = throttledTab(null);
      // The one timer that was due when throttling set in waits for the next whole minute: 20 + 60 s at worst.
      expect(longestGap(sentAt)).toBeLessThanOrEqual(80_000);
      // From then on, one a minute.
      expect(longestGap(sentAt.slice(1))).toBeLessThanOrEqual(60_000);
    });

    it('sends a due heartbeat from the message handler when frames arrive, whatever the throttled timer does', () => {
      // Frames every 10 s: each heartbeat goes at most 10 s after it was due, 30 s after the last one.
      expect(longestGap(throttledTab(10_000))).toBeLessThanOrEqual(30_000);
    });
  });

  describe('first frames made asynchronously', () => {
    function deferred<T>() {
      let resolve!: (value: T) => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
      return { promise, resolve, reject };
    }

    it('sends them once the socket is open and they are made, whichever comes first', async () => {
      const pending = [deferred<Record<string, unknown>>(), deferred<Record<string, unknown>>()];
      let call = 0;
      const { service, controller } = ignis({ credentials: () => pending[call++]!.promise });
      service.connect('t1');
      const first = controller.expectConnection().accept();
      await flushMicrotasks();
      expect(frames(first)).toEqual([]);
      pending[0]!.resolve({ token: 'signed' });
      await flushMicrotasks();
      expect(frames(first)).toEqual(['{"event":"authenticate","data":{"token":"signed"}}']);
      first.close(1006);
      tickToRetry(service, controller);
      const second = controller.expectConnection();
      pending[1]!.resolve({ token: 'signed-2' });
      await flushMicrotasks();
      second.accept();
      expect(frames(second)).toEqual(['{"event":"authenticate","data":{"token":"signed-2"}}']);
    });

    it('ends the attempt and retries when they cannot be made, reporting why', async () => {
      const { service, controller, errors } = ignis({ credentials: () => Promise.reject(new Error('signing service down')) });
      service.connect('t1');
      const connection = controller.expectConnection().accept();
      await flushMicrotasks();
      expect(connection.closedByClient).not.toBeNull();
      expect(errors.map((e) => [e.code, e.message])).toEqual([['first_frames_failed', 'the ignis protocol could not make its first frames: signing service down']]);
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'reconnecting', reason: 'network', lastCloseCode: 4000 }));
      tickToRetry(service, controller);
      controller.expectConnection();
    });
  });

  describe('encryption', () => {
    /** Connects with encryption and plays the server's handshake up to the keys. */
    async function encrypted() {
      const bed = ignis({ encryption: true });
      bed.service.connect('t1');
      const connection = bed.controller.expectConnection().accept();
      await until('authenticate', () => connection.sentRaw.length === 1);
      const server = await IgnisServerCrypto.handshake(publicKeyOf(connection.sentRaw[0]!));
      return { ...bed, connection, server };
    }

    it('is connected once the key is derived and delivers decrypted events in order; a tampered one only on errors$', async () => {
      const { service, connection, server, received, errors } = await encrypted();
      expect(JSON.parse(connection.sentRaw[0]!).data.token).toBe('t1');
      connection.emitRaw(server.connected());
      expect(service.connectionState().status).toBe('reconnecting'); // the key is still being derived
      await until('connected', () => service.connectionState().status === 'connected');
      connection.emitRaw(await server.seal('order.updated', { orderId: 'o1', total: 1 }));
      connection.emitRaw(await server.sealTampered('order.updated', { orderId: 'evil', total: 0 }));
      connection.emitRaw(await server.seal('order.updated', { orderId: 'o2', total: 2 }));
      await until('o2', () => received.length === 3);
      expect(received.map((e) => e.type)).toEqual(['connected', 'order.updated', 'order.updated']);
      expect(received.slice(1).map((e) => (e as IgnisEvent<'order.updated', { orderId: string }>).data.orderId)).toEqual(['o1', 'o2']);
      expect(errors.map((e) => e.code)).toEqual(['decrypt_failed']);
    });

    it('delivers and reports nothing from a connection that closed while its frames were being decrypted', async () => {
      const { service, controller, connection, server, received, errors } = await encrypted();
      connection.emitRaw(server.connected());
      await until('connected', () => service.connectionState().status === 'connected');
      const sealed = [await server.seal('order.updated', { orderId: 'late', total: 0 }), await server.sealTampered('order.updated', { orderId: 'late', total: 0 })];
      for (const frame of sealed) connection.emitRaw(frame);
      connection.close(1006); // before WebCrypto is done
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received.map((e) => e.type)).toEqual(['connected']);
      expect(errors).toEqual([]);
      tickToRetry(service, controller);
      controller.expectConnection();
    });

    it('stops, saying what to fix, against a server that encrypts connected', async () => {
      const { service, connection, server, errors } = await encrypted();
      connection.emitRaw(await server.seal('connected', { id: 'c', serverPublicKey: server.serverPublicKey, salt: server.salt }));
      await until('stopped', () => service.connectionState().status === 'disconnected');
      expect(service.connectionState()).toEqual(jasmine.objectContaining({ reason: 'protocol', lastCloseCode: 4004 }));
      expect(errors.map((e) => e.code)).toEqual(['encryption_failed']);
      expect(errors[0]!.message).toContain("event === 'connected'");
      expect(connection.closedByClient).not.toBeNull();
    });
  });
});
