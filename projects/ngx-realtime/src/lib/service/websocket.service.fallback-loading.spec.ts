import { TestBed } from '@angular/core/testing';
import { of } from 'rxjs';
import { withProtocol } from '../config/provide-realtime';
import { REALTIME_FALLBACKS, loadFallbacks, type FallbackLoader, type RealtimeFallbacks } from '../fallbacks/load-fallbacks';
import { nativeProtocol } from '../protocol/native-protocol';
import { flushMicrotasks, put, setup } from './websocket-service-test-bed.spec';

/**
 * A loader whose load the spec settles by hand, counting the calls; once settled with the real
 * fallbacks it gives them synchronously, as the real loader does.
 */
function heldLoader() {
  let settle: { resolve: (fallbacks: RealtimeFallbacks) => void; reject: (error: unknown) => void } | null = null;
  let loaded: RealtimeFallbacks | null = null;
  const loader = jasmine.createSpy<FallbackLoader>('loader').and.callFake(
    () => loaded ?? new Promise<RealtimeFallbacks>((resolve, reject) => (settle = { resolve, reject })),
  );
  return {
    loader,
    load: async () => {
      loaded = (await loadFallbacks()) as RealtimeFallbacks;
      settle!.resolve(loaded);
      await flushMicrotasks();
    },
    fail: async (error: unknown) => {
      settle!.reject(error);
      await flushMicrotasks();
    },
  };
}

describe('WebSocketService loading its fallbacks on first need', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('never asks for the fallback code while the WebSocket works, renewals on the open socket included', () => {
    const held = heldLoader();
    let n = 0;
    const { service, controller } = setup({ providers: [{ provide: REALTIME_FALLBACKS, useValue: held.loader }] });
    service.connect(() => of(`token-${++n}`));
    const socket = controller.expectConnection();
    socket.open({ tokenExpiresAt: 60_000, serverTime: 0 });
    controller.tick(31_000);
    expect(socket.sent.some((frame) => frame.type === 'auth')).toBeTrue();
    socket.drop();
    controller.tick(500);
    controller.expectConnection().open();
    expect(held.loader).not.toHaveBeenCalled();
  });

  it('waits for the fallback code before it opens the stream, then goes on from there', async () => {
    const held = heldLoader();
    const { service, controller, seqs } = setup({ providers: [{ provide: REALTIME_FALLBACKS, useValue: held.loader }] });
    service.connect('t');
    controller.expectConnection().refuse();
    expect(held.loader).toHaveBeenCalledTimes(1);
    controller.expectNoStream();
    expect(service.connectionState().status).toBe('reconnecting');
    await held.load();
    const stream = controller.expectStream();
    stream.open({ lastSeq: 0 });
    stream.emit(put('a'));
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'sse' }));
    expect(seqs()).toEqual([1]);
  });

  it('opens nothing when the session ended while the code was loading', async () => {
    const held = heldLoader();
    const { service, controller } = setup({ providers: [{ provide: REALTIME_FALLBACKS, useValue: held.loader }] });
    service.connect('t');
    controller.expectConnection().refuse();
    service.disconnect();
    await held.load();
    controller.expectNoStream();
    controller.expectNoPoll();
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'disconnected', reason: 'client' }));
  });

  it('reports a failed load as fallback_load_failed and retries on the WebSocket, loading again when it fails again', async () => {
    const held = heldLoader();
    const { service, controller, errors } = setup({ providers: [{ provide: REALTIME_FALLBACKS, useValue: held.loader }] });
    service.connect('t');
    controller.expectConnection().refuse();
    const failure = new TypeError('Failed to fetch dynamically imported module');
    await held.fail(failure);
    expect(errors).toEqual([{ code: 'fallback_load_failed', message: 'the fallback transports could not be loaded', detail: failure }]);
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'reconnecting', reason: 'network', attempt: 1 }));
    controller.tick(1000);
    // Back on the WebSocket: a browser that keeps the failed import must not strand the session.
    controller.expectConnection().refuse();
    expect(held.loader).toHaveBeenCalledTimes(2);
    await held.load();
    controller.expectStream().open();
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'sse' }));
  });

  it('goes on working on the WebSocket when the fallback code never loads', async () => {
    const held = heldLoader();
    const { service, controller } = setup({ providers: [{ provide: REALTIME_FALLBACKS, useValue: held.loader }] });
    service.connect('t');
    controller.expectConnection().refuse();
    await held.fail(new TypeError('Failed to fetch dynamically imported module'));
    controller.tick(1000);
    controller.expectConnection().open();
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'websocket' }));
  });

  it('a protocol that cannot rotate on the open socket loads the code to renew its token beside it', async () => {
    const held = heldLoader();
    let n = 0;
    const noRotation = { ...nativeProtocol(), name: 'no-rotation', rotate: () => null };
    const { service, controller } = setup({
      features: [withProtocol(noRotation)],
      providers: [{ provide: REALTIME_FALLBACKS, useValue: held.loader }],
    });
    service.connect(() => of(`token-${++n}`));
    const first = controller.expectConnection();
    first.open({ tokenExpiresAt: 60_000, serverTime: 0 });
    controller.tick(31_000);
    expect(held.loader).toHaveBeenCalledTimes(1);
    controller.expectNoConnection();
    await held.load();
    const renewal = controller.expectConnection('token=token-2');
    renewal.open();
    expect(first.closedByClient).not.toBeNull();
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'websocket' }));
  });
});
