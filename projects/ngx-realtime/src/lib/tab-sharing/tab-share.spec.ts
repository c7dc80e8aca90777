import {
  EnvironmentInjector,
  Injector,
  PLATFORM_ID,
  createEnvironmentInjector,
  provideZonelessChangeDetection,
  ɵINJECTOR_SCOPE as INJECTOR_SCOPE,
} from '@angular/core';
import { FakeTabNetwork, RealtimeTestingController, provideRealtimeTesting, type FakeTab, type TestEvent } from 'ngx-realtime/testing';
import type { ConnectionState } from '../stream/connection-state';
import type { ServerEvent } from '../protocol/protocol';
import { provideRealtime, withProtocol, withTabSharing, withTransports } from '../config/provide-realtime';
import { nativeWithRooms } from '../service/websocket.service.rooms.spec';
import type { RealtimeFeature } from '../config/realtime-feature';
import { TabSharingPlatform } from '../platform/tab-sharing-platform';
import { WebSocketService } from '../service/websocket.service';
import { flushMicrotasks } from '../service/websocket-service-test-bed.spec';

const URL = 'ws://realtime.test/ws/events';

/** One browser tab: its own injector, service, fake server and clock, sharing the tab network. */
function openTab(network: FakeTabNetwork, options: { apis?: boolean; url?: string | (() => string); features?: RealtimeFeature[] } = {}) {
  const platform: FakeTab = network.tab(options);
  const injector = createEnvironmentInjector(
    [
      { provide: INJECTOR_SCOPE, useValue: 'root' },
      { provide: PLATFORM_ID, useValue: 'browser' },
      provideZonelessChangeDetection(),
      provideRealtime({ url: options.url ?? URL }, withTabSharing(), ...(options.features ?? [])),
      provideRealtimeTesting(),
      { provide: TabSharingPlatform, useValue: platform },
    ],
    Injector.NULL as EnvironmentInjector,
  );
  const service = injector.get(WebSocketService);
  const controller = injector.get(RealtimeTestingController);
  const seqs: number[] = [];
  const states: ConnectionState[] = [];
  service.events$.subscribe((e: ServerEvent) => 'seq' in e && seqs.push(e.seq));
  service.connectionState$.subscribe((s) => states.push(s));
  return { platform, injector, service, controller, seqs, states };
}

const put = (key: string, seq: number): TestEvent => ({ type: 'key_change', operation: 'put', key, cf: 'default', value: 'v', seq });

