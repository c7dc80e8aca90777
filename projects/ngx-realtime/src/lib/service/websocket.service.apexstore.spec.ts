import { TestBed } from '@angular/core/testing';
import { BehaviorSubject, of } from 'rxjs';
import type { KeyChangeEvent } from '../protocol/protocol';
import type { ApexStoreKeyChange } from '../protocol/apexstore-cdc-codec';
import { apexStoreCdc } from '../protocol/apexstore-cdc';
import { withAuth, withProtocol } from '../config/provide-realtime';
import { setup, tickToRetry } from './websocket-service-test-bed.spec';

/*
 * The service on ApexStore 2.2's change stream: the fake backend plays the server with the frames
 * ApexStore writes (`data: <json>\n\n`, no ids, nothing while idle).
 */

const CONNECTED = 'data: {"type":"connected","message":"CDC event stream connected"}\n\n';
const PUT_HELLO = 'data: {"type":"put","cf":"default","key":"68656c6c6f","value":[119,111,114,108,100],"timestamp":1733550000123456789}\n\n';

describe('WebSocketService on ApexStore 2.2 (apexStoreCdc)', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('reads /events with the token in a header; connected is ready on SSE, and a put reaches onKeyChanges()', () => {
    const { service, controller, events } = setup({ features: [withProtocol(apexStoreCdc())] });
    const changes: KeyChangeEvent[] = [];
    service.onKeyChanges({ keyPrefix: 'hel', operation: 'put' }).subscribe((e) => changes.push(e));
    service.connect('t');
    controller.expectNoConnection();
    const stream = controller.expectStream();
    expect(stream.url).toBe('http://realtime.test/events');
    expect(stream.headers['Authorization']).toBe('Bearer t');
    stream.accept();
    expect(service.connectionState().status).toBe('reconnecting');
    stream.emitRaw(CONNECTED);
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'sse' }));
    stream.emitRaw(PUT_HELLO);
    expect(changes.length).toBe(1);
    expect(changes[0]).toEqual(jasmine.objectContaining({ operation: 'put', key: 'hello', value: 'world', cf: 'default', timestamp: 1733550000123 }));
    expect((changes[0] as unknown as ApexStoreKeyChange).keyHex).toBe('68656c6c6f');
    expect(events.length).toBe(1);
    expect(service.lastSeq()).toBeNull();
  });

  it('sends the app’s key prefix and the operation option as the server’s filters', () => {
    const { service, controller } = setup({ config: { filter: { keyPrefix: 'user:' } }, features: [withProtocol(apexStoreCdc({ operation: 'delete' }))] });
    service.connect('t');
    const stream = controller.expectStream();
    expect(stream.params.get('prefix')).toBe('user:');
    expect(stream.params.get('type')).toBe('delete');
    expect(stream.params.has('keyPrefix')).toBeFalse();
  });

  it('after the stream ends it reconnects, and resync$ says what happened meanwhile is unknown', () => {
    const { service, controller, resyncs } = setup({ features: [withProtocol(apexStoreCdc())] });
    service.connect('t');
    const first = controller.expectStream();
    first.accept().emitRaw(CONNECTED);
    expect(resyncs).toEqual([]);
    first.end();
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'reconnecting', reason: 'network' }));
    tickToRetry(service, controller);
    const second = controller.expectStream();
    expect(second.url).toBe('http://realtime.test/events');
    second.accept().emitRaw(CONNECTED);
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'sse' }));
    expect(resyncs).toEqual([{ type: 'resync', reason: 'reconnected', lastSeq: null }]);
  });

  it('a lag message is a resync with the number of changes skipped; the stream carries on', () => {
    const { service, controller, resyncs, events } = setup({ features: [withProtocol(apexStoreCdc())] });
    service.connect('t');
    const stream = controller.expectStream();
    stream.accept().emitRaw(CONNECTED);
    stream.emitRaw('data: {"type":"lag","skipped":42}\n\n');
    expect(resyncs).toEqual([{ type: 'resync', reason: 'lag', lastSeq: null, skipped: 42 }]);
    stream.emitRaw(PUT_HELLO);
    expect(events.length).toBe(1);
    expect(service.connectionState().status).toBe('connected');
  });

  it('a malformed frame is reported on errors$ and never delivered', () => {
    const { service, controller, events, errors } = setup({ features: [withProtocol(apexStoreCdc())] });
    service.connect('t');
    const stream = controller.expectStream();
    stream.accept().emitRaw(CONNECTED);
    stream.emitRaw('data: {"type":"put","cf":"default","key":"abc","value":[1],"timestamp":1}\n\n');
    stream.emitRaw('data: {"type":"put","cf":"default","key":"6b","value":[300],"timestamp":1}\n\n');
    expect(events).toEqual([]);
    expect(errors.map((e) => e.code)).toEqual(['invalid_frame', 'invalid_frame']);
    expect(service.connectionState().status).toBe('connected');
  });

  it('a 401 gets a fresh token once; a second 401 ends in unauthorized', () => {
    let n = 0;
    const { service, controller } = setup({ features: [withProtocol(apexStoreCdc())] });
    service.connect(() => of(`token-${++n}`));
    const first = controller.expectStream();
    expect(first.headers['Authorization']).toBe('Bearer token-1');
    first.refuse(401, 'Invalid authentication token');
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'reconnecting', reason: 'token_expired' }));
    const retry = controller.expectStream();
    expect(retry.headers['Authorization']).toBe('Bearer token-2');
    retry.refuse(401, 'Invalid authentication token');
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'disconnected', reason: 'unauthorized' }));
    controller.tick(120_000);
    controller.expectNoStream();
  });

  it('a 401 whose fresh token is taken connects; a 403 ends in unauthorized at once', () => {
    let n = 0;
    const { service, controller } = setup({ features: [withProtocol(apexStoreCdc())] });
    service.connect(() => of(`token-${++n}`));
    controller.expectStream().refuse(401, 'Token has expired');
    controller.expectStream().accept().emitRaw(CONNECTED);
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'sse' }));
    TestBed.resetTestingModule();

    const forbidden = setup({ features: [withProtocol(apexStoreCdc())] });
    forbidden.service.connect(() => of('read-less'));
    forbidden.controller.expectStream().refuse(403, 'Insufficient permissions');
    expect(forbidden.service.connectionState()).toEqual(jasmine.objectContaining({ status: 'disconnected', reason: 'unauthorized' }));
  });

  it('a fresh token from withAuth opens a stream beside the live one and switches to it when ready', () => {
    const tokens = new BehaviorSubject<string | null>('a');
    const { service, controller, resyncs } = setup({ features: [withProtocol(apexStoreCdc()), withAuth(tokens)] });
    const live = controller.expectStream();
    live.accept().emitRaw(CONNECTED);
    tokens.next('b');
    const renewed = controller.expectStream();
    expect(renewed.headers['Authorization']).toBe('Bearer b');
    expect(live.closedByClient).toBeFalse();
    renewed.accept().emitRaw(CONNECTED);
    expect(live.closedByClient).toBeTrue();
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'sse' }));
    expect(resyncs.map((r) => r.reason)).toEqual(['reconnected']);
  });

  it('never judges an idle stream dead by itself: ApexStore writes nothing while idle', () => {
    const { service, controller } = setup({ features: [withProtocol(apexStoreCdc())] });
    service.connect('t');
    const stream = controller.expectStream();
    stream.accept().emitRaw(CONNECTED);
    controller.tick(30 * 60_000);
    expect(stream.state).toBe('open');
    expect(service.connectionState().status).toBe('connected');
  });

  it('when the network comes back it reconnects at once (a quiet stream may be dead), and resync$ says so', () => {
    const { service, controller, resyncs } = setup({ features: [withProtocol(apexStoreCdc())] });
    service.connect('t');
    const stream = controller.expectStream();
    stream.accept().emitRaw(CONNECTED);
    controller.network.goOffline();
    controller.network.goOnline();
    expect(stream.closedByClient).toBeTrue();
    const again = controller.expectStream();
    again.accept().emitRaw(CONNECTED);
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'sse' }));
    expect(resyncs).toEqual([{ type: 'resync', reason: 'reconnected', lastSeq: null }]);
  });

  it('on the WebSocket (auth off) it sends no token, reads the same frames, and falls back to /events', () => {
    const { service, controller, events } = setup({ features: [withProtocol(apexStoreCdc({ transport: 'websocket', auth: false }))] });
    service.connect('anonymous');
    const socket = controller.expectConnection();
    expect(socket.url).toBe('ws://realtime.test/ws/events');
    socket.accept();
    socket.emitRaw('{"type":"connected","message":"CDC event stream connected"}');
    expect(service.connectionState()).toEqual(jasmine.objectContaining({ status: 'connected', transport: 'websocket' }));
    socket.emitRaw('{"type":"delete","cf":"default","key":"68656c6c6f","timestamp":1733550000123456789}');
    expect(events).toEqual([jasmine.objectContaining({ type: 'key_change', operation: 'delete', key: 'hello' })]);
    expect(socket.sentRaw).toEqual([]); // no auth frame, no ping: ApexStore would ignore them
    socket.close(1011, 'internal error');
    tickToRetry(service, controller);
    controller.expectConnection().refuse();
    const stream = controller.expectStream();
    expect(stream.url).toBe('http://realtime.test/events');
    expect(stream.headers['Authorization']).toBe('Bearer anonymous');
  });
});
