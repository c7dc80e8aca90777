import {
  EnvironmentInjector,
  Injector,
  PLATFORM_ID,
  createEnvironmentInjector,
  provideZonelessChangeDetection,
  ɵINJECTOR_SCOPE as INJECTOR_SCOPE,
} from '@angular/core';
import { FakeTabNetwork, RealtimeTestingController, provideRealtimeTesting } from 'ngx-realtime/testing';
import { provideRealtime, withProtocol, withTabSharing } from '../config/provide-realtime';
import { TabSharingPlatform } from '../platform/tab-sharing-platform';
import { ignisProtocol } from '../protocol/ignis-protocol';
import { RECORDED } from '../protocol/ignis-test-server.spec';
import type { RealtimeEvent } from '../protocol/realtime-protocol';
import type { RealtimeResync } from '../stream/realtime-resync';
import { WebSocketService } from '../service/websocket.service';
import { tickToRetry } from '../service/websocket-service-test-bed.spec';

/** One tab on a protocol without replay (Ignis), sharing the fake tab network. */
function openTab(network: FakeTabNetwork) {
  const platform = network.tab();
  const injector = createEnvironmentInjector(
    [
      { provide: INJECTOR_SCOPE, useValue: 'root' },
      { provide: PLATFORM_ID, useValue: 'browser' },
      provideZonelessChangeDetection(),
      provideRealtime({ url: 'ws://realtime.test/ws' }, withProtocol(ignisProtocol()), withTabSharing()),
      provideRealtimeTesting(),
      { provide: TabSharingPlatform, useValue: platform },
    ],
    Injector.NULL as EnvironmentInjector,
  );
  const service = injector.get(WebSocketService);
  const controller = injector.get(RealtimeTestingController);
  const resyncs: RealtimeResync[] = [];
  const events: RealtimeEvent[] = [];
  service.resync$.subscribe((r) => resyncs.push(r));
  service.events$.subscribe((e) => events.push(e));
  return { platform, injector, service, controller, resyncs, events };
}

describe('withTabSharing() on a protocol without replay', () => {
  let network: FakeTabNetwork;
  let tabs: ReturnType<typeof openTab>[];
  beforeEach(() => {
    network = new FakeTabNetwork();
    tabs = [];
  });
  afterEach(() => {
    for (const t of tabs) t.injector.destroy();
  });
  const tab = () => {
    const t = openTab(network);
    tabs.push(t);
    return t;
  };

  it("tells every tab to resync when the leader's connection comes back: the followers missed the gap too", () => {
    const a = tab();
    const b = tab();
    a.service.connect('t1');
    b.service.connect('t1');
    const first = a.controller.expectConnection().accept();
    first.emitRaw(RECORDED.connected);
    first.emitRaw(RECORDED.orderUpdated);
    expect(b.events.map((e) => e.type)).toEqual(['connected', 'order.updated']);
    expect([a.resyncs, b.resyncs]).toEqual([[], []]);
    first.drop();
    tickToRetry(a.service, a.controller);
    a.controller.expectConnection().accept().emitRaw(RECORDED.connected);
    expect(a.resyncs.map((r) => r.reason)).toEqual(['reconnected']);
    expect(b.resyncs.map((r) => r.reason)).toEqual(['reconnected']);
  });

  it("tells every tab to resync when another tab takes over: the old leader's connection is gone", () => {
    const a = tab();
    const b = tab();
    const c = tab();
    for (const t of [a, b, c]) t.service.connect('t1');
    a.controller.expectConnection().accept().emitRaw(RECORDED.connected);
    network.crash(a.platform);
    expect(b.service.connectionState().role).toBe('leader');
    b.controller.expectConnection().accept().emitRaw(RECORDED.connected);
    expect(b.resyncs.map((r) => r.reason)).toEqual(['reconnected']);
    expect(c.resyncs.map((r) => r.reason)).toEqual(['reconnected']);
  });

  it('a first leader with nothing before it resyncs no one', () => {
    const a = tab();
    const b = tab();
    a.service.connect('t1');
    b.service.connect('t1');
    a.controller.expectConnection().accept().emitRaw(RECORDED.connected);
    expect([a.resyncs, b.resyncs]).toEqual([[], []]);
  });
});
