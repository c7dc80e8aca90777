import { TestBed } from '@angular/core/testing';
import { withProtocol } from '../config/provide-realtime';
import { jsonEventsProtocol, type JsonEvent, type JsonEventsOptions } from '../protocol/json-events-protocol';
import type { RealtimeEvent } from '../protocol/realtime-protocol';
import { flushMicrotasks, setup, tickToRetry } from './websocket-service-test-bed.spec';

// What an app writes once to type its server's events (the type-level check below relies on it).
declare module 'ngx-realtime' {
  interface RealtimeEventMap {
    'stream.created': JsonEvent<'stream.created', { event: 'stream.created'; streamId: string; payload: { rate: string }; timestamp: string }>;
  }
}

const CREATED = '{"event":"stream.created","streamId":"s-1","payload":{"rate":"10"},"timestamp":"2026-03-30T11:56:00.000Z"}';

function jsonSocket(options: JsonEventsOptions = {}) {
  const bed = setup({ features: [withProtocol(jsonEventsProtocol(options))] });
  const received: RealtimeEvent[] = [];
  bed.service.events$.subscribe((e) => received.push(e));
  return { ...bed, received };
}

describe('WebSocketService with jsonEventsProtocol() (fake server)', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('is connected as soon as the socket opens and delivers each frame as an event named by its field', () => {
    const { service, controller, received } = jsonSocket();
    service.connect('t1');
    const connection = controller.expectConnection();
    expect(connection.url).toBe('ws://realtime.test/ws/events');
    connection.accept();
    expect(service.connectionState().status).toBe('connected');
    expect(connection.sentRaw).toEqual([]);
    connection.emitRaw('{"type":"STATS_UPDATE","data":{"guilds":12}}');
    connection.emitRaw('{"data":{"guilds":12}}');
    expect(received).toEqual([{ type: 'STATS_UPDATE', data: { guilds: 12 } } as RealtimeEvent]);
  });

  it('types on(name) for events declared in RealtimeEventMap with JsonEvent (compiles only if typed)', () => {
    const { service, controller } = jsonSocket({ typeField: 'event' });
    const streams: string[] = [];
    // No cast: e.streamId and e.payload.rate are strings only because 'stream.created' is declared above.
    service.on('stream.created').subscribe((e) => streams.push(`${e.streamId}@${e.payload.rate}`));
    // @ts-expect-error a field the declaration does not have
    service.on('stream.created').subscribe((e) => e.amount);
    service.connect('t1');
    controller.expectConnection().accept().emitRaw(CREATED);
    expect(streams).toEqual(['s-1@10']);
  });

  it('tells the app to resync after every reconnect: nothing is replayed', () => {
    const { service, controller, resyncs } = jsonSocket({ typeField: 'event' });
    service.connect('t1');
    controller.expectConnection().accept().drop();
    expect(service.connectionState().reason).toBe('network');
    tickToRetry(service, controller);
    controller.expectConnection().accept();
    expect(resyncs.map((r) => r.reason)).toEqual(['reconnected']);
  });

  it('ends on the close codes the app calls final, with their usual reason, and retries the others', () => {
    const final = jsonSocket({ typeField: 'event', finalCloseCodes: [1009] });
    final.service.connect('t1');
    final.controller.expectConnection().accept().close(1009, 'Message too big');
    expect(final.service.connectionState()).toEqual(jasmine.objectContaining({ status: 'disconnected', reason: 'protocol', lastCloseCode: 1009 }));
    final.controller.tick(120_000);
    final.controller.expectNoConnection();
    TestBed.resetTestingModule();

    const retried = jsonSocket({ typeField: 'event', finalCloseCodes: [1009] });
    retried.service.connect('t1');
    retried.controller.expectConnection().accept().close(1008, 'Rate limit exceeded');
    expect(retried.service.connectionState()).toEqual(jasmine.objectContaining({ status: 'reconnecting', reason: 'rate_limited', lastCloseCode: 1008 }));
    tickToRetry(retried.service, retried.controller);
    retried.controller.expectConnection();
  });

  it('sends the token in the query or in a first frame, as asked', () => {
    const query = jsonSocket({ tokenQuery: 'token' });
    query.service.connect('secret');
    expect(query.controller.expectConnection().params.get('token')).toBe('secret');
    TestBed.resetTestingModule();
    const frame = jsonSocket({ authFrame: (token) => ({ type: 'auth', token }) });
    frame.service.connect('secret');
    expect(frame.controller.expectConnection().accept().sentRaw).toEqual(['{"type":"auth","token":"secret"}']);
  });

  it('is never connected, and runs no timer, for a socket that closed before its asynchronous auth frame was made', async () => {
    let resolve!: (frame: unknown) => void;
    const { service, controller, states } = jsonSocket({
      authFrame: () => new Promise((r) => (resolve = r)),
      heartbeat: { frame: 'ping', intervalMs: 1_000 },
    });
    service.connect('t1');
    const connection = controller.expectConnection().accept();
    expect(service.connectionState().status).toBe('reconnecting');
    connection.close(1006);
    expect(controller.clock.pendingTimers).toBe(1); // the retry
    resolve({ token: 't1' });
    await flushMicrotasks();
    expect(states.some((s) => s.status === 'connected')).toBeFalse();
    expect(service.connectionState().status).toBe('reconnecting');
    expect(controller.clock.pendingTimers).toBe(1); // no connect deadline, no heartbeat for the closed socket
  });

  it('sends the client heartbeat the app asked for once connected', () => {
    const { service, controller } = jsonSocket({ heartbeat: { frame: { type: 'ping' }, intervalMs: 20_000 } });
    service.connect('t1');
    const connection = controller.expectConnection().accept();
    controller.tick(60_000);
    expect(connection.sentRaw).toEqual(['{"type":"ping"}', '{"type":"ping"}', '{"type":"ping"}']);
  });
});