describe('withTabSharing()', () => {
  let network: FakeTabNetwork;
  let tabs: Array<ReturnType<typeof openTab>>;

  beforeEach(() => {
    network = new FakeTabNetwork();
    tabs = [];
  });
  afterEach(() => {
    for (const tab of tabs) tab.injector.destroy();
  });
  const tab = (options: { apis?: boolean; url?: string | (() => string); features?: RealtimeFeature[] } = {}) => {
    const t = openTab(network, options);
    tabs.push(t);
    return t;
  };

  it('tabs with a url function share one connection by name, whatever the function answers', () => {
    let calls = 0;
    const rotating = () => `ws://instance-${++calls}.test/ws/events`;
    const a = tab({ url: rotating });
    const b = tab({ url: rotating });
    a.service.connect('t');
    b.service.connect('t');
    expect(a.controller.backend.connections.length + b.controller.backend.connections.length).toBe(1);
    expect(b.service.connectionState().role).toBe('follower');
  });

  it('elects one leader: only it opens a socket; followers get each event once, in order, and mirror its state', () => {
    const a = tab();
    const b = tab();
    const c = tab();
    a.service.connect('t');
    b.service.connect('t');
    c.service.connect('t');
    expect(a.controller.backend.connections.length).toBe(1);
    expect(b.controller.backend.connections.length).toBe(0);
    expect(c.controller.backend.connections.length).toBe(0);
    const socket = a.controller.connection.open({ lastSeq: 10 });
    for (let seq = 11; seq <= 15; seq++) socket.emit(put(`k${seq}`, seq));
    socket.emitBatch([put('k16', 16), put('k17', 17)]);
    for (const t of [a, b, c]) expect(t.seqs).withContext('seqs').toEqual([11, 12, 13, 14, 15, 16, 17]);
    expect(a.service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', role: 'leader', transport: 'websocket' }));
    expect(b.service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', role: 'follower', transport: 'websocket' }));
    expect(c.service.lastSeq()).toBe(17);
  });

  it('a follower delivers a relayed batch as one group, as the leader does', () => {
    const a = tab();
    const b = tab();
    a.service.connect('t');
    b.service.connect('t');
    const socket = a.controller.connection.open({ lastSeq: 0 });
    const seen: string[] = [];
    for (const [name, t] of [['leader', a], ['follower', b]] as const) {
      t.service.onKeyChanges().subscribe((e) => {
        seen.push(`${name} ${e.key} ${t.service.ɵbatching() ? 'in' : 'alone'}`);
        if (e.key === 'k1') t.service.ɵafterBatch(() => seen.push(`${name} end`));
      });
    }
    socket.emitBatch([put('k1', 1), put('k2', 2)]);
    socket.emit(put('k3', 3));
    expect(seen).toEqual(['leader k1 in', 'leader k2 in', 'leader end', 'follower k1 in', 'follower k2 in', 'follower end', 'leader k3 alone', 'follower k3 alone']);
  });

  it('shares a Server-Sent Events stream like a socket: one stream, every tab gets each event once, a handover resumes', () => {
    const sse = { features: [withTransports('sse')] };
    const a = tab(sse);
    const b = tab(sse);
    a.service.connect('t');
    b.service.connect('t');
    expect(b.controller.backend.streams.length).toBe(0);
    const stream = a.controller.expectStream().open({ lastSeq: 0, epoch: 'e1' });
    stream.emit(put('k1', 1));
    stream.emitBatch([put('k2', 2), put('k3', 3)]);
    for (const t of [a, b]) expect(t.seqs).withContext('seqs').toEqual([1, 2, 3]);
    expect(b.service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', role: 'follower', transport: 'sse' }));
    network.crash(a.platform);
    const next = b.controller.expectStream();
    expect(next.params.get('lastSeq')).toBe('3');
    expect(next.params.get('epoch')).toBe('e1');
    expect(next.headers['Authorization']).toBe('Bearer t');
  });

  it('the leader joins the rooms of every tab, and a new leader joins them all again', () => {
    const rooms = { features: [withProtocol(nativeWithRooms())] };
    const a = tab(rooms);
    const b = tab(rooms);
    const c = tab(rooms);
    for (const t of [a, b, c]) t.service.connect('t');
    const socket = a.controller.connection.open();
    const joined = (sent: string[]) => sent.map((f) => JSON.parse(f) as { type: string; rooms?: string[] }).filter((f) => f.type === 'join' || f.type === 'leave');
    b.service.join('b-room');
    c.service.join('c-room', 'shared');
    a.service.join('shared');
    expect(joined(socket.sentRaw)).toEqual([
      { type: 'join', rooms: ['b-room'] },
      { type: 'join', rooms: ['c-room', 'shared'] },
    ]);
    b.service.leave('b-room');
    expect(joined(socket.sentRaw).at(-1)).toEqual({ type: 'leave', rooms: ['b-room'] });
    network.crash(a.platform);
    const next = b.controller.expectConnection().open();
    expect(joined(next.sentRaw).flatMap((f) => f.rooms ?? []).sort()).toEqual(['c-room', 'shared']);
  });

  it('a tab that joins late gets the leader’s state at once and live events from then on', () => {
    const a = tab();
    a.service.connect('t');
    const socket = a.controller.connection.open({ lastSeq: 0 });
    socket.emit(put('before', 1));
    const late = tab();
    late.service.connect('t');
    expect(late.service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', role: 'follower' }));
    socket.emit(put('after', 2));
    expect(late.seqs).toEqual([2]);
  });

  it('a tab that joined after the last event takes the leader’s position, so a handover resumes from it', () => {
    const a = tab();
    a.service.connect('t');
    const socket = a.controller.connection.open({ lastSeq: 0, epoch: 'e1' });
    for (let seq = 1; seq <= 3; seq++) socket.emit(put(`k${seq}`, seq));
    const late = tab();
    late.service.connect('t');
    expect(late.seqs).toEqual([]);
    expect(late.service.lastSeq()).toBe(3);
    network.crash(a.platform);
    const next = late.controller.expectConnection();
    expect(next.params.get('lastSeq')).toBe('3');
    expect(next.params.get('epoch')).toBe('e1'); // the position comes with the history it belongs to
  });

  it('hands over when the leader’s tab crashes: the next tab connects and resumes from the newest seq, nothing lost or repeated', () => {
    const a = tab();
    const b = tab();
    const c = tab();
    for (const t of [a, b, c]) t.service.connect('t');
    const first = a.controller.connection.open({ lastSeq: 0, epoch: 'e1' });
    for (let seq = 1; seq <= 3; seq++) first.emit(put(`k${seq}`, seq));
    network.crash(a.platform);
    // b was next in the queue for the lock.
    expect(b.service.connectionState().role).toBe('leader');
    const second = b.controller.expectConnection();
    expect(second.params.get('lastSeq')).toBe('3');
    expect(second.params.get('epoch')).toBe('e1');
    second.open({ lastSeq: 5 });
    // The replay overlaps what b and c already have; only 4 and 5 are new.
    second.emitBatch([put('k3', 3), put('k4', 4), put('k5', 5)]);
    second.emit(put('k6', 6));
    expect(b.seqs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(c.seqs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(c.service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', role: 'follower' }));
    expect(c.controller.backend.connections.length).toBe(0);
  });

  it('two leaders at once (a suspended tab waking up) double no event in any tab', () => {
    const a = tab();
    const b = tab();
    const c = tab();
    for (const t of [a, b, c]) t.service.connect('t');
    const fromA = a.controller.connection.open({ lastSeq: 0 });
    network.splitBrain();
    expect(b.service.connectionState().role).toBe('leader');
    expect(a.service.connectionState().role).toBe('leader');
    const fromB = b.controller.expectConnection().open({ lastSeq: 0 });
    fromA.emit(put('k1', 1));
    fromB.emit(put('k1', 1));
    fromB.emit(put('k2', 2));
    fromA.emit(put('k2', 2));
    fromA.emit(put('k3', 3));
    for (const t of [a, b, c]) expect(t.seqs).withContext('seqs').toEqual([1, 2, 3]);
  });

  it('disconnect() steps down: the next tab with credentials leads, the one that left gets nothing more', async () => {
    const a = tab();
    const b = tab();
    const idle = tab(); // never signed in: not in the election
    a.service.connect('t');
    b.service.connect('t');
    a.controller.connection.open({ lastSeq: 0 }).emit(put('k1', 1));
    a.service.disconnect();
    await flushMicrotasks();
    expect(a.service.connectionState()).toEqual(jasmine.objectContaining({ status: 'disconnected', reason: 'client', role: 'alone' }));
    expect(a.controller.openSockets).toBe(0);
    expect(b.service.connectionState().role).toBe('leader');
    b.controller.expectConnection().open().emit(put('k2', 2));
    expect(a.seqs).toEqual([1]);
    expect(b.seqs).toEqual([1, 2]);
    expect(idle.seqs).toEqual([]);
    expect(idle.controller.backend.connections.length).toBe(0);
  });

  it('without Web Locks or BroadcastChannel every tab connects alone', () => {
    const a = tab({ apis: false });
    const b = tab({ apis: false });
    a.service.connect('t');
    b.service.connect('t');
    expect(a.controller.backend.connections.length).toBe(1);
    expect(b.controller.backend.connections.length).toBe(1);
    a.controller.connection.open();
    expect(a.service.connectionState().role).toBe('alone');
  });

  it('destroying a tab releases its lock, its channel and its socket', async () => {
    const a = tab();
    const b = tab();
    a.service.connect('t');
    b.service.connect('t');
    a.controller.connection.open();
    a.injector.destroy();
    tabs = tabs.filter((t) => t !== a);
    await flushMicrotasks();
    expect(a.controller.openSockets).toBe(0);
    expect(network.holder()).toBe(b.platform);
    b.injector.destroy();
    tabs = [];
    await flushMicrotasks();
    expect(network.holder()).toBeNull();
    expect(network.openChannels).toBe(0);
    expect(network.waiting).toBe(0);
  });
});
